"""Segmentation, frequency, keyness, KWIC, collocations and entities (issue: keywords)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis.collocations import collocations
from analysis.entities import cited_documents, programmes, shared, targets
from analysis.keywords import dispersion_positions, frequency, keyness
from analysis.kwic import kwic
from analysis.segment import PLAN_BLOCKS, Segmenter, discover_terms, load_filler, load_stopwords, read_lexicon
from analysis.stats import chi2_yates, g2, log_ratio

DOMAIN_TERMS = ["两个确立", "四个意识", "青年大学习", "青马工程", "西部计划", "希望工程", "河小青", "12355"]


@pytest.fixture(scope="module")
def corpus(seeds):
    return seeds


def _plan_text(corpus):
    b = corpus.blocks[corpus.blocks.kind.isin(PLAN_BLOCKS)]
    return "\n".join(b.text)


@pytest.mark.parametrize("term", DOMAIN_TERMS)
def test_domain_terms_are_single_tokens(corpus, term):
    n_text = _plan_text(corpus).count(term)
    assert n_text > 0
    assert (corpus.tokens.token == term).sum() == n_text


def test_tokens_have_offsets_into_body(corpus):
    bodies = corpus.documents.set_index("doc_id").body
    sample = corpus.tokens.sample(500, random_state=0)
    for t in sample.itertuples():
        assert bodies[t.doc_id][t.start : t.end] == t.token
    assert not corpus.tokens.block.isin(["cover", "trailer"]).any()


def test_top30_are_clean(corpus):
    stop, filler = load_stopwords(), load_filler()
    top = frequency(corpus, by="region", n=30)
    assert top.groupby("region").size().min() == 30
    for term in top.term:
        assert not any(not ch.isalnum() for ch in term), term
        assert not term.isdigit(), term
        assert term not in stop and term not in filler, term
        assert len(term) > 1


def test_exclusions_are_a_parameter_not_silent(corpus):
    everything = frequency(corpus, by=None, exclude=())
    assert "的" in set(everything.term) and "，" in set(everything.term)
    assert everything.attrs["exclude"] == ()
    assert frequency(corpus, by=None).attrs["exclude"][0] == "punct"
    with pytest.raises(ValueError, match="unknown exclude"):
        frequency(corpus, exclude=("nonsense",))


def test_frequency_matches_an_independent_count(corpus):
    f = frequency(corpus, by="doc_id", exclude=("punct",))
    tok = corpus.tokens
    for doc_id in ["guyuan_2023", "sichuan_2021"]:
        words = [t for t, p in zip(tok.token[tok.doc_id == doc_id], tok.punct[tok.doc_id == doc_id]) if not p]
        counts = Counter(words)
        mine = f[f.doc_id == doc_id].set_index("term")
        assert mine["count"].to_dict() == dict(counts)
        assert (mine["total"] == len(words)).all()
        assert mine.loc["青年", "per_10k"] == pytest.approx(counts["青年"] / len(words) * 1e4)


def _hand_corpus(parts: list[list[str]], doc_id: str = "d"):
    """A corpus whose tokens are given by hand: one item per part (no segmentation involved)."""
    from analysis.corpus import TABLES, Corpus, empty_table

    tables = {t: empty_table(t) for t in TABLES}
    body = "".join(t for part in parts for t in part)
    tables["documents"] = pd.DataFrame({"doc_id": [doc_id], "region": ["某地"], "body": [body]})
    c = Corpus(**tables)
    rows = [
        (doc_id, "item", None, n, k, tok) for n, part in enumerate(parts, 1) for k, tok in enumerate(part)
    ]
    tok = pd.DataFrame(rows, columns=["doc_id", "block", "section_id", "item_no", "position", "token"])
    tok["item_no"] = tok.item_no.astype("Int64")
    for flag in ("punct", "numeric", "stop", "filler", "placeholder", "place"):
        tok[flag] = tok.token == "。" if flag == "punct" else False
    c._cache["tokens"] = tok
    return c


def test_gries_dp_on_a_hand_worked_example():
    # Gries (2008): parts of sizes 9, 10, 10, 10, 11 (s = .18, .2, .2, .2, .22); a word occurring
    # 1, 2, 3, 4, 5 times in them: v = 1/15 … 5/15; DP = 0.5 Σ|v − s| = 0.18 — through the library.
    sizes, hits = [9, 10, 10, 10, 11], [1, 2, 3, 4, 5]
    parts = [["目标"] * h + ["其他"] * (n - h) for n, h in zip(sizes, hits)]
    f = frequency(_hand_corpus(parts), by="doc_id", exclude=()).set_index("term")
    assert f.loc["目标", "count"] == 15
    assert f.loc["目标", "dp"] == pytest.approx(0.18, abs=1e-12)


def test_dp_matches_a_direct_computation(corpus):
    f = frequency(corpus, by="doc_id").set_index(["doc_id", "term"])
    tok = corpus.tokens
    from analysis.keywords import kept_tokens

    kept = kept_tokens(corpus)
    d = kept[(kept.doc_id == "chongqing_2023") & kept.item_no.notna()]  # DP is over items only
    parts = d.item_no.astype(int)
    sizes = parts.value_counts()
    s = sizes / sizes.sum()
    for term in ["青年", "乡村振兴", "少先队"]:
        hits = parts[d.token == term].value_counts()
        v = hits.reindex(s.index, fill_value=0) / hits.sum()
        expected = 0.5 * (v - s).abs().sum()
        assert f.loc[("chongqing_2023", term), "dp"] == pytest.approx(expected, abs=1e-12)
        assert f.loc[("chongqing_2023", term), "dp_norm"] == pytest.approx(
            expected / (1 - s.min()), abs=1e-12
        )
    assert len(tok) > len(kept)


def test_dp_leaves_front_matter_out_and_normalises():
    """Front matter is not a part; DPnorm = DP / (1 - min s) on a hand example."""
    # item parts of sizes 2 and 6 (s = .25, .75); the term 目标 once in each item: v = .5, .5
    # DP = 0.5 (|.5 - .25| + |.5 - .75|) = 0.25; DPnorm = 0.25 / (1 - .25) = 1/3
    c = _hand_corpus([["目标", "其他"], ["目标"] + ["其他"] * 5])
    tok = c.tokens
    front = pd.DataFrame({"doc_id": "d", "block": "preamble", "section_id": None, "item_no": pd.NA,
                          "position": range(100, 110), "token": "目标"})  # fmt: skip
    for flag in ("punct", "numeric", "stop", "filler", "placeholder", "place"):
        front[flag] = False
    c._cache["tokens"] = pd.concat([tok, front], ignore_index=True).astype({"item_no": "Int64"})
    f = frequency(c, by="doc_id", exclude=()).set_index("term")
    assert f.loc["目标", "count"] == 12  # counted everywhere
    assert f.loc["目标", "dp"] == pytest.approx(0.25, abs=1e-12)
    assert f.loc["目标", "dp_norm"] == pytest.approx(1 / 3, abs=1e-12)


def test_keyness_matches_scipy(corpus):
    k = keyness(corpus, by="region", target="重庆")
    assert {
        "term",
        "count_target",
        "count_reference",
        "total_target",
        "total_reference",
        "g2",
        "chi2",
        "p",
        "log_ratio",
    } <= set(k.columns)
    for r in k.head(40).itertuples():
        table = np.array([[r.count_target, r.count_reference],
                          [r.total_target - r.count_target, r.total_reference - r.count_reference]])  # fmt: skip
        g, p, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
        x2, _, _, _ = chi2_contingency(table, correction=True)
        assert r.g2 == pytest.approx(g, abs=1e-9)
        assert r.p == pytest.approx(p, abs=1e-12)
        assert r.chi2 == pytest.approx(x2, abs=1e-9)
    # totals are the target and reference sizes after exclusions
    from analysis.keywords import kept_tokens

    kept = kept_tokens(corpus, k.attrs["exclude"], by="region")
    assert k.total_target.iloc[0] == (kept.region == "重庆").sum()
    assert k.total_reference.iloc[0] == (kept.region != "重庆").sum()


def test_keyness_named_reference_and_errors(corpus):
    k = keyness(corpus, by="region", target="绵阳", reference="四川")
    from analysis.keywords import kept_tokens

    kept = kept_tokens(corpus, k.attrs["exclude"], by="region")
    assert k.total_reference.iloc[0] == (kept.region == "四川").sum()
    with pytest.raises(ValueError, match="not found"):
        keyness(corpus, by="region", target="上海")


def test_stats_hand_examples():
    # a=10 of c=1000 vs b=5 of d=2000: log ratio = log2((10/1000)/(5/2000)) = 2
    assert float(log_ratio(10, 5, 1000, 2000)) == pytest.approx(2.0)
    assert float(log_ratio(0, 4, 100, 100)) == pytest.approx(math.log2(0.5 / 4))
    # G² by hand: expected counts for [[10, 5], [990, 1995]]
    o = np.array([10, 5, 990, 1995], dtype=float)
    n = 3000
    e = np.array([15 * 1000 / n, 15 * 2000 / n, 2985 * 1000 / n, 2985 * 2000 / n])
    assert float(g2(10, 5, 1000, 2000)) == pytest.approx(2 * (o * np.log(o / e)).sum())
    assert float(chi2_yates(10, 5, 1000, 2000)) == pytest.approx(((np.abs(o - e) - 0.5) ** 2 / e).sum())


def test_kwic_finds_every_mention(corpus):
    k = kwic(corpus, "青马工程", window=10)
    bodies = corpus.documents.set_index("doc_id").body
    expected = {d: b.count("青马工程") for d, b in bodies.items() if "青马工程" in b}
    assert k.groupby("doc_id").size().to_dict() == expected
    for r in k.itertuples():
        assert bodies[r.doc_id][r.start : r.end] == "青马工程"
        assert bodies[r.doc_id][r.start - len(r.left) : r.start] == r.left
    assert k.path.notna().all()
    phrase = kwic(corpus, ["青年", "大学习"])
    assert len(phrase) == sum(b.count("青年大学习") for b in bodies)


def test_kwic_whole_tokens(corpus):
    loose = kwic(corpus, "团员")
    strict = kwic(corpus, "团员", whole_tokens=True)
    assert 0 < len(strict) < len(loose)
    tok = corpus.tokens
    starts = set(zip(tok.doc_id, tok.start))
    assert all((r.doc_id, r.start) in starts for r in strict.itertuples())


def test_collocation_statistics_on_a_hand_counted_text():
    """Bigram counts written out by hand for a tiny text; G² from scipy on those counts."""
    # runs (punctuation splits them): [青年 志愿 服务], [青年 志愿 服务 活动], [志愿 服务]
    parts = [["青年", "志愿", "服务", "。", "青年", "志愿", "服务", "活动", "。", "志愿", "服务"]]
    col = collocations(_hand_corpus(parts), size=2, min_count=1).set_index("collocation")
    # 6 bigram positions: 青年志愿 ×2, 志愿服务 ×3, 服务活动 ×1
    a, first, second, n = 3, 3, 3, 6  # 志愿服务: 志愿 opens 3 bigrams, 服务 closes 3
    table = np.array([[a, first - a], [second - a, n - first - second + a]])
    g, _, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    row = col.loc["志愿服务"]
    assert row["count"] == 3 and row.g2 == pytest.approx(g, abs=1e-9)
    assert col.loc["青年志愿", "count"] == 2 and col.loc["服务活动", "count"] == 1


def test_pmi_and_g2_share_one_table_for_bigrams_and_trigrams():
    """PMI and G² from the same hand-counted positions, for size 2 and size 3 alike."""
    # runs: [甲 乙 丙 丁], [甲 乙 丙], [甲 乙 戊]  (。 breaks runs)
    parts = [["甲", "乙", "丙", "丁", "。", "甲", "乙", "丙", "。", "甲", "乙", "戊"]]
    col = collocations(_hand_corpus(parts), size=(2, 3), min_count=2).set_index("collocation")
    # bigram positions: 甲乙 乙丙 丙丁 | 甲乙 乙丙 | 甲乙 乙戊 -> N = 7
    # 乙丙: a = 2, 乙 opens 3, 丙 closes 2
    assert col.loc["乙丙", "pmi"] == pytest.approx(math.log2(2 * 7 / (3 * 2)))
    g, _, _, _ = chi2_contingency(np.array([[2, 1], [0, 4]]), correction=False, lambda_="log-likelihood")
    assert col.loc["乙丙", "g2"] == pytest.approx(g)
    # trigram positions: 甲乙丙 乙丙丁 | 甲乙丙 | 甲乙戊 -> N = 4
    # 甲乙丙: a = 2, prefix 甲乙 opens 3, 丙 closes 2
    assert col.loc["甲乙丙", "pmi"] == pytest.approx(math.log2(2 * 4 / (3 * 2)))
    g3, _, _, _ = chi2_contingency(np.array([[2, 1], [0, 1]]), correction=False, lambda_="log-likelihood")
    assert col.loc["甲乙丙", "g2"] == pytest.approx(g3)


def test_collocation_doc_counts_ignore_text_outside_the_plan():
    """n_docs counts plans whose tokens contain the n-gram, not substrings of whole bodies."""
    a = _hand_corpus([["志愿", "服务", "。", "志愿", "服务"]], doc_id="a")
    b = _hand_corpus([["青年", "发展"]], doc_id="b")
    tok = pd.concat([a.tokens, b.tokens], ignore_index=True)
    a.documents = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "region": ["甲", "乙"],
            "body": ["志愿服务。志愿服务", "封面：志愿服务 青年发展"],
        }
    )
    a._cache["tokens"] = tok
    col = collocations(a, size=2, min_count=2).set_index("collocation")
    assert col.loc["志愿服务", "n_docs"] == 1


def test_collocations_of_an_empty_corpus_have_the_full_schema():
    col = collocations(_hand_corpus([[]]), size=(2, 3))
    assert col.empty and list(col.columns) == [
        "collocation",
        "tokens",
        "size",
        "count",
        "n_docs",
        "pmi",
        "g2",
        "p",
    ]


def test_collocation_statistics_match_scipy(corpus):
    col = collocations(corpus, size=2, min_count=3)
    assert "党的二十大精神" in set(col.head(10).collocation)


def test_targets_found(corpus):
    t = targets(corpus)
    cq = t[(t.doc_id == "chongqing_2023") & (t.value == 40)]
    assert "心理健康实践阵地" in cq.clause.item()
    gy = t[(t.doc_id == "guyuan_2023") & (t.value == 500) & (t.unit == "名")]
    assert "实习岗位" in gy.clause.item()
    # Guyuan's text: “……稳定在95%以上” — the qualifier is the words around the number
    pct = t[(t.doc_id == "guyuan_2023") & (t.unit == "%")]
    assert "稳定在95%以上" in (Path(__file__).parents[1] / "data" / "raw" / "guyuan_2023.txt").read_text(
        encoding="utf-8"
    )
    assert pct.text.item() == "稳定在95%以上" and pct.value.item() == 95
    body = corpus.body("guyuan_2023")
    assert body[pct.start.item() : pct.end.item()] == pct.text.item()
    assert not t.text.str.contains("年|届|号").any()


def test_programmes_and_citations_shared(corpus):
    prog = shared(programmes(corpus), "name")
    row = prog.set_index("name").loc["三下乡"]
    assert row.n_groups == 5 and pd.isna(row.unique_to)
    assert prog.set_index("name").loc["志愿山城", "unique_to"] == "重庆"
    cited = shared(cited_documents(corpus), "title")
    assert cited.set_index("title").loc["论党的青年工作", "n_groups"] == 4


def test_dispersion_positions_in_unit_interval(corpus):
    pos = dispersion_positions(corpus, ["乡村振兴", "青马工程"])
    assert pos.position.between(0, 1).all()
    assert set(pos.term) == {"乡村振兴", "青马工程"}


def test_user_dictionary_with_bom_and_crlf(tmp_path):
    lex = tmp_path / "lex.txt"
    lex.write_bytes("\ufeff青年护河队 30000 n\r\n# comment\r\n小青柑行动 30000 n\r\n".encode("utf-8"))
    assert [w for w, _, _ in read_lexicon(lex)] == ["青年护河队", "小青柑行动"]
    seg = Segmenter(lexicon=lex)
    assert "青年护河队" in seg.tokens("组建青年护河队开展巡河")
    assert "小青柑行动" in seg.tokens("开展小青柑行动。")


def test_segmenters_do_not_share_state():
    a = Segmenter(lexicon=None, extra_terms={"护河行动队": "test"})
    b = Segmenter(lexicon=None)
    assert "护河行动队" in a.tokens("组建护河行动队")
    assert "护河行动队" not in b.tokens("组建护河行动队")


def test_discovery_finds_a_planted_term():
    texts = [f"第{i}次开展青苗护河行动，组织青年参与。各地推广青苗护河行动经验。" for i in range(4)]
    texts += ["总结青苗护河行动做法", "青苗护河行动取得成效"]
    found = discover_terms(texts, min_pmi=2.0, min_entropy=0.9)
    assert "青苗护河行动" in set(found.term)


def test_tokens_are_cached_with_the_corpus(tmp_path):
    from analysis import load_corpus

    from .conftest import RAW

    c = load_corpus(RAW, cache_dir=tmp_path)
    n = len(c.tokens)
    assert (tmp_path / "tokens.parquet").is_file()
    again = load_corpus(RAW, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again.tokens, c.tokens)
    assert len(again.tokens) == n


def test_slogans_are_kept_out_of_programme_names(corpus):
    from analysis.entities import is_slogan, programmes

    kept = programmes(corpus)
    everything = programmes(corpus, exclude_slogans=False)
    dropped = set(everything.name) - set(kept.name)
    # formulae quoted in the boilerplate list and numbered formulae, by hand
    assert {"两个维护", "四个意识", "四个自信", "两个确立", "十四五"} <= dropped
    assert {"青马工程", "三下乡", "青年大学习", "红领巾奖章"} <= set(kept.name)
    assert kept.attrs["n_slogans"] == len(everything) - len(kept) > 0
    assert not is_slogan("筑梦计划") and is_slogan("三个务必")
