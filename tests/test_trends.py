"""Trends over years with the plan as the unit (issue 19 §4–5).

The simulations draw plan-level counts directly (no segmentation): each plan has its own rate,
varying around the year's rate with a coefficient of variation of 0.2 (as the seeds' plans do),
and a Poisson count over its exposure. A token-level test treats every token as independent and
finds trends that are not there; the plan-level quasi-Poisson model must not.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InsufficientDataError
from analysis.stats import plan_trend, rates_by_year, trend_test, wilson_interval, year_rates

YEARS = np.repeat(np.arange(2019, 2024), 4)  # 5 years × 4 plans


def _simulate(rng, growth: float, *, cv: float = 0.2, base: float = 0.004):
    """Counts and exposures of 20 plans: rate × growth^(year − 2019) × Gamma(mean 1, CV), Poisson counts."""
    exposure = rng.integers(3000, 9000, len(YEARS)).astype(float)
    shape = 1 / cv**2
    plan_rate = base * growth ** (YEARS - YEARS.min()) * rng.gamma(shape, 1 / shape, len(YEARS))
    return rng.poisson(plan_rate * exposure).astype(float), exposure


def _rejections(growth: float, test, n: int = 200, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    return float(np.mean([test(*_simulate(rng, growth)) < 0.05 for _ in range(n)]))


def _plan_p(counts, exposure):
    return plan_trend(counts, exposure, YEARS)["p"]


def _token_p(counts, exposure):
    by_year = pd.DataFrame({"c": counts, "e": exposure, "y": YEARS}).groupby("y").sum()
    return trend_test(by_year.c, by_year.e, by_year.index)[1]


def test_no_trend_false_positive_rate_is_near_nominal():
    assert _rejections(1.0, _plan_p) <= 0.08


def test_planted_trend_of_25_percent_a_year_is_found():
    assert _rejections(1.25, _plan_p) >= 0.60


def test_token_level_test_is_anti_conservative_with_overdispersed_plans():
    """The failure the plan-level model exists for: Cochran–Armitage on pooled tokens."""
    assert _rejections(1.0, _token_p, n=200) > 0.12


def test_permutation_of_years_over_plans_agrees():
    rng = np.random.default_rng(3)
    c, e = _simulate(rng, 1.25)
    qp = plan_trend(c, e, YEARS)
    perm = plan_trend(c, e, YEARS, method="permutation", n_permutations=199)
    assert perm["rate_ratio"] == qp["rate_ratio"]
    assert (qp["p"] < 0.05) == (perm["p"] < 0.05)


def test_quasi_poisson_slope_against_a_hand_written_irls():
    """Slope by Newton–Raphson on the Poisson log-likelihood; dispersion from Pearson χ² by hand."""
    rng = np.random.default_rng(7)
    c, e = _simulate(rng, 1.1)
    x = YEARS - YEARS.mean()
    beta = np.array([np.log(c.sum() / e.sum()), 0.0])
    design = np.column_stack([np.ones_like(x), x])
    for _ in range(50):
        mu = e * np.exp(design @ beta)
        beta = beta + np.linalg.solve(design.T @ (mu[:, None] * design), design.T @ (c - mu))
    mu = e * np.exp(design @ beta)
    phi = ((c - mu) ** 2 / mu).sum() / (len(c) - 2)
    se = np.sqrt(phi * np.linalg.inv(design.T @ (mu[:, None] * design))[1, 1])
    r = plan_trend(c, e, YEARS)
    assert r["rate_ratio"] == pytest.approx(np.exp(beta[1]), rel=1e-8)
    assert r["dispersion"] == pytest.approx(phi, rel=1e-6)
    from scipy.stats import t

    assert r["p"] == pytest.approx(2 * t.sf(abs(beta[1] / se), len(c) - 2), rel=1e-6)


def test_year_rates_match_a_glm_with_one_rate_per_year():
    """Per-year rate and interval equal statsmodels' quasi-Poisson GLM with a year factor (floor aside)."""
    import statsmodels.api as sm

    rng = np.random.default_rng(11)
    c, e = _simulate(rng, 1.0, cv=0.5)  # overdispersed, so the floor at φ = 1 does not bind
    t = year_rates(c, e, YEARS)
    design = pd.get_dummies(pd.Series(YEARS)).astype(float).to_numpy()
    fit = sm.GLM(c, design, family=sm.families.Poisson(), offset=np.log(e)).fit(scale="X2")
    assert t.dispersion.iloc[0] > 1
    assert np.allclose(t.rate, np.exp(fit.params))
    ci = np.exp(fit.conf_int(alpha=0.05))  # normal quantile; ours uses Student's t with n − years df
    from scipy.stats import norm
    from scipy.stats import t as student

    widen = student.ppf(0.975, len(c) - 5) / norm.ppf(0.975)
    assert np.allclose(np.log(t.ci_high / t.rate), np.log(ci[:, 1] / np.exp(fit.params)) * widen)


def test_rates_by_year_returns_years_plans_and_tests():
    rng = np.random.default_rng(5)
    c, e = _simulate(rng, 1.3)
    docs = pd.DataFrame({"doc_id": [f"p{i}" for i in range(20)], "year": YEARS})
    rows = [(f"p{i}", "青年") for i in range(20) for _ in range(int(c[i]))]
    rows += [(f"p{i}", "其他") for i in range(20) for _ in range(int(e[i] - c[i]))]
    tokens = pd.DataFrame(rows, columns=["doc_id", "token"])
    tr = rates_by_year(tokens, SimpleNamespace(documents=docs), "token", ["青年"])
    assert len(tr.plans) == 20 and len(tr.years) == 5
    plans = tr.plans.set_index("doc_id").loc[docs.doc_id]
    assert plans["count"].tolist() == c.astype(int).tolist()
    assert plans.total.tolist() == e.astype(int).tolist()
    assert ((tr.years.ci_low <= tr.years.rate) & (tr.years.rate <= tr.years.ci_high)).all()
    assert tr.years.n_plans.eq(4).all()
    row = tr.tests.iloc[0]
    assert row.rate_ratio > 1 and row.rr_low < row.rate_ratio < row.rr_high and row.p < 0.05


def test_refuses_below_three_plans_a_year_or_one_year():
    with pytest.raises(InsufficientDataError, match="at least 3 plans in every year.*2021 \\(1\\)"):
        plan_trend([5, 6, 7, 8, 9], [1000] * 5, [2021, 2023, 2023, 2023, 2023])
    with pytest.raises(InsufficientDataError, match="at least two years"):
        plan_trend([5, 6, 7], [1000] * 3, [2023] * 3)


def test_refuses_on_the_seeds(seeds):
    """One plan of 2021 against four of 2023: too thin for a trend, said in one sentence."""
    with pytest.raises(InsufficientDataError) as err:
        rates_by_year(seeds.tokens, seeds, "token", ["青年"])
    assert str(err.value).count(".") == 0 and "2021 (1)" in str(err.value)


def test_zero_count_year_gets_an_upper_bound():
    t = year_rates([0, 0, 0, 4, 5, 6], [1000] * 6, [2021] * 3 + [2022] * 3)
    first = t.iloc[0]
    assert first.rate == 0 and first.ci_low == 0 and 0 < first.ci_high < 0.01


def test_wilson_interval_against_hand_values():
    # x = 0: the interval is [0, z²/(n+z²)]
    lo, hi = wilson_interval(0, 20)
    z = 1.959963984540054
    assert lo[0] == 0 and hi[0] == pytest.approx(z**2 / (20 + z**2))
    # x = 5, n = 20: Newcombe (1998) table, Wilson score interval 0.1119–0.4687
    lo, hi = wilson_interval(5, 20)
    assert lo[0] == pytest.approx(0.1119, abs=5e-5) and hi[0] == pytest.approx(0.4687, abs=5e-5)


def test_trend_test_equals_n_r_squared():
    """Cochran–Armitage chi² equals N·r², r the correlation of outcome and score over all units."""
    counts, totals, years = [3, 9, 14, 30], [400, 380, 420, 410], [2019, 2020, 2021, 2022]
    z, p = trend_test(counts, totals, years)
    outcome = np.concatenate([np.r_[np.ones(c), np.zeros(n - c)] for c, n in zip(counts, totals)])
    score = np.concatenate([np.full(n, y, float) for n, y in zip(totals, years)])
    r = np.corrcoef(outcome, score)[0, 1]
    assert z**2 == pytest.approx(len(outcome) * r**2, rel=1e-9)
    assert z > 0 and p < 1e-6


def test_trend_figure_draws_every_plan_and_each_year(tmp_path):
    from analysis.plots import plot_trend

    rng = np.random.default_rng(5)
    c, e = _simulate(rng, 1.3)
    docs = pd.DataFrame({"doc_id": [f"p{i}" for i in range(20)], "year": YEARS})
    tokens = pd.DataFrame(
        [(f"p{i}", "青年") for i in range(20) for _ in range(int(c[i]))]
        + [(f"p{i}", "其他") for i in range(20) for _ in range(int(e[i] - c[i]))],
        columns=["doc_id", "token"],
    )
    tr = rates_by_year(tokens, SimpleNamespace(documents=docs), "token", ["青年"])
    fig = plot_trend(tr)
    ax = fig.axes[0]
    points = [col for col in ax.collections if col.get_offsets().shape[0] == 20]
    assert len(points) == 1  # one point per plan, the unit of the test
    assert sorted(points[0].get_offsets()[:, 1].round(6)) == sorted(tr.plans.rate.round(6))
    title = " ".join(ax.get_title(loc=where) for where in ("left", "center", "right"))
    assert "×" in title and "p=" in title
    fig.savefig(tmp_path / "trend.png")  # renders (PDF export, with its font conversion, is tested elsewhere)
