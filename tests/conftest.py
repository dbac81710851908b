"""Shared fixtures: the real seed corpus and helpers that write small plans."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from analysis import build_corpus

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session", autouse=True)
def _private_cache_root(tmp_path_factory):
    """Caches of test folders go to a temporary root, never the user's cache directory."""
    import os

    from analysis.fonts import cache_dir

    fonts = cache_dir() / "fonts"  # the user's converted fonts: one conversion, not one per session
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    root = tmp_path_factory.mktemp("user-cache")
    try:
        fonts.mkdir(parents=True, exist_ok=True)
        (root / "fonts").symlink_to(fonts, target_is_directory=True)
    except OSError:  # no writable user cache: convert into the private root
        pass
    os.environ["ANALYSIS_CACHE_DIR"] = str(root)
    yield
    if old is None:
        os.environ.pop("ANALYSIS_CACHE_DIR", None)
    else:
        os.environ["ANALYSIS_CACHE_DIR"] = old


PLAN = """某市共青团2023年工作要点

2023年总体思路是：以习近平新时代中国特色社会主义思想为指导，团结奋斗。

一、加强思想引领

1.深入学习二十大精神。组织团员青年学习。

2.深化青年大学习行动。推动学习走深走实。

二、服务青年发展

3.促进青年就业创业。为500名大学生提供实习岗位。

4.关爱青少年成长。开展“七彩假期”活动。
"""


@pytest.fixture(scope="session")
def seeds():
    """The five seed plans, parsed fresh (no cache)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return build_corpus(RAW)


def quiet(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with its warnings silenced (tests that check tables, not warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def write(folder: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


# Tests that execute notebooks, start the command line's `run`, a Dask cluster or a browser:
# they run in CI's second step (`python3 tasks.py test-slow`), so that the README's test
# command gives feedback in under four minutes on two cores. `.ci/run` runs both steps.
SLOW = {
    "tests/test_notebooks.py": "executes every notebook headless",
    "tests/test_html_browser.py": "drives Chromium",
    "tests/test_dask_engine.py": "starts a Dask LocalCluster",
    "tests/test_small_and_fuzz.py::test_notebooks_degrade_on_small_corpora": "executes notebooks",
    "tests/test_small_and_fuzz.py::test_papermill_parameters_with_display_labels": "executes a notebook",
    "tests/test_small_and_fuzz.py::test_run_on_an_empty_folder_changes_no_output": "runs the suite",
    "tests/test_small_and_fuzz.py::test_cache_list_and_clear": "several command-line processes",
    "tests/test_cache_cli.py::test_run_passes_parameters_to_the_notebooks_that_declare_them": "runs the suite",
    "tests/test_hostile.py::test_point7_run_out": "runs the suite",
    "tests/test_suite_parallel.py::test_summary_keeps_notebook_order": "executes notebooks",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        nodeid = item.nodeid.replace("\\", "/")
        if any(nodeid.startswith(prefix) for prefix in SLOW):
            item.add_marker(pytest.mark.slow)
