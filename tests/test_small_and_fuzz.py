"""Small corpora, the command line on them, parameters through papermill, and fuzzed input."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import build_corpus
from analysis.errors import AnalysisError, InsufficientDataError
from analysis.io import PlanReadError, read_plan_file
from analysis.suite import execute_notebook, notebook_paths

from .conftest import PLAN, RAW

UNSTRUCTURED = "共青团某市委2023年工作安排\n今年要做好青年工作，推动团的建设。加强思想引领，服务青年成长。\n"


@pytest.fixture(scope="module")
def one_plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one")
    (folder / "beijing_2023.txt").write_bytes((RAW / "beijing_2023.txt").read_bytes())
    return folder


@pytest.fixture(scope="module")
def unstructured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unstructured")
    (folder / "a.txt").write_text(UNSTRUCTURED, encoding="utf-8")
    (folder / "b.txt").write_text(
        UNSTRUCTURED.replace("某市", "某县").replace("思想", "组织"), encoding="utf-8"
    )
    return folder


def _text(nb) -> str:
    return "\n".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"
    )


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
@pytest.mark.parametrize("kind", ["one_plan", "unstructured"])
def test_notebooks_degrade_on_small_corpora(path, kind, request, tmp_path):
    folder = request.getfixturevalue(kind)
    nb = execute_notebook(
        path, parameters={"RAW_DIR": str(folder), "FIGURES_DIR": str(tmp_path)}, timeout=600
    )
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    said = _text(nb)
    if path.name.startswith("01") and kind == "one_plan":
        assert "Skipped keyness: keyness by region needs at least two groups; this corpus has one." in said
    if path.name.startswith("02"):
        assert "Skipped document similarity" in said or kind == "unstructured"
    if path.name.startswith("04"):
        assert "Skipped themes: theme discovery needs" in said


def test_keyness_on_one_group_says_so_in_one_sentence(one_plan):
    from analysis.keywords import keyness

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = build_corpus(one_plan)
    with pytest.raises(
        InsufficientDataError, match=r"^keyness by region needs at least two groups; this corpus has one$"
    ):
        keyness(corpus, target="北京")


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
        timeout=600,
    )


def test_run_on_an_empty_folder_changes_no_output(tmp_path):
    empty, out = tmp_path / "empty", tmp_path / "out"
    empty.mkdir()
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "earlier.png").write_bytes(b"png")
    (out / "figures" / "index.csv").write_text(
        "name,file,title,caption,source,data\nearlier,earlier.png,,,,\n"
    )
    from analysis.__main__ import record_run_out

    record_run_out(out)  # the outputs of an earlier run, as the tool records them (issue 20)
    done = _cli("run", "--raw", str(empty), "--out", str(out))
    assert done.returncode == 1
    assert "nothing to analyse" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["earlier.png", "index.csv"]
    assert not (out / "reports").exists()


def test_cache_list_and_clear(tmp_path):
    plans, root = tmp_path / "plans", tmp_path / "cache-root"
    plans.mkdir()
    (plans / "a.txt").write_text(PLAN, encoding="utf-8")
    env = {"ANALYSIS_CACHE_DIR": str(root)}
    assert _cli("build", "--raw", str(plans), env=env).returncode == 0
    caches = list((root / "corpora").iterdir())
    assert len(caches) == 1 and caches[0].name.startswith("plans-")
    listed = _cli("cache", "list", env=env)
    assert str(plans) in listed.stdout and "stale: 0" in listed.stdout
    assert _cli("cache", "clear", env=env).stdout.startswith("Deleted 0")  # its folder still exists
    (plans / "a.txt").unlink()
    plans.rmdir()
    cleared = _cli("cache", "clear", env=env)
    assert cleared.stdout.startswith("Deleted 1") and not caches[0].exists()


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_papermill_sees_every_parameter(path):
    """papermill parses every assignment of the parameters cell (no 'Unable to parse line')."""
    import re

    import nbformat
    import papermill

    cell = next(
        c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", [])
    )
    assigned = re.findall(r"^(\w+)\s*=", cell.source, flags=re.M)
    assert assigned and set(papermill.inspect_notebook(str(path))) == set(assigned)


def test_papermill_parameters_with_display_labels(tmp_path):
    """`papermill 01 -p TARGET 重庆 -p LABELS zh+pinyin`: the target stays a key, labels only display."""
    import papermill

    nb_path = next(p for p in notebook_paths() if p.name.startswith("01"))
    assert {"RAW_DIR", "FIGURES_DIR", "LABELS", "TARGET", "CORRECTION"} <= set(
        papermill.inspect_notebook(str(nb_path))
    )
    nb = execute_notebook(
        nb_path,
        parameters={"TARGET": "重庆", "LABELS": "zh+pinyin", "FIGURES_DIR": str(tmp_path)},
        timeout=600,
    )
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    import csv

    with open(tmp_path / "index.csv", encoding="utf-8") as fh:
        titles = {r["name"]: r["title"] for r in csv.DictReader(fh)}
    assert titles["01_keyness_重庆"].startswith("关键词：重庆 Chongqing 对比")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=0, max_size=400))
def test_random_bytes_load_or_give_a_documented_error(tmp_path, data):
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    try:
        decoded = read_plan_file(path)
    except PlanReadError as exc:
        assert str(path.name) in str(exc) or str(path) in str(exc)
        return
    from analysis.clean import clean_text, restore_raw

    cleaned = clean_text(decoded.text, pre_edits=decoded.edits)
    assert restore_raw(cleaned) == decoded.text


MANIFEST_CELL = st.one_of(
    st.sampled_from(
        ["a.txt", "b.txt", "某市", "2023", "2023.0", "二〇二三", "明年", "", "municipality", '"x,y"']
    ),
    st.text(alphabet='某市县区年0123456789,"\n', max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(
        st.sampled_from(["file", "region", "year", "level", "title", "junk"]), min_size=0, max_size=4
    ),
    rows=st.lists(st.lists(MANIFEST_CELL, min_size=0, max_size=5), max_size=4),
    encoding=st.sampled_from(["utf-8", "gbk", "utf-16", "utf-8-sig"]),
)
def test_random_manifests_load_or_name_the_problem(tmp_path, header, rows, encoding):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    text = "\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n"
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return
    (tmp_path / "manifest.csv").write_bytes(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            corpus = build_corpus(tmp_path)
        except AnalysisError as exc:
            assert "manifest.csv" in str(exc)
            return
    # whatever loaded is still the plan, exactly
    assert corpus.doc_ids == ["a"]
    assert corpus.raw_text("a") == PLAN
