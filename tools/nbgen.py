"""Write a notebook from a compact list of cells (developer helper; notebooks are committed without outputs).

Usage from Python: ``write_notebook(path, [("md", "..."), ("params", "..."), ("code", "...")])``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(path: str | Path, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in cells:
        src = src.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(src))
        elif kind == "params":
            nb.cells.append(nbformat.v4.new_code_cell(src, metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src))
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i:02d}"
    path = Path(path)
    nbformat.write(nb, path)
    return path
