"""Multiple-testing corrections and exact tests for keyness, checked by hand-written computations."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from analysis.stats import adjust_p, fisher_p


def bh_by_hand(p):
    """Benjamini–Hochberg step-up, written out: p_(i)·m/i, then running minimum from the top."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adj = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        adj[i] = running
    return adj


def fisher_by_hand(a, b, c, d):
    """Two-sided Fisher: sum of hypergeometric probabilities no larger than the observed one."""
    n1, n2 = c, d  # column totals (target, reference) of [[a, b], [c-a, d-b]]
    k = a + b  # occurrences of the term
    total = comb(n1 + n2, k)

    def prob(x):
        return comb(n1, x) * comb(n2, k - x) / total if 0 <= k - x <= n2 and 0 <= x <= n1 else 0.0

    obs = prob(a)
    return sum(prob(x) for x in range(0, min(k, n1) + 1) if prob(x) <= obs * (1 + 1e-7))


def test_bh_matches_the_step_up_procedure():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 200) ** 3
    assert np.allclose(adjust_p(p, "bh"), bh_by_hand(list(p)))
    # the textbook example: p = 0.01, 0.04, 0.03, 0.005 (m = 4)
    assert adjust_p([0.01, 0.04, 0.03, 0.005], "bh").tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_bonferroni_and_none():
    assert adjust_p([0.01, 0.2, 0.6], "bonferroni").tolist() == pytest.approx([0.03, 0.6, 1.0])
    assert adjust_p([0.01, 0.2], "none").tolist() == [0.01, 0.2]
    with pytest.raises(ValueError):
        adjust_p([0.1], "holm")


@pytest.mark.parametrize("a, b, c, d", [(3, 0, 10, 40), (2, 1, 30, 60), (0, 5, 20, 25), (4, 4, 12, 100)])
def test_fisher_matches_the_hypergeometric_sum(a, b, c, d):
    assert fisher_p([a], [b], c, d)[0] == pytest.approx(fisher_by_hand(a, b, c, d), rel=1e-9)


@pytest.fixture(scope="module")
def chongqing():
    from analysis import load_corpus
    from analysis.keywords import keyness

    return keyness(load_corpus(), by="region", target="重庆")


def test_keyness_significance_is_corrected(chongqing):
    k = chongqing
    tested = k[k.testable]
    assert k.attrs["correction"] == "bh" and k.attrs["n_tests"] == len(tested)
    assert np.allclose(tested.p_adj, bh_by_hand(list(tested.p_test)))
    assert (k.significant == (k.p_adj < 0.05)).all()
    # far fewer terms survive the correction than are nominally significant
    assert k.significant.sum() < (k.p_test < 0.05).sum() / 5


def test_min_effect_filters_small_effects():
    from analysis import load_corpus
    from analysis.keywords import keyness

    k = keyness(load_corpus(), by="region", target="重庆", correction="none", min_effect=1.0)
    assert (k[k.significant].log_ratio.abs() >= 1.0).all()
    assert ((k.p_adj < 0.05) & (k.log_ratio.abs() < 1.0)).any()  # some were cut by the effect size


def test_keyness_figure_marks_the_corrected_terms(chongqing):
    from analysis.plots import plot_keyness

    fig = plot_keyness(chongqing, n=50, exclude_places=False)
    ax = fig.axes[0]
    labels = [t.get_text().split("  ")[0] for t in ax.get_yticklabels()]
    filled = [m for m in ax.get_lines() if m.get_marker() == "o" and m.get_markerfacecolor() != "white"]
    assert len(filled) == int(chongqing[chongqing.term.isin(labels)].significant.sum())
    assert "Benjamini–Hochberg" in ax.get_xlabel()


def test_place_names_are_flagged_and_left_out_of_keyness(chongqing):
    from analysis import load_corpus
    from analysis.keywords import keyness
    from analysis.places import place_names
    from analysis.plots import plot_keyness

    corpus = load_corpus()
    tok = corpus.tokens
    assert tok[tok.token == "重庆"].place.all() and not tok[tok.token == "青年"].place.any()
    assert "重庆" not in set(chongqing.term)  # left out before testing, by default
    with_places = keyness(corpus, by="region", target="重庆", exclude=("punct", "stop"))
    assert "重庆" in set(with_places[with_places.significant].term)
    labels = [t.get_text().split("  ")[0] for t in plot_keyness(with_places, n=50).axes[0].get_yticklabels()]
    assert "重庆" not in labels  # the figure still hides them
    kept = keyness(corpus, by="region", target="重庆", exclude=("punct", "stop", "place"))
    assert not set(kept.term) & place_names()
