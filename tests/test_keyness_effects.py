"""Keyness as effect sizes with intervals (issue 19 §2): checked against scipy and hand examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, false_discovery_control
from scipy.stats.contingency import relative_risk

from analysis.keywords import kept_tokens, keyness, keyness_all
from analysis.places import place_names
from analysis.stats import rate_ratio_exact, risk_ratio_wald, tarone_testable


@pytest.fixture(scope="module")
def corpus(seeds):
    return seeds


# ---------------------------------------------------------------- the statistics


@pytest.mark.parametrize("a,b,c,d", [(5, 0, 1823, 5590), (9, 27, 1823, 5590), (1, 3, 500, 500), (28, 0, 2000, 7000),
                                     (0, 17, 1800, 5600), (40, 10, 3000, 3000), (3, 1, 100, 900)])  # fmt: skip
def test_rate_ratio_interval_matches_scipy_binomial(a, b, c, d):
    """Clopper–Pearson of a/(a+b) from scipy, mapped by hand to the log2 rate ratio."""
    lo, hi, p, p_min = rate_ratio_exact([a], [b], c, d)
    n, pi = a + b, c / (c + d)
    ci = binomtest(a, n, pi).proportion_ci(confidence_level=0.95, method="exact")

    def to_lr(q):
        if q <= 0:
            return -math.inf
        if q >= 1:
            return math.inf
        return math.log2(q / (1 - q) * d / c)

    assert lo[0] == pytest.approx(to_lr(ci.low), abs=1e-9) if a else lo[0] == -np.inf
    assert hi[0] == pytest.approx(to_lr(ci.high), abs=1e-9) if b else hi[0] == np.inf
    # the test is the equal-tailed exact test: twice the smaller one-sided p
    one_sided = min(
        binomtest(a, n, pi, alternative="greater").pvalue, binomtest(a, n, pi, alternative="less").pvalue
    )
    assert p[0] == pytest.approx(min(1.0, 2 * one_sided), rel=1e-9)
    assert p_min[0] == pytest.approx(min(1.0, 2 * min(pi, 1 - pi) ** n), rel=1e-12)


def test_interval_and_mark_never_disagree():
    """p < 0.05 exactly when the 95% interval leaves out 0, over every table with n ≤ 30."""
    a, b = np.meshgrid(np.arange(31), np.arange(31))
    keep = (a + b) > 0
    a, b = a[keep], b[keep]
    lo, hi, p, _ = rate_ratio_exact(a, b, 1000, 3000)
    excludes = (lo > 0) | (hi < 0)
    close = np.isclose(p, 0.05, rtol=1e-6)  # boundary ties
    assert ((p < 0.05) == excludes)[~close].all()
    lo, hi, p, _ = risk_ratio_wald(a[a <= 20], b[a <= 20], 20, 60)
    assert ((p < 0.05) == ((lo > 0) | (hi < 0)))[~np.isclose(p, 0.05, rtol=1e-6)].all()


@pytest.mark.parametrize("x1,n1,x2,n2", [(10, 20, 10, 40), (4, 22, 2, 105), (7, 22, 27, 105), (1, 30, 9, 90)])
def test_item_interval_matches_scipy_relative_risk(x1, n1, x2, n2):
    lo, hi, p, _ = risk_ratio_wald([x1], [x2], n1, n2)
    ci = relative_risk(x1, n1, x2, n2).confidence_interval(0.95)  # Katz log interval
    assert lo[0] == pytest.approx(math.log2(ci.low), abs=1e-9)
    assert hi[0] == pytest.approx(math.log2(ci.high), abs=1e-9)


def test_tarone_screening_by_hand():
    # p_min = .001 .004 .02 .3: k=1: 3 ≤ .05 > 1; k=2: 2 ≤ .025 ≤ 2 → K = 2, keep the first two
    assert tarone_testable([0.001, 0.004, 0.02, 0.3]).tolist() == [True, True, False, False]
    # a screened test could not have been significant at the level Tarone's K sets
    pm = np.array([1e-6, 1e-5, 0.01, 0.02, 0.04, 0.2, 0.5])
    keep = tarone_testable(pm)
    k = max(int(keep.sum()), 1)
    assert (pm[~keep] > 0.05 / k).all()


# ---------------------------------------------------------------- the table


def test_table_has_interval_and_dispersion_columns_counted_independently(corpus):
    k = keyness(corpus, by="region", target="北京").set_index("term")
    tok = kept_tokens(corpus, k.attrs["exclude"], by="region")
    t, r = tok[tok.region == "北京"], tok[tok.region != "北京"]
    for term in ["首都", "少先队", "发展", "第八次"]:
        row = k.loc[term]
        assert (
            row.items_target
            == t[(t.token == term) & t.item_no.notna()][["doc_id", "item_no"]].drop_duplicates().shape[0]
        )
        assert row.docs_reference == r[r.token == term].doc_id.nunique()
        assert row.log_ratio_low <= row.log_ratio <= row.log_ratio_high
    assert k.loc["第八次", "count_target"] == 4 and k.loc["第八次", "items_target"] == 1  # bursty: one item
    assert {"log_ratio_low", "log_ratio_high", "items_target", "docs_reference"} <= set(k.columns)


def test_place_names_are_out_before_testing(corpus):
    k = keyness(corpus, by="region", target="重庆")
    assert not set(k.term) & place_names()
    kept = kept_tokens(corpus, by="region")
    places = kept[kept.region == "重庆"].token.isin(place_names()).sum()
    assert places > 0 and k.total_target.iloc[0] == (kept.region == "重庆").sum() - places


def test_one_family_across_all_targets(corpus):
    ka = keyness_all(corpus, by="region")
    assert set(ka.region) == set(corpus.documents.region)
    tested = ka[ka.testable]
    assert ka.attrs["n_tests"] == len(tested)
    assert np.allclose(tested.p_adj, false_discovery_control(tested.p_test.to_numpy(), method="bh"))
    assert ka[~ka.testable].p_adj.isna().all()
    # one target alone is a smaller family, which would understate the correction
    one = keyness(corpus, by="region", target="北京").set_index("term")
    bj = tested[tested.region == "北京"].set_index("term")
    assert one.attrs["n_tests"] < ka.attrs["n_tests"]
    assert one.loc["首都", "p_adj"] < bj.loc["首都", "p_adj"]
    assert one.loc["首都", "p_test"] == pytest.approx(bj.loc["首都", "p_test"])


def _burst_corpus(plans: dict | None = None, items: int = 20):
    """Plans of two groups with the same word distribution; in one target item a term is said 5 times."""
    from analysis.corpus import TABLES, Corpus, empty_table

    rng = np.random.default_rng(7)
    vocab = [f"词{i:03d}" for i in range(200)]
    rows = []
    docs = []
    for g, n_plans in (plans or {"甲": 2, "乙": 4}).items():
        for p in range(n_plans):
            doc = f"{g}{p}"
            docs.append((doc, g))
            for it in range(1, items + 1):
                words = list(rng.choice(vocab, size=25))
                if doc == "甲0" and it == 3:
                    words += ["第八次"] * 5
                rows += [(doc, "item", None, it, k, w) for k, w in enumerate(words)]
    tables = {t: empty_table(t) for t in TABLES}
    tables["documents"] = pd.DataFrame(
        {"doc_id": [d for d, _ in docs], "region": [g for _, g in docs], "body": ""}
    )
    c = Corpus(**tables)
    tok = pd.DataFrame(rows, columns=["doc_id", "block", "section_id", "item_no", "position", "token"])
    tok["item_no"] = tok.item_no.astype("Int64")
    for flag in ("punct", "numeric", "stop", "filler", "placeholder", "place"):
        tok[flag] = False
    c._cache["tokens"] = tok
    return c


def test_item_level_test_is_not_fooled_by_a_burst():
    """Five tokens in one item: the token test calls it key, the item test does not."""
    c = _burst_corpus()
    tok_level = keyness(c, by="region", target="甲", correction="none").set_index("term")
    item_level = keyness(c, by="region", target="甲", unit="item", correction="none").set_index("term")
    assert (
        tok_level.loc["第八次", "p_test"] < 0.05
    )  # anti-conservative: tokens of one item are not independent
    assert item_level.loc["第八次", "p_test"] > 0.2
    assert item_level.loc["第八次", "items_target"] == 1
    # with no real difference between the groups, the item test rarely rejects
    assert (item_level.p_test < 0.05).mean() < 0.1


def test_default_keyness_figure_shows_intervals_and_marks_for_every_seed_plan(corpus):
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from analysis.plots import plot_keyness

    for region in sorted(corpus.documents.region.unique()):
        k = keyness(corpus, by="region", target=region)
        fig = plot_keyness(k)
        ax = fig.axes[0]
        terms = [t.get_text() for t in ax.get_yticklabels()]
        assert len(terms) >= 10, region
        lines = [ln for ln in ax.get_lines() if isinstance(ln, Line2D) and len(ln.get_xdata()) == 2
                 and ln.get_ydata()[0] == ln.get_ydata()[1] and ln.get_xdata()[0] != ln.get_xdata()[1]]  # fmt: skip
        assert len(lines) >= len(terms)  # one interval per term
        marks = [ln for ln in ax.get_lines() if ln.get_marker() in ("o", "x")]
        assert len(marks) == len(terms)
        filled = sum(m.get_marker() == "o" and m.get_markerfacecolor() != "white" for m in marks)
        shown = {t.split("  ")[0] for t in terms}
        assert filled == int(k[k.term.isin(shown)].significant.sum())
        assert "Benjamini–Hochberg" in ax.get_xlabel() and "Clopper–Pearson" in ax.get_xlabel()
        plt.close(fig)
