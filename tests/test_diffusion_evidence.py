"""Direction of diffusion only where the text supports it.

Generated corpora whose true copying is known, built to break a method that reads direction
from dates and levels: an unseen central source (every plan copies it directly), the source
present, a province whose own insertions reach one of its cities, siblings of one date,
plans of different provinces, a source whose span lacks a member's content, a passage in
most plans of a 60-plan corpus, and a passage running across an excluded block.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import build_corpus
from analysis.diffusion import (
    diffusion_edges,
    family_consensus,
    flow_table,
    passage_families,
    variants,
)
from analysis.reuse import Skeleton, common_passages, find_reuse, reuse_share

from .test_diffusion import CHARS, _plan, _sentence

N_PASSAGES = 4


def _word(rng: random.Random, n: int = 4) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def _insert(rng: random.Random, text: str, word: str) -> str:
    i = rng.randrange(15, len(text) - 15)
    return text[:i] + word + text[i:]


def _write(folder, plans: dict[str, dict], rng: random.Random) -> None:
    rows = []
    for doc, p in plans.items():
        title = f"{p['region']}2023年工作要点"
        (folder / f"{doc}.txt").write_text(_plan(title, p["passages"], rng), encoding="utf-8")
        rows.append({"file": f"{doc}.txt", "region": p["region"], "province": p["province"],
                     "level": p["level"], "year": 2023,
                     "issued_date": p["date"] if len(p["date"]) > 4 else ""})  # fmt: skip
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)


def _template_corpus(folder, *, with_central: bool, seed: int = 0) -> set[tuple[str, str]]:
    """A central plan; nine cities of three provinces copy it directly, each adding words of its
    own; a province adds its own words to two passages and one of its cities copies those two
    from the province. Returns the true (source, target) edges of the plans written."""
    rng = random.Random(seed)
    central = [_sentence(rng, 70) for _ in range(N_PASSAGES)]
    plans: dict[str, dict] = {}
    truth: set[tuple[str, str]] = set()
    if with_central:
        plans["central"] = {"region": "中央", "province": "", "level": "central", "date": "2023-01-10",
                            "passages": central}  # fmt: skip
    prov_version = [_insert(rng, p, _word(rng)) if i < 2 else p for i, p in enumerate(central)]
    plans["provA"] = {"region": "甲省", "province": "甲省", "level": "province", "date": "2023-02-01",
                      "passages": prov_version}  # fmt: skip
    if with_central:
        truth.add(("central", "provA"))
    for i in range(9):
        own = [_insert(rng, p, _word(rng)) if j == i % N_PASSAGES else p for j, p in enumerate(central)]
        plans[f"city{i}"] = {"region": f"{'乙丙丁'[i % 3]}市{i}", "province": f"{'乙丙丁'[i % 3]}省",
                             "level": "prefecture", "date": f"2023-03-0{i + 1}", "passages": own}  # fmt: skip
        if with_central:
            truth.add(("central", f"city{i}"))
    # the province's own words reach one of its cities (two passages, with a word of its own)
    plans["cityA"] = {"region": "甲市", "province": "甲省", "level": "prefecture", "date": "2023-04-01",
                      "passages": [_insert(rng, prov_version[0], _word(rng)), prov_version[1]]}  # fmt: skip
    truth.add(("provA", "cityA"))
    _write(folder, plans, rng)
    return truth


def _inherited(edges: pd.DataFrame) -> set[tuple[str, str]]:
    e = edges[edges.relation == "inherited"]
    return set(zip(e.source, e.target))


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unseen")
    truth = _template_corpus(folder, with_central=False)
    return build_corpus(folder), truth


@pytest.fixture(scope="module")
def present(tmp_path_factory):
    folder = tmp_path_factory.mktemp("present")
    truth = _template_corpus(folder, with_central=True)
    return build_corpus(folder), truth


def test_unseen_source_claims_no_direction_but_the_provinces_own_words(unseen):
    corpus, truth = unseen
    fam = passage_families(corpus)
    mem = fam.members.drop_duplicates(["family", "doc_id"])
    assert fam.families["size"].max() >= 10  # each central passage is one family of its copies
    inherited = mem[mem.relation == "inherited"]
    claimed = set(zip(inherited.parent, inherited.doc_id))
    # the only direction claimed is the one the province's insertions carry
    assert claimed == {("provA", "cityA")}, claimed
    assert (inherited.basis.str.startswith("shared innovations")).all()
    assert len(inherited) / len(mem) <= 0.10
    # the nine cities copied the centre directly: all co-derived
    assert set(mem[mem.doc_id.str.startswith("city") & (mem.doc_id != "cityA")].relation) == {"co-derived"}
    edges = diffusion_edges(fam)
    assert _inherited(edges) == {("provA", "cityA")}
    row = edges[(edges.source == "provA") & (edges.target == "cityA")]
    assert row.n_families.iloc[0] == 2 and row.n_evidence.iloc[0] >= 2


def test_source_present_directed_edges_are_recovered(present):
    corpus, truth = present
    edges = diffusion_edges(passage_families(corpus))
    found = _inherited(edges)
    tp = len(found & truth)
    precision, recall = tp / len(found), tp / len(truth)
    assert precision >= 0.9, found - truth
    assert recall >= 0.9, truth - found
    assert ("provA", "cityA") in found and ("central", "cityA") not in found


def test_consensus_is_the_majority_reading():
    base = "青年工作要坚持党的全面领导深入学习贯彻大会精神"
    texts = [base] * 3 + [base[:8] + "全市" + base[8:], base[:8] + "全市" + base[8:]]
    assert family_consensus(texts) == base
    assert variants(base, texts[-1])[0].text == "全市"


def _same_date_and_cross_province(folder, *, same_province: bool, dates: tuple[str, str]):
    rng = random.Random(7)
    central = [_sentence(rng, 70) for _ in range(2)]
    shared = [_insert(rng, p, _word(rng)) for p in central]
    plans = {}
    for i in range(4):  # the majority: copies of the (absent) centre
        plans[f"other{i}"] = {"region": f"戊市{i}", "province": "戊省", "level": "prefecture",
                              "date": "2023-03-01", "passages": central}  # fmt: skip
    plans["a"] = {"region": "己市" if same_province else "重庆", "province": "己省" if same_province else "重庆",
                  "level": "prefecture" if same_province else "municipality", "date": dates[0],
                  "passages": shared}  # fmt: skip
    plans["b"] = {"region": "庚市", "province": "己省", "level": "prefecture", "date": dates[1],
                  "passages": shared}  # fmt: skip
    _write(folder, plans, rng)
    return build_corpus(folder)


@pytest.mark.parametrize(
    "same_province, dates",
    [(True, ("2023-03-05", "2023-03-05")), (False, ("2023", "2023")), (False, ("2023-03-05", "2023-03-05"))],
    ids=["siblings-same-date", "cross-province-year-only", "cross-province-same-date"],
)
def test_shared_words_without_an_order_stay_undirected(tmp_path, same_province, dates):
    corpus = _same_date_and_cross_province(tmp_path, same_province=same_province, dates=dates)
    fam = passage_families(corpus)
    pair = fam.members[fam.members.doc_id.isin(["a", "b"])]
    assert len(pair) and set(pair.relation) == {"co-derived"}
    # the same two plans, one of them dated earlier: now the shared words give a direction
    if not same_province and dates[0] == "2023":
        docs = corpus.documents.copy()
        docs.loc[docs.doc_id == "a", "issued_date"] = "2023-02-01"
        docs.loc[docs.doc_id == "b", "issued_date"] = "2023-03-20"
        corpus.documents = docs
        assert ("a", "b") in _inherited(diffusion_edges(passage_families(corpus)))


def test_a_source_lacking_the_members_content_is_not_its_parent(tmp_path):
    """Anachronism: a 2021 source cannot be the parent of a passage on a 2022 speech it does not contain."""
    rng = random.Random(11)
    x = _sentence(rng, 60)
    speech = "深入学习习近平总书记二〇二二年五月十日在庆祝中国共产主义青年团成立一百周年大会上的重要讲话精神"
    plans = {
        "src": {"region": "中央", "province": "", "level": "central", "date": "2021-01-10", "passages": [x]},
        "c1": {"region": "甲市", "province": "甲省", "level": "prefecture", "date": "2023-03-01",
               "passages": [x[:-1] + speech + "。"]},
        "c2": {"region": "乙市", "province": "乙省", "level": "prefecture", "date": "2023-03-02",
               "passages": [x[:-1] + speech + "。"]},
    }  # fmt: skip
    _write(tmp_path, plans, rng)
    corpus = build_corpus(tmp_path)
    fam = passage_families(corpus)
    m = fam.members[fam.members.text.str.contains("五月十日")]
    assert len(m) >= 2
    assert not (m.parent == "src").any(), m[["doc_id", "parent", "containment"]]


def test_a_passage_in_most_plans_of_sixty_is_one_family(tmp_path):
    rng = random.Random(5)
    passage = _sentence(rng, 89)
    plans = {}
    for i in range(60):
        own = [_sentence(rng, 40)]
        if i < 36:
            own.append(_insert(rng, passage, _word(rng, 3)) if i % 2 else passage)
        plans[f"p{i:02d}"] = {"region": f"某市{i}", "province": f"某省{i % 5}", "level": "prefecture",
                              "date": "2023-03-01", "passages": own}  # fmt: skip
    _write(tmp_path, plans, rng)
    corpus = build_corpus(tmp_path)
    with pytest.warns(UserWarning, match="set aside"):
        pairs = find_reuse(corpus)
    assert pairs.attrs["set_aside"]["shingles"] > 0
    common = common_passages(corpus)
    assert common.groupby("passage").doc_id.nunique().max() >= 34
    fam = passage_families(corpus)
    assert fam.families["size"].max() >= 34
    big = fam.families.loc[fam.families["size"].idxmax()]
    assert not big.boilerplate and Skeleton.of(passage).text[:30] in Skeleton.of(big.text).text


class _Blocks:
    """Two plans with identical text; the middle of each is a review block (``summary``)."""

    def __init__(self):
        rng = random.Random(2)
        parts = [_sentence(rng, 40), _sentence(rng, 40), _sentence(rng, 40)]
        body = "".join(parts)
        cut = np.cumsum([0] + [len(p) for p in parts])
        self.documents = pd.DataFrame({"doc_id": ["a", "b"], "body": [body, body], "year": [2023, 2023],
                                       "issued_date": [None, None]})  # fmt: skip
        kinds = ["preamble", "summary", "item"]
        self.blocks = pd.DataFrame(
            [(d, k, int(cut[i]), int(cut[i + 1])) for d in "ab" for i, k in enumerate(kinds)],
            columns=["doc_id", "kind", "start", "end"],
        )
        self.summary = (int(cut[1]), int(cut[2]))


def test_no_passage_spans_an_excluded_block():
    c = _Blocks()
    everything = find_reuse(c, exclude_blocks=())
    assert len(everything) == 1 and everything.end_a.iloc[0] - everything.start_a.iloc[0] > 100
    r = find_reuse(c, exclude_blocks=("summary",))
    s0, s1 = c.summary
    assert len(r) == 2
    for side in "ab":
        assert ((r[f"end_{side}"] <= s0) | (r[f"start_{side}"] >= s1)).all()
    # excluding text can only lower a plan's reused share
    share = reuse_share(c, r).set_index(["doc_id", "other"]).share
    assert share[("a", "any")] < reuse_share(c, everything).set_index(["doc_id", "other"]).share[("a", "any")]


def test_inherited_share_never_exceeds_the_reused_share(unseen):
    corpus, _ = unseen
    reuse = find_reuse(corpus, boilerplate="include", exclude_blocks=("cover", "trailer", "summary"))
    common = common_passages(corpus, exclude_blocks=("cover", "trailer", "summary"))
    fam = passage_families(corpus, reuse, common=common)
    flow = flow_table(corpus, fam)
    shared = (
        reuse_share(corpus, reuse[~reuse.boilerplate], common)
        .query("other == 'any'")
        .set_index("doc_id")
        .share
    )
    taken = flow[flow.relation != "own"].groupby("doc_id").share.sum()
    for d, v in taken.items():
        assert v <= shared[d] + 1e-9, d
    assert flow.groupby("doc_id").share.sum().round(9).eq(1).all()


@pytest.mark.parametrize(
    "dates",
    [
        ["2023-01-15"] * 31,
        [f"2023-01-{10 + i % 20:02d}" for i in range(31)],
        ["2018"] * 3 + ["2024-02-01"] * 28,
    ],
    ids=["one-date", "three-weeks", "six-years"],
)
def test_diffusion_figure_keeps_every_plan_inside_and_labels_time_in_days_or_years(tmp_path, dates):
    import matplotlib.dates as mdates

    from analysis.figures import save
    from analysis.plots import plot_diffusion

    n = len(dates)
    order = pd.DataFrame({"doc_id": [f"p{i:02d}" for i in range(n)], "date": dates,
                          "level": ["province"] * (n - 3) + ["prefecture", None, "county"]})  # fmt: skip
    order.loc[5, "date"] = None  # a plan with no date
    rng = random.Random(1)
    edges = pd.DataFrame(
        [
            (f"p{rng.randrange(n):02d}", f"p{rng.randrange(n):02d}", rel, 1, 2, rng.randrange(20, 200), None)
            for rel in ("inherited", "co-derived")
            for _ in range(20)
        ],  # fmt: skip
        columns=["source", "target", "relation", "n_families", "n_evidence", "n_chars", "basis"],
    )
    fig = plot_diffusion(order, edges, {f"p{i:02d}": f"某省{i}" for i in range(n)})
    ax = fig.axes[0]
    (x0, x1), (y1, y0) = ax.get_xlim(), ax.get_ylim()
    points = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    assert len(points) == n
    assert ((points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1)).all()
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()] + [ax.xaxis.get_offset_text().get_text()]
    assert not any(":" in t for t in labels), labels  # never hours
    assert mdates.num2date(x1) - mdates.num2date(x0) >= pd.Timedelta(days=30)
    assert fig.get_size_inches()[0] <= 8.27 + 1e-9  # A4 width
    assert save(fig, "diffusion31", tmp_path)


def test_a_plan_with_neither_year_nor_date_does_not_break_diffusion(unseen):
    """Issue 20, point 4: a `20xx` plan (no year, no date) made `info["date"] or "9999"` fail on NaN."""
    import copy

    from analysis.diffusion import plan_order
    from analysis.plots import plot_diffusion

    corpus = copy.copy(unseen[0])
    docs = corpus.documents.copy()
    docs.loc[docs.doc_id == "city3", ["year", "issued_date"]] = [np.nan, np.nan]
    corpus.documents = docs
    order = plan_order(corpus)
    assert order.set_index("doc_id").at["city3", "date"] is None
    fam = passage_families(corpus)
    assert "city3" in set(fam.members.doc_id)
    # with no date it cannot be shown to come after anything, so it inherits nothing
    assert (fam.members[fam.members.doc_id == "city3"].relation != "inherited").all()
    plot_diffusion(order, diffusion_edges(fam))


def test_a_plan_marked_as_source_in_the_manifest_anchors_its_families(tmp_path):
    _template_corpus(tmp_path, with_central=False)
    manifest = pd.read_csv(tmp_path / "manifest.csv")
    manifest["role"] = np.where(manifest.file == "provA.txt", "source", "")
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    corpus = build_corpus(tmp_path)
    assert corpus.documents.set_index("doc_id").at["provA", "role"] == "source"
    fam = passage_families(corpus)
    assert (fam.families.anchor == "provA").all()
    mem = fam.members.drop_duplicates(["family", "doc_id"])
    assert set(mem[mem.doc_id == "provA"].relation) == {"source"}
    # the cities' copies are now read against the marked source: all inherited from it
    cities = mem[mem.doc_id.str.startswith("city")]
    assert (cities.relation == "inherited").all() and (cities.parent == "provA").all()


def test_two_widely_copied_passages_sharing_a_formula_stay_apart(tmp_path):
    rng = random.Random(9)
    formula = "以习近平新时代中国特色社会主义思想为指导"
    p1 = _sentence(rng, 30) + formula + _sentence(rng, 30)
    p2 = _sentence(rng, 30) + formula + _sentence(rng, 30)
    plans = {}
    for i in range(60):
        own = [_sentence(rng, 40)]
        if i < 40:
            own.append(p1)
        if i >= 20:
            own.append(p2)
        plans[f"p{i:02d}"] = {"region": f"某市{i}", "province": "某省", "level": "prefecture",
                              "date": "2023-03-01", "passages": own}  # fmt: skip
    _write(tmp_path, plans, rng)
    corpus = build_corpus(tmp_path)
    common = common_passages(corpus)
    sizes = sorted(common.groupby("passage").doc_id.nunique().tolist(), reverse=True)
    assert sizes[:2] == [40, 40], sizes
    members = common.groupby("passage").doc_id.apply(frozenset)
    assert frozenset(f"p{i:02d}" for i in range(40)) in set(members)


def test_year_only_plans_beside_one_month_do_not_crowd_the_dated_plans():
    """26 reports dated across three weeks of January and 5 known only by their year (the 31
    provincial reports of 2023): a bar across 2023 would squeeze the dated plans into one
    column at the left; the year-only plans stand apart and the dated plans use the axis."""
    from analysis.plots import plot_diffusion

    dates = [f"2023-01-{8 + i % 21:02d}" for i in range(26)] + ["2023"] * 5
    order = pd.DataFrame({"doc_id": [f"p{i:02d}" for i in range(31)], "date": dates, "level": "province"})
    edges = pd.DataFrame(
        [("p00", "p20", "inherited", 1, 3, 120, None)],
        columns=["source", "target", "relation", "n_families", "n_evidence", "n_chars", "basis"],
    )
    fig = plot_diffusion(order, edges, {f"p{i:02d}": f"某省{i}" for i in range(31)})
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    points = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    dated, year_only = points[:26, 0], points[26:, 0]
    assert (dated.max() - dated.min()) / (x1 - x0) > 0.5  # was 0.06 with the year drawn as a bar
    assert (year_only > dated.max()).all() and (year_only < x1).all()
    assert "只知年份" in ax.get_xlabel().replace("\n", "")
