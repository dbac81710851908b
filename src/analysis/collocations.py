"""Collocations and n-grams (quanteda's textstat_collocations, AntConc's clusters)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .stats import g2, p_value

#: Token flags that may not appear inside an n-gram / at its edges.
BREAK = ("punct",)
EDGE = ("stop", "filler", "numeric", "placeholder")


def ngram_counts(corpus, size: int) -> tuple[Counter, Counter, int]:
    """Counts of n-grams of ``size`` tokens within runs that do not cross punctuation or blocks.

    Returns ``(ngrams, unigrams, n_positions)``; unigrams are counted over the same runs.
    """
    tok = corpus.tokens
    grams: Counter = Counter()
    unigrams: Counter = Counter()
    positions = 0
    key = (
        tok.doc_id
        + "|"
        + tok.block
        + "|"
        + tok.item_no.astype("string").fillna("")
        + "|"
        + tok.section_id.astype("string").fillna("")
    )
    run_id = ((key != key.shift()) | tok.punct).cumsum()
    for _, run in tok[~tok.punct].groupby(run_id[~tok.punct], sort=False):
        words = run.token.tolist()
        unigrams.update(words)
        for i in range(len(words) - size + 1):
            grams[tuple(words[i : i + size])] += 1
            positions += 1
    return grams, unigrams, positions


def collocations(
    corpus,
    size: int | Sequence[int] = (2, 3),
    *,
    min_count: int = 3,
    exclude_edges: Sequence[str] = EDGE,
) -> pd.DataFrame:
    """Significant multi-token sequences, so fixed phrases surface as units.

    For an n-gram ``w1 … wn`` the 2×2 table crosses "the first n−1 tokens are
    ``w1 … wn-1``" with "the last token is ``wn``" over all n-gram positions; ``g2`` is its
    log-likelihood (Dunning 1993) and ``p`` its χ²(1) p-value. ``pmi`` is
    ``log2(f(w1…wn) · N^(n−1) / Π f(wi))`` with unigram counts over the same runs.

    Parameters
    ----------
    size : int or sequence of int
        Number of tokens (2 and 3 by default).
    min_count : int
        Minimum frequency of the n-gram.
    exclude_edges : sequence of str
        Token flags not allowed as the first or last token (function and filler words,
        numbers, placeholders); punctuation always breaks a run.

    Returns
    -------
    DataFrame
        ``collocation`` (tokens joined), ``tokens`` (space-separated), ``size, count,
        n_docs, pmi, g2, p``, sorted by ``g2``.
    """
    sizes = [size] if isinstance(size, int) else list(size)
    tok = corpus.tokens
    flags = {}
    for f in exclude_edges:
        flags.update(dict.fromkeys(tok.token[tok[f]].unique(), True))
    rows = []
    for n in sizes:
        grams, unigrams, positions = ngram_counts(corpus, n)
        n_uni = sum(unigrams.values())
        prefix: Counter = Counter()
        last: Counter = Counter()
        for g, c in grams.items():
            prefix[g[:-1]] += c
            last[g[-1]] += c
        cand = [
            g for g, c in grams.items() if c >= min_count and not flags.get(g[0]) and not flags.get(g[-1])
        ]
        if not cand:
            continue
        a = np.array([grams[g] for g in cand], dtype=float)
        r1 = np.array([prefix[g[:-1]] for g in cand], dtype=float)
        c1 = np.array([last[g[-1]] for g in cand], dtype=float)
        # table [[a, r1 - a], [c1 - a, N - r1 - c1 + a]] == g2(a, r1 - a, c1, N - c1) in keyness form
        stat = g2(a, r1 - a, c1, positions - c1)
        pmi = np.log2(a * n_uni ** (n - 1) / np.prod([[unigrams[w] for w in g] for g in cand], axis=1))
        for g, cnt, s, pm in zip(cand, a, stat, pmi):
            rows.append(
                {
                    "collocation": "".join(g),
                    "tokens": " ".join(g),
                    "size": n,
                    "count": int(cnt),
                    "pmi": pm,
                    "g2": s,
                }
            )
    df = pd.DataFrame(rows, columns=["collocation", "tokens", "size", "count", "pmi", "g2"])
    if df.empty:
        return df.assign(n_docs=pd.Series(dtype=int), p=pd.Series(dtype=float))
    body = corpus.documents.set_index("doc_id").body
    df["n_docs"] = [sum(1 for b in body if c in b) for c in df.collocation]
    df["p"] = p_value(df.g2)
    df = df.sort_values(["g2", "collocation"], ascending=[False, True], ignore_index=True)
    return df[["collocation", "tokens", "size", "count", "n_docs", "pmi", "g2", "p"]]
