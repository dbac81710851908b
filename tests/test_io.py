"""Reading plans in every encoding we promise, and clear errors for bad files."""

from __future__ import annotations

import pytest

from analysis import CorpusWarning, PlanReadError, build_corpus
from analysis.io import read_plan_file

from .conftest import PLAN, write


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
    ],
)
def test_decodes_each_encoding(tmp_path, encoding, expected):
    path = write(tmp_path, "plan.txt", PLAN, encoding)
    decoded = read_plan_file(path)
    assert decoded.text == PLAN
    assert decoded.encoding == expected
    assert decoded.had_bom == (encoding in ("utf-8-sig", "utf-16"))


def test_crlf_is_normalised_and_reported(tmp_path):
    path = write(tmp_path, "plan.txt", PLAN.replace("\n", "\r\n"))
    decoded = read_plan_file(path)
    assert "\r" not in decoded.text
    assert decoded.text == PLAN
    assert decoded.newline == "\r\n"


def test_crlf_plan_parses_like_lf(tmp_path):
    write(tmp_path, "a.txt", PLAN)
    write(tmp_path, "b.txt", PLAN.replace("\n", "\r\n"), "gb18030")
    c = build_corpus(tmp_path)
    a, b = (
        c.items[c.items.doc_id == d][["path", "title", "text"]].reset_index(drop=True) for d in ("a", "b")
    )
    assert a.equals(b)
    assert c.documents.set_index("doc_id").loc["b", "newline"] == "CRLF"


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"   \n\n  ", "empty file"),
        (bytes(range(256)) * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        ("This is an English memo, not a plan. " * 10, "no Chinese text"),
    ],
)
def test_bad_files_raise_with_file_and_reason(tmp_path, content, reason):
    path = write(tmp_path, "bad.txt", content)
    with pytest.raises(PlanReadError) as info:
        read_plan_file(path)
    assert "bad.txt" in str(info.value)
    assert reason in info.value.reason


def test_bad_files_do_not_stop_the_corpus(tmp_path):
    write(tmp_path, "good.txt", PLAN)
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "binary.md", bytes(range(256)) * 4)
    write(tmp_path, "notes.csv", "ignored: not a plan suffix")
    with pytest.warns(CorpusWarning) as record:
        c = build_corpus(tmp_path)
    assert c.doc_ids == ["good"]
    rejected = c.errors[c.errors.status == "rejected"]
    assert sorted(rejected["file"]) == ["binary.md", "empty.txt"]
    messages = " ".join(str(w.message) for w in record)
    assert "empty.txt" in messages and "binary.md" in messages and "notes.csv" in messages
    assert set(rejected["reason"]) == {"empty file", "binary file (NUL or control bytes), not a text plan"}
    skipped = c.errors[c.errors.status == "skipped"]
    assert skipped["file"].tolist() == ["notes.csv"] and "unsupported type .csv" in skipped.reason.iloc[0]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        build_corpus(tmp_path / "nope")
