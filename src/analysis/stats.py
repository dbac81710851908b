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
