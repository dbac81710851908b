"""Word frequency, dispersion and keyness (quanteda's textstat_frequency / textstat_keyness).

All functions work on ``corpus.tokens`` and share the ``exclude`` parameter: which token
flags to leave out (``"punct"``, ``"numeric"``, ``"stop"``, ``"filler"``, ``"placeholder"``
(xx, X of anonymised copies) and ``"single_char"`` (one-character tokens such as 市, 团)). Nothing is left out
silently: the choice is a parameter, recorded in ``DataFrame.attrs["exclude"]``, and the
corpus sizes it leads to are columns of the output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import InsufficientDataError, require
from .stats import adjust_p, chi2_yates, fisher_p, g2, log_ratio, min_expected, p_value

DEFAULT_EXCLUDE = ("punct", "numeric", "stop", "filler", "placeholder", "single_char")
#: Token flags that ``exclude=`` may name; ``place`` marks names of administrative divisions.
FLAGS = ("punct", "numeric", "stop", "filler", "placeholder", "single_char", "place")


def kept_tokens(corpus, exclude: Sequence[str] = DEFAULT_EXCLUDE, by: str | None = None) -> pd.DataFrame:
    """Tokens minus the excluded kinds, with the grouping column ``by`` from ``documents``."""
    tok = corpus.tokens
    unknown = set(exclude) - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown exclude flag(s): {sorted(unknown)}; choose from {FLAGS}")
    mask = np.ones(len(tok), dtype=bool)
    for flag in exclude:
        if flag == "single_char":
            mask &= tok.token.str.len().to_numpy() > 1
        elif flag == "place" and "place" not in tok:  # a token table cached before the flag existed
            from .places import place_names

            mask &= ~tok.token.isin(place_names()).to_numpy()
        else:
            mask &= ~tok[flag].to_numpy(dtype=bool)
    out = tok[mask]
    if by is not None and by != "doc_id":
        if by not in corpus.documents.columns:
            raise KeyError(
                f"no column {by!r} in corpus.documents; choose one of {list(corpus.documents.columns)}"
            )
        out = out.merge(corpus.documents[["doc_id", by]], on="doc_id", how="left")
    return out


def frequency(
    corpus,
    by: str | None = "region",
    *,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    min_count: int = 1,
    n: int | None = None,
) -> pd.DataFrame:
    """Term frequency per group, with rate, document frequency and dispersion.

    Parameters
    ----------
    corpus : Corpus
    by : str or None, default "region"
        A column of ``corpus.documents`` (``"region"``, ``"doc_id"``, ``"level"``, ``"year"`` …);
        None for the whole corpus.
    exclude : sequence of str
        Token flags to leave out; ``()`` keeps everything.
    min_count : int
        Drop rows with fewer occurrences.
    n : int, optional
        Keep the top ``n`` terms per group.

    Returns
    -------
    DataFrame
        One row per (group, term): the group under its own column name, ``term, count,
        total`` (tokens of the group after exclusion), ``per_10k`` (count per 10,000 of
        ``total``), ``doc_freq`` and ``n_docs``, ``item_range`` (items containing the term)
        and ``n_items``, ``dp`` (Gries' deviation of proportions over the group's numbered
        items, Gries 2008; 0 = spread evenly, → 1 = concentrated; missing for a term that
        occurs only outside items), ``dp_norm`` (DP / (1 − smallest item share), Lijffijt &
        Gries 2012, comparable between plans with different numbers of items), and
        ``rank`` within the group.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> f = frequency(load_corpus(), by="region", n=3)
    >>> f.columns[:4].tolist()
    ['region', 'term', 'count', 'total']
    """
    group = by or "_all"
    tok = kept_tokens(corpus, exclude, by)
    if by is None:
        tok = tok.assign(_all="all")
    # parts for dispersion: the numbered items of each plan (front matter and headings are
    # not parts, so DP says how evenly a term spreads over the plan's items)
    part = tok.doc_id + "#" + tok.item_no.astype("string").fillna("")
    tok = tok.assign(_part=part)
    counts = tok.groupby([group, "token"], sort=False).size().rename("count").reset_index()
    totals = tok.groupby(group).size().rename("total")
    docf = tok.groupby([group, "token"]).doc_id.nunique().rename("doc_freq")
    ndocs = tok.groupby(group).doc_id.nunique().rename("n_docs")
    in_items = tok[tok.item_no.notna()]
    item_range = in_items.drop_duplicates([group, "token", "_part"]).groupby([group, "token"]).size()
    item_range = item_range.rename("item_range")
    n_items = in_items.groupby(group)._part.nunique().rename("n_items")
    # Gries' DP over items: 0.5 * Σ|v_i - s_i|, from the non-zero parts only (the parts a
    # term misses contribute their s_i: 1 - Σ s over the parts it hits)
    part_size = in_items.groupby([group, "_part"]).size().rename("part_size")
    part_share = (part_size / part_size.groupby(level=0).transform("sum")).rename("s")
    min_share = part_share.groupby(level=0).min().rename("min_s")
    tp = in_items.groupby([group, "token", "_part"]).size().rename("k").reset_index()
    tp = tp.merge(part_share.reset_index(), on=[group, "_part"])
    tp["v"] = tp.k / tp.groupby([group, "token"]).k.transform("sum")
    agg = (
        tp.assign(absdiff=(tp.v - tp.s).abs())
        .groupby([group, "token"])
        .agg(sum_abs=("absdiff", "sum"), sum_s=("s", "sum"))
    )
    dp = (0.5 * (agg.sum_abs + (1 - agg.sum_s))).rename("dp")
    # DPnorm (Lijffijt & Gries 2012): DP divided by its maximum 1 - min(s), so plans with
    # 20 and with 39 items are on one 0..1 scale
    dpn = (dp / (1 - dp.index.get_level_values(0).map(min_share).to_numpy())).rename("dp_norm")

    out = counts.join(totals, on=group).join(docf, on=[group, "token"]).join(ndocs, on=group)
    out = out.join(item_range, on=[group, "token"]).join(n_items, on=group)
    out = out.join(dp, on=[group, "token"]).join(dpn, on=[group, "token"])
    out["item_range"] = out.item_range.fillna(0).astype(int)
    out["n_items"] = out.n_items.fillna(0).astype(int)
    out["per_10k"] = out["count"] / out["total"] * 10_000
    out = out.rename(columns={"token": "term"})
    out = out[out["count"] >= min_count]
    out = out.sort_values([group, "count", "term"], ascending=[True, False, True], ignore_index=True)
    out["rank"] = out.groupby(group).cumcount() + 1
    if n is not None:
        out = out[out["rank"] <= n].reset_index(drop=True)
    cols = [
        group,
        "term",
        "count",
        "total",
        "per_10k",
        "doc_freq",
        "n_docs",
        "item_range",
        "n_items",
        "dp",
        "dp_norm",
        "rank",
    ]
    out = out[cols]
    if by is None:
        out = out.drop(columns=["_all"])
    out.attrs["exclude"] = tuple(exclude)
    return out


def keyness(
    corpus,
    by: str = "region",
    target: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    *,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    min_count: int = 2,
    sort: str = "g2",
    correction: str = "bh",
    alpha: float = 0.05,
    min_effect: float = 0.0,
) -> pd.DataFrame:
    """Keywords of a target group against a reference (quanteda's textstat_keyness).

    Parameters
    ----------
    corpus : Corpus
    by : str, default "region"
        Column of ``corpus.documents`` that defines the groups.
    target : str or list of str
        Group value(s) of the target corpus.
    reference : str or list of str, optional
        Group value(s) of the reference; default every other group.
    exclude : sequence of str
        Token flags left out of both corpora (and so of the totals).
    min_count : int, default 2
        Minimum occurrences in target and reference together.
    sort : {"g2", "log_ratio"}
    correction : {"bh", "bonferroni", "none"}, default "bh"
        Adjustment of the p-values for testing every term at once: Benjamini–Hochberg false
        discovery rate (default), Bonferroni, or none.
    alpha : float, default 0.05
        Level for ``significant``, applied to the adjusted p-value.
    min_effect : float, default 0
        Minimum absolute log ratio for ``significant`` (1 = twice as frequent).

    Returns
    -------
    DataFrame
        One row per term: ``term, count_target, count_reference, total_target,
        total_reference, per_10k_target, per_10k_reference, g2`` (Dunning's log-likelihood,
        the 2×2 table ``[[a, b], [c - a, d - b]]``), ``chi2`` (Yates-corrected), ``p``
        (of G², χ² with 1 df), ``log_ratio`` (Hardie; zero counts as 0.5), ``direction``
        (``"target"`` if relatively more frequent in the target, else ``"reference"``),
        ``test`` (``"G2"``, or ``"fisher"`` where an expected count is below 5, whose exact
        two-sided p is then used), ``p_test`` (the p of that test), ``p_adj`` (adjusted by
        ``correction`` over all terms tested) and ``significant`` (``p_adj < alpha`` and
        ``|log_ratio| >= min_effect``). The correction is recorded in ``DataFrame.attrs``.
        Sorted by direction then ``sort`` descending.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> k = keyness(load_corpus(), by="region", target="重庆")
    >>> k.loc[0, ["term", "direction"]].tolist()
    ['重庆', 'target']
    >>> int(k.significant.sum())  # of 990 terms tested, after Benjamini–Hochberg
    2
    """
    tok = kept_tokens(corpus, exclude, by)
    values = set(tok[by].dropna().unique())
    require(len(values), 2, f"keyness by {by}", "group")
    if target is None:
        raise ValueError("give a target group, e.g. keyness(corpus, by='region', target='重庆')")
    targets = [target] if isinstance(target, str | int) else list(target)
    missing = [t for t in targets if t not in values]
    if missing:
        raise ValueError(
            f"target {missing} not found in column {by!r}; values are {sorted(map(str, values))}"
        )
    in_target = tok[by].isin(targets)
    if reference is None:
        in_ref = ~in_target
    else:
        refs = [reference] if isinstance(reference, str | int) else list(reference)
        in_ref = tok[by].isin(refs) & ~in_target
    a = tok[in_target].token.value_counts()
    b = tok[in_ref].token.value_counts()
    df = pd.concat([a.rename("count_target"), b.rename("count_reference")], axis=1).fillna(0).astype(int)
    df.index.name = "term"
    df = df.reset_index()
    c, d = int(in_target.sum()), int(in_ref.sum())
    if c == 0 or d == 0:
        raise InsufficientDataError(
            f"keyness needs tokens in both target and reference; after exclusions the "
            f"{'target' if c == 0 else 'reference'} has none"
        )
    df = df[df.count_target + df.count_reference >= min_count].copy()
    df["total_target"], df["total_reference"] = c, d
    A, B = df.count_target.to_numpy(), df.count_reference.to_numpy()
    df["per_10k_target"] = A / c * 10_000
    df["per_10k_reference"] = B / d * 10_000
    df["g2"] = g2(A, B, c, d)
    df["chi2"] = chi2_yates(A, B, c, d)
    df["p"] = p_value(df["g2"])
    df["log_ratio"] = log_ratio(A, B, c, d)
    df["direction"] = np.where(A / c >= B / d, "target", "reference")
    small = min_expected(A, B, c, d) < 5
    df["test"] = np.where(small, "fisher", "G2")
    p_test = df["p"].to_numpy().copy()
    if small.any():
        p_test[small] = fisher_p(A[small], B[small], c, d)
    df["p_test"] = p_test
    df["p_adj"] = adjust_p(p_test, correction)
    df["significant"] = (df.p_adj < alpha) & (df.log_ratio.abs() >= min_effect)
    df = df.sort_values(["direction", sort, "term"], ascending=[False, False, True], ignore_index=True)
    df.attrs.update(exclude=tuple(exclude), target=targets, reference=reference or "rest", by=by,
                    correction=correction, alpha=alpha, min_effect=min_effect, n_tests=len(df))  # fmt: skip
    return df


def dispersion_positions(corpus, terms: Sequence[str], *, whole_tokens: bool = False) -> pd.DataFrame:
    """Where each term occurs along each plan (AntConc's dispersion plot, quanteda's textplot_xray).

    Returns
    -------
    DataFrame
        ``doc_id, region, term, start, item_no, position`` where ``position`` is the
        occurrence's place in the plan's item sequence: ``item_no - 1 + offset within
        the item`` divided by the number of items (0 = start of the first item, 1 = end of the
        last); occurrences outside items (preamble, headings) get the position of the
        next item.
    """
    from .kwic import kwic

    frames = [kwic(corpus, t, window=0, whole_tokens=whole_tokens).assign(term=t) for t in terms]
    hits = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    rows = []
    n_items = corpus.items.groupby("doc_id").size()
    items = corpus.items.sort_values(["doc_id", "start"])
    for h in hits.itertuples():
        it = items[items.doc_id == h.doc_id]
        if it.empty:
            continue
        k = int(np.searchsorted(it.start.to_numpy(), h.start, side="right")) - 1
        if k < 0:
            pos = 0.0
        else:
            row = it.iloc[k]
            frac = min(1.0, (h.start - row.start) / max(1, row.end - row.start))
            pos = k + frac if h.start < row.end else k + 1.0
        rows.append({"doc_id": h.doc_id, "region": h.region, "term": h.term, "start": h.start,
                     "item_no": h.item_no, "position": pos / n_items[h.doc_id]})  # fmt: skip
    return pd.DataFrame(rows, columns=["doc_id", "region", "term", "start", "item_no", "position"])
