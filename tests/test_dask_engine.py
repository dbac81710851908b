"""The Dask engine gives the same tables as the local path (a real LocalCluster)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import build_corpus
from analysis.corpus import TABLES
from analysis.engine import map_documents
from analysis.reuse import find_reuse
from analysis.segment import Segmenter, tokens_table

from .conftest import RAW, quiet

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three seed plans, a rejected file and a non-plan: every path of the build is used."""
    f = tmp_path_factory.mktemp("dask_plans")
    for name in ("guyuan_2023.txt", "mianyang_2023.txt", "sichuan_2021.txt"):
        (f / name).write_bytes((RAW / name).read_bytes())
    (f / "empty.txt").write_bytes(b"")
    (f / "note.txt").write_text("会议通知。各单位：请准时参加青年工作座谈会。", encoding="utf-8")
    return f


_quiet = quiet


def test_dask_build_tokens_and_reuse_equal_local(folder, client):
    local = _quiet(build_corpus, folder)
    remote = _quiet(build_corpus, folder, engine="dask", scheduler=client)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(local, t), getattr(remote, t), obj=t)
    seg = Segmenter.from_corpus(local)
    pd.testing.assert_frame_equal(
        tokens_table(local, seg), tokens_table(local, seg, engine="dask", scheduler=client)
    )
    pd.testing.assert_frame_equal(
        find_reuse(local, boilerplate="include"),
        find_reuse(local, boilerplate="include", engine="dask", scheduler=client),
    )


def test_scheduler_address(client):
    assert map_documents(
        len, ["团", "青年", "共青团"], engine="dask", scheduler=client.scheduler.address
    ) == [1, 2, 3]


def test_unknown_engine():
    with pytest.raises(ValueError, match="engine must be one of"):
        map_documents(len, ["x"], engine="spark")


def test_command_line_build_on_a_scheduler(folder, client, tmp_path):
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--raw", str(folder), "--out", str(tmp_path / "t"),
         "--scheduler", client.scheduler.address],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    local = _quiet(build_corpus, folder)
    assert pd.read_parquet(tmp_path / "t" / "items.parquet").text.tolist() == local.items.text.tolist()


def test_dask_one_pass_build_and_tokens_equal_local(folder, client):
    """Read, clean, parse and segment in one pass on the cluster: the tables and tokens of the
    sequential path (here with the lexicon from a sample of the plans)."""
    local = _quiet(build_corpus, folder)
    seg = Segmenter.from_corpus(local, sample_chars=5_000)
    remote = _quiet(build_corpus, folder, engine="dask", scheduler=client, tokens=True, sample_chars=5_000)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(local, t), getattr(remote, t), obj=t)
    assert remote.segmenter.terms == seg.terms
    pd.testing.assert_frame_equal(tokens_table(local, seg), remote.tokens)


def test_dask_dictionary_rates_equal_local(folder, client):
    from analysis.panels import dictionary_rates

    c = _quiet(build_corpus, folder)
    pd.testing.assert_frame_equal(
        dictionary_rates(c, "cyl", by="doc_id"),
        dictionary_rates(c, "cyl", by="doc_id", engine="dask", scheduler=client.scheduler.address),
    )
