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


def test_stability_compares_independent_subsample_pairs():
    """On two disjoint vocabularies any subsample pair agrees perfectly; on noise it does not."""
    from analysis.themes import stability

    clean = [["团员", "学习"]] * 12 + [["就业", "创业"]] * 12
    assert stability(clean, 2, n_pairs=5).tolist() == [1.0] * 5
    rng = np.random.default_rng(0)
    words = [f"词{i}" for i in range(40)]
    noise = [list(rng.choice(words, 4, replace=False)) for _ in range(40)]
    assert stability(noise, 4, n_pairs=5).mean() < 0.5


def _planted(n_themes: int = 6, n_plans: int = 5, n_sections: int = 3, nested: bool = False, seed: int = 0):
    """Items from disjoint vocabularies, one per theme; a plan's sections each hold several themes.

    ``nested``: the themes also fall into two broad groups sharing a vocabulary of their own,
    the structure on which stability alone prefers two themes.
    """
    rng = np.random.default_rng(seed)
    vocab = [[f"{c}{i}" for i in range(10)] for c in "甲乙丙丁戊己庚辛"[:n_themes]]
    broad = [[f"宽{g}{i}" for i in range(6)] for g in range(2)]
    docs, truth, plans, sections = [], [], [], []
    for p in range(n_plans):
        for j in range(3 * n_themes):
            t = j % n_themes
            words = list(rng.choice(vocab[t], 4, replace=False))
            if nested:
                words += list(rng.choice(broad[t % 2], 3, replace=False))
            docs.append(words)
            truth.append(t)
            plans.append(f"p{p}")
            sections.append(t % n_sections)
    return docs, np.array(truth), plans, sections


def test_select_k_recovers_planted_themes_finer_than_the_sections():
    """Six themes, three sections per plan (two themes each): the default must find six, not three."""
    from sklearn.metrics import normalized_mutual_info_score

    from analysis.themes import _fit, select_k

    docs, truth, plans, sections = _planted()
    sel = select_k(docs, range(2, 10), plans=plans, sections=sections, n_pairs=4)
    assert sel.attrs["floor"] == 3 and not sel.set_index("k").eligible[2]
    k = int(sel.loc[sel.chosen, "k"].item())
    assert k == 6
    assert normalized_mutual_info_score(truth, _fit("nmf", docs, k, 0)[0]) > 0.9


def test_select_k_escapes_the_two_broad_groups_trap():
    """Nested themes and no sections: raw stability ties k = 2 with the truth; the balance finds 6."""
    from sklearn.metrics import normalized_mutual_info_score

    from analysis.themes import _fit, select_k

    docs, truth, *_ = _planted(nested=True)
    sel = select_k(docs, range(2, 10), n_pairs=4).set_index("k")
    assert sel.stability[2] >= sel.stability[6] - 0.05  # the trap is there
    assert sel.sections.isna().all() and sel.eligible.all()
    k = int(sel.index[sel.chosen].item())
    assert k == 6
    assert normalized_mutual_info_score(truth, _fit("nmf", docs, k, 0)[0]) > 0.9


def test_normalised_stability_is_near_zero_on_noise():
    """Shuffled items have no themes: raw stability of some k can look high, the normalised one cannot."""
    from analysis.themes import select_k, shuffled_items

    docs, *_ = _planted()
    noise = shuffled_items(docs, random_state=5)
    sel = select_k(noise, range(2, 7), n_pairs=4)
    assert sel.stability_norm.abs().max() < 0.3
    assert (
        sel.coherence.max() < 0.1
    )  # NPMI of terms placed at random is near 0 (−1 for pairs never seen together)


def test_npmi_against_a_hand_computation():
    """Four items; a in items 0–1, b in 0–2, c in 3: P(a)=.5, P(b)=.75, P(ab)=.5, P(ac)=0."""
    from analysis.themes import npmi_coherence

    B = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])
    ab = np.log(0.5 / (0.5 * 0.75)) / -np.log(0.5)
    assert npmi_coherence(np.array([[1.0, 0.5, 0.0]]), B, n_top=2)[0] == pytest.approx(ab)
    assert npmi_coherence(np.array([[1.0, 0.0, 0.5]]), B, n_top=2)[0] == -1.0
    # three terms: the mean of the three pairs (ab, ac = −1, bc = −1)
    assert npmi_coherence(np.array([[1.0, 0.9, 0.8]]), B, n_top=3)[0] == pytest.approx((ab - 2) / 3)


def test_selection_criteria_on_the_seeds(seeds):
    """The seeds' default is finer than the finest plan (6 sections) and reads as policy areas."""
    r = cluster_items(seeds)
    sel = r.selection.set_index("k")
    assert list(sel.index) == list(range(3, 13))
    assert sel.attrs["floor"] == 6 and r.k >= 6
    assert (sel.stability_norm < sel.stability).all()  # the null takes something off every k
    assert sel.rank_sum[r.k] == sel.rank_sum.max()


def test_tiny_shared_vocabulary_is_insufficient_data(tmp_path):
    """Issue 20 §9: two plans sharing two terms made NMF's nndsvda raise a bare ValueError."""
    from analysis import build_corpus
    from analysis.errors import InsufficientDataError

    from .conftest import write

    write(
        tmp_path,
        "a.txt",
        "甲市共青团2023年工作要点\n\n一、思想引领\n\n1.学习理论。\n\n2.学习理论。\n\n3.组织青年。\n",
    )
    write(
        tmp_path,
        "b.txt",
        "乙市共青团2023年工作要点\n\n一、组织建设\n\n1.组织青年。\n\n2.学习理论。\n\n3.学习。\n",
    )
    corpus = build_corpus(tmp_path)
    n_terms = len(cluster_items(corpus, k=2).terms)
    with pytest.raises(InsufficientDataError, match=f"this corpus has 6 items and {n_terms} terms"):
        cluster_items(corpus, k=n_terms + 1)
    write(
        tmp_path,
        "a.txt",
        "甲市共青团2023年工作要点\n\n一、思想引领\n\n1.学习。\n\n2.青年。\n\n3.学习青年。\n",
    )
    write(tmp_path, "b.txt", "乙市共青团2023年工作要点\n\n一、组织建设\n\n1.青年。\n\n2.学习。\n\n3.学习。\n")
    with pytest.raises(InsufficientDataError, match="choosing the number of themes"):
        cluster_items(build_corpus(tmp_path))


def test_validate_leaves_out_items_without_a_section_and_says_how_many(seeds, result):
    """Issue 20 §9: items without a section made validate raise "Input contains NaN"."""
    import copy

    res = copy.copy(result)
    res.items = result.items.copy()
    res.items.loc[res.items.doc_id == "beijing_2023", "section_no"] = np.nan
    n = int((res.items.doc_id == "beijing_2023").sum())
    with pytest.warns(UserWarning, match=f"{n} of 127 items have no section"):
        v = validate(res, seeds, n_permutations=20)
    assert v.attrs["items_without_section"] == n
    assert set(v[v.reference == "sections"].n_items) == {127 - n}
    assert set(v[v.reference == "plans"].n_items) == {127}


def test_attention_without_regions_groups_by_plan(result):
    """Issue 20 §9: no inferable region made every group NaN and attention an empty frame (no 'share')."""
    items = result.items.assign(region=None)
    att = attention(items, "theme", "region", n_boot=20)
    assert set(att.region) == set(items.doc_id)
    assert np.allclose(att.groupby("region").share.sum(), 1.0)


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


def test_selection_and_robustness_figures(tmp_path):
    from analysis.plots import plot_k_selection, plot_robustness
    from analysis.themes import select_k

    docs, truth, plans, sections = _planted()
    sel = select_k(docs, range(2, 8), plans=plans, sections=sections, n_pairs=2)
    fig = plot_k_selection(sel)
    assert len(fig.axes) == 4  # the four criteria side by side
    chosen = int(sel.loc[sel.chosen, "k"].item())
    assert all(any(line.get_xdata()[0] == chosen for line in ax.lines) for ax in fig.axes)
    fig.savefig(tmp_path / "k_selection.png")
    shares = pd.DataFrame({"k": [3, 3, 4, 4], "group": ["重庆", "x_plan"] * 2, "guided": ["就业创业"] * 4,
                           "share": [0.2, 0.3, 0.25, 0.35], "share_guided": [0.2, 0.3, 0.2, 0.3]})  # fmt: skip
    plot_robustness(shares, default=3).savefig(tmp_path / "robustness.png")


def test_guided_classifier_without_items_keeps_its_columns():
    """An unstructured corpus has no items: notebook 04 merged on doc_id and stopped with KeyError."""
    out = classify_items(pd.DataFrame(columns=["doc_id", "item_no", "text"]))
    assert out.empty and {"doc_id", "item_no", "guided", "score"} <= set(out.columns)
