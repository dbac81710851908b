"""Dictionary attention panels: counts against independent counts, intervals, export, numeric flags."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import build_corpus
from analysis.errors import InsufficientDataError
from analysis.panels import (
    bootstrap_interval,
    count_terms,
    dictionary_for,
    dictionary_rates,
    export_panel,
    panel_wide,
    quasi_poisson_interval,
    read_dictionary,
    shipped_dictionary,
)

from .conftest import PLAN


def naive_count(text: str, terms) -> int:
    """Independent count: walk the text, at each position try the terms longest first, skip what matched."""
    ordered = sorted(set(terms), key=len, reverse=True)
    first = {t[0] for t in ordered}
    i = n = 0
    while i < len(text):
        if text[i] not in first:
            i += 1
            continue
        for t in ordered:
            if text.startswith(t, i):
                n += 1
                i += len(t)
                break
        else:
            i += 1
    return n


def _build(folder, texts: dict[str, str], meta: dict[str, dict]):
    rows = []
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        rows.append({"file": name, **meta[name]})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_corpus(folder)


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize("name", ["cyl", "gov"])
def test_counts_equal_an_independent_count_on_the_seeds(seeds, name):
    d = shipped_dictionary(name)
    got = dictionary_rates(seeds, d, by=("doc_id",)).set_index(["doc_id", "category"])
    bodies = dict(zip(seeds.documents.doc_id, seeds.documents.body))
    assert len(got) == len(bodies) * len(d)
    for doc, body in bodies.items():
        chars = sum(1 for ch in body if not ch.isspace())
        for cat, terms in d.items():
            row = got.loc[(doc, cat)]
            assert row["count"] == naive_count(body, terms), (doc, cat)
            assert row["total"] == chars
            assert row["rate"] == pytest.approx(1e4 * naive_count(body, terms) / chars)
    assert got["count"].sum() > 0  # the seeds do mention these areas


def test_part_counts_only_the_blocks_of_that_part(seeds):
    d = shipped_dictionary("cyl")
    got = dictionary_rates(seeds, d, by=("doc_id",), part="item").set_index(["doc_id", "category"])
    b = seeds.blocks
    for doc in seeds.documents.doc_id:
        pieces = [t for t, k, i in zip(b.text, b.kind, b.doc_id) if i == doc and k == "item"]
        for cat, terms in d.items():
            assert got.loc[(doc, cat), "count"] == sum(naive_count(p, terms) for p in pieces)
    whole = dictionary_rates(seeds, d, by=("doc_id",)).set_index(["doc_id", "category"])
    assert (got["count"] <= whole["count"]).all() and (got["total"] < whole["total"]).all()
    with pytest.raises(InsufficientDataError, match="no block of part or kind"):
        dictionary_rates(seeds, d, part="no_such_part")


def test_overlapping_terms_count_once_longest_first(tmp_path):
    texts = {
        "a.txt": "某省2023年政府工作报告\n加强生态环境保护。生态环境保护是大事。建设生态文明。\n",
        "b.txt": "某省2023年政府工作报告\n推进数字经济发展，数字化转型，发展经济。\n",
    }
    meta = {"a.txt": {"region": "甲", "year": 2023}, "b.txt": {"region": "乙", "year": 2023}}
    corpus = _build(tmp_path, texts, meta)
    d = {"生态": ["生态", "生态环境", "环境保护", "生态环境保护"], "数字": ["数字", "数字经济", "经济"]}
    got = dictionary_rates(corpus, d, by=("region",)).set_index(["region", "category"])["count"]
    # by hand: 生态环境保护 ×2 + 生态 ×1 (生态文明) = 3; 数字经济, 数字(化), 经济 = 3
    assert got[("甲", "生态")] == 3 and got[("乙", "数字")] == 3
    assert got[("甲", "数字")] == 0 and got[("乙", "生态")] == 0
    # the mistake longest-first avoids: counting each term on its own gives more
    body = corpus.documents.set_index("region").at["甲", "body"]
    assert sum(body.count(t) for t in d["生态"]) > 3


def test_count_terms_matches_a_naive_scan_on_random_texts():
    rng = np.random.default_rng(7)
    alphabet = list("生态环境保护绿色低碳")
    terms = ["生态", "生态环境", "环境", "环境保护", "态环", "绿色低碳", "低碳", "色低"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet, size=int(rng.integers(0, 60))))
        subset = list(rng.choice(terms, size=int(rng.integers(1, len(terms))), replace=False))
        assert count_terms(text, subset) == naive_count(text, subset), (text, subset)


def test_token_counts_equal_tokens_of_the_table(seeds):
    d = {"思想": ["思想", "青年"], "团": ["团员", "少先队"]}
    got = dictionary_rates(seeds, d, by=("doc_id",), match="tokens").set_index(["doc_id", "category"])
    tok = seeds.tokens
    for doc in seeds.documents.doc_id:
        t = tok[(tok.doc_id == doc) & ~tok.punct]
        for cat, terms in d.items():
            assert got.loc[(doc, cat), "count"] == sum(1 for x in t.token if x in terms)
            assert got.loc[(doc, cat), "total"] == len(t)


def test_token_counts_in_a_part_are_the_tokens_inside_its_blocks(seeds):
    d = {"思想": ["思想", "青年"], "团": ["团员", "少先队"]}
    got = dictionary_rates(seeds, d, by=("doc_id",), match="tokens", part="item").set_index(
        ["doc_id", "category"]
    )
    tok, b = seeds.tokens, seeds.blocks
    for doc in seeds.documents.doc_id:
        spans = [(r.start, r.end) for r in b[(b.doc_id == doc) & (b.kind == "item")].itertuples()]
        inside = [x for x, s, p, i in zip(tok.token, tok.start, tok.punct, tok.doc_id)
                  if i == doc and not p and any(a <= s < e for a, e in spans)]  # fmt: skip
        assert got.loc[(doc, "思想"), "total"] == len(inside)
        for cat, terms in d.items():
            assert got.loc[(doc, cat), "count"] == sum(1 for x in inside if x in terms)


def test_groups_pool_plans_and_one_plan_has_no_interval(seeds):
    d = shipped_dictionary("cyl")
    per_plan = dictionary_rates(seeds, d, by=("doc_id",))
    assert per_plan.ci_low.isna().all() and per_plan.ci_high.isna().all() and (per_plan.n_docs == 1).all()
    by_year = dictionary_rates(seeds, d, by=("year",))
    docs = seeds.documents
    for row in by_year.itertuples():
        ids = docs.doc_id[docs.year == row.year]
        sub = per_plan[per_plan.doc_id.isin(ids) & (per_plan.category == row.category)]
        assert row.count == sub["count"].sum() and row.total == sub["total"].sum()
        assert row.n_docs == len(ids)
        assert math.isnan(row.ci_low) == (len(ids) < 2)
    assert by_year.attrs["interval"] == "quasi-poisson"


def test_missing_group_values_are_kept(tmp_path):
    texts = {"a.txt": PLAN, "b.txt": PLAN.replace("某市", "某县")}
    meta = {"a.txt": {"region": "甲", "year": 2023}, "b.txt": {"region": "甲"}}
    corpus = _build(tmp_path, texts, meta)
    corpus.documents["year"] = corpus.documents["year"].astype("float")
    corpus.documents.loc[corpus.documents.file == "b.txt", "year"] = np.nan
    r = dictionary_rates(corpus, shipped_dictionary("cyl"), by=("region", "year"))
    assert r.n_docs.sum() == 2 * len(shipped_dictionary("cyl"))


# --------------------------------------------------------------------------- intervals


def _simulate(n_plans: int, reps: int, seed: int, mu: float = 20e-4, cv: float = 0.6):
    """Plans whose own rates vary (gamma), counts Poisson given the plan's rate and length."""
    rng = np.random.default_rng(seed)
    shape = 1 / cv**2
    lam = rng.gamma(shape, mu / shape, size=(reps, n_plans))
    totals = rng.integers(5_000, 40_000, size=(reps, n_plans))
    counts = rng.poisson(lam * totals)
    return counts, totals, mu


def test_quasi_poisson_interval_covers_the_mean_rate_of_plans():
    counts, totals, mu = _simulate(n_plans=8, reps=600, seed=1)
    cover = np.mean(
        [lo <= mu <= hi for lo, hi in (quasi_poisson_interval(c, t)[1:] for c, t in zip(counts, totals))]
    )
    assert 0.88 <= cover <= 0.99
    # the failure the plan-as-unit interval avoids: characters as independent (Poisson on the pooled count)
    from scipy.special import gammaincinv  # chi2.ppf(q, k) = 2 gammaincinv(k / 2, q)

    naive = []
    for c, t in zip(counts, totals):
        C, T = c.sum(), t.sum()
        lo, hi = gammaincinv(C, 0.025) / T, gammaincinv(C + 1, 0.975) / T
        naive.append(lo <= mu <= hi)
    assert np.mean(naive) < 0.6


def test_bootstrap_interval_is_deterministic_and_covers_with_enough_plans():
    counts, totals, mu = _simulate(n_plans=25, reps=200, seed=2)
    cover = np.mean(
        [
            lo <= mu <= hi
            for lo, hi in (bootstrap_interval(c, t, n_boot=400)[1:] for c, t in zip(counts, totals))
        ]
    )
    assert 0.85 <= cover <= 0.99
    assert bootstrap_interval(counts[0], totals[0]) == bootstrap_interval(counts[0], totals[0])


def test_interval_edge_cases():
    r, lo, hi = quasi_poisson_interval([0, 0, 0], [1000, 2000, 1000])
    assert r == 0 and lo == 0 and hi == pytest.approx(-math.log(0.025) / 4000, rel=1e-6)
    assert all(math.isnan(x) for x in quasi_poisson_interval([1, 2], [0, 0]))
    r, lo, hi = quasi_poisson_interval([3], [1000])
    assert r == 0.003 and math.isnan(lo) and math.isnan(hi)
    # equal plans: Poisson dispersion floor, not a zero-width interval
    r, lo, hi = quasi_poisson_interval([10, 10], [1000, 1000])
    assert lo < r < hi


# --------------------------------------------------------------------------- dictionaries


def test_read_dictionary_csv_with_bom_comments_and_yaml(tmp_path):
    p = tmp_path / "d.csv"
    p.write_bytes("\ufeff# comment\ncategory,term\n生态,生态\n生态, 绿色 \n\n生态,生态\n创新,创新\n".encode())
    assert read_dictionary(p) == {"生态": ["生态", "绿色"], "创新": ["创新"]}
    y = tmp_path / "d.yaml"
    y.write_text("生态: [生态, 绿色]\n创新:\n  - 创新\n", encoding="utf-8")
    assert read_dictionary(y) == {"生态": ["生态", "绿色"], "创新": ["创新"]}
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="category,term"):
        read_dictionary(bad)


def test_shipped_dictionaries_and_the_choice_by_corpus(seeds, tmp_path):
    gov, cyl = shipped_dictionary("gov"), shipped_dictionary("cyl")
    assert len(gov) >= 6 and len(cyl) >= 5
    assert {"数字经济", "大数据", "人工智能", "数字化", "互联网", "云计算", "区块链"} <= set(gov["数字经济"])
    assert {"生态", "绿色", "低碳", "碳达峰", "碳中和", "环境保护"} <= set(gov["生态"])
    assert {"思想引领", "青年发展", "基层组织", "志愿服务", "少先队"} <= set(cyl)
    assert dictionary_for(seeds)[0] == "cyl"
    report = "某省2023年政府工作报告\n各位代表：\n现在，我代表省人民政府，向大会报告工作。\n一、过去一年工作回顾\n发展数字经济。\n"
    corpus = _build(tmp_path, {"r.txt": report}, {"r.txt": {"region": "甲", "year": 2023}})
    assert dictionary_for(corpus)[0] == "gov"


# --------------------------------------------------------------------------- export


def test_panel_wide_by_hand():
    r = pd.DataFrame({"region": ["甲", "甲", "乙", "甲"], "year": [2022, 2023, 2023, 2023],
                      "category": ["生态", "生态", "生态", "创新"], "rate": [1.0, 2.0, 3.0, 4.0]})  # fmt: skip
    w = panel_wide(r)
    assert list(w.columns) == ["category", "region", "rate_2022", "rate_2023"]
    assert w.region.tolist() == ["乙", "甲", "甲"]
    assert math.isnan(w.rate_2022[0]) and w.rate_2023[0] == 3.0
    assert (w.rate_2022[1], w.rate_2023[1]) == (1.0, 2.0)
    assert math.isnan(w.rate_2022[2]) and w.rate_2023[2] == 4.0
    assert w.category.tolist() == ["生态", "生态", "创新"]


def test_wide_and_export_keep_groups_with_a_missing_key(tmp_path):
    r = pd.DataFrame({"region": ["甲", None, "乙"], "year": [2022, 2023, 2023], "category": "生态",
                      "count": [1, 0, 3], "total": [10, 0, 30], "rate": [1.0, np.nan, 3.0], "ci_low": np.nan,
                      "ci_high": np.nan, "n_docs": [1, 0, 1]})  # fmt: skip
    r.attrs["by"] = ("region", "year")
    w = panel_wide(r)
    assert len(w) == 3 and w.region.isna().sum() == 1
    export_panel(r, tmp_path / "p")
    for form, n in (("long", 3), ("wide", 3)):
        a, b = pd.read_csv(tmp_path / f"p_{form}.csv"), pd.read_parquet(tmp_path / f"p_{form}.parquet")
        pd.testing.assert_frame_equal(a, b)
        assert len(a) == n


def test_export_round_trip(seeds, tmp_path):
    rates = dictionary_rates(seeds, "cyl", by=("region", "year"))
    files = export_panel(rates, tmp_path / "out" / "panel.csv")
    assert sorted(p.name for p in files) == sorted(
        f"panel_{f}.{e}" for f in ("long", "wide") for e in ("csv", "parquet")
    )
    long_csv = pd.read_csv(tmp_path / "out" / "panel_long.csv")
    expect = rates.copy()
    expect.attrs = {}
    pd.testing.assert_frame_equal(long_csv, expect, check_dtype=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "panel_long.parquet"), long_csv)
    wide_csv = pd.read_csv(tmp_path / "out" / "panel_wide.csv")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "panel_wide.parquet"), wide_csv)
    pd.testing.assert_frame_equal(wide_csv, panel_wide(rates))
    for p in files:
        if p.suffix == ".csv":
            raw = p.read_bytes()
            assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
            header = raw.split(b"\n")[0].decode("ascii")  # ASCII names Stata and R accept
            assert all(c.isidentifier() for c in header.split(","))


# --------------------------------------------------------------------------- numbers stay numbers


def test_digit_tokens_are_numeric_even_when_added_as_corpus_terms(tmp_path):
    from analysis.segment import Segmenter, numeric_flags, tokens_table

    text = PLAN + "\n".join(f"{i}.开展“12345”热线服务，“12345”便民。" for i in range(5, 9)) + "\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = build_corpus(tmp_path)
    seg = Segmenter.from_corpus(corpus)
    assert "12345" in seg.terms  # the case that broke the flag: a quoted number became a term
    tok = tokens_table(corpus, seg)
    nums = tok[tok.token.isin(["12345", "500", "2023"])]
    assert len(nums) and nums.numeric.all()
    flags = numeric_flags(
        pd.Series(["24", "１２", "3.5%", "24万", "两万", "十四五", "5G", "青年"]),
        {"24", "十四五", *seg.terms},
    )
    assert flags.tolist() == [True, True, True, True, True, False, False, False]
