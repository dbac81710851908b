"""The suite runs notebooks in parallel processes: the summary keeps their order and the
shared figure index loses no row."""

from __future__ import annotations

import csv
import multiprocessing as mp

import nbformat

from analysis.figures import _update_index
from analysis.suite import run_suite


def _writer(args):
    out, tag, n = args
    from pathlib import Path

    out = Path(out)
    for i in range(n):
        name = f"{tag}_{i:03d}"
        (out / f"{name}.png").write_bytes(f"{tag}{i}".encode())
        _update_index(out, name, [f"{name}.png"], name, "", "", "")


def test_parallel_writers_lose_no_index_row(tmp_path):
    # Without the lock, two processes doing read-modify-write of index.csv drop each other's rows.
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(_writer, [(str(tmp_path), "a", 60), (str(tmp_path), "b", 60)])
    with (tmp_path / "index.csv").open(encoding="utf-8") as fh:
        names = sorted(r["name"] for r in csv.DictReader(fh))
    assert names == sorted([f"a_{i:03d}" for i in range(60)] + [f"b_{i:03d}" for i in range(60)])
    assert not [p for p in tmp_path.iterdir() if p.suffix not in (".png", ".csv")]  # no lock file left


def _notebook(path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("X = 1")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def test_summary_keeps_notebook_order_with_two_jobs(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _notebook(nbs / "00_slow.ipynb", "import time; time.sleep(2); print(X)")
    _notebook(nbs / "01_fails.ipynb", "raise ValueError('planted')")
    _notebook(nbs / "02_fast.ipynb", "print(X)")
    rows = run_suite(
        notebooks_dir=nbs, reports_dir=tmp_path / "reports", figures_dir=tmp_path / "fig", jobs=2
    )
    assert [r["notebook"] for r in rows] == ["00_slow.ipynb", "01_fails.ipynb", "02_fast.ipynb"]
    assert [r["ok"] for r in rows] == [True, False, True]
    assert "planted" in rows[1]["error"]
    assert (tmp_path / "reports" / "01_fails.html").is_file()
