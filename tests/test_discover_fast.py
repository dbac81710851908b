"""The integer-key discovery (:func:`analysis.segment.discover_terms`) equals the plain scan of every
substring (``_reference_discover``), floats bit for bit, on random corpora built to have long repeats,
ties, function characters, text boundaries and windows longer than one 64-bit key."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from analysis.segment import discover_terms

from .test_scale_paths import _reference_discover

COLUMNS = ["term", "count", "n_docs", "pmi", "left_entropy", "right_entropy"]


def _same(texts: list[str], **kw) -> pd.DataFrame:
    ref = _reference_discover(texts, **kw)
    got = discover_terms(texts, **kw)
    pd.testing.assert_frame_equal(ref, got, check_exact=True)
    return got


def _corpus(rng: random.Random, alphabet: str) -> list[str]:
    """A few texts from a small alphabet, with repeated phrases (long repeats) and separators."""
    phrases = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 12))) for _ in range(rng.randint(1, 6))
    ]
    texts = []
    for _ in range(rng.randint(1, 7)):
        parts = []
        for _ in range(rng.randint(0, 14)):
            r = rng.random()
            if r < 0.45:
                parts.append(rng.choice(phrases))
            elif r < 0.8:
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))))
            else:
                parts.append(rng.choice(["，", "。", " ", "\n", "ab", "12", "“", "”"]))
        texts.append("".join(parts))
    return texts


def test_random_corpora_equal_the_plain_scan():
    """200 random corpora and settings (lengths 2–14, counts 0–4, sampling, permissive thresholds)."""
    rng = random.Random(23)
    kept = 0
    for _ in range(200):
        alphabet = "护河行动开展青年"[: rng.randint(2, 8)] + rng.choice(["", "的", "的和"])
        texts = _corpus(rng, alphabet)
        min_len = rng.randint(2, 5)
        kw = {
            "min_len": min_len,
            "max_len": rng.randint(min_len - 1, 14),  # also max_len < min_len: nothing
            "min_count": rng.choice([0, 1, 2, 2, 3, 4]),
            "min_docs": rng.choice([0, 1, 1, 2, 3]),
            "min_pmi": rng.choice([float("-inf"), -2.0, 0.0, 0.5, 1.0, 3.0]),
            "min_entropy": rng.choice([0.0, 0.0, 0.3, 1.0]),
            "max_chars": rng.choice([None, None, 1_000_000, 40, 120]),
        }
        kept += len(_same(texts, **kw))
    assert kept > 500  # the settings do keep terms: the comparison is not of empty tables


def test_windows_longer_than_one_key_equal_the_plain_scan():
    """A large alphabet (9-bit ids: 7 characters a key) and windows of up to 20 characters: the
    longer windows are counted by the rank of their prefix plus their next characters."""
    rng = random.Random(7)
    alphabet = "".join(chr(0x4E00 + i) for i in range(400))
    for _ in range(8):
        phrases = ["".join(rng.choice(alphabet) for _ in range(rng.randint(5, 25))) for _ in range(6)]
        texts = [
            "，".join(rng.choice(phrases) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
                     for _ in range(rng.randint(3, 12)))
            for _ in range(rng.randint(2, 6))
        ]  # fmt: skip
        for max_len in (6, 7, 8, 15, 20):
            kw = {
                "min_len": 2,
                "max_len": max_len,
                "min_count": 2,
                "min_docs": 1,
                "min_pmi": 0.0,
                "min_entropy": 0.0,
            }
            assert len(_same(texts, **kw))


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["   ", "\n\t", "　"],  # whitespace only
        ["Youth League 2023: 12 items, 3.5%."],  # no CJK
        ["abc", "", "xyz 123"],
        ["护河行动护河行动护河行动"],  # one document
        ["护河行动。护河行动，护河行动"],
        ["的的的的的的"],  # function characters only
    ],
)
def test_edge_cases_equal_the_plain_scan(texts):
    for kw in (
        {},
        {"min_count": 2, "min_docs": 1, "min_pmi": 0.0, "min_entropy": 0.0},
        {"min_count": 0, "min_docs": 0, "min_pmi": float("-inf"), "min_entropy": 0.0},
    ):
        got = _same(texts, **kw)
        assert list(got.columns) == COLUMNS


def test_one_document_keeps_a_repeated_term():
    got = _same(
        ["开展护河行动，推广护河行动，组织护河行动"], min_count=3, min_docs=1, min_pmi=1, min_entropy=0.5
    )
    assert "护河行动" in set(got.term)


def test_single_characters_fail_like_the_plain_scan():
    """``min_len=1`` has no split for a single character: both raise, rather than differ."""
    texts = ["护河护河护河", "护河"]
    with pytest.raises(ValueError):
        _reference_discover(texts, min_len=1, min_count=2)
    with pytest.raises(ValueError):
        discover_terms(texts, min_len=1, min_count=2)
    _same(["的的的"], min_len=1, min_count=2)  # only function characters: no split is asked, no error
    _same([], min_len=1)


def test_very_long_windows_equal_the_plain_scan():
    """Windows longer than 127 characters (many keys; no small integer type for their lengths)."""
    rng = random.Random(11)
    alphabet = "".join(chr(0x4E00 + i) for i in range(300))
    phrase = "".join(rng.choice(alphabet) for _ in range(140))
    texts = [phrase + "。" + phrase[:135] + "，" + phrase[3:], phrase[1:] + "。" + phrase, phrase]
    kw = {"min_len": 2, "max_len": 150, "min_count": 2, "min_docs": 1, "min_pmi": 0.0, "min_entropy": 0.0}
    got = _same(texts, **kw)
    assert got.term.str.len().max() > 127
