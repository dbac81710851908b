"""The vectorised segment_blocks / tokens_frame against an independent row-by-row reference.

The reference below is the plain loop the table was first made with: one token at a time,
vocabulary by ``setdefault``, offsets by addition, flags and tags per row, position by a
counter per document. The fast code must give the same columns (segment_blocks) and the same
table (``assert_frame_equal``: columns, dtypes, values), with both engines.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import build_corpus
from analysis.places import place_names
from analysis.segment import (
    _ALWAYS_NUMERIC,
    _NUMERIC,
    _PUNCT,
    Segmenter,
    _fallback_tag,
    load_filler,
    load_stopwords,
    merge_columns,
    plan_blocks,
    rjieba_available,
    segment_blocks,
    tokens_frame,
)

from .conftest import quiet

ROOT = Path(__file__).resolve().parents[1]
ENGINES = [
    "jieba",
    pytest.param("rjieba", marks=pytest.mark.skipif(not rjieba_available(), reason="no rjieba")),
]


def ref_segment_blocks(seg: Segmenter, blocks: list[tuple]) -> dict:
    """segment_blocks as a token-by-token loop."""
    vocab: dict[str, int] = {}
    codes, starts, ends, meta, counts = [], [], [], [], []
    for doc_id, kind, section_id, item_no, start, text in blocks:
        n0, pos = len(codes), start
        for word in seg.tokens(text):
            if word.strip():
                codes.append(vocab.setdefault(word, len(vocab)))
                starts.append(pos)
                ends.append(pos + len(word))
            pos += len(word)
        assert pos - start == len(text)
        if len(codes) > n0:
            meta.append((doc_id, kind, section_id, item_no))
            counts.append(len(codes) - n0)
    return {"meta": meta, "n": counts, "vocab": list(vocab), "codes": np.array(codes, dtype=np.int32),
            "start": np.array(starts, dtype=np.int64), "end": np.array(ends, dtype=np.int64)}  # fmt: skip


def ref_table(seg: Segmenter, blocks: list[tuple]) -> pd.DataFrame:
    """The tokens table row by row (position: a counter per document)."""
    stop, filler, places, terms = load_stopwords(), load_filler(), place_names(), set(seg.terms)
    rows, seen = [], {}
    for doc_id, kind, section_id, item_no, start, text in blocks:
        pos = start
        for word in seg.tokens(text):
            if word.strip():
                position = seen.get(doc_id, 0)
                seen[doc_id] = position + 1
                numeric = bool(_ALWAYS_NUMERIC.match(word)) or (
                    bool(_NUMERIC.match(word)) and word not in terms
                )
                rows.append((doc_id, kind, section_id, item_no, position, word,
                             seg._tags.get(word) or _fallback_tag(word), pos, pos + len(word),
                             bool(_PUNCT.match(word)), numeric, word in stop, word in filler,
                             bool(re.fullmatch(r"[xX×*]+", word)), word in places))  # fmt: skip
            pos += len(word)
    names = ["doc_id", "block", "section_id", "item_no", "position", "token", "pos", "start", "end",
             "punct", "numeric", "stop", "filler", "placeholder", "place"]  # fmt: skip
    cols = {}
    for i, name in enumerate(names):
        arr = np.empty(len(rows), dtype=object)
        arr[:] = [r[i] for r in rows]
        cols[name] = arr
    df = pd.DataFrame(cols)
    df["item_no"] = df["item_no"].astype("Int64")
    for c in ("position", "start", "end"):
        df[c] = df[c].astype("int64")
    for c in names[9:]:
        df[c] = df[c].astype(bool)
    return df


def assert_same_columns(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    assert got["n"] == want["n"] and all(type(k) is int for k in got["n"])
    assert got["vocab"] == want["vocab"]
    assert len(got["meta"]) == len(want["meta"])
    for a, b in zip(got["meta"], want["meta"]):
        assert len(a) == len(b) == 4
        for x, y in zip(a, b):
            assert x is y or x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))
    for c in ("codes", "start", "end"):
        assert got[c].dtype == want[c].dtype, c
        np.testing.assert_array_equal(got[c], want[c])


def check(seg: Segmenter, blocks: list[tuple], batches: int = 3) -> pd.DataFrame:
    """segment_blocks equals the reference in one batch; the table equals it in one and in several batches."""
    one = segment_blocks(seg, blocks)
    assert_same_columns(one, ref_segment_blocks(seg, blocks))
    want = ref_table(seg, blocks)
    pd.testing.assert_frame_equal(tokens_frame(merge_columns([one]), seg), want)
    pd.testing.assert_frame_equal(tokens_frame(one, seg), want)  # one batch needs no merge
    size = max(1, -(-len(blocks) // batches))
    parts = [segment_blocks(seg, blocks[i : i + size]) for i in range(0, len(blocks), size)]
    pd.testing.assert_frame_equal(tokens_frame(merge_columns(parts), seg), want)
    return want


NAN = float("nan")
ODD_BLOCKS = [
    ("d1", "title", NAN, NAN, 0, "共青团2023年工作要点"),
    ("d1", "preamble", NAN, NAN, 12, ""),  # empty
    ("d1", "item", "1", 1, 13, "  \n\t\u3000 "),  # whitespace only
    ("d1", "item", "1", 2, 20, "，。！？“”《》……"),  # punctuation only
    ("d1", "item", "2", 3, 40, "Hello world 2023, COVID-19 x×* 3.5% ＡＢＣ"),  # no CJK
    ("d1", "item", "2", 4, 90, "深化“青年大学习”行动，推进青马工程。 两万名 十四五 重庆 xx"),
    ("d2", "section_text", "一", NAN, 0, "开展  护河行动\n\n做好工作"),
    ("d2", "item", "一", 1, 20, "\n"),
]


@pytest.mark.parametrize("engine", ENGINES)
def test_edge_blocks(engine):
    seg = Segmenter(engine=engine)
    table = check(seg, ODD_BLOCKS)
    assert len(table) and table.position.tolist()[:3] == [0, 1, 2]
    check(seg, ODD_BLOCKS[:1])  # one block
    check(seg, [b for b in ODD_BLOCKS if b[0] == "d2"])  # one document
    check(seg, [ODD_BLOCKS[4]])  # one block without CJK
    check(seg, [ODD_BLOCKS[i] for i in (2, 4, 1, 3)])  # whitespace only first


@pytest.mark.parametrize("engine", ENGINES)
def test_no_tokens(engine):
    """No blocks, or only empty and whitespace blocks: empty columns and an empty table as before."""
    seg = Segmenter(engine=engine)
    for blocks in ([], [ODD_BLOCKS[1]], [ODD_BLOCKS[1], ODD_BLOCKS[2], ODD_BLOCKS[7]]):
        out = segment_blocks(seg, blocks)
        assert_same_columns(out, ref_segment_blocks(seg, blocks))
        want = ref_table(seg, blocks)
        pd.testing.assert_frame_equal(tokens_frame(out, seg), want)
        pd.testing.assert_frame_equal(tokens_frame(merge_columns([out, out]), seg), want)
    pd.testing.assert_frame_equal(tokens_frame(merge_columns([]), seg), ref_table(seg, []))


def test_interleaved_documents_count_positions_per_document():
    """Blocks of one document need not be contiguous: positions still count within each document."""
    seg = Segmenter(engine="jieba")
    blocks = [ODD_BLOCKS[5], ODD_BLOCKS[6], ODD_BLOCKS[0], ("d2", "item", "二", 2, 40, "推进青马工程")]
    check(seg, blocks, batches=4)


def test_lost_characters_raise():
    class Lossy(Segmenter):
        def tokens(self, text):
            return super().tokens(text)[1:]

    with pytest.raises(RuntimeError, match="lost characters"):
        segment_blocks(Lossy(engine="jieba"), [ODD_BLOCKS[0]])


@pytest.mark.parametrize("engine", ENGINES)
def test_seeds_same_table(seeds, engine):
    seg = Segmenter.from_corpus(seeds, engine=engine)
    blocks = plan_blocks(seeds.blocks)
    check(seg, blocks, batches=5)
    by_doc: dict[str, list] = {}
    for b in blocks:
        by_doc.setdefault(b[0], []).append(b)
    parts = [segment_blocks(seg, by_doc[d]) for d in sorted(by_doc)]  # per document, as build_corpus does
    pd.testing.assert_frame_equal(tokens_frame(merge_columns(parts), seg), ref_table(seg, blocks))


@pytest.mark.parametrize("engine", ENGINES)
def test_generated_plans_same_table(tmp_path, engine):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import scale
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    scale.generate(tmp_path, 40)
    corpus = quiet(build_corpus, tmp_path)
    seg = Segmenter.from_corpus(corpus, engine=engine)
    check(seg, plan_blocks(corpus.blocks), batches=7)


@pytest.mark.parametrize("engine", ENGINES)
def test_segmenter_built_again_is_the_same(tmp_path, engine):
    """A segmenter built again from the same words reuses the tokenizers: same cut, own terms."""
    extra = {f"测试词语{i}号": "discovered" for i in range(100)} | {"护河行动": "quoted"}
    text = "开展护河行动，测试词语7号和测试词语42号。" + ODD_BLOCKS[5][5]
    first = Segmenter(extra_terms=extra, engine=engine)
    again = Segmenter(extra_terms=extra, engine=engine)
    assert again.tokens(text) == first.tokens(text) and "护河行动" in again.tokens(text)
    assert again.terms == first.terms and again.terms is not first.terms
    again.terms["别的"] = "quoted"
    assert "别的" not in Segmenter(extra_terms=extra, engine=engine).terms
    other = Segmenter(extra_terms={"护河行动": "quoted"}, engine=engine)  # other words: built anew
    assert "测试词语7号" not in other.terms and "测试词语7号" not in other.tokens(text)
    # a lexicon file with the same path but other words gives another segmenter
    lex = tmp_path / "lex.txt"
    lex.write_text("护河 10 n\n", encoding="utf-8")
    a = Segmenter(lexicon=lex, engine=engine)
    lex.write_text("护河行动 10 n\n", encoding="utf-8")
    b = Segmenter(lexicon=lex, engine=engine)
    assert a.terms == {"护河": "lexicon"} and b.terms == {"护河行动": "lexicon"}
    assert "护河行动" in b.tokens("开展护河行动") and "护河行动" not in a.tokens("开展护河行动")
