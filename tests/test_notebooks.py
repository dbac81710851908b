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


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory):
    """Plans as a user might bring them: no manifest, mixed encodings, a bad file, a non-plan."""
    from .conftest import RAW

    folder = tmp_path_factory.mktemp("my_plans")
    (folder / "plan_a.txt").write_bytes((RAW / "guyuan_2023.txt").read_bytes())
    (folder / "plan_b.txt").write_bytes(
        (RAW / "sichuan_2021.txt").read_text(encoding="utf-8").encode("gb18030")
    )
    (folder / "plan_c.md").write_bytes((RAW / "beijing_2023.txt").read_bytes().replace(b"\n", b"\r\n"))
    (folder / "broken.txt").write_bytes(b"")
    (folder / "notice.txt").write_text(
        "会议通知。各单位：定于下周召开青年工作座谈会，请准时参加，特此通知。", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_runs_on_a_users_folder(path, user_folder, tmp_path):
    nb = execute_notebook(
        path, parameters={"RAW_DIR": str(user_folder), "FIGURES_DIR": str(tmp_path)}, timeout=600
    )
    assert glyph_warnings(nb) == []
    assert sorted(tmp_path.glob("*.png"))
