"""Collocations and n-grams (quanteda's textstat_collocations, AntConc's clusters)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .stats import g2, p_value

#: Token flags that may not appear inside an n-gram / at its edges.
BREAK = ("punct",)
EDGE = ("stop", "filler", "numeric", "placeholder")
COLUMNS = ["collocation", "tokens", "size", "count", "n_docs", "pmi", "g2", "p"]


def ngram_positions(corpus, size: int) -> pd.DataFrame:
    """Every n-gram position of ``size`` tokens, one row each.

    An n-gram lies inside one run of tokens: a run ends at punctuation and at any change of
    plan, block, section or item, so no n-gram crosses a sentence or a heading. The tokens
    table holds plan text only (no cover notice, trailer or summary), so neither do these.

    Returns
    -------
    DataFrame
        ``doc_id`` and ``w0 … w{size-1}`` (the tokens), in reading order.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> tok = pd.DataFrame({"doc_id": "d", "block": "item", "section_id": "s1", "item_no": 1,
    ...                     "token": ["青年", "志愿", "服务", "。", "活动"],
    ...                     "punct": [False, False, False, True, False]})
    >>> ngram_positions(SimpleNamespace(tokens=tok), 2)[["w0", "w1"]].values.tolist()
    [['青年', '志愿'], ['志愿', '服务']]
    """
    tok = corpus.tokens
    cols = ["doc_id"] + [f"w{i}" for i in range(size)]
    if len(tok) < size:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    key = (
        tok.doc_id.astype(str)
        + "|"
        + tok.block.astype(str)
        + "|"
        + tok.item_no.astype("string").fillna("")
        + "|"
        + tok.section_id.astype("string").fillna("")
    )
    punct = tok.punct.to_numpy(dtype=bool)
    run = np.cumsum((key != key.shift()).to_numpy(dtype=bool) | punct)
    run[punct] = -1  # punctuation belongs to no run
    n = len(tok) - size + 1
    ok = run[:n] >= 0
    for i in range(1, size):
        ok &= run[i : i + n] == run[:n]
    idx = np.flatnonzero(ok)
    words = tok.token.to_numpy(dtype=object)
    out = {"doc_id": tok.doc_id.to_numpy(dtype=object)[idx]}
    for i in range(size):
        out[f"w{i}"] = words[idx + i]
    return pd.DataFrame(out)


def collocations(
    corpus,
    size: int | Sequence[int] = (2, 3),
    *,
    min_count: int = 3,
    exclude_edges: Sequence[str] = EDGE,
) -> pd.DataFrame:
    """Significant multi-token sequences, so fixed phrases surface as units.

    Both measures come from one 2×2 table over the N positions of n-grams of that size
    (:func:`ngram_positions`): for ``w1 … wn``, ``a`` = its count, ``r`` = positions whose
    first n−1 tokens are ``w1 … wn-1``, ``c`` = positions whose last token is ``wn``.

    - ``g2``: the log-likelihood of that table (Dunning 1993), ``p`` its χ²(1) p-value;
    - ``pmi``: ``log2(a · N / (r · c))`` (Church & Hanks 1990), on the same counts, so
      PMI of bigrams and of trigrams are on one scale and rank like G².
    - ``n_docs``: plans in which the n-gram occurs as tokens in plan text.

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

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> words = ["青年", "志愿", "服务", "。", "志愿", "服务", "活动", "。", "志愿", "服务"]
    >>> tok = pd.DataFrame({"doc_id": "d", "block": "item", "section_id": "s1", "item_no": 1,
    ...     "token": words, "punct": [w == "。" for w in words], "stop": False,
    ...     "filler": False, "numeric": False, "placeholder": False})
    >>> col = collocations(SimpleNamespace(tokens=tok), size=2, min_count=2)
    >>> col[["collocation", "count", "n_docs"]].values.tolist()
    [['志愿服务', 3, 1]]
    >>> round(float(col.pmi[0]), 3)  # 5 positions; 志愿 opens 3, 服务 closes 3: log2(3·5/(3·3))
    0.737
    """
    sizes = [size] if isinstance(size, int) else list(size)
    tok = corpus.tokens
    edge = set()
    for f in exclude_edges:
        if f in tok:
            edge.update(tok.token[tok[f].astype(bool)].unique())
    frames = []
    for n in sizes:
        pos = ngram_positions(corpus, n)
        if pos.empty:
            continue
        words = [f"w{i}" for i in range(n)]
        total = len(pos)
        counts = pos.groupby(words, sort=False).agg(count=("doc_id", "size"), n_docs=("doc_id", "nunique"))
        counts = counts.reset_index()
        prefix = pos.groupby(words[:-1], sort=False).size().rename("r")
        last = pos.groupby(words[-1], sort=False).size().rename("c")
        counts = counts.join(prefix, on=words[:-1]).join(last, on=words[-1])
        keep = (counts["count"] >= min_count) & ~counts.w0.isin(edge) & ~counts[words[-1]].isin(edge)
        counts = counts[keep]
        if counts.empty:
            continue
        a, r, c = (counts[x].to_numpy(dtype=float) for x in ("count", "r", "c"))
        frames.append(
            pd.DataFrame(
                {
                    "collocation": counts[words].astype(str).agg("".join, axis=1),
                    "tokens": counts[words].astype(str).agg(" ".join, axis=1),
                    "size": n,
                    "count": counts["count"].astype(int),
                    "n_docs": counts["n_docs"].astype(int),
                    "pmi": np.log2(a * total / (r * c)),
                    # table [[a, r - a], [c - a, N - r - c + a]] == g2(a, r - a, c, N - c) in keyness form
                    "g2": g2(a, r - a, c, total - c),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(COLUMNS, [str, str, int, int, int, float, float, float])}
        )
    df = pd.concat(frames, ignore_index=True)
    df["p"] = p_value(df.g2)
    df = df.sort_values(["g2", "collocation"], ascending=[False, True], ignore_index=True)
    return df[COLUMNS]
