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

    old = os.environ.get("ANALYSIS_CACHE_DIR")
    os.environ["ANALYSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
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


def write(folder: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path
