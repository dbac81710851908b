"""Association and keyness statistics on 2×2 contingency tables, vectorised with numpy.

For a term seen ``a`` times in a target corpus of ``c`` tokens and ``b`` times in a
reference corpus of ``d`` tokens, the table is ``[[a, b], [c - a, d - b]]``.

* G² (log-likelihood ratio; Dunning 1993): ``2 Σ O ln(O / E)`` over the four cells.
* χ² with Yates' continuity correction: ``Σ (|O - E| - ½)² / E`` (``|O - E|`` floored at ½·… as in
  scipy's ``chi2_contingency(correction=True)``).
* log ratio (Hardie 2014): ``log2((a / c) / (b / d))``, zero frequencies replaced by 0.5.

Proportions: :func:`wilson_interval`. Change over time with the plan as the unit:
:func:`rates_by_year` (per-year and per-plan rates, :func:`year_rates`, and the quasi-Poisson
trend :func:`plan_trend`); the token-level Cochran–Armitage :func:`trend_test` is kept for
description only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2 as _chi2


def _cells(a, b, c, d):
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    o = np.stack([a, b, c - a, d - b])  # O11 O12 O21 O22
    row1, row2 = a + b, (c - a) + (d - b)
    col1, col2 = c, d
    n = c + d
    e = np.stack([row1 * col1 / n, row1 * col2 / n, row2 * col1 / n, row2 * col2 / n])
    return o, e


def g2(a, b, c, d) -> np.ndarray:
    """Log-likelihood G² of the 2×2 table ``[[a, b], [c - a, d - b]]`` (0·ln 0 = 0).

    >>> round(float(g2(10, 5, 1000, 2000)), 6)  # = scipy chi2_contingency(..., lambda_="log-likelihood")
    6.969192
    """
    o, e = _cells(a, b, c, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(o > 0, o * np.log(o / e), 0.0)
    return 2.0 * terms.sum(axis=0)


def chi2_yates(a, b, c, d) -> np.ndarray:
    """Pearson χ² with Yates' continuity correction, as ``scipy.stats.chi2_contingency``."""
    o, e = _cells(a, b, c, d)
    diff = np.abs(o - e)
    corr = np.minimum(0.5, diff)  # scipy never over-corrects past zero
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(e > 0, (diff - corr) ** 2 / e, 0.0).sum(axis=0)


def p_value(stat) -> np.ndarray:
    """Upper-tail p of a χ²(1)-distributed statistic (G² or χ²)."""
    return _chi2.sf(np.asarray(stat, dtype=float), 1)


def log_ratio(a, b, c, d, zero: float = 0.5) -> np.ndarray:
    """Hardie's log ratio (binary log of the ratio of relative frequencies).

    >>> float(log_ratio(20, 10, 1000, 1000))
    1.0
    """
    a = np.where(np.asarray(a) == 0, zero, a).astype(float)
    b = np.where(np.asarray(b) == 0, zero, b).astype(float)
    return np.log2((a / np.asarray(c, dtype=float)) / (b / np.asarray(d, dtype=float)))


CORRECTIONS = ("bh", "bonferroni", "none")


def adjust_p(p, method: str = "bh") -> np.ndarray:
    """P-values adjusted for testing many terms at once.

    ``"bh"``: Benjamini–Hochberg false discovery rate (scipy's ``false_discovery_control``);
    ``"bonferroni"``: family-wise, ``min(1, p·m)``; ``"none"``: unchanged.

    >>> adjust_p([0.01, 0.02, 0.03, 0.5]).round(3).tolist()
    [0.04, 0.04, 0.04, 0.5]
    >>> adjust_p([0.01, 0.3], "bonferroni").tolist()
    [0.02, 0.6]
    """
    p = np.asarray(p, dtype=float)
    if method not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}")
    if method == "none" or p.size == 0:
        return p.copy()
    if method == "bonferroni":
        return np.minimum(1.0, p * p.size)
    from scipy.stats import false_discovery_control

    return false_discovery_control(p, method="bh")


def min_expected(a, b, c, d) -> np.ndarray:
    """Smallest expected cell count of each 2×2 table ``[[a, b], [c − a, d − b]]``."""
    _, e = _cells(a, b, c, d)
    return e.min(axis=0)


def fisher_p(a, b, c, d) -> np.ndarray:
    """Two-sided Fisher exact test of each 2×2 table ``[[a, b], [c − a, d − b]]``.

    >>> round(float(fisher_p([3], [0], [10], [40])[0]), 4)  # = C(10,3)/C(50,3): only the observed table is as extreme
    0.0061
    """
    from scipy.stats import fisher_exact

    a, b = np.atleast_1d(a).astype(int), np.atleast_1d(b).astype(int)
    c = np.broadcast_to(np.asarray(c, dtype=int), a.shape)
    d = np.broadcast_to(np.asarray(d, dtype=int), a.shape)
    return np.array(
        [fisher_exact([[x, y], [n - x, m - y]])[1] for x, y, n, m in zip(a, b, c, d)], dtype=float
    )


def wilson_interval(count, total, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``count / total`` (vectorised).

    Examples
    --------
    >>> lo, hi = wilson_interval(0, 20)
    >>> float(lo[0]), round(float(hi[0]), 4)
    (0.0, 0.1611)
    """
    from scipy.stats import norm

    x = np.atleast_1d(np.asarray(count, dtype=float))
    n = np.atleast_1d(np.asarray(total, dtype=float))
    z = norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, x / n, 0.0)
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    lo = np.where(x == 0, 0.0, lo)
    return lo, hi


# ---------------------------------------------------------------------------------------
# change over time: the plan is the unit


def trend_test(
    counts: Sequence[float], totals: Sequence[float], scores: Sequence[float]
) -> tuple[float, float]:
    """Cochran–Armitage test for a linear trend in proportions across ordered groups (token level).

    Every token is treated as an independent draw. Tokens of one plan are not independent
    (plans differ in how much they say about a term), so with plan-to-plan variation this
    test is anti-conservative: on simulated corpora of 5 years × 4 plans whose rates vary
    with a coefficient of variation of 0.2 it rejects a true null far more often than its
    nominal level (``tests/test_trends.py``). It is kept for token-level description only;
    :func:`rates_by_year` uses the plan-level model :func:`plan_trend`.

    Returns ``(z, p)``: positive ``z`` means the proportion rises with the score (two-sided p).

    Examples
    --------
    >>> z, p = trend_test([5, 10, 20], [1000, 1000, 1000], [2021, 2022, 2023])
    >>> round(z, 3), p < 0.01
    (3.124, True)
    """
    from scipy.stats import norm

    x = np.asarray(counts, dtype=float)
    n = np.asarray(totals, dtype=float)
    t = np.asarray(scores, dtype=float)
    big_n = n.sum()
    pbar = x.sum() / big_n
    stat = np.sum(t * (x - n * pbar))
    var = pbar * (1 - pbar) * (np.sum(n * t**2) - np.sum(n * t) ** 2 / big_n)
    if var <= 0:
        return 0.0, 1.0
    z = float(stat / np.sqrt(var))
    return z, float(2 * norm.sf(abs(z)))


TREND_METHODS = ("quasipoisson", "permutation")


def _check_plans_per_year(years: np.ndarray, min_plans: int, what: str) -> None:
    from .errors import InsufficientDataError

    uniq, n = np.unique(years, return_counts=True)
    if len(uniq) < 2:
        raise InsufficientDataError(
            f"{what} needs plans from at least two years; this corpus has {len(uniq) or 'no'} year"
            f"{'' if len(uniq) == 1 else 's'} with plans"
        )
    thin = [f"{int(y)} ({c})" for y, c in zip(uniq, n) if c < min_plans]
    if thin:
        raise InsufficientDataError(
            f"{what} needs at least {min_plans} plans in every year, and has fewer in {', '.join(thin)}"
        )


def _quasipoisson_fit(
    counts: np.ndarray, exposure: np.ndarray, x: np.ndarray
) -> tuple[float, float, int, float]:
    """Slope of log rate on ``x``, its quasi-Poisson standard error, residual df and dispersion (statsmodels GLM)."""
    import statsmodels.api as sm

    if counts.sum() == 0:
        return 0.0, np.inf, len(counts) - 2, np.nan
    design = sm.add_constant(x - x.mean(), has_constant="add")
    fit = sm.GLM(counts, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit(scale="X2")
    return float(fit.params[1]), float(fit.bse[1]), int(fit.df_resid), float(fit.scale)


def _quasipoisson_slope(counts: np.ndarray, exposure: np.ndarray, x: np.ndarray) -> tuple[float, float, int]:
    return _quasipoisson_fit(counts, exposure, x)[:3]


def plan_trend(
    counts: Sequence[float],
    exposure: Sequence[float],
    years: Sequence[float],
    *,
    method: str = "quasipoisson",
    min_plans: int = 3,
    confidence: float = 0.95,
    n_permutations: int = 999,
    random_state: int = 0,
) -> dict:
    """Trend of a rate over years with the plan as the unit (one count and exposure per plan).

    ``method="quasipoisson"`` (default) fits the generalised linear model
    ``log E[count_i] = log(exposure_i) + a + b·(year_i − mean year)`` with a Poisson family and
    the dispersion estimated from the Pearson χ² (``scale="X2"``, quasi-Poisson; McCullagh &
    Nelder 1989, §6.2), so that plan-to-plan variation beyond Poisson widens the interval
    instead of producing false trends. The test of ``b = 0`` uses Student's t with the
    residual degrees of freedom (the dispersion is estimated). ``method="permutation"`` keeps
    the same statistic (``b`` over its standard error) and compares it with the years
    permuted over the plans (``n_permutations``, fixed seed).

    Assumptions: plans are independent; within a year, the variance of a plan's count is
    proportional to its mean (one dispersion for all plans); the log rate changes linearly
    with the year. Refused (``InsufficientDataError``) below two distinct years or below
    ``min_plans`` plans in any year.

    Returns
    -------
    dict
        ``rate_ratio`` (per year, ``exp(b)``), ``rr_low``, ``rr_high`` (interval), ``t``, ``p``,
        ``dispersion`` (Pearson χ² / residual df of the fitted model; 1 is Poisson), ``df``,
        ``n_plans``, ``method``.

    Examples
    --------
    >>> r = plan_trend([10, 12, 9, 20, 22, 19], [1000] * 6, [2021] * 3 + [2022] * 3)
    >>> round(r["rate_ratio"], 3), r["p"] < 0.01
    (1.968, True)
    """
    from scipy.stats import t as student_t

    if method not in TREND_METHODS:
        raise ValueError(f"method must be one of {TREND_METHODS}")
    c = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    y = np.asarray(years, dtype=float)
    keep = e > 0
    c, e, y = c[keep], e[keep], y[keep]
    _check_plans_per_year(y, min_plans, "a plan-level trend")
    b, se, df, phi = _quasipoisson_fit(c, e, y)
    stat = b / se if np.isfinite(se) and se > 0 else 0.0
    q = student_t.ppf(0.5 + confidence / 2, df)
    if method == "quasipoisson":
        p = float(2 * student_t.sf(abs(stat), df))
    else:
        rng = np.random.default_rng(random_state)
        null = np.empty(n_permutations)
        for i in range(n_permutations):
            bp, sep, _ = _quasipoisson_slope(c, e, rng.permutation(y))
            null[i] = bp / sep if np.isfinite(sep) and sep > 0 else 0.0
        p = float((1 + (np.abs(null) >= abs(stat) - 1e-12).sum()) / (1 + n_permutations))
    return {
        "rate_ratio": float(np.exp(b)),
        "rr_low": float(np.exp(b - q * se)) if np.isfinite(se) else 0.0,
        "rr_high": float(np.exp(b + q * se)) if np.isfinite(se) else np.inf,
        "t": float(stat),
        "p": p,
        "dispersion": phi,
        "df": df,
        "n_plans": int(len(c)),
        "method": method,
    }


def year_rates(
    counts: Sequence[float],
    exposure: Sequence[float],
    years: Sequence[float],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Rate per year with a quasi-Poisson interval, the plan as the unit.

    The rate of year ``y`` is ``C_y / E_y`` (its plans' counts over their exposure), the
    maximum-likelihood estimate of a Poisson model with one rate per year. The interval is a
    Wald interval on the log scale with the quasi-Poisson variance ``φ / C_y``, where
    ``φ = max(1, Pearson χ² / (n_plans − n_years))`` is the dispersion between plans of
    the same year (floored at 1, the Poisson variance, so that three plans that happen to
    agree do not give a falsely narrow interval), and Student's t with ``n_plans − n_years``
    degrees of freedom. A year with no occurrence gets ``[0, φ · 3.689 / E_y]`` (the exact
    Poisson upper bound of a zero count, scaled by the dispersion).

    Returns
    -------
    DataFrame
        ``year, count, total, n_plans, rate, ci_low, ci_high, dispersion`` (rates per unit of
        exposure).

    Examples
    --------
    >>> t = year_rates([5, 7, 6, 10, 14, 12], [1000] * 6, [2021] * 3 + [2022] * 3)
    >>> t[["year", "count", "rate"]].values.tolist()
    [[2021.0, 18.0, 0.006], [2022.0, 36.0, 0.012]]
    """
    from scipy.stats import t as student_t

    df = pd.DataFrame({"c": np.asarray(counts, float), "e": np.asarray(exposure, float), "y": years})
    df = df[df.e > 0]
    g = df.groupby("y").agg(count=("c", "sum"), total=("e", "sum"), n_plans=("c", "size"))
    rate = g["count"] / g["total"]
    mu = df.e * df.y.map(rate)
    resid_df = len(df) - len(g)
    x2 = float(((df.c - mu) ** 2 / mu.where(mu > 0, 1)).sum())
    phi = max(1.0, x2 / resid_df) if resid_df > 0 else np.nan
    q = student_t.ppf(0.5 + confidence / 2, resid_df) if resid_df > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        half = q * np.sqrt(phi / g["count"])
        lo = np.where(g["count"] > 0, rate * np.exp(-half), 0.0)
        hi = np.where(g["count"] > 0, rate * np.exp(half), phi * 3.689 / g["total"])
    out = g.reset_index().rename(columns={"y": "year"})
    out["rate"] = rate.to_numpy()
    out["ci_low"], out["ci_high"] = lo, hi
    out["dispersion"] = phi
    return out[["year", "count", "total", "n_plans", "rate", "ci_low", "ci_high", "dispersion"]]


@dataclass
class Trends:
    """Result of :func:`rates_by_year`.

    Attributes
    ----------
    years : DataFrame
        One row per (value, year): ``value, year, count, total, n_plans, rate, ci_low, ci_high``
        (rates per ``per`` units; quasi-Poisson interval, :func:`year_rates`).
    plans : DataFrame
        One row per (value, plan): ``value, doc_id, year, count, total, rate``.
    tests : DataFrame
        One row per value: ``value, rate_ratio, rr_low, rr_high, t, p, p_adj, dispersion, df,
        n_plans, method`` (:func:`plan_trend`; ``p_adj`` Benjamini–Hochberg over the values).
    """

    years: pd.DataFrame
    plans: pd.DataFrame
    tests: pd.DataFrame
    per: int = 10_000


def plan_counts(
    table: pd.DataFrame, corpus, column: str, values: Sequence[str] | None = None
) -> pd.DataFrame:
    """Count of each value of ``column`` per plan, with the plan's exposure (its rows) and year.

    Returns
    -------
    DataFrame
        ``value, doc_id, year, count, total``; plans without a year are left out (the
        number is in ``attrs["no_year"]``).
    """
    years = corpus.documents.set_index("doc_id").year
    t = table[["doc_id", column]].copy()
    t["year"] = pd.to_numeric(t.doc_id.map(years), errors="coerce")
    no_year = int(t[t.year.isna()].doc_id.nunique())
    t = t[t.year.notna()]
    totals = t.groupby("doc_id").agg(year=("year", "first"), total=(column, "size"))
    values = list(values) if values is not None else sorted(t[column].dropna().unique())
    counts = t[t[column].isin(values)].groupby([column, "doc_id"]).size()
    rows = [
        {
            "value": v,
            "doc_id": d,
            "year": int(r.year),
            "count": int(counts.get((v, d), 0)),
            "total": int(r.total),
        }
        for v in values
        for d, r in totals.iterrows()
    ]
    out = pd.DataFrame(rows, columns=["value", "doc_id", "year", "count", "total"])
    out.attrs["no_year"] = no_year
    return out


def rates_by_year(
    table: pd.DataFrame,
    corpus,
    column: str,
    values: Sequence[str] | None = None,
    *,
    per: int = 10_000,
    confidence: float = 0.95,
    method: str = "quasipoisson",
    min_plans: int = 3,
    random_state: int = 0,
) -> Trends:
    """Rate of each value of ``column`` (a term, a theme) per year and per plan, with a plan-level trend.

    Parameters
    ----------
    table : DataFrame
        Rows with ``doc_id`` and ``column``: the tokens table (``column="token"``) for term
        rates, or item theme assignments (``column="theme"``) for theme shares.
    corpus : Corpus
        For each plan's ``year``.
    values : sequence, optional
        Values to report (default all).
    per : int, default 10000
        Rates are per this many rows (10,000 tokens; use 1 for shares of items).
    method : {"quasipoisson", "permutation"}
        The plan-level trend test (:func:`plan_trend`).
    min_plans : int, default 3
        Fewer plans than this in any year (or fewer than two years) raise
        :class:`~analysis.errors.InsufficientDataError`: a year's rate from one or two plans
        says more about those plans than about the year.

    Returns
    -------
    Trends
        ``years`` (rate per year with its interval), ``plans`` (rate per plan, the unit of
        the test) and ``tests`` (rate ratio per year with its interval and p).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> docs = pd.DataFrame({"doc_id": list("abcdef"), "year": [2021] * 3 + [2022] * 3})
    >>> n_x = [1, 2, 1, 3, 3, 4]  # occurrences of "x" in 10 tokens of each plan
    >>> tokens = pd.DataFrame({"doc_id": [d for d in "abcdef" for _ in range(10)],
    ...                        "token": [w for n in n_x for w in ["x"] * n + ["y"] * (10 - n)]})
    >>> tr = rates_by_year(tokens, SimpleNamespace(documents=docs), "token", ["x"], per=1)
    >>> tr.years[["year", "count", "total", "n_plans"]].to_dict("list")
    {'year': [2021, 2022], 'count': [4, 10], 'total': [30, 30], 'n_plans': [3, 3]}
    >>> round(tr.tests.rate_ratio.item(), 2)
    2.5
    """
    pc = plan_counts(table, corpus, column, values)
    _check_plans_per_year(pc.drop_duplicates("doc_id").year.to_numpy(), min_plans, "a trend over years")
    years_rows, tests = [], []
    for v, g in pc.groupby("value", sort=False):
        yr = year_rates(g["count"], g.total, g.year, confidence=confidence).assign(value=v)
        years_rows.append(yr)
        r = plan_trend(g["count"], g.total, g.year, method=method, min_plans=min_plans, confidence=confidence,
                       random_state=random_state)  # fmt: skip
        tests.append({"value": v, **r})
    years = pd.concat(years_rows, ignore_index=True)
    for col in ("rate", "ci_low", "ci_high"):
        years[col] = years[col] * per
    years["year"] = years.year.astype(int)
    years["count"] = years["count"].astype(int)
    years["total"] = years.total.astype(int)
    years = years[["value", "year", "count", "total", "n_plans", "rate", "ci_low", "ci_high", "dispersion"]]
    tests = pd.DataFrame(tests)
    tests.insert(list(tests.columns).index("p") + 1, "p_adj", adjust_p(tests.p.to_numpy(), "bh"))
    plans = pc.assign(rate=pc["count"] / pc.total * per)
    return Trends(years, plans, tests, per)


def rate_ratio_exact(a, b, c, d, confidence: float = 0.95):
    """Exact conditional interval and test of the log2 ratio of two rates ``(a/c) / (b/d)``.

    Conditioned on ``n = a + b``, ``a`` is binomial with ``π = c / (c + d)`` when the rates
    are equal (two Poisson counts). The Clopper–Pearson interval ``[pL, pU]`` of ``a / n``
    maps to the rate ratio ``p / (1 − p) · d / c``; the test is the equal-tailed exact
    binomial test ``min(1, 2 · min(P(X ≤ a), P(X ≥ a)))``, which rejects at ``1 −
    confidence`` exactly when the interval excludes a ratio of 1. The interval is open
    (``-inf`` / ``inf``) on the side where a count is 0.

    Returns
    -------
    low, high : ndarray
        Interval of the log2 rate ratio.
    p : ndarray
        Two-sided p of the rate ratio being 1.
    p_min : ndarray
        Smallest p attainable with this ``n`` (all occurrences on one side), for Tarone's
        screening: ``min(1, 2 · min(π, 1 − π)^n)``.

    Examples
    --------
    >>> lo, hi, p, p_min = rate_ratio_exact([8], [2], [1000], [1000])
    >>> round(float(p[0]), 4), round(float(p_min[0]), 4)  # 2·P(X ≥ 8 | n=10, π=½) = 2·56/1024
    (0.1094, 0.002)
    >>> bool(lo[0] < 0 < hi[0])
    True
    """
    from scipy.stats import beta, binom

    a = np.atleast_1d(np.asarray(a, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    c = np.broadcast_to(np.asarray(c, dtype=float), a.shape)
    d = np.broadcast_to(np.asarray(d, dtype=float), a.shape)
    n = a + b
    pi = c / (c + d)
    tail = (1 - confidence) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p_lo = np.where(a > 0, beta.ppf(tail, a, n - a + 1), 0.0)
        p_hi = np.where(b > 0, beta.ppf(1 - tail, a + 1, n - a), 1.0)
        ratio = d / c
        low = np.where(a > 0, np.log2(p_lo / (1 - p_lo) * ratio), -np.inf)
        high = np.where(b > 0, np.log2(p_hi / (1 - p_hi) * ratio), np.inf)
    p = np.minimum(1.0, 2 * np.minimum(binom.cdf(a, n, pi), binom.sf(a - 1, n, pi)))
    p_min = np.minimum(1.0, 2 * np.minimum(pi, 1 - pi) ** n)
    return low, high, p, p_min


def risk_ratio_wald(x1, x2, n1, n2, confidence: float = 0.95):
    """Wald interval and z test of the log2 ratio of two proportions ``(x1/n1) / (x2/n2)``.

    Katz et al. (1978): ``SE(ln RR) = sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2)``, with 0.5 in place
    of an empty count (also in the point estimate). Interval and test are the same
    statistic, so the test rejects at ``1 − confidence`` exactly when the interval excludes
    0. Approximate: with a handful of units the interval is rough.

    Returns
    -------
    low, high, p, p_min : ndarray
        Interval of the log2 ratio, two-sided p, and the smallest p attainable with
        ``x1 + x2`` units using the term (all of them on one side).

    Examples
    --------
    >>> lo, hi, p, _ = risk_ratio_wald([10], [10], [20], [40])  # RR 2, SE sqrt(.05 + .075)
    >>> round(float(lo[0]), 3), round(float(hi[0]), 3), round(float(p[0]), 4)
    (0.0, 2.0, 0.0499)
    """
    from scipy.stats import norm

    x1 = np.atleast_1d(np.asarray(x1, dtype=float))
    x2 = np.atleast_1d(np.asarray(x2, dtype=float))
    n1 = np.broadcast_to(np.asarray(n1, dtype=float), x1.shape)
    n2 = np.broadcast_to(np.asarray(n2, dtype=float), x1.shape)
    z = norm.ppf(0.5 + confidence / 2)

    def stat(u, v):
        u = np.where(u == 0, 0.5, u)
        v = np.where(v == 0, 0.5, v)
        lr = np.log((u / n1) / (v / n2))
        se = np.sqrt(np.maximum(1 / u - 1 / n1 + 1 / v - 1 / n2, 0.0))
        return lr, se

    lr, se = stat(x1, x2)
    low, high = (lr - z * se) / np.log(2), (lr + z * se) / np.log(2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, 2 * norm.sf(np.abs(lr) / se), 1.0)
    s = x1 + x2
    e1 = np.minimum(s, n1)  # as many units as possible on the target side
    e2 = np.minimum(s, n2)
    p_min = np.ones_like(p)
    for u, v in ((e1, s - e1), (s - e2, e2)):
        ok = (v <= n2) & (u <= n1)
        lr_e, se_e = stat(u, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            pe = np.where(se_e > 0, 2 * norm.sf(np.abs(lr_e) / se_e), 1.0)
        p_min = np.where(ok, np.minimum(p_min, pe), p_min)
    return low, high, p, p_min


def tarone_testable(p_min, alpha: float = 0.05) -> np.ndarray:
    """Tarone's (1990) screening: which tests can reach significance at all.

    With discrete tests, a test whose smallest attainable p-value ``p_min`` is large can
    never be significant, yet it counts in the family. Tarone's ``K`` is the smallest ``k``
    with ``m(k) = #{p_min ≤ alpha / k} ≤ k``; only those ``m(K)`` tests are kept (Gilbert 2005
    shows the same screening keeps Benjamini–Hochberg's false discovery rate).

    Examples
    --------
    >>> tarone_testable([1e-6, 1e-4, 0.2, 0.6]).tolist()  # K = 2: α/2 = 0.025
    [True, True, False, False]
    """
    p_min = np.asarray(p_min, dtype=float)
    m = p_min.size
    ordered = np.sort(p_min)
    for k in range(1, m + 1):
        if np.searchsorted(ordered, alpha / k, side="right") <= k:
            return p_min <= alpha / k
    return np.ones(m, dtype=bool)
