"""Themes: reproducibility, allocation tables, guided classification, validation (issue: themes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis.themes import (
    attention,
    classify_items,
    cluster_items,
    ctfidf_terms,
    item_map,
    map_to_guided,
    validate,
)


@pytest.fixture(scope="module")
def result(seeds):
    return cluster_items(seeds, k=10, random_state=0)


@pytest.mark.parametrize("method", ["nmf", "lda", "kmeans"])
def test_reproducible(seeds, method):
    a = cluster_items(seeds, k=8, method=method, random_state=1)
    b = cluster_items(seeds, k=8, method=method, random_state=1)
    pd.testing.assert_frame_equal(a.items, b.items)
    pd.testing.assert_frame_equal(a.themes, b.themes)


def test_shapes(seeds, result):
    assert len(result.items) == len(seeds.items) == 127
    assert result.items.theme.between(0, result.k - 1).all()
    assert result.themes.n_items.sum() == len(result.items)
    assert result.themes.n_items.is_monotonic_decreasing  # numbered by size
    assert result.themes.label.str.len().gt(0).all()


def test_k_is_chosen_by_stability(seeds):
    r = cluster_items(seeds, k_range=range(2, 6), n_pairs=6)
    assert r.selection.k.tolist() == [2, 3, 4, 5]
    sel = r.selection
    best = sel.loc[sel["mean"].idxmax()]
    within = sel[sel["mean"] >= best["mean"] - best["se"]]
    assert r.k == within.k.min()  # the one-standard-error rule, applied by hand to the curve


def test_stability_compares_independent_subsample_pairs():
    """On two disjoint vocabularies any subsample pair agrees perfectly; on noise it does not."""
    from analysis.themes import stability

    clean = [["团员", "学习"]] * 12 + [["就业", "创业"]] * 12
    assert stability(clean, 2, n_pairs=5).tolist() == [1.0] * 5
    rng = np.random.default_rng(0)
    words = [f"词{i}" for i in range(40)]
    noise = [list(rng.choice(words, 4, replace=False)) for _ in range(40)]
    assert stability(noise, 4, n_pairs=5).mean() < 0.5


def test_select_k_finds_planted_themes():
    """Items drawn from four disjoint vocabularies: the selection must find k = 4."""
    from analysis.themes import select_k

    rng = np.random.default_rng(1)
    vocab = [[f"{c}{i}" for i in range(8)] for c in "甲乙丙丁"]
    docs = [list(rng.choice(vocab[j % 4], 4, replace=False)) for j in range(80)]
    sel = select_k(docs, range(2, 8), n_pairs=8)
    assert sel.loc[sel.chosen, "k"].item() == 4


def test_chosen_k_is_the_same_for_most_random_states(seeds):
    from analysis.themes import item_documents, select_k

    docs = list(item_documents(seeds).tokens)
    chosen = [int(select_k(docs, range(2, 9), random_state=rs).query("chosen").k.item()) for rs in range(5)]
    assert max(chosen.count(k) for k in set(chosen)) >= 4, chosen


def test_edge_warning_at_the_top_of_the_range():
    from analysis.themes import select_k

    rng = np.random.default_rng(1)
    vocab = [[f"{c}{i}" for i in range(8)] for c in "甲乙丙丁"]
    docs = [list(rng.choice(vocab[j % 4], 4, replace=False)) for j in range(80)]
    with pytest.warns(UserWarning, match="upper edge"):
        select_k(docs, range(2, 5), n_pairs=4)


def test_permutation_baseline_on_a_hand_example():
    from analysis.themes import permutation_agreement

    a = np.array([0, 0, 1, 1])
    t = permutation_agreement(a, a, n_permutations=200, random_state=0).set_index("measure")
    # 4 items in two pairs: of the 6 distinct arrangements, 2 reproduce the partition
    # (AMI = ARI = 1), so a permutation reaches the observed value with probability 1/3
    assert t.loc["ari", "observed"] == 1.0
    assert t.loc["ari", "p"] == pytest.approx(1 / 3, abs=0.08)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    r = permutation_agreement(x, y, n_permutations=100).set_index("measure")
    assert abs(r.loc["ami", "observed"]) < 0.03 and abs(r.loc["ami", "perm_mean"]) < 0.01
    assert r.loc["ami", "p"] > 0.05


@pytest.mark.parametrize("weight", ["items", "chars"])
def test_attention_shares_sum_to_one(result, weight):
    att = attention(result.items, "theme", "region", weight=weight, n_boot=200)
    sums = att.groupby("region").share.sum()
    assert np.allclose(sums, 1.0)
    assert len(att) == 5 * result.k
    assert ((att.ci_low <= att.share + 1e-12) & (att.share <= att.ci_high + 1e-12)).all()


def test_attention_test_matches_scipy(result):
    att = attention(result.items, "theme", "region", n_boot=50)
    row = att.sort_values("g2", ascending=False).iloc[0]
    items = result.items
    a = ((items.region == row.region) & (items.theme == row.theme)).sum()
    b = ((items.region != row.region) & (items.theme == row.theme)).sum()
    c, d = (items.region == row.region).sum(), (items.region != row.region).sum()
    g, p, _, expected = chi2_contingency([[a, b], [c - a, d - b]], correction=False, lambda_="log-likelihood")
    assert row.g2 == pytest.approx(g)
    if expected.min() < 5:  # small expected counts: Fisher's exact test is the one reported
        from scipy.stats import fisher_exact

        assert row.test == "fisher" and row.p == pytest.approx(fisher_exact([[a, b], [c - a, d - b]])[1])
    else:
        assert row.test == "G2" and row.p == pytest.approx(p)
    assert row.share == pytest.approx(a / c)
    # the markers follow the adjusted p-values, never the raw ones
    assert set(att[att.over != ""].index) <= set(att[att.p_adj < 0.05].index)


def test_guided_classifier_on_a_hand_made_example():
    items = pd.DataFrame({
        "doc_id": ["x"] * 4, "item_no": [1, 2, 3, 4],
        "text": ["深化少先队改革，加强少先队辅导员队伍建设。", "组织大学生实习见习，促进就业。",
                 "推进全面从严治团，加强团干部管理。", "做好档案管理工作。"],
    })  # fmt: skip
    guide = pd.DataFrame({"theme": ["少先队", "就业", "治团"],
                          "seed_words": ["少先队 辅导员 少先队员", "就业 实习 见习", "从严治团 全面从严治团 团干部"]})  # fmt: skip
    out = classify_items(items, guide)
    assert out.guided.tolist() == ["少先队", "就业", "治团", "其他"]
    assert out.score.tolist() == [3, 3, 2, 0]  # 全面从严治团 counted once, not also as 从严治团
    assert out.seeds_found[2] == "全面从严治团 团干部"


def test_mapping_to_guided(seeds, result):
    guided = classify_items(seeds)
    m = map_to_guided(result, guided)
    assert len(m) == result.k
    assert m.share.between(0, 1).all()
    assert m.agrees.sum() >= result.k // 2


def test_themes_follow_sections_not_plans(seeds, result):
    v = validate(result, seeds, n_permutations=100).set_index(["model", "reference", "measure"]).sort_index()
    ours = f"nmf (k={result.k})"
    sec = v.loc[(ours, "sections", "ami")]
    assert sec.observed > sec.perm_q95 and sec.p < 0.05  # far above chance
    assert v.loc[(ours, "plans", "ami")].observed < sec.observed / 2  # themes cut across cities
    assert (
        v.loc[(ours, "sections", "ari")].observed
        > v.loc[(f"kmeans (k={result.k})", "sections", "ari")].observed
    )


def test_ctfidf_hand_example():
    docs = [["团员", "团员", "就业"], ["少先队", "少先队", "就业"]]
    top = ctfidf_terms(docs, np.array([0, 1]), n=1)
    assert top == {0: ["团员"], 1: ["少先队"]}


def test_item_map(result):
    m = item_map(result)
    assert len(m) == len(result.items) and m[["x", "y"]].notna().all().all()
