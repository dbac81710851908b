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

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import build_corpus, load_corpus
from analysis.errors import ManifestError
from analysis.io import PlanReadError, read_plan_file

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
    if lie:  # the central directory claims the document inflates to 1,000 bytes
        import struct

        i = raw.find(b"word/document.xml", raw.find(b"PK\x01\x02")) - 46  # its central-directory entry
        raw = raw[: i + 24] + struct.pack("<I", 1000) + raw[i + 28 :]
    return raw


def test_point5_zip_bomb_is_stopped_within_its_budget(tmp_path, monkeypatch):
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

    monkeypatch.setattr(readers, "MAX_INFLATED_BYTES", 4 * 2**20)
    corpus, _ = _quiet_build(tmp_path)
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
    from analysis.io import file_digest

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


# ---------------------------------------------------------------------------------------------
# Point 7: `run --out` deletes or overwrites only files the tool wrote itself.


def _cli(*args, cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_point7_clear_never_trusts_an_index_it_did_not_write(tmp_path):
    import matplotlib.pyplot as plt

    from analysis import figures

    (tmp_path / "thesis_fig3.png").write_bytes(b"\x89PNG the user's own figure")
    (tmp_path / "index.csv").write_text(
        "file,name,title,caption,source,data\nthesis_fig3.png,thesis_fig3,,,,\n", encoding="utf-8"
    )
    assert figures.clear(tmp_path) == [] and (tmp_path / "thesis_fig3.png").exists()
    # a forged hash column does not help either: the hash must be the file's
    (tmp_path / "index.csv").write_text(
        "file,name,title,caption,source,data,sha256\nthesis_fig3.png,thesis_fig3,,,,,00ff\n", encoding="utf-8"
    )
    assert figures.clear(tmp_path) == [] and (tmp_path / "thesis_fig3.png").exists()
    fig, _ = plt.subplots()
    written = figures.save(fig, "keyness", tmp_path, formats=("png",), close=True)
    edited = figures.save(plt.subplots()[0], "edited", tmp_path, formats=("png",), close=True)
    edited[0].write_bytes(b"the user changed this one")
    assert figures.clear(tmp_path) == written  # its own, unchanged figure only
    assert (tmp_path / "thesis_fig3.png").exists() and edited[0].exists()


def test_point7_run_out_refuses_project_root_and_foreign_folders(tmp_path):
    for out in (ROOT, ROOT / "figures" / ".."):
        res = _cli("run", "--out", out)
        assert res.returncode == 2 and "project folder" in res.stderr and "Traceback" not in res.stderr
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.docx").write_bytes(b"user data")
    res = _cli("run", "--out", mine)
    assert res.returncode == 2 and "not empty" in res.stderr and "--force" in res.stderr
    (mine / "figures").mkdir()
    (mine / "figures" / "thesis_fig3.png").write_bytes(b"user figure")
    res = _cli("run", "--out", mine, "--force")
    assert res.returncode == 2 and "figures/thesis_fig3.png" in res.stderr
    assert sorted(p.name for p in mine.rglob("*")) == ["chapter1.docx", "figures", "thesis_fig3.png"]


def test_point7_run_out_with_force_keeps_the_users_files_and_records_its_own(tmp_path):
    raw, out, nbs = tmp_path / "raw", tmp_path / "out", tmp_path / "no-notebooks"
    raw.mkdir()
    nbs.mkdir()
    write(raw, "a.txt", PLAN)
    out.mkdir()
    (out / "index.csv").write_text("file\nchapter1.docx\n", encoding="utf-8")
    (out / "chapter1.docx").write_bytes(b"user data")
    res = _cli("run", "--raw", raw, "--out", out, "--notebooks", nbs, "--force")
    assert res.returncode == 0, res.stderr
    assert (out / "chapter1.docx").read_bytes() == b"user data" and (out / "index.csv").exists()
    import json

    owned = json.loads((out / ".analysis-run.json").read_text(encoding="utf-8"))["files"]
    assert "tables/documents.parquet" in owned and "chapter1.docx" not in owned
    # the second run needs no --force: the folder is now the tool's
    assert _cli("run", "--raw", raw, "--out", out, "--notebooks", nbs).returncode == 0


def test_point15_build_out_a_file_is_one_line(tmp_path):
    write(tmp_path, "a.txt", PLAN)
    (tmp_path / "out.txt").write_text("x")
    res = _cli("build", "--raw", tmp_path, "--out", tmp_path / "out.txt")
    assert res.returncode == 2 and res.stderr.startswith("error:") and "Traceback" not in res.stderr


# ---------------------------------------------------------------------------------------------
# Point 8: `cache clear` from another working directory keeps caches of folders that exist.


def test_point8_cache_clear_from_another_directory(tmp_path):
    (tmp_path / "work" / "plans").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "work" / "plans", "a.txt", PLAN)
    env = {"ANALYSIS_CACHE_DIR": str(tmp_path / "cache-root")}
    assert _cli("build", "--raw", "plans", cwd=tmp_path / "work", env=env).returncode == 0
    res = _cli("cache", "clear", cwd=tmp_path / "elsewhere", env=env)
    assert res.stdout.startswith("Deleted 0"), res.stdout
    assert len(list((tmp_path / "cache-root" / "corpora").iterdir())) == 1
    import shutil

    shutil.rmtree(tmp_path / "work" / "plans")
    assert _cli("cache", "clear", cwd=tmp_path / "elsewhere", env=env).stdout.startswith("Deleted 1")


def test_point8_relative_source_of_an_old_cache_is_never_taken_for_gone(tmp_path):
    import json

    from analysis.corpus import clear_caches

    old = tmp_path / "corpora" / "plans-1234"
    old.mkdir(parents=True)
    (old / "build.json").write_text(json.dumps({"source": "plans"}), encoding="utf-8")
    assert clear_caches(tmp_path) == [] and old.exists()
    assert clear_caches(tmp_path, stale_only=False) == [old]


# ---------------------------------------------------------------------------------------------
# Point 11: a cache that cannot be written gives an in-memory corpus and one warning.


def _one_cache_warning(caught):
    from analysis.corpus import CacheWarning

    cache_warnings = [w for w in caught if issubclass(w.category, CacheWarning)]
    assert len(cache_warnings) == 1, [str(w.message) for w in cache_warnings]
    return str(cache_warnings[0].message)


@pytest.mark.parametrize("how", ["cannot-create", "read-only", "disk-full"])
def test_point11_unusable_cache_degrades_to_memory(tmp_path, monkeypatch, how):
    import analysis.corpus as corpus_mod

    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw, "a.txt", PLAN)
    cache = tmp_path / "cache"
    if how == "cannot-create":
        (tmp_path / "blocker").write_text("a file where a folder should be")
        cache = tmp_path / "blocker" / "cache"
    elif how == "read-only":
        cache.mkdir()

        def read_only(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(corpus_mod, "cache_lock", _raising_lock(read_only))
    else:

        def full(path, write):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(corpus_mod, "_write_atomic", full)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(raw, cache_dir=cache)
        assert len(corpus.tokens) > 0  # tokens too, in memory, with no second warning
    assert corpus.doc_ids == ["a"] and len(corpus.items) == 4
    assert "in memory" in _one_cache_warning(caught)


def _raising_lock(fail):
    import contextlib

    @contextlib.contextmanager
    def lock(folder, *, shared=False):
        fail()
        yield

    return lock


def test_point15_stale_tmp_files_of_a_killed_build_are_removed(tmp_path):
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    raw.mkdir()
    cache.mkdir()
    write(raw, "a.txt", PLAN)
    (cache / ".items.parquet.99999.tmp").write_bytes(b"half a table")
    load_corpus(raw, cache_dir=cache)
    assert not list(cache.glob("*.tmp")) and not list(cache.glob(".*.tmp"))


# ---------------------------------------------------------------------------------------------
# Point 14: manifests are read strictly.


def _manifest_error(tmp_path, text: str | bytes) -> str:
    write(tmp_path, "a.txt", PLAN)
    write(tmp_path, "b.txt", PLAN)
    write(tmp_path, "manifest.csv", text)
    with pytest.raises(ManifestError) as info:
        build_corpus(tmp_path)
    assert "manifest.csv" in str(info.value)
    return str(info.value)


def test_point14_unbalanced_quote_is_an_error_not_swallowed_rows(tmp_path):
    msg = _manifest_error(tmp_path, 'file,region,notes\na.txt,某市,"a note\nb.txt,某县,"other\n')
    assert "row" in msg or "line" in msg
    msg = _manifest_error(tmp_path, 'file,region\na.txt,"某市\n')
    assert "line 2" in msg and "quote" in msg


def test_point14_huge_field_is_a_manifest_error(tmp_path):
    msg = _manifest_error(tmp_path, "file,notes\na.txt," + "长" * 200_000 + "\n")
    assert "line 2" in msg


def test_point14_names_match_after_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "café_计划.txt")
    write(tmp_path, unicodedata.normalize("NFC", "café_计划.txt"), PLAN)
    write(tmp_path, "manifest.csv", f"file,region\n{nfd},某市\n")
    corpus, messages = _quiet_build(tmp_path)
    assert corpus.documents.region.tolist() == ["某市"]
    assert not any("not found" in m for m in messages)


@pytest.mark.parametrize(
    "column, value, expected",
    [("level", "big city", "'level'"), ("issued_date", "2023/13/45", "'issued_date'"),
     ("issued_date", "2023-02-30", "'issued_date'")],
)  # fmt: skip
def test_point14_level_and_date_vocabularies(tmp_path, column, value, expected):
    msg = _manifest_error(tmp_path, f"file,{column}\na.txt,{value}\n")
    assert "row 2" in msg and expected in msg


def test_point14_manifest_symlink_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret first line\n")
    plans = tmp_path / "plans"
    plans.mkdir()
    write(plans, "a.txt", PLAN)
    (plans / "manifest.csv").symlink_to(secret)
    with pytest.raises(ManifestError, match="symbolic link") as info:
        build_corpus(plans)
    assert "top secret" not in str(info.value)


# ---------------------------------------------------------------------------------------------
# Point 15: minor items.


def test_point15_figure_names_are_unique_bounded_in_bytes_and_without_bidi(tmp_path):
    from analysis.figures import safe_name

    names = ["..", ".", "", "...", "a/b", "a_b", "a:b"]
    assert len({safe_name(n) for n in names}) == len(names)
    long_a, long_b = "关于" * 50 + "甲", "关于" * 50 + "乙"
    assert safe_name(long_a) != safe_name(long_b)
    assert all(len(safe_name(n).encode("utf-8")) <= 120 for n in (long_a, long_b))
    assert len(safe_name(long_a, max_bytes=200).encode("utf-8")) <= 200
    for bad in ("\u202egnp.exe", "a\u2066b\u2069", "x\u200by", "a\nb\tc"):
        stem = safe_name(bad)
        assert all(unicodedata.category(c)[0] != "C" for c in stem), repr(stem)
    (tmp_path / (safe_name(long_a) + ".png")).write_bytes(b"")  # the file system accepts it


def test_point15_nul_byte_in_body_is_recorded_as_a_removal(tmp_path):
    write(tmp_path, "a.txt", PLAN.replace("七彩假期", "七彩\x00假期").encode("utf-8").rjust(9000, b" "))
    corpus, _ = _quiet_build(tmp_path)
    assert "\x00" not in corpus.documents.body.iloc[0]
    removed = corpus.removed[corpus.removed.kind == "control_char"]
    assert removed.text.tolist() == ["\x00"] and "control character" in removed.reason.iloc[0]
    assert corpus.raw_text("a") == read_plan_file(tmp_path / "a.txt").text


def test_point15_pypdf_noise_stays_off_stderr(tmp_path, capfd):
    write(tmp_path, "a.txt", PLAN)
    write(
        tmp_path,
        "broken.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    )
    corpus, messages = _quiet_build(tmp_path)
    err = capfd.readouterr().err
    assert corpus.doc_ids == ["a"] and "broken.pdf" in corpus.errors.file.tolist()
    assert "pypdf" not in err and "Xref" not in err and "startxref" not in err.lower()


def test_point15_warn_bytes_is_gone():
    import analysis.io

    assert not hasattr(analysis.io, "WARN_BYTES")


# ---------------------------------------------------------------------------------------------
# Fuzz targets for the HTML and .docx readers: each input loads (text with the plan's
# characters, every edit inside it) or is a PlanReadError naming the file.

HTML_PIECES = st.sampled_from(
    ["<!-- saved from url=(0014)about:internet -->", "<!--", "-->", "<script>", "</script>", "<style>",
     "<p>", "</p>", "<div>", "</div>", "<br>", "<![CDATA[", "]]>", "<!DOCTYPE html [", "]>", "<?xml ?>",
     "<meta charset='gb2312'>", "<meta charset='utf-16'>", "<meta charset='nonsense'>", "&nbsp;", "&#0;",
     "&amp;", "data:image/png;base64,QUJD", "\x00", "\ufeff", "一、加强思想引领", "1.深入学习贯彻党的二十大精神。",
     "某市共青团2023年工作要点", "<table><tr><td>", "</td></tr></table>", "<title>", "</title>", "<"]
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(HTML_PIECES, max_size=40), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_fuzz_html_reader(tmp_path, pieces, encoding):
    path = tmp_path / "x.html"
    path.write_bytes("".join(pieces).encode(encoding, "replace"))
    _loads_or_names(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    paragraphs=st.lists(st.sampled_from(["一、加强思想引领", "1.深入学习贯彻党的二十大精神，推动学习走深走实。",
                                         "某市共青团2023年工作要点", "", "\t", "x" * 30]), max_size=12),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=3),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
)  # fmt: skip
def test_fuzz_docx_reader(tmp_path, paragraphs, flips, cut):
    from docx import Document

    buf = io.BytesIO()
    d = Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(buf)
    data = bytearray(buf.getvalue())
    for at, byte in flips:
        data[at % len(data)] = byte
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    path = tmp_path / "x.docx"
    path.write_bytes(bytes(data))
    _loads_or_names(path)


def _loads_or_names(path: Path) -> None:
    from analysis.clean import clean_text, restore_raw

    try:
        decoded = read_plan_file(path)
    except PlanReadError as exc:
        assert str(path) in str(exc)
        return
    assert all(0 <= e.start <= e.end <= len(decoded.text) for e in decoded.edits)
    cleaned = clean_text(decoded.text, pre_edits=decoded.edits)
    assert restore_raw(cleaned.body, cleaned.edits, cleaned.body_positions) == decoded.text
