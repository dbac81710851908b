"""Similarity with uncertainty (issue 19 §3): intervals, shuffled baseline, plan identity, support."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InsufficientDataError
from analysis.similarity import (
    cluster_support,
    parts,
    plan_identity,
    similarity_bootstrap,
    similarity_intervals,
    similarity_matrix,
)


def token_corpus(rows):
    """A corpus whose word tokens are given: rows of (doc_id, item_no, token); no segmentation."""
    from analysis.corpus import TABLES, Corpus, empty_table

    tables = {t: empty_table(t) for t in TABLES}
    tok = pd.DataFrame(rows, columns=["doc_id", "item_no", "token"])
    tok["block"] = "item"
    tok["section_id"] = None
    tok["position"] = tok.groupby("doc_id").cumcount()
    tok["start"] = tok.position
    tok["item_no"] = tok.item_no.astype("Int64")
    for flag in ("punct", "numeric", "stop", "filler", "placeholder", "place"):
        tok[flag] = False
    docs = list(dict.fromkeys(tok.doc_id))
    tables["documents"] = pd.DataFrame({"doc_id": docs, "region": docs, "body": ""})
    tables["blocks"] = pd.DataFrame({"doc_id": docs, "block_no": 0, "kind": "item", "section_id": None,
                                     "item_no": 1, "start": 0, "end": 1, "text": "x"})  # fmt: skip
    c = Corpus(**tables)
    c._cache["tokens"] = tok
    return c


class TopicModel:
    """Plans as mixtures of topics; each item draws one topic, then its words (items are the unit)."""

    def __init__(self, mixes, vocab: int = 200, n_topics: int = 6, seed: int = 12345):
        rng = np.random.default_rng(seed)
        base = 1 / np.arange(1, vocab + 1)
        t = rng.dirichlet(np.full(vocab, 0.05), size=n_topics) * 0.6 + 0.4 * base / base.sum()
        self.topics = t / t.sum(axis=1, keepdims=True)
        self.mixes = np.asarray(mixes, dtype=float)
        self.vocab = vocab

    def draw(self, rng, items: int = 16, length: int = 20):
        rows = []
        for p, mix in enumerate(self.mixes):
            for it in range(1, items + 1):
                z = rng.choice(len(self.topics), p=mix / mix.sum())
                rows += [
                    (f"p{p:02d}", it, f"w{w}") for w in rng.choice(self.vocab, size=length, p=self.topics[z])
                ]
        return token_corpus(rows)


def test_intervals_cover_the_true_similarity():
    """Coverage near 95% over generated corpora whose true (expected) similarity is known by simulation."""
    model = TopicModel(np.random.default_rng(1).dirichlet(np.full(6, 0.5), size=3))
    truth = np.mean(
        [
            similarity_matrix(model.draw(np.random.default_rng(1000 + r)), label="unit_id").to_numpy()
            for r in range(60)
        ],
        axis=0,
    )
    covered, widths = [], []
    for r in range(15):
        iv = similarity_intervals(model.draw(np.random.default_rng(r)), n_boot=10, n_perm=1)
        ids = {f"p{k:02d}": k for k in range(3)}
        t = np.array([truth[ids[a], ids[b]] for a, b in zip(iv.doc_a, iv.doc_b)])
        covered += list((iv.low <= t) & (t <= iv.high))
        widths += list(iv.high - iv.low)
    sd = np.std([similarity_matrix(model.draw(np.random.default_rng(2000 + r)), label="unit_id").iloc[0, 1]
                 for r in range(30)])  # fmt: skip
    assert 0.84 <= np.mean(covered) <= 1.0
    assert np.mean(widths) < 2 * 1.96 * sd * 1.6  # not covering by being vacuous


def test_observed_values_are_similarity_matrix_and_reproducible(seeds):
    iv = similarity_intervals(seeds, n_boot=20, n_perm=20)
    m = similarity_matrix(seeds, "document", "tfidf_cosine", label="unit_id")
    for r in iv.itertuples():
        assert r.similarity == pytest.approx(m.loc[r.doc_a, r.doc_b], abs=1e-9)
        assert r.low <= r.similarity <= r.high
    assert len(iv) == 10 and (iv.high - iv.low > 0).all()
    again = similarity_intervals(seeds, n_boot=20, n_perm=20)
    pd.testing.assert_frame_equal(iv, again)


def test_shuffled_baseline_separates_distinct_plans_from_a_common_pool():
    same = TopicModel(np.ones((4, 6)))  # four plans from one distribution
    distinct = TopicModel(np.eye(6)[[0, 1, 2, 3]] + 0.05)  # each plan mostly its own topic
    ps = similarity_intervals(same.draw(np.random.default_rng(3)), n_boot=10, n_perm=99).p_perm
    pd_ = similarity_intervals(distinct.draw(np.random.default_rng(3)), n_boot=10, n_perm=99).p_perm
    assert (pd_ <= 0.02).all()
    assert (ps > 0.05).mean() >= 0.5


def test_plan_identity_says_whether_plans_are_resolved():
    same = plan_identity(TopicModel(np.ones((4, 6))).draw(np.random.default_rng(5), items=12), n_splits=20)
    distinct = plan_identity(
        TopicModel(np.eye(6)[:4] + 0.05).draw(np.random.default_rng(5), items=12), n_splits=20
    )
    assert distinct.resolved and distinct.verdict.startswith("The corpus resolves plans")
    assert not same.resolved and "does not resolve" in same.verdict
    assert (distinct.table.nearest_share > distinct.table.chance).all()
    assert distinct.verdict.count(".") <= 6 and "\n" not in distinct.verdict  # one sentence


def test_cluster_support_recovers_a_planted_split_and_dendrogram_refuses_small_corpora(seeds):
    from analysis.plots import plot_dendrogram

    # ten plans in two families of five (topics 0-2 vs 3-5)
    mixes = [np.r_[np.ones(3), np.zeros(3)] + 0.02] * 5 + [np.r_[np.zeros(3), np.ones(3)] + 0.02] * 5
    res = similarity_bootstrap(
        TopicModel(mixes).draw(np.random.default_rng(2), items=10), n_boot=30, n_perm=1
    )
    sup = cluster_support(res["matrix"], res["boot"])
    fam_a, fam_b = frozenset(range(5)), frozenset(range(5, 10))
    got = dict(zip(sup.members, sup.support))
    assert got[fam_a] >= 0.9 and got[fam_b] >= 0.9
    assert sup.support.between(0, 1).all()
    fig = plot_dendrogram(res["matrix"], replicates=res["boot"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"{got[fam_a]:.0%}" in texts
    with pytest.raises(
        InsufficientDataError, match="^the dendrogram needs at least 10 plans; this corpus has five$"
    ):
        plot_dendrogram(similarity_matrix(seeds))


def test_masks_leave_out_filler_and_boilerplate(seeds):
    full = parts(seeds)
    filler = parts(seeds, mask="filler")
    both = parts(seeds, mask=("filler", "boilerplate"))
    tok = seeds.tokens
    fill_words = set(tok[tok.filler].token)
    assert not set(filler.token) & fill_words and set(full.token) & fill_words
    assert len(both) < len(filler) < len(full)
    # 新时代 sits inside the shared formula 习近平新时代中国特色社会主义思想 in every plan
    assert (both.token == "新时代").sum() < (filler.token == "新时代").sum()
    with pytest.raises(ValueError, match="unknown mask"):
        parts(seeds, mask="nonsense")
    iv = similarity_intervals(seeds, n_boot=10, n_perm=10, mask="filler")
    assert iv.attrs["mask"] == ("filler",)


def test_too_thin_plans_raise_one_sentence():
    c = token_corpus([("a", 1, "青年"), ("a", 1, "发展"), ("b", 1, "青年"), ("b", 2, "服务")])
    with pytest.raises(InsufficientDataError, match="at least two items"):
        similarity_intervals(c, n_boot=5, n_perm=5)
    with pytest.raises(InsufficientDataError, match="four or more items"):
        plan_identity(c)


# ---------------------------------------------------------------- issue 20 point 9


def test_word_similarity_with_no_words_left_is_insufficient_data(tmp_path):
    """All words excluded (a tiny vocabulary of stopwords): not sklearn's 'empty vocabulary'."""
    from analysis import build_corpus

    from .conftest import PLAN

    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAN.replace("某市", "某县"), encoding="utf-8")
    c = build_corpus(tmp_path)
    c._cache["tokens"] = c.tokens.assign(stop=True)  # every word a stopword
    for level in ("section", "item", "document"):
        with pytest.raises(InsufficientDataError, match="needs words"):
            similarity_matrix(c, level, "tfidf_cosine")
    with pytest.raises(InsufficientDataError, match="needs words"):
        from analysis.similarity import align_items

        align_items(c, *c.doc_ids[:2])


def test_unmatched_items_without_another_plan_is_insufficient_data(tmp_path):
    """One plan with items: no 'No objects to concatenate' from pandas."""
    from analysis import build_corpus
    from analysis.similarity import unmatched_items

    from .conftest import PLAN

    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    c = build_corpus(tmp_path)
    with pytest.raises(InsufficientDataError, match="^unmatched items need at least one other plan"):
        unmatched_items(c, c.doc_ids[0])
