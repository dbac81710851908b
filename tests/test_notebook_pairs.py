"""Each notebook is paired with a jupytext percent-format .py file, and the two are in sync."""

from __future__ import annotations

import jupytext
import pytest

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cells(nb):
    return [(c.cell_type, c.source.strip(), "parameters" in c.metadata.get("tags", [])) for c in nb.cells]


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=lambda p: p.name)
def test_pair_in_sync(ipynb):
    py = ipynb.with_suffix(".py")
    assert py.is_file(), f"{py.name} missing: run `jupytext --sync {ipynb}`"
    a, b = jupytext.read(ipynb), jupytext.read(py)
    assert _cells(a) == _cells(b), (
        f"{ipynb.name} and {py.name} differ: run `jupytext --sync notebooks/*.ipynb`"
    )
    assert sum(tagged for *_, tagged in _cells(a)) == 1, "exactly one cell tagged 'parameters'"
    assert a.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
