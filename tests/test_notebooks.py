"""Every notebook runs headless top to bottom on the seeds, with no missing glyphs."""

from __future__ import annotations

import pytest

from analysis.suite import execute_notebook, glyph_warnings, notebook_paths


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    nb = execute_notebook(path, parameters={"FIGURES_DIR": str(tmp_path)}, timeout=600)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert glyph_warnings(nb) == []
    pngs = sorted(tmp_path.glob("*.png"))
    assert pngs, "notebook wrote no figures"
    for png in pngs:
        assert (tmp_path / f"{png.stem}.svg").is_file() and (tmp_path / f"{png.stem}.pdf").is_file()
    assert (tmp_path / "index.csv").is_file()
