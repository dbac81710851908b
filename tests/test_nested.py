"""Nested corpus folders: every entry accounted for, readable unique ids, metadata from paths."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from analysis.corpus import CorpusWarning, build_corpus, fingerprint, load_corpus
from analysis.io import scan_folder
from analysis.metadata import path_metadata

from .conftest import PLAN

REPORT = """——2020年1月15日在某某第十三届人民代表大会第三次会议上
张三
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议。
一、2019年工作回顾
过去一年，我们做了很多工作。成绩显著。
二、2020年工作安排
（一）扩大有效投资。推进项目建设。
（二）稳定就业大局。落实就业政策。
（三）改善民生福祉。办好民生实事。
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _quiet_build(folder, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return build_corpus(folder, **kw)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "corpus"
    _write(root / "gov" / "四川省" / "2023.md", PLAN)
    _write(root / "gov" / "北京市" / "2023.md", PLAN)  # same file name in another folder
    _write(root / "misc" / "deep" / "plan.txt", PLAN)
    _write(root / "misc" / "notes.csv", "not a plan")
    _write(root / ".git" / "x.md", PLAN)  # hidden folder: skipped, not read
    outside = _write(tmp_path / "outside" / "secret.md", PLAN)
    (root / "misc" / "link.md").symlink_to(outside)
    (root / "linked_dir").symlink_to(outside.parent, target_is_directory=True)
    with open(os.fsencode(root / "misc") + b"/\xff\xfe-bad.md", "wb") as fh:  # not valid UTF-8
        fh.write(PLAN.encode())
    return root


def test_sub_folders_are_read_and_every_entry_accounted_for(tree):
    c = _quiet_build(tree)
    assert sorted(c.documents.file) == ["gov/北京市/2023.md", "gov/四川省/2023.md", "misc/deep/plan.txt"]
    assert c.documents.doc_id.is_unique
    assert set(c.documents.doc_id) == {"gov_北京市_2023", "gov_四川省_2023", "misc_deep_plan"}
    skipped = c.errors[c.errors.status == "skipped"].set_index("file").reason
    assert "symbolic link" in skipped["misc/link.md"] and "symbolic link" in skipped["linked_dir"]
    assert "hidden" in skipped[".git"] and "unsupported type .csv" in skipped["misc/notes.csv"]
    bad = [f for f in skipped.index if f.endswith("-bad.md")]
    assert len(bad) == 1 and "not valid UTF-8" in skipped[bad[0]]
    # nothing under the symlinked folder or the hidden folder was read
    assert not any("secret" in f or ".git/" in f for f in c.documents.file)
    assert len(c.documents) + len(c.errors) == 3 + 5


def test_undecodable_name_does_not_stop_fingerprint_or_cached_load(tree, tmp_path):
    fp = fingerprint(tree)  # raised UnicodeEncodeError before
    assert fp == fingerprint(tree)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        c1 = load_corpus(tree, cache_dir=tmp_path / "cache")
        c2 = load_corpus(tree, cache_dir=tmp_path / "cache")
    assert c1.doc_ids == c2.doc_ids and len(c1.doc_ids) == 3


def test_flat_folder_ids_and_files_are_unchanged(tmp_path):
    _write(tmp_path / "a plan.txt", PLAN)
    c = _quiet_build(tmp_path)
    assert c.doc_ids == ["a_plan"] and c.documents.file.tolist() == ["a plan.txt"]


def test_region_and_year_from_folder_names_with_their_source(tree):
    d = _quiet_build(tree).documents.set_index("file")
    sc = d.loc["gov/四川省/2023.md"]
    assert (sc.region, sc.level, sc.province, sc.year) == ("四川", "province", "四川", 2023)
    assert sc.region_source == "path" and sc.year_source == "path"
    bj = d.loc["gov/北京市/2023.md"]
    assert (bj.region, bj.level) == ("北京", "municipality")
    # folder names that are not divisions say nothing
    assert d.loc["misc/deep/plan.txt"].region_source != "path"


def test_only_exact_division_names_count_without_a_template():
    assert "region" not in path_metadata("plans/四川/2023.md")  # short name: not exact
    assert "region" not in path_metadata("四川省委/2023.md")  # an issuer, not a division
    assert "year" not in path_metadata("plans/2023年/x.md") and path_metadata("x/1999.md")["year"] == 1999
    m = path_metadata("gov/四川/2021.md", "{collection}/{region}/{year}.md")
    assert (m["region"], m["year"], m["fields"]["collection"]) == ("四川", 2021, "gov")
    assert "fields" not in path_metadata("a/b/c/d.md", "{collection}/{region}/{year}.md")


def test_path_template_applies_and_changes_the_cache_key(tmp_path):
    root = tmp_path / "c"
    _write(root / "gov" / "四川" / "2021.md", PLAN)
    plain = _quiet_build(root).documents.iloc[0]
    assert plain.region_source != "path"
    templ = _quiet_build(root, path_template="{collection}/{region}/{year}.md").documents.iloc[0]
    assert (templ.region, templ.year, templ.region_source, templ.year_source) == (
        "四川",
        2021,
        "path",
        "path",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        a = load_corpus(root, cache_dir=tmp_path / "k")
        b = load_corpus(root, cache_dir=tmp_path / "k", path_template="{collection}/{region}/{year}.md")
    assert a.documents.region_source.iloc[0] != "path" and b.documents.region_source.iloc[0] == "path"


def test_text_that_disagrees_with_the_path_is_reported_not_overridden(tmp_path):
    root = tmp_path / "c"
    _write(
        root / "四川省" / "2019.md", REPORT.replace("某某", "四川省")
    )  # file named 2019 holds a 2020 report
    with pytest.warns(CorpusWarning, match="path says 2019, text"):
        d = build_corpus(root).documents.iloc[0]
    assert d.year == 2019 and d.year_source == "path"
    assert "2020" in d.metadata_conflicts and d.inferred_year == 2020 and d.issued_date == "2020-01-15"
    _write(root / "四川省" / "2019.md", REPORT.replace("某某", "贵州省"))
    d = _quiet_build(root).documents.iloc[0]
    assert d.region == "四川" and "region: path says 四川, text says 贵州" in d.metadata_conflicts


def test_cli_counts_agree_and_exit_non_zero_when_nothing_parsed(tmp_path):
    empty = tmp_path / "empty"
    _write(empty / "sub" / "notes.csv", "x")
    _write(empty / "sub" / "bad.md", "")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    run = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(empty), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, env=env)  # fmt: skip
    assert run.returncode != 0
    assert "0 plans parsed" in run.stdout and "1 file(s) rejected, 1 entry skipped" in run.stdout
    assert "sub/notes.csv" in run.stderr and "bad.md" in run.stderr


def test_scan_folder_can_stay_flat(tree):
    files, skipped = scan_folder(tree, recursive=False)
    assert files == [] and {"gov", "misc"} <= {s["file"] for s in skipped}
