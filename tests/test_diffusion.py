"""Diffusion: passage families, direction of copying, province → city uptake (trends: test_trends.py).

The copying-tree test generates plans whose true copying edges are known: passages flow from
a central plan to provinces, from provinces to their cities and from cities to their counties,
each copy with fresh edits. The recovered directed edges are compared with the truth.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import build_corpus, load_corpus
from analysis.diffusion import (
    diffusion_edges,
    flow_table,
    passage_families,
    plan_order,
    province_of,
    uptake,
)

# common simplified characters, none of which OpenCC or the cleaner changes
CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
    "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
)

LEVEL_YEAR = {"central": 2019, "province": 2020, "prefecture": 2021, "county": 2022}


def _sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n)) + "。"


def _edit(rng: random.Random, text: str) -> str:
    """Substitute one character away from the ends (a copy with an edit)."""
    chars = list(text)
    i = rng.randrange(6, len(chars) - 6)
    chars[i] = rng.choice([c for c in CHARS if c != chars[i]])
    return "".join(chars)


def _plan(title: str, passages: list[str], rng: random.Random) -> str:
    """A structured plan: title, two sections, items of own text with the copied passages inside."""
    own = [_sentence(rng, 30) + _sentence(rng, 25) for _ in range(6)]
    items = own[:]
    for k, p in enumerate(passages):
        items.insert(1 + 2 * k, _sentence(rng, 12) + p + _sentence(rng, 10))
    half = len(items) // 2
    lines = [title, "一、总体要求"]
    lines += [f"{i + 1}．{t}" for i, t in enumerate(items[:half])]
    lines.append("二、重点任务")
    lines += [f"{i + 1}．{t}" for i, t in enumerate(items[half:])]
    return "\n".join(lines) + "\n"


def _copying_tree(folder, seed: int = 0):
    """Central → 2 provinces → 2 cities each → 1 county each; returns the true edges."""
    rng = random.Random(seed)
    plans: dict[str, dict] = {}
    truth: set[tuple[str, str]] = set()

    def add(doc, level, region, province, passages):
        plans[doc] = {"level": level, "region": region, "province": province, "passages": passages}

    central_own = [_sentence(rng, 45) for _ in range(4)]
    add("central", "central", "中央", None, central_own)
    for p in range(2):
        prov = f"prov{p}"
        taken = [_edit(rng, central_own[i]) for i in (p, p + 2)]  # two passages from the centre
        truth.add(("central", prov))
        own = [_sentence(rng, 45) for _ in range(2)]
        add(prov, "province", f"省{p}", f"省{p}", taken + own)
        for c in range(2):
            city = f"city{p}{c}"
            # one passage the province inherited, one the province wrote itself
            add(city, "prefecture", f"市{p}{c}", f"省{p}", [_edit(rng, taken[c]), _edit(rng, own[c])])
            truth.add((prov, city))
            county = f"county{p}{c}"
            add(county, "county", f"县{p}{c}", f"省{p}", [_edit(rng, plans[city]["passages"][0])])
            truth.add((city, county))
    rows = []
    for doc, info in plans.items():
        year = LEVEL_YEAR[info["level"]]
        title = f"{info['region']}{year}年工作要点"
        (folder / f"{doc}.txt").write_text(_plan(title, info["passages"], rng), encoding="utf-8")
        rows.append({"file": f"{doc}.txt", "region": info["region"], "province": info["province"] or "",
                     "level": info["level"], "year": year, "issued_date": f"{year}-03-01"})  # fmt: skip
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    return truth


@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tree")
    truth = _copying_tree(folder)
    return build_corpus(folder), truth


def test_tiicha_family_on_the_seeds(seeds):
    fam = passage_families(seeds)
    m = fam.members[fam.members.text.str.contains("体察国情")]
    assert m.family.nunique() == 1
    assert set(m.doc_id) == {"chongqing_2023", "guyuan_2023", "mianyang_2023"}
    dated = m[m.date.str.len() > 4].sort_values("date")
    # Chongqing (2023-02-10) before Guyuan (2023-03-01); Mianyang has a year only
    assert dated.doc_id.tolist() == ["chongqing_2023", "guyuan_2023"]
    assert dated.date.tolist() == ["2023-02-10", "2023-03-01"]
    row = fam.families.set_index("family").loc[m.family.iloc[0]]
    assert row["size"] == 3 and row.earliest == "chongqing_2023"
    # every family row agrees with its members
    sizes = fam.members.groupby("family").doc_id.nunique()
    assert (fam.families.set_index("family")["size"] == sizes).all()


def test_member_spans_index_the_body(seeds):
    fam = passage_families(seeds)
    bodies = dict(zip(seeds.documents.doc_id, seeds.documents.body))
    for r in fam.members.itertuples():
        assert bodies[r.doc_id][r.start : r.end] == r.text


def test_sichuan_to_mianyang_uptake(seeds, tmp_path):
    from analysis.figures import save
    from analysis.plots import plot_uptake

    assert province_of(seeds, "mianyang_2023") == "sichuan_2021"
    u = uptake(seeds, "mianyang_2023")
    prov, city = u[u.side == "province"], u[u.side == "city"]
    assert len(prov) == len(seeds.items[seeds.items.doc_id == "sichuan_2021"]) == 39
    assert len(city) == len(seeds.items[seeds.items.doc_id == "mianyang_2023"])
    assert set(prov.status) <= {"taken up", "adapted", "absent"}
    assert set(city.status) <= {"from province", "shared", "new"}
    # items with reuse coverage from the province cannot be "new"
    assert not ((city.coverage > 0.1) & (city.status == "new")).any()
    written = save(plot_uptake(u), "uptake", tmp_path)
    assert any(p.suffix == ".png" and p.stat().st_size > 10_000 for p in written)


def test_uptake_without_a_province_says_so(seeds):
    with pytest.raises(ValueError, match="no provincial plan"):
        uptake(seeds, "chongqing_2023")


def test_copying_tree_edges_are_recovered(tree):
    corpus, truth = tree
    fam = passage_families(corpus)
    edges = diffusion_edges(fam)
    found = set(zip(edges.source[edges.relation == "inherited"], edges.target[edges.relation == "inherited"]))
    ids = {d.split("_")[0]: d for d in corpus.doc_ids}
    truth = {(ids[a], ids[b]) for a, b in truth}
    tp = len(found & truth)
    precision, recall = tp / len(found), tp / len(truth)
    assert precision >= 0.9, found - truth
    assert recall >= 0.9, truth - found


def test_a_passage_in_five_plans_is_one_family(tree):
    corpus, _ = tree
    fam = passage_families(corpus)
    # the centre's first passage reaches prov0, city00 and county00 (4 plans, one family)
    central_first = fam.members[(fam.members.doc_id.str.startswith("central"))]
    sizes = fam.families.set_index("family")["size"]
    assert sizes[central_first.family].max() >= 4
    assert len(fam.families) == fam.members.family.nunique()


def test_flow_counts_each_character_once(tree):
    corpus, _ = tree
    fam = passage_families(corpus)
    flow = flow_table(corpus, fam)
    inh = flow[flow.relation == "inherited"]
    # a county inherits only from its city, and no more characters than the county has
    county = inh[inh.doc_id.str.startswith("county")]
    assert (county.source.str.startswith("city")).all()
    assert (flow.share <= 1).all() and (flow.n_chars > 0).all()
    # independent count: union of the county's member spans
    d = county.doc_id.iloc[0]
    body = corpus.body(d)
    mask = np.zeros(len(body), bool)
    for r in fam.members[fam.members.doc_id == d].itertuples():
        mask[r.start : r.end] = True
    assert county[county.doc_id == d].n_chars.sum() == sum(
        1 for i in np.flatnonzero(mask) if not body[i].isspace()
    )


def test_plan_order_precision(seeds):
    o = plan_order(seeds).set_index("doc_id")
    assert o.at["chongqing_2023", "precision"] == "day"
    assert o.at["mianyang_2023", "precision"] == "year" and o.at["mianyang_2023", "date"] == "2023"


def test_diffusion_figure_reads_at_thirty_plans(tmp_path):
    from analysis.figures import save
    from analysis.plots import plot_diffusion

    rng = random.Random(3)
    levels = ["province", "prefecture", "county"]
    order = pd.DataFrame(
        {
            "doc_id": [f"p{i:02d}" for i in range(30)],
            "date": [f"{2019 + i % 4}-0{1 + i % 9}-1{i % 9}" for i in range(30)],
            "level": [levels[i % 3] for i in range(30)],
        }
    )
    edges = pd.DataFrame(
        [
            (
                f"p{rng.randrange(30):02d}",
                f"p{rng.randrange(30):02d}",
                "inherited",
                1,
                rng.randrange(20, 200),
                np.nan,
            )
            for _ in range(40)
        ],  # fmt: skip
        columns=["source", "target", "relation", "n_families", "n_chars", "similarity"],
    )
    fig = plot_diffusion(order, edges, {f"p{i:02d}": f"某市{i}" for i in range(30)})
    assert len(fig.axes[0].texts) == 30
    assert save(fig, "diffusion30", tmp_path)
