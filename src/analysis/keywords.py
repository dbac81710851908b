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
from .stats import (
    adjust_p,
    chi2_yates,
    g2,
    log_ratio,
    p_value,
    rate_ratio_exact,
    risk_ratio_wald,
    tarone_testable,
)

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


#: What keyness leaves out by default: :data:`DEFAULT_EXCLUDE` plus place names (重庆 is key
#: in Chongqing's plan; no one needs a statistic to know it), removed *before* testing so they
#: are not in the family of tests either.
KEYNESS_EXCLUDE = (*DEFAULT_EXCLUDE, "place")
UNITS = ("token", "item")


def _as_list(value) -> list:
    return [value] if isinstance(value, str | int) else list(value)


def _keyness_table(corpus, tok: pd.DataFrame, by: str, targets: list, reference, min_count: int,
                   unit: str, confidence: float) -> pd.DataFrame:  # fmt: skip
    """Counts, effect sizes, intervals and uncorrected p-values of one target (no correction)."""
    in_target = tok[by].isin(targets)
    if reference is None:
        in_ref = ~in_target
    else:
        in_ref = tok[by].isin(_as_list(reference)) & ~in_target
    c, d = int(in_target.sum()), int(in_ref.sum())
    if c == 0 or d == 0:
        raise InsufficientDataError(
            f"keyness needs tokens in both target and reference; after exclusions the "
            f"{'target' if c == 0 else 'reference'} has none"
        )
    tt, rr = tok[in_target], tok[in_ref]
    a = tt.token.value_counts()
    b = rr.token.value_counts()
    df = pd.concat([a.rename("count_target"), b.rename("count_reference")], axis=1).fillna(0).astype(int)
    df.index.name = "term"
    # dispersion: items of the target using the term, reference plans using it
    t_items, r_items = tt[tt.item_no.notna()], rr[rr.item_no.notna()]
    n_items_t = int(t_items[["doc_id", "item_no"]].drop_duplicates().shape[0])
    n_items_r = int(r_items[["doc_id", "item_no"]].drop_duplicates().shape[0])
    df["items_target"] = t_items.drop_duplicates(["token", "doc_id", "item_no"]).token.value_counts()
    df["items_reference"] = r_items.drop_duplicates(["token", "doc_id", "item_no"]).token.value_counts()
    df["docs_target"] = tt.drop_duplicates(["token", "doc_id"]).token.value_counts()
    df["docs_reference"] = rr.drop_duplicates(["token", "doc_id"]).token.value_counts()
    for col in ("items_target", "items_reference", "docs_target", "docs_reference"):
        df[col] = df[col].fillna(0).astype(int)
    df = df.reset_index()
    df = df[df.count_target + df.count_reference >= min_count].copy()
    df["total_target"], df["total_reference"] = c, d
    df["n_items_target"], df["n_items_reference"] = n_items_t, n_items_r
    df["n_docs_reference"] = int(rr.doc_id.nunique())
    A, B = df.count_target.to_numpy(), df.count_reference.to_numpy()
    df["per_10k_target"] = A / c * 10_000
    df["per_10k_reference"] = B / d * 10_000
    df["g2"] = g2(A, B, c, d)
    df["chi2"] = chi2_yates(A, B, c, d)
    df["p"] = p_value(df["g2"])
    if unit == "token":
        df["log_ratio"] = log_ratio(A, B, c, d)
        lo, hi, p_test, p_min = rate_ratio_exact(A, B, c, d, confidence)
        df["test"] = "exact_binomial"
        df["direction"] = np.where(A / c >= B / d, "target", "reference")
    else:
        if n_items_t == 0 or n_items_r == 0:
            raise InsufficientDataError(
                "item-level keyness needs numbered items in both target and reference; the "
                f"{'target' if n_items_t == 0 else 'reference'} has none"
            )
        X1, X2 = df.items_target.to_numpy(), df.items_reference.to_numpy()
        df["log_ratio"] = log_ratio(X1, X2, n_items_t, n_items_r)
        lo, hi, p_test, p_min = risk_ratio_wald(X1, X2, n_items_t, n_items_r, confidence)
        df["test"] = "wald_items"
        df["direction"] = np.where(X1 / n_items_t >= X2 / n_items_r, "target", "reference")
    df["log_ratio_low"], df["log_ratio_high"] = lo, hi
    df["p_test"], df["p_min"] = p_test, p_min
    return df


def _correct(df: pd.DataFrame, correction: str, alpha: float, min_effect: float) -> pd.DataFrame:
    """Tarone's screening, then one multiple-testing family over every row of ``df``."""
    if correction == "none":
        testable = np.ones(len(df), dtype=bool)
    else:
        testable = tarone_testable(df.p_min.to_numpy(), alpha)
    df["testable"] = testable
    p_adj = np.full(len(df), np.nan)
    p_adj[testable] = adjust_p(df.p_test.to_numpy()[testable], correction)
    df["p_adj"] = p_adj
    df["significant"] = (df.p_adj < alpha) & (df.log_ratio.abs() >= min_effect)
    # the end of the interval nearest zero: how large the effect is at least
    df["log_ratio_bound"] = np.where(df.direction == "target", df.log_ratio_low, df.log_ratio_high)
    return df


def _sorted(df: pd.DataFrame, sort: str, keys: list[str]) -> pd.DataFrame:
    if sort not in ("bound", "g2", "log_ratio"):
        raise ValueError("sort must be 'bound', 'g2' or 'log_ratio'")
    col = {"bound": "log_ratio_bound", "g2": "g2", "log_ratio": "log_ratio"}[sort]
    # within a direction, larger is more key: the target side by its value, the reference side
    # by its negative (the most negative log ratio first)
    key = df[col] if sort == "g2" else np.where(df.direction == "target", df[col], -df[col])
    df = df.assign(_key=key).sort_values(
        [*keys, "direction", "_key", "term"], ascending=[True] * len(keys) + [False, False, True]
    )
    return df.drop(columns="_key").reset_index(drop=True)


_COLUMNS = ["term", "count_target", "count_reference", "total_target", "total_reference",
            "per_10k_target", "per_10k_reference", "g2", "chi2", "p", "log_ratio", "log_ratio_low",
            "log_ratio_high", "log_ratio_bound", "direction", "items_target", "n_items_target",
            "items_reference", "n_items_reference", "docs_target", "docs_reference", "n_docs_reference",
            "test", "p_test", "p_min", "testable", "p_adj", "significant"]  # fmt: skip


def _check(corpus, by, exclude, unit):
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}")
    tok = kept_tokens(corpus, exclude, by)
    values = set(tok[by].dropna().unique())
    require(len(values), 2, f"keyness by {by}", "group")
    return tok, values


def keyness(
    corpus,
    by: str = "region",
    target: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    *,
    exclude: Sequence[str] = KEYNESS_EXCLUDE,
    min_count: int = 2,
    unit: str = "token",
    sort: str = "bound",
    correction: str = "bh",
    alpha: float = 0.05,
    min_effect: float = 0.0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Keywords of a target group against a reference, with effect sizes and their intervals.

    The effect size is Hardie's (2014) log ratio, the binary log of the ratio of relative
    frequencies (1 = twice as frequent in the target). Its interval and the test behind the
    ``significant`` mark come from one statistic family, so a mark and an interval never
    disagree:

    * ``unit="token"`` (default): given a term's ``n = a + b`` occurrences, the target's
      count is binomial with ``π = c / (c + d)`` if the rate ratio is 1 (two Poisson
      counts, conditioned on their sum). The interval is the exact Clopper–Pearson interval
      of ``a / n`` turned into a rate ratio, ``p/(1 − p) · d/c``; the test is the matching
      equal-tailed exact binomial test, so ``p_test < 1 − confidence`` exactly when the
      interval excludes 0.
    * ``unit="item"`` (dispersion-aware, Egbert & Biber 2019): the unit is the numbered item,
      not the token, so a term repeated four times in one item counts once. The effect is the
      log ratio of the *proportions of items* using the term; interval and test are the
      Wald interval and z test of the log relative risk (Katz et al. 1978), 0.5 added to an
      empty count.

    Tokens of one text are not independent (Kilgarriff 2005; Lijffijt et al. 2016): the token
    test treats a term used 4 times in one item as 4 pieces of evidence, so prefer
    ``unit="item"`` when the question is what a plan attends to, and read ``items_target``
    and ``docs_reference`` (how widely a term is used) next to the counts.

    Every term is a test. Terms whose smallest attainable p-value (``p_min``, from their
    total count alone) cannot reach significance are screened out first (Tarone 1990;
    Gilbert 2005 for the false discovery rate): ``testable`` is False, ``p_adj`` missing. The
    rest form one family adjusted by ``correction``.

    Parameters
    ----------
    corpus : Corpus
    by : str, default "region"
        Column of ``corpus.documents`` that defines the groups.
    target : str or list of str
        Group value(s) of the target corpus (a list is pooled into one target; for one
        family over several separate targets use :func:`keyness_all`).
    reference : str or list of str, optional
        Group value(s) of the reference; default every other group.
    exclude : sequence of str, default :data:`KEYNESS_EXCLUDE`
        Token flags left out of both corpora (and so of the totals and of the tests); the
        default includes ``"place"`` (names of administrative divisions).
    min_count : int, default 2
        Minimum occurrences in target and reference together (rows below are not reported).
    unit : {"token", "item"}
        What is counted for the effect size, interval and test (see above).
    sort : {"bound", "g2", "log_ratio"}
        Order within each direction: ``"bound"`` (default) by ``log_ratio_bound``, the end
        of the interval nearest zero, so a term ranks high only when it is both strongly and
        reliably key; or by G², or by the point log ratio.
    correction : {"bh", "bonferroni", "none"}, default "bh"
        Adjustment over the testable terms: Benjamini–Hochberg false discovery rate
        (default), Bonferroni, or none (no screening either).
    alpha : float, default 0.05
        Level for ``significant``, applied to the adjusted p-value.
    min_effect : float, default 0
        Minimum absolute log ratio for ``significant`` (1 = twice as frequent).
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    DataFrame
        One row per term: ``term, count_target, count_reference, total_target,
        total_reference, per_10k_target, per_10k_reference``; ``g2`` (Dunning's
        log-likelihood of ``[[a, b], [c - a, d - b]]``), ``chi2`` (Yates) and ``p`` (of G²),
        kept for comparison with other tools; ``log_ratio`` (zero counts as 0.5),
        ``log_ratio_low``, ``log_ratio_high`` (the interval; ±inf where a count is 0 and the
        data cannot bound it), ``log_ratio_bound`` (the end nearest zero), ``direction``;
        dispersion: ``items_target`` / ``n_items_target`` (numbered items of the target using
        the term / all), ``items_reference`` / ``n_items_reference``, ``docs_target``,
        ``docs_reference`` / ``n_docs_reference`` (reference plans using it / all); ``test``,
        ``p_test``, ``p_min``, ``testable``, ``p_adj`` and ``significant`` (``p_adj < alpha``
        and ``|log_ratio| >= min_effect``). Settings and ``n_tests`` (the family size) are in
        ``DataFrame.attrs``.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> k = keyness(load_corpus(), by="region", target="重庆")
    >>> k.loc[0, ["term", "direction"]].tolist()
    ['青创', 'target']
    >>> k.attrs["n_tests"], k.attrs["min_testable_count"], int(k.significant.sum())  # Tarone, then BH
    (223, 7, 0)
    """
    tok, values = _check(corpus, by, exclude, unit)
    if target is None:
        raise ValueError("give a target group, e.g. keyness(corpus, by='region', target='重庆')")
    targets = _as_list(target)
    missing = [t for t in targets if t not in values]
    if missing:
        raise ValueError(
            f"target {missing} not found in column {by!r}; values are {sorted(map(str, values))}"
        )
    df = _keyness_table(corpus, tok, by, targets, reference, min_count, unit, confidence)
    df = _sorted(_correct(df, correction, alpha, min_effect), sort, [])[_COLUMNS]
    df.attrs.update(exclude=tuple(exclude), target=targets, reference=reference or "rest", by=by,
                    correction=correction, alpha=alpha, min_effect=min_effect, unit=unit,
                    confidence=confidence, n_tests=int(df.testable.sum()), n_terms=len(df),
                    min_testable_count=_min_testable(df))  # fmt: skip
    return df


def _min_testable(df: pd.DataFrame) -> int | None:
    t = df[df.testable]
    if t.empty:
        return None
    col = (
        ("count_target", "count_reference")
        if t.test.iloc[0] == "exact_binomial"
        else ("items_target", "items_reference")
    )
    return int((t[col[0]] + t[col[1]]).min())


def keyness_all(
    corpus,
    by: str = "region",
    targets: Sequence | None = None,
    *,
    exclude: Sequence[str] = KEYNESS_EXCLUDE,
    min_count: int = 2,
    unit: str = "token",
    sort: str = "bound",
    correction: str = "bh",
    alpha: float = 0.05,
    min_effect: float = 0.0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Keyness of every group against the rest, corrected as ONE family across all targets.

    Reporting several targets at once tests every (target, term) pair, so the screening
    (Tarone) and the correction run over all of them together, not target by target.
    Parameters as in :func:`keyness`.

    Returns
    -------
    DataFrame
        The columns of :func:`keyness` after a first column named ``by`` (the target).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> ka = keyness_all(load_corpus())
    >>> ka.groupby("region").significant.sum().to_dict()
    {'北京': 1, '四川': 0, '固原': 0, '绵阳': 0, '重庆': 0}
    """
    tok, values = _check(corpus, by, exclude, unit)
    targets = sorted(values, key=str) if targets is None else list(targets)
    missing = [t for t in targets if t not in values]
    if missing:
        raise ValueError(
            f"target {missing} not found in column {by!r}; values are {sorted(map(str, values))}"
        )
    frames = [
        _keyness_table(corpus, tok, by, [t], None, min_count, unit, confidence).assign(**{by: t})
        for t in targets
    ]
    df = _correct(pd.concat(frames, ignore_index=True), correction, alpha, min_effect)
    df = _sorted(df, sort, [by])[[by, *_COLUMNS]]
    df.attrs.update(exclude=tuple(exclude), targets=targets, reference="rest", by=by,
                    correction=correction, alpha=alpha, min_effect=min_effect, unit=unit,
                    confidence=confidence, n_tests=int(df.testable.sum()), n_terms=len(df),
                    min_testable_count=_min_testable(df))  # fmt: skip
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


def dictionary_rates(corpus, dictionary, **params):
    """Dictionary attention rates by group: :func:`analysis.panels.dictionary_rates` (the same function).

    Counts of each category's terms (substrings, longest first, or tokens) per region and
    year (or any grouping), per 10,000 characters or tokens, with intervals that take the
    plan as the unit. See :mod:`analysis.panels` for the method and its limits.
    """
    from .panels import dictionary_rates as rates

    return rates(corpus, dictionary, **params)
