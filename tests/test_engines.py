"""One cut everywhere, and the Rust engine (rjieba) against jieba as the reference."""

from __future__ import annotations

import re
import sys

import jieba
import pytest

from analysis.segment import Segmenter, _plan_texts, rjieba_available

needs_rjieba = pytest.mark.skipif(not rjieba_available(), reason="rjieba is not installed")


def _spans(tokens: list[str]) -> set[tuple[int, int]]:
    out, p = set(), 0
    for w in tokens:
        out.add((p, p + len(w)))
        p += len(w)
    return out


def test_jieba_engine_is_plain_jieba_with_the_same_words():
    """With no added words, the jieba engine cuts exactly as a plain jieba.Tokenizer."""
    seg = Segmenter(lexicon=None, engine="jieba")
    ref = jieba.Tokenizer()
    text = "深入学习贯彻习近平新时代中国特色社会主义思想，组织开展“青年大学习”行动2023年。"
    assert seg.tokens(text) == ref.lcut(text)
    assert [t for t, *_ in seg.cut(text)] == seg.tokens(text)  # one cut: cut() is tokens() with tags


@needs_rjieba
def test_rjieba_agrees_with_jieba_on_the_seeds(seeds):
    ref = Segmenter.from_corpus(seeds, engine="jieba")
    fast = Segmenter.from_corpus(seeds, engine="rjieba")
    assert ref.terms == fast.terms  # discovery used each engine's own cut and found the same terms
    total = same = 0
    differing = []
    for text in _plan_texts(seeds):
        a, b = _spans(ref.tokens(text)), _spans(fast.tokens(text))
        total += len(a)
        same += len(a & b)
        differing += [text[s:e] for s, e in sorted(a - b)]
    agreement = same / total
    print(
        f"rjieba/jieba token agreement on the seeds: {agreement:.5f}; jieba tokens not in rjieba: {differing}"
    )
    assert agreement >= 0.999
    cjk = [d for d in differing if re.search(r"[\u4e00-\u9fff]", d)]
    assert len(cjk) <= 10  # a handful of HMM-decided unknown words, listed in the README


def test_fallback_without_rjieba(monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now raises ImportError
    assert not rjieba_available()
    seg = Segmenter(engine="auto")
    assert seg.engine == "jieba"
    text = "深化青年大学习行动，推进青马工程。"
    assert seg.tokens(text) == Segmenter(engine="jieba").tokens(text)
    with pytest.raises(ImportError):
        Segmenter(engine="rjieba")


def test_unknown_engine():
    with pytest.raises(ValueError, match="engine must be one of"):
        Segmenter(engine="pkuseg")


def test_parallel_segmentation_gives_the_same_table(seeds):
    from analysis.segment import tokens_table

    seg = Segmenter.from_corpus(seeds)
    import pandas as pd

    pd.testing.assert_frame_equal(tokens_table(seeds, seg, n_jobs=1), tokens_table(seeds, seg, n_jobs=2))


def test_discovery_on_a_sample_keeps_frequent_terms():
    """Over max_chars, discovery reads a sample of whole texts; a term spread over the corpus survives."""
    from analysis.segment import discover_terms

    texts = [f"开展护河行动，做好第{i}项工作。推广护河行动经验。" for i in range(400)]
    full = discover_terms(texts, min_pmi=1, min_entropy=0.5, max_chars=None)
    sample = discover_terms(texts, min_pmi=1, min_entropy=0.5, max_chars=2_000)
    assert "护河行动" in set(full.term) and "护河行动" in set(sample.term)
    assert sample["count"].max() < full["count"].max()  # it did read less
