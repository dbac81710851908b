"""Regression tests for the hostile inputs of issue 20, one (or a few) per point, named after it.

Every fixture is made by the test itself. Each test reproduces what the probe found; the
principle each one checks is written in the README's "What happens to bad input".
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import tracemalloc
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import build_corpus, load_corpus
from analysis.errors import ManifestError
from analysis.io import PlanReadError, file_digest, read_plan_file

from .conftest import PLAN, ROOT, write

ITEMS = "".join(
    f"<p>{i}.深入学习贯彻党的二十大精神，组织团员青年开展主题教育活动，推动学习走深走实。</p>\n"
    for i in range(1, 7)
)


def page(charset: str = "utf-8", before: str = "", after: str = "", head: str = "", body: str = "") -> str:
    return (
        f"{before}<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
        f"<title>某市共青团2023年工作要点</title>{head}</head><body>{body}<h1>某市共青团2023年工作要点</h1>"
        f"<p>一、加强思想引领</p>\n{ITEMS}<p>二、服务青年发展</p></body></html>{after}"
    )


def _quiet_build(folder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = build_corpus(folder)
    return corpus, [str(w.message) for w in caught]


# ---------------------------------------------------------------------------------------------
# Point 1: a saved web page (comments outside <html>, a DTD internal subset) loads; one bad file
# never stops the others.


@pytest.mark.parametrize(
    "before, after",
    [
        ("<!-- saved from url=(0040)http://www.example.gov.cn/tw/plan.html -->\n", ""),
        ("", "\n<!-- trailing comment after the page -->"),
        ('<!DOCTYPE html [<!ENTITY site "某网站">]>\n<!-- a -->', "<!-- b -->"),
        ("<?xml version='1.0'?>\n<!-- saved -->\n", "<!--"),  # an unclosed comment at the end
    ],
)
def test_point1_saved_web_page_loads(tmp_path, before, after):
    write(tmp_path, "saved.html", page(before=before, after=after))
    decoded = read_plan_file(tmp_path / "saved.html")
    assert "一、加强思想引领" in decoded.text and decoded.text.count("深入学习贯彻") == 6
    assert "saved from" not in decoded.text and "ENTITY" not in decoded.text


def test_point1_one_bad_file_never_stops_the_others(tmp_path):
    write(tmp_path, "a.txt", PLAN)
    write(tmp_path, "b.html", page(before="<!-- saved from url=(0014)about:internet -->\n"))
    write(tmp_path, "c.html", b"<html>\x00\x01\x02<p>\xff\xfe</p>" * 50)
    write(tmp_path, "d.docx", b"PK\x03\x04 damaged package")
    corpus, messages = _quiet_build(tmp_path)
    assert corpus.doc_ids == ["a", "b"]
    rejected = corpus.errors.set_index("file").reason
    assert set(rejected.index) == {"c.html", "d.docx"}
    assert any("d.docx" in m for m in messages) and any("c.html" in m for m in messages)


# ---------------------------------------------------------------------------------------------
# Point 2: a declared charset passes the same plausibility check as every other decode.


@pytest.mark.parametrize(
    "declared, encoding",
    [("utf-16", "utf-8"), ("iso-8859-1", "utf-8"), ("gb2312", "big5"), ("big5", "gb18030"), ("utf-8", "gbk")],
)
def test_point2_wrong_declared_charset_falls_back_to_detection(tmp_path, declared, encoding):
    text = page(charset=declared)
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    write(tmp_path, "p.html", text.encode(encoding))
    decoded = read_plan_file(tmp_path / "p.html")
    assert decoded.text.count("深入学习") == 6 or decoded.text.count("深入學習") == 6
    assert "工作要点" in decoded.text or "工作要點" in decoded.text
    assert f"declared {declared}" in decoded.encoding


def test_point2_garbage_is_rejected_whatever_the_source(tmp_path):
    # UTF-8 bytes behind a UTF-16 byte-order mark: the BOM is no licence to load garbage
    write(
        tmp_path, "bom.txt", b"\xff\xfe" + PLAN.encode("utf-8") + (b"\x00" if len(PLAN.encode()) % 2 else b"")
    )
    decoded = read_plan_file(tmp_path / "bom.txt")
    assert decoded.encoding == "utf-8" and PLAN.strip() in decoded.text  # not UTF-16 garbage
    assert [b for _, b in decoded.invalid_bytes] == [b"\xff", b"\xfe"]  # the stray BOM, recorded
    # and a file that is garbage in every encoding is rejected, naming the file
    write(tmp_path, "junk.txt", "".join(chr(0x0400 + i % 200) for i in range(3000)).encode("utf-8"))
    with pytest.raises(PlanReadError, match="junk.txt"):
        read_plan_file(tmp_path / "junk.txt")


# ---------------------------------------------------------------------------------------------
# Point 3: a file is read once; the cache describes the bytes that were parsed.


def test_point3_file_rewritten_during_the_build_is_not_cached(tmp_path, monkeypatch):
    import analysis.corpus as corpus_mod
    import analysis.io as io_mod

    raw, cache = tmp_path / "raw", tmp_path / "cache"
    raw.mkdir()
    full = PLAN + "".join(f"\n{n}.组织青年志愿服务活动。\n" for n in range(5, 23))
    write(raw, "a.txt", full)
    real = io_mod._read_bytes

    def half_written(path, max_bytes):
        data = real(path, max_bytes)
        return data[: len(data) // 2].decode("utf-8", "ignore").encode("utf-8")  # read mid-rewrite

    monkeypatch.setattr(io_mod, "_read_bytes", half_written)
    with pytest.warns(corpus_mod.CacheWarning, match="changed"):
        first = load_corpus(raw, cache_dir=cache)
    assert len(first.items) < 22 and not (cache / "build.json").exists()
    monkeypatch.setattr(io_mod, "_read_bytes", real)
    again = load_corpus(raw, cache_dir=cache)
    assert len(again.items) == 22


# ---------------------------------------------------------------------------------------------
# Point 5: a zip bomb is stopped while inflating, within a byte budget.


def _docx_bytes(document_xml: bytes, lie: bool = False) -> bytes:
    from docx import Document

    buf = io.BytesIO()
    d = Document()
    d.add_paragraph("某市共青团2023年工作要点" * 3)
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", document_xml + b"</w:body>")
            z.writestr(info, data)
    raw = out.getvalue()
    if lie:  # headers claim the document is tiny
        import struct

        i = raw.find(b"PK\x01\x02" + raw[raw.find(b"PK\x01\x02") + 4 : raw.find(b"PK\x01\x02") + 4])
        i = raw.find(b"word/document.xml", raw.find(b"PK\x01\x02")) - 46
        raw = raw[: i + 24] + struct.pack("<I", 1000) + raw[i + 28 :]
    return raw


def test_point5_zip_bomb_is_stopped_within_its_budget(tmp_path):
    from analysis.readers import read_docx

    bomb = _docx_bytes(b"<w:p><w:r><w:t>" + b" " * (30 * 2**20) + b"</w:t></w:r></w:p>")
    assert len(bomb) < 100_000
    write(tmp_path, "bomb.docx", bomb)
    tracemalloc.start()
    with pytest.raises(Exception, match="zip bomb"):
        read_docx(tmp_path / "bomb.docx", max_inflated=4 * 2**20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 2**20  # never inflated in full (30 MB)
    # the same through the corpus: rejected, named, the rest loads
    write(tmp_path, "a.txt", PLAN)
    import analysis.readers as readers

    old = readers.MAX_INFLATED_BYTES
    try:
        readers.MAX_INFLATED_BYTES = 4 * 2**20
        readers.read_docx.__kwdefaults__["max_inflated"] = 4 * 2**20
        corpus, _ = _quiet_build(tmp_path)
    finally:
        readers.MAX_INFLATED_BYTES = old
        readers.read_docx.__kwdefaults__["max_inflated"] = old
    assert corpus.doc_ids == ["a"]
    assert "zip bomb" in corpus.errors.set_index("file").at["bomb.docx", "reason"]


def test_point5_lying_zip_headers_are_caught_by_the_bounded_stream(tmp_path):
    from analysis.readers import ReaderError, read_docx

    bomb = _docx_bytes(b"<w:p><w:r><w:t>" + b" " * (6 * 2**20) + b"</w:t></w:r></w:p>", lie=True)
    with pytest.raises(ReaderError, match="docx"):
        read_docx(bomb, max_inflated=4 * 2**20)


def test_point15_corrupt_docx_says_so(tmp_path):
    write(tmp_path, "x.docx", b"this is not a zip package at all" * 10)
    with pytest.raises(PlanReadError, match="x.docx.*damaged Word .docx"):
        read_plan_file(tmp_path / "x.docx")


# ---------------------------------------------------------------------------------------------
# Point 6: the cleaner is linear (benchmarks/clean_scale.py measures it; here: same edits as a
# brute-force reference, and a long one-line plan stays lossless).


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=40))
def test_point6_resolve_equals_the_quadratic_reference(spans):
    from analysis.clean import Edit, _resolve

    edits = [Edit(s, s + n, "", f"k{i}") for i, (s, n) in enumerate(spans)]
    accepted, taken = [], []
    for e in edits:  # the original first-come-wins rule, pairwise
        if any(e.start < b and a < e.end for a, b in taken if e.end > e.start and b > a):
            continue
        if e.start == e.end and any(a < e.start < b for a, b in taken):
            continue
        accepted.append(e)
        taken.append((e.start, e.end))
    assert _resolve(edits) == sorted(accepted, key=lambda e: (e.start, e.end))


def test_point6_one_line_plan_and_many_reader_edits_stay_lossless():
    from analysis.clean import Edit, clean_text, restore_raw

    line = "某市共青团2023年工作要点 一、加强思想引领 " + "深入学习贯彻,组织团员青年◆开展主题教育。" * 20_000
    r = clean_text(line)
    assert restore_raw(r.body, r.edits, r.body_positions) == line
    assert sum(e.kind == "punctuation_width" for e in r.edits) == 20_000
    nav = [f"栏目{i}" for i in range(5_000)]
    text = "\n".join(nav + ["某市共青团2023年工作要点", "一、加强思想引领", "1.深入学习。"])
    pre, pos = [], 0
    for ln in nav:
        pre.append(Edit(pos, pos + len(ln), "", "html_navigation"))
        pos += len(ln) + 1
    r = clean_text(text, pre_edits=pre)
    assert r.body.startswith("某市共青团2023年工作要点")
    assert restore_raw(r.body, r.edits, r.body_positions) == text


# ---------------------------------------------------------------------------------------------
# Point 12: libxml2's limits do not drop content.


def test_point12_huge_script_data_uri_and_deep_nesting_keep_the_plan(tmp_path):
    script = "<script>var x = '" + "a" * (11 * 2**20) + "';</script>"
    image = "<img src='data:image/png;base64," + "QUJD" * (3 * 2**20) + "'>"
    write(tmp_path, "script.html", page(head=script, body=image))
    deep = "<div>" * 400 + "</div>" * 400
    write(tmp_path, "deep.html", page(body="<div>" * 300 + page() + "</div>" * 300 + deep))
    for name in ("script.html", "deep.html"):
        text = read_plan_file(tmp_path / name).text
        assert text.count("深入学习贯彻") >= 6, name
        assert "QUJD" not in text and "var x" not in text


# ---------------------------------------------------------------------------------------------
# Point 13: the size limit is checked by stat() before a byte is read.


def test_point13_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: 300 MB on paper, nothing on disk
        fh.truncate(300 * 2**20)
    opened = []
    real_open = open

    def spy(file, mode="r", *args, **kwargs):
        if str(file) == str(big) and "b" in mode:
            opened.append(file)
        return real_open(file, mode, *args, **kwargs)

    import builtins

    monkeypatch.setattr(builtins, "open", spy)
    with pytest.raises(PlanReadError, match="big.txt.*over the limit"):
        read_plan_file(big)
    assert file_digest(big).startswith("<over the limit")
    assert opened == []
