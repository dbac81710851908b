"""Parquet cache reuse/rebuild, and the build command."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd

from analysis import load_corpus

from .conftest import PLAN, RAW, write


def test_cache_is_reused_then_rebuilt_when_a_file_changes(tmp_path):
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    raw.mkdir()
    write(raw, "a.txt", PLAN)
    c1 = load_corpus(raw, cache_dir=cache)
    assert (cache / "items.parquet").is_file()
    stamp = (cache / "items.parquet").stat().st_mtime_ns
    c2 = load_corpus(raw, cache_dir=cache)
    assert (cache / "items.parquet").stat().st_mtime_ns == stamp  # reused, not rewritten
    pd.testing.assert_frame_equal(c1.items, c2.items)
    write(raw, "a.txt", PLAN.replace("七彩假期", "希望工程"))
    c3 = load_corpus(raw, cache_dir=cache)
    assert "希望工程" in c3.items.text.iloc[-1]
    write(raw, "b.txt", PLAN)
    assert load_corpus(raw, cache_dir=cache).doc_ids == ["a", "b"]


def test_cached_tables_equal_fresh_ones(tmp_path):
    cached = load_corpus(RAW, cache_dir=tmp_path)
    again = load_corpus(RAW, cache_dir=tmp_path)
    fresh = load_corpus(RAW, use_cache=False)
    for t in ("documents", "items", "sections", "removed"):
        pd.testing.assert_frame_equal(getattr(again, t), getattr(fresh, t), check_dtype=False)
        pd.testing.assert_frame_equal(getattr(cached, t), getattr(fresh, t), check_dtype=False)
    assert again.raw_text("beijing_2023") == (RAW / "beijing_2023.txt").read_text(encoding="utf-8")


def test_build_command_writes_parquet_and_prints_summary(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    write(raw, "broken.txt", b"")
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "chongqing_2023" in res.stdout and "5 plans parsed" in res.stdout
    assert "broken.txt: empty file" in res.stderr
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 5
    assert pd.read_parquet(out / "errors.parquet").file.tolist() == ["broken.txt"]


def test_run_passes_parameters_to_the_notebooks_that_declare_them(tmp_path):
    """`run -p NAME VALUE` (papermill's convention): a value reaches each notebook declaring NAME; an
    unknown NAME is one error line, before any notebook runs."""
    import nbformat
    import pytest

    from analysis.errors import AnalysisError
    from analysis.suite import run_suite

    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    for name, params in (
        ("a.ipynb", "K = 2\nRAW_DIR = None\nFIGURES_DIR = None"),
        ("b.ipynb", "RAW_DIR = None"),
    ):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell("print(repr(globals().get('K')))")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, nbdir / name)
    results = run_suite(notebooks_dir=nbdir, reports_dir=tmp_path / "rep", figures_dir=tmp_path / "fig",
                        parameters={"K": "(3, 4)"})  # fmt: skip
    assert all(r["ok"] for r in results), results
    html = (tmp_path / "rep" / "a.html").read_text(encoding="utf-8")
    assert "(3, 4)" in html
    with pytest.raises(AnalysisError, match="no notebook has a parameter NO_SUCH"):
        run_suite(notebooks_dir=nbdir, reports_dir=tmp_path / "rep", parameters={"NO_SUCH": "1"})
