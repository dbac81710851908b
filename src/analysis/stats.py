"""Association and keyness statistics on 2×2 contingency tables, vectorised with numpy.

For a term seen ``a`` times in a target corpus of ``c`` tokens and ``b`` times in a
reference corpus of ``d`` tokens, the table is ``[[a, b], [c - a, d - b]]``.

* G² (log-likelihood ratio; Dunning 1993): ``2 Σ O ln(O / E)`` over the four cells.
* χ² with Yates' continuity correction: ``Σ (|O - E| - ½)² / E`` (``|O - E|`` floored at ½·… as in
  scipy's ``chi2_contingency(correction=True)``).
* log ratio (Hardie 2014): ``log2((a / c) / (b / d))``, zero frequencies replaced by 0.5.
"""

from __future__ import annotations

import numpy as np
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
