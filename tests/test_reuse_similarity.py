"""Similarity matrices, item alignment and text reuse (issue: similarity and reuse)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from analysis import build_corpus
from analysis.reuse import Skeleton, boilerplate_phrases, find_reuse, reuse_html, reuse_share
from analysis.similarity import MEASURES, align_items, similarity_matrix, unmatched_items

# ---------------------------------------------------------------- seeds


@pytest.mark.parametrize("level", ["document", "section", "item"])
@pytest.mark.parametrize("measure", MEASURES)
def test_matrices_symmetric_unit_diagonal(seeds, level, measure):
    m = similarity_matrix(seeds, level, measure)
    v = m.to_numpy()
    assert v.shape[0] == v.shape[1]
    assert np.allclose(v, v.T)
    assert np.allclose(np.diag(v), 1.0)
    assert ((v >= 0) & (v <= 1)).all()
    n = {"document": 5, "section": 26, "item": 127}[level]
    assert len(m) == n


def test_jaccard_matches_a_direct_computation(seeds):
    from analysis.similarity import units

    u = units(seeds, "document")
    m = similarity_matrix(seeds, "document", "jaccard", label="unit_id")
    a, b = set(u.tokens[0]), set(u.tokens[1])
    assert m.iloc[0, 1] == pytest.approx(len(a & b) / len(a | b))


def test_item_alignment_finds_the_employment_item(seeds):
    al = align_items(seeds, "guyuan_2023", "mianyang_2023")
    assert len(al) == 20
    row = al[al.item_a == 14].iloc[0]  # 促进青年创业就业服务增量提优
    target = seeds.items.set_index(["doc_id", "item_no"]).text[("mianyang_2023", int(row.item_b))]
    assert "以一般院校低收入家庭学生" in target
    assert row.matched
    u = unmatched_items(seeds, "beijing_2023")
    assert set(u.doc_id) == {"beijing_2023"} and (u.best_score < 0.3).all()


def test_every_verbatim_passage_of_25_chars_is_found(seeds):
    reuse = find_reuse(seeds, boilerplate="include", exclude_blocks=())
    sk = {d: Skeleton.of(b) for d, b in zip(seeds.documents.doc_id, seeds.documents.body)}
    for a, b in itertools.combinations(sorted(sk), 2):
        A, B = sk[a].text, sk[b].text
        need = set()
        for i in range(len(A) - 24):
            if A[i : i + 25] in B:  # independent brute force
                need.update(range(i, i + 25))
        got = np.zeros(len(A), dtype=bool)
        for r in reuse[(reuse.doc_a == a) & (reuse.doc_b == b)].itertuples():
            got |= (sk[a].offsets >= r.start_a) & (sk[a].offsets < r.end_a)
        assert all(got[i] for i in need), (a, b)


def test_offsets_and_texts_agree(seeds):
    reuse = find_reuse(seeds, boilerplate="include")
    bodies = seeds.documents.set_index("doc_id").body
    for r in reuse.itertuples():
        assert bodies[r.doc_a][r.start_a : r.end_a] == r.text_a
        assert bodies[r.doc_b][r.start_b : r.end_b] == r.text_b
        assert r.doc_a < r.doc_b


def test_three_way_near_verbatim_reuse(seeds):
    reuse = find_reuse(seeds)
    hits = reuse[reuse.text_a.str.contains("体察国情") & reuse.text_a.str.contains("新时代好青年")]
    pairs = {(r.doc_a, r.doc_b) for r in hits.itertuples()}
    assert pairs == {
        ("chongqing_2023", "guyuan_2023"),
        ("chongqing_2023", "mianyang_2023"),
        ("guyuan_2023", "mianyang_2023"),
    }
    # Chongqing inserts 了解市情: near-verbatim, not exact
    cq = hits[hits.doc_a == "chongqing_2023"]
    assert (cq.similarity < 1).all() and cq.text_a.str.contains("了解市情").all()
    assert not hits.boilerplate.any()


def test_employment_passage_links_guyuan_and_mianyang(seeds):
    reuse = find_reuse(seeds)
    hit = reuse[reuse.text_a.str.contains("以一般院校低收入家庭学生和毕业一年内未找到工作的大学生为重点")]
    assert {(r.doc_a, r.doc_b) for r in hit.itertuples()} == {("guyuan_2023", "mianyang_2023")}


def test_boilerplate_is_not_counted_as_reuse(seeds):
    phrases = boilerplate_phrases(seeds)
    assert "习近平新时代中国特色社会主义思想" in set(phrases.phrase)
    reuse = find_reuse(seeds)
    assert not reuse.boilerplate.any()
    for r in reuse.itertuples():
        assert Skeleton.of(r.text_a).text not in {
            "习近平新时代中国特色社会主义思想",
            "增强四个意识坚定四个自信做到两个维护",
        }
    only = find_reuse(seeds, boilerplate="only")
    assert only.boilerplate.all() and len(only) > 0
    assert only.text_a.str.contains("习近平新时代中国特色社会主义思想").any()


def test_reuse_share_and_html(seeds, tmp_path):
    reuse = find_reuse(seeds)
    share = reuse_share(seeds, reuse)
    assert share.share.between(0, 1).all()
    anyshare = share[share.other == "any"].set_index("doc_id").share
    pairs = share[share.other != "any"]
    for d, s in anyshare.items():
        assert s >= pairs[pairs.doc_id == d].share.max() - 1e-12  # union ≥ each pair
    page = reuse_html(seeds, reuse, "guyuan_2023", "mianyang_2023", tmp_path / "x.html")
    assert (tmp_path / "x.html").is_file() and page.count("<mark") >= 2 * len(
        reuse[(reuse.doc_a == "guyuan_2023") & (reuse.doc_b == "mianyang_2023")]
    ) - 2


# ---------------------------------------------------------------- planted edits

_ALPHABET = [chr(c) for c in range(0x4E00, 0x9FA0, 7)]


def _noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(n))


def _plan(body: str) -> str:
    return f"某地共青团2023年工作要点\n总体思路是：奋斗。\n一、第一部分\n1.第一项。{body}。\n2.第二项。做好工作。\n"


PASSAGE = "以一般院校低收入家庭学生和毕业一年内未找到工作的大学生为重点，落实就业帮扶、创业扶持等六大项目"


@pytest.mark.parametrize(
    "name, b_version",
    [
        ("exact", PASSAGE),
        ("punctuation", PASSAGE.replace("，", ",").replace("、", " ")),
        ("insertion", PASSAGE.replace("落实就业帮扶", "落实精准就业帮扶")),
        ("deletion", PASSAGE.replace("创业扶持等", "")),
        ("substitution", PASSAGE.replace("毕业一年内", "毕业两年内")),
        ("two_edits", PASSAGE.replace("低收入家庭学生", "困难家庭学生").replace("六大", "八大")),
    ],
)
def test_planted_edits_are_found_with_their_spans(tmp_path, name, b_version):
    rng = random.Random(7)
    a_text = _noise(rng, 60) + PASSAGE + _noise(rng, 60)
    b_text = _noise(rng, 45) + b_version + _noise(rng, 70)
    (tmp_path / "a.txt").write_text(_plan(a_text), encoding="utf-8")
    (tmp_path / "b.txt").write_text(_plan(b_text), encoding="utf-8")
    c = build_corpus(tmp_path)
    bodies = c.documents.set_index("doc_id").body
    ea = bodies["a"].find(PASSAGE), bodies["a"].find(PASSAGE) + len(PASSAGE)
    bb = bodies["b"].replace(",", "，")  # the cleaner makes half-width commas full-width
    eb = bb.find(b_version.replace(",", "，")), bb.find(b_version.replace(",", "，")) + len(b_version)
    reuse = find_reuse(c, phrases=boilerplate_phrases(c, file=None))
    reuse = reuse[reuse.block_a == "item"]  # the shared plan template (title, headings) starts elsewhere
    assert len(reuse) == 1, reuse
    r = reuse.iloc[0]
    assert abs(r.start_a - ea[0]) <= 2 and abs(r.end_a - ea[1]) <= 2
    assert abs(r.start_b - eb[0]) <= 2 and abs(r.end_b - eb[1]) <= 2
    assert (r.similarity == 1.0) == (name in ("exact", "punctuation"))


def test_reordered_clauses_give_two_passages(tmp_path):
    rng = random.Random(3)
    x = "深入实施青年马克思主义者培养工程建立完善选拔培训使用全链条培养体系"
    y = "持续开展青年文明号创建和青年岗位能手选树活动发挥榜样示范带动作用"
    (tmp_path / "a.txt").write_text(
        _plan(_noise(rng, 40) + x + "，" + _noise(rng, 30) + "，" + y + _noise(rng, 40)), encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text(
        _plan(_noise(rng, 40) + y + "，" + _noise(rng, 30) + "，" + x + _noise(rng, 40)), encoding="utf-8"
    )
    c = build_corpus(tmp_path)
    reuse = find_reuse(c, phrases=boilerplate_phrases(c, file=None))
    reuse = reuse[reuse.block_a == "item"]
    texts = sorted(Skeleton.of(t).text for t in reuse.text_a)
    assert texts == sorted([x, y])


def test_excluding_the_cover_notice(seeds):
    full = find_reuse(seeds, exclude_blocks=())
    plan_only = find_reuse(seeds)  # the cover notice and the trailer are left out by default
    assert (full.block_a == "cover").any()
    assert not (plan_only.block_a == "cover").any() and not (plan_only.block_b == "cover").any()
    cover = seeds.blocks[seeds.blocks.kind == "cover"].set_index("doc_id")
    for r in plan_only.itertuples():
        if r.doc_a in cover.index:
            assert r.start_a >= cover.at[r.doc_a, "end"]
    assert plan_only.text_a.str.contains("以一般院校低收入家庭学生").any()


def test_similarity_values_match_a_hand_computation(seeds):
    """TF-IDF cosine and Jaccard recomputed with plain Python from the compared units' tokens."""
    import math
    from collections import Counter

    from analysis.similarity import units

    u = units(seeds, "document")
    docs = [Counter(t) for t in u.tokens]
    n = len(docs)
    df = Counter(w for d in docs for w in d)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}  # smooth idf, as documented by sklearn

    def vec(d):
        v = {w: (1 + math.log(c)) * idf[w] for w, c in d.items()}  # sublinear tf
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {w: x / norm for w, x in v.items()}

    vecs = [vec(d) for d in docs]
    tfidf = similarity_matrix(seeds, "document", "tfidf_cosine", label="unit_id")
    jac = similarity_matrix(seeds, "document", "jaccard", label="unit_id")
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            cos = sum(x * vecs[j].get(w, 0.0) for w, x in vecs[i].items())
            a, b = set(u.tokens[i]), set(u.tokens[j])
            assert tfidf.iloc[i, j] == pytest.approx(cos, abs=1e-9)
            assert jac.iloc[i, j] == pytest.approx(len(a & b) / len(a | b), abs=1e-12)
