"""Caches that cannot be corrupted, confined paths, typed empty tables, clear errors for bad input."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import warnings

import pandas as pd
import pytest

from analysis.corpus import (
    CacheWarning,
    CorpusWarning,
    ManifestError,
    _read_cached,
    build_corpus,
    fingerprint,
    load_corpus,
    save_corpus,
)

from .conftest import RAW

PLAN = "某市共青团2023年工作要点\n一、加强思想引领\n1.深入学习。组织专题学习。\n2.加强宣传。做好网上宣传。\n"


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    for name in ("guyuan_2023.txt", "sichuan_2021.txt"):
        (d / name).write_bytes((RAW / name).read_bytes())
    return d


def _same(a, b) -> None:
    for t in ("documents", "sections", "items", "removed"):
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t))


def _quiet_load(folder, cache):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_corpus(folder, cache_dir=cache)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "delete", "build_json", "swap"])
def test_damaged_cache_is_detected_and_rebuilt(folder, tmp_path, damage):
    cache = tmp_path / "cache"
    fresh = _quiet_load(folder, cache)
    target = cache / "documents.parquet"
    data = bytearray(target.read_bytes())
    if damage == "flip":  # one byte inside the data pages: parquet may still read, with altered text
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "empty":
        target.write_bytes(b"")
    elif damage == "delete":
        target.unlink()
    elif damage == "build_json":
        (cache / "build.json").write_text("{not json", encoding="utf-8")
    elif damage == "swap":
        target.write_bytes((cache / "items.parquet").read_bytes())
    with pytest.warns(CacheWarning, match="rebuilding"):
        again = _quiet_load(folder, cache)
    _same(again, fresh)
    _same(_quiet_load(folder, cache), fresh)  # and the rebuilt cache is good


def test_damaged_token_cache_is_rebuilt(folder, tmp_path):
    cache = tmp_path / "cache"
    tokens = _quiet_load(folder, cache).tokens
    (cache / "tokens.parquet").write_bytes(b"PAR1garbage")
    with pytest.warns(CacheWarning):
        again = _quiet_load(folder, cache).tokens
    pd.testing.assert_frame_equal(again, tokens)


_WRITER = """
import sys, time, warnings
warnings.simplefilter("ignore")
from analysis.corpus import build_corpus, fingerprint, save_corpus
folder, cache = sys.argv[1], sys.argv[2]
pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
corpus = build_corpus(folder)
fp = fingerprint(folder)
print("ready", flush=True)
while True:
    save_corpus(corpus, cache, fp)
    time.sleep(pause)
"""


def test_killed_writer_never_leaves_a_cache_that_loads_wrong(folder, tmp_path):
    cache = tmp_path / "cache"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = build_corpus(folder)
    rng = random.Random(0)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(folder), str(cache)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = load_corpus(folder, cache_dir=cache)
        _same(loaded, expected)


def test_reader_and_writer_at_once(folder, tmp_path):
    cache = tmp_path / "cache"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = build_corpus(folder)
    save_corpus(expected, cache, fingerprint(folder))
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(folder), str(cache)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        reads = 0
        deadline = time.time() + 3
        while time.time() < deadline:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = _read_cached(cache, fingerprint(folder))
            if got is not None:  # a read is either right or refused, never wrong
                _same(got, expected)
                reads += 1
        assert reads > 0
    finally:
        proc.kill()
        proc.wait()


def test_empty_folder_gives_typed_tables_and_working_methods(tmp_path):
    c = build_corpus(tmp_path)
    assert {"doc_id", "body", "status"} <= set(c.documents.columns)
    assert {"item_no", "text", "start", "end", "part"} <= set(c.items.columns)
    assert list(c.errors.columns) == ["file", "path", "status", "reason"]
    assert c.summary().empty and c.audit().empty and c.verify().empty
    assert list(c.verify().columns) == ["doc_id", "raw_restored", "uncovered", "overlap"]


def test_plan_the_cleaner_did_not_change(tmp_path):
    (tmp_path / "a.txt").write_text(PLAN.rstrip("\n"), encoding="utf-8")
    c = build_corpus(tmp_path)
    assert c.removed.empty
    assert c.raw_text("a") == PLAN.rstrip("\n")
    assert c.verify().raw_restored.all() and c.audit().empty


def test_save_cannot_write_outside_its_folder(tmp_path):
    import matplotlib.pyplot as plt

    from analysis.figures import save

    out = tmp_path / "out"
    fig, ax = plt.subplots()
    for name in ("../../escape", "/etc/escape", "a/../../b", "..", "名\x00字"):
        for p in save(fig, name, out, formats=("png",)):
            assert p.resolve().parent == out.resolve()
    plt.close(fig)
    assert not (tmp_path / "escape.png").exists() and not (tmp_path.parent / "escape.png").exists()


def test_clear_deletes_only_figures_it_wrote(tmp_path):
    from analysis.figures import clear

    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "precious.txt").write_text("keep")
    (out / "notes.txt").write_text("keep")
    (out / "fig.png").write_bytes(b"png")
    (out / "index.csv").write_text(
        "name,file,title,caption,source,data\nx,../precious.txt,,,,\ny,notes.txt,,,,\nz,fig.png,,,,\n",
        encoding="utf-8",
    )
    removed = clear(out)
    # an index.csv the tool did not write (no hashes) deletes nothing, not even a .png (issue 20)
    assert removed == []
    assert (
        (tmp_path / "precious.txt").exists() and (out / "notes.txt").exists() and (out / "fig.png").exists()
    )


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_manifest_in_other_encodings(tmp_path, encoding):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "manifest.csv").write_bytes("file,region,year\na.txt,某市,二〇二三\n".encode(encoding))
    c = build_corpus(tmp_path)
    assert c.documents.region.tolist() == ["某市"] and c.documents.year.tolist() == [2023]


@pytest.mark.parametrize(
    "manifest, message",
    [
        ("file,region\na.txt,某市\na.txt,别市\n", "row 3, column 'file': 'a.txt' already listed in row 2"),
        ("file,year\na.txt,明年\n", "row 2, column 'year'"),
        ("file,region\na.txt,某市,多余,字段\n", "row 2: 4 fields for 2 columns"),
        ("region,year\n某市,2023\n", "needs a 'file' column"),
        (
            "file,region,file\na.txt,某市,b.txt\n",
            "column(s) ['file'] named more than once",
        ),  # found by hypothesis
    ],
)
def test_bad_manifests_name_file_row_and_column(tmp_path, manifest, message):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(manifest, encoding="utf-8")
    with pytest.raises(ManifestError, match="manifest.csv") as info:
        build_corpus(tmp_path)
    assert message in str(info.value)


def test_manifest_year_forms(tmp_path):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,year\na.txt,2023.0\n", encoding="utf-8")
    assert build_corpus(tmp_path).documents.year.tolist() == [2023]
    (tmp_path / "manifest.csv").write_text("", encoding="utf-8")
    with pytest.warns(CorpusWarning, match="empty manifest"):
        assert build_corpus(tmp_path).documents.year.tolist() == [2023]


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_command_line_errors_are_one_line(tmp_path, kind):
    target = tmp_path / "nope"
    if kind == "file":
        target.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--raw", str(target), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and str(target) in done.stderr


def test_subsets_reuse_the_tokens(tmp_path, folder):
    cache = tmp_path / "cache"
    corpus = _quiet_load(folder, cache)
    sub = corpus.subset(["guyuan_2023"])
    sub_tokens = sub.tokens
    assert sub.segmenter is corpus.segmenter  # the parent's: nothing segmented or discovered again
    full = corpus.tokens
    pd.testing.assert_frame_equal(sub_tokens, full[full.doc_id == "guyuan_2023"].reset_index(drop=True))
