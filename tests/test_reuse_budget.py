"""Reuse bounded by memory and output: common passages reported once, chunks, nothing lost."""

from __future__ import annotations

import random
import warnings

import numpy as np
import opencc
import pandas as pd
import pytest

from analysis import build_corpus
from analysis.diffusion import family_spans, passage_families
from analysis.reuse import ReuseNotice, Skeleton, _find_reuse, find_reuse, parse_memory

from .conftest import quiet

_T2S = opencc.OpenCC("t2s")
# simplified characters the cleaner leaves alone: chance matches of 9+ characters are negligible
CHARS = "".join(c for c in map(chr, range(0x4E00, 0x4E00 + 3000)) if _T2S.convert(c) == c)


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def _write(folder, n: int, passages: list[tuple[str, list[int]]], seed: int = 0):
    """``n`` plans of own text; each passage planted (as one item) in the plans listed with it."""
    rng = random.Random(seed)
    held: dict[int, list[str]] = {i: [] for i in range(n)}
    for text, holders in passages:
        for h in holders:
            held[h].append(text)
    for i in range(n):
        items = [_text(rng, rng.randint(30, 60)) for _ in range(4)] + held[i]
        rng.shuffle(items)
        lines = [f"某地{i}二〇二三年工作要点", "一、重点工作", "（一）加强引领"]
        lines += [f"{j + 1}.{t}。" for j, t in enumerate(items)]
        (folder / f"p{i:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_corpus(folder)


_quiet = quiet


def _pair_covers(
    found: pd.DataFrame, a: str, b: str, sa: int, ea: int, sb: int, eb: int, slack: int = 2
) -> bool:
    hit = found[(found.doc_a == a) & (found.doc_b == b)]
    return bool(
        (
            (hit.start_a <= sa + slack)
            & (hit.end_a >= ea - slack)
            & (hit.start_b <= sb + slack)
            & (hit.end_b >= eb - slack)
        ).any()
    )


@pytest.fixture(scope="module")
def sixty(tmp_path_factory):
    """60 plans: one passage in 50 of them, one in 25, and rare passages in 2-4 plans (one pair also holds both wide ones)."""
    rng = random.Random(3)
    wide = _text(rng, 60)
    mid = _text(rng, 45)
    passages = [(wide, list(range(50))), (mid, list(range(10, 35)))]
    for _ in range(15):
        passages.append((_text(rng, rng.randint(25, 50)), sorted(rng.sample(range(60), rng.randint(2, 4)))))
    rare = _text(rng, 30)
    passages.append((rare, [1, 3]))  # plans 1 and 3 also hold ``wide``
    corpus = _write(tmp_path_factory.mktemp("sixty"), 60, passages)
    return corpus, passages, wide, rare


def test_a_passage_in_most_of_sixty_plans_is_one_common_passage_not_pairs(sixty):
    corpus, _, wide, _ = sixty
    with pytest.warns(ReuseNotice, match=r"common passage\(s\)"):
        reuse, common = _find_reuse(corpus, boilerplate="include")
    key = Skeleton.of(wide).text[5:-5]
    # not 1,225 pair rows: no pair row holds the wide passage
    assert not reuse.text_a.map(lambda t: key in Skeleton.of(t).text).any()
    holding = common[common.text.map(lambda t: key in Skeleton.of(t).text)]
    assert holding.passage.nunique() == 1
    assert sorted(holding.doc_id) == [f"p{i:03d}" for i in range(50)]
    assert reuse.attrs["set_aside"]["common_passages"] == common.passage.nunique() >= 2
    # and it reaches passage_families as one family of 50 plans
    fam = passage_families(corpus, reuse, common=common, progress=False)
    big = fam.families.loc[fam.families["size"].idxmax()]
    assert big["size"] == 50 and key in Skeleton.of(big.text).text


def test_every_pair_sharing_a_passage_is_a_pair_row_or_in_one_common_passage(sixty):
    corpus, passages, _, _ = sixty
    reuse, common = _quiet(_find_reuse, corpus, boilerplate="include")
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    members = {p: set(g.doc_id) for p, g in common.groupby("passage")}
    n_pairs = n_grouped = 0
    for text, holders in passages:
        names = [f"p{h:03d}" for h in holders]
        for x, a in enumerate(names):
            for b in names[x + 1 :]:
                sa, sb = bodies[a].find(text), bodies[b].find(text)
                if _pair_covers(reuse, a, b, sa, sa + len(text), sb, sb + len(text)):
                    n_pairs += 1
                    continue
                assert any({a, b} <= m for m in members.values()), (a, b, text[:10])
                n_grouped += 1
    assert n_pairs >= 15 and n_grouped >= 1225  # both ways were used


def test_a_rare_passage_is_found_when_both_plans_also_share_a_common_passage(sixty):
    corpus, _, wide, rare = sixty
    reuse = _quiet(find_reuse, corpus, boilerplate="include")
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    sa, sb = bodies["p001"].find(rare), bodies["p003"].find(rare)
    assert _pair_covers(reuse, "p001", "p003", sa, sa + len(rare), sb, sb + len(rare))


def test_a_rare_passage_next_to_a_common_one_is_still_found(tmp_path):
    rng = random.Random(8)
    wide, rare = _text(rng, 50), _text(rng, 30)
    passages = [
        (wide, list(range(2, 50))),
        (wide + rare, [0, 1]),
    ]  # plans 0 and 1: the wide passage, then theirs
    corpus = _write(tmp_path, 55, passages, seed=4)
    reuse, common = _quiet(_find_reuse, corpus, boilerplate="include")
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    sa, sb = bodies["p000"].find(rare), bodies["p001"].find(rare)
    assert _pair_covers(reuse, "p000", "p001", sa, sa + len(rare), sb, sb + len(rare))
    members = common.groupby("passage").doc_id.apply(set)
    assert any({"p000", "p001", "p002"} <= m for m in members)


def test_a_tiny_memory_limit_gives_the_same_tables_in_many_chunks(sixty):
    corpus, *_ = sixty
    one_r, one_c = _quiet(_find_reuse, corpus, boilerplate="include", memory_limit=None)
    with pytest.warns(ReuseNotice, match="one plan at a time"):
        many_r, many_c = _find_reuse(corpus, boilerplate="include", memory_limit=1000)
    assert one_r.attrs["set_aside"]["chunks"] == 1
    assert many_r.attrs["set_aside"]["chunks"] >= 30
    pd.testing.assert_frame_equal(one_r, many_r)
    pd.testing.assert_frame_equal(one_c, many_c)
    # and with several alignment processes
    pd.testing.assert_frame_equal(
        one_r, _quiet(find_reuse, corpus, boilerplate="include", memory_limit=1000, n_jobs=2)
    )


def test_progress_bar_is_quiet_when_progress_is_false(sixty, capsys):
    corpus, *_ = sixty
    _quiet(find_reuse, corpus, progress=False)
    _quiet(passage_families, corpus, progress=False)
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""
    _quiet(find_reuse, corpus, progress=True)
    assert "find_reuse" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["4 GB", "2GiB", 10**9, "1.5gb"])
def test_memory_limits_read_as_bytes(value):
    assert parse_memory(value) in (4 * 10**9, 2 * 2**30, 10**9, 1.5 * 10**9)


@pytest.mark.parametrize("value", ["lots", "4 parsecs", -1, 0])
def test_a_memory_limit_that_is_not_a_size_is_an_error(value):
    with pytest.raises(ValueError, match="memory_limit"):
        parse_memory(value)


def _family_reference(reuse: pd.DataFrame, min_overlap: float = 0.5) -> list[set]:
    """Families as sets of (doc, start, end) spans, by single link over every pair of spans (brute force)."""
    spans = list(zip(reuse.doc_a, reuse.start_a, reuse.end_a)) + list(
        zip(reuse.doc_b, reuse.start_b, reuse.end_b)
    )
    n = len(reuse)
    parent = list(range(len(spans)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i in range(n):
        union(i, n + i)
    for i, (d, s, e) in enumerate(spans):
        for j, (d2, s2, e2) in enumerate(spans[:i]):
            ov = min(e, e2) - max(s, s2)
            if d == d2 and ov > 0 and ov >= min_overlap * max(e - s, e2 - s2):
                union(i, j)
    groups: dict[int, list] = {}
    for i, sp in enumerate(spans):
        groups.setdefault(find(i), []).append(sp)
    out = []
    for g in groups.values():  # merge overlapping or touching spans of one plan
        merged = []
        for d, s, e in sorted(g):
            if merged and merged[-1][0] == d and s <= merged[-1][2]:
                merged[-1][2] = max(merged[-1][2], e)
            else:
                merged.append([d, s, e])
        out.append({tuple(m) for m in merged})
    return out


@pytest.mark.parametrize("seed", range(4))
def test_family_spans_match_a_brute_force_single_link(seed):
    rng = np.random.default_rng(seed)
    n = 150
    docs = np.array(list("abcdef"))
    sa = rng.integers(0, 300, n)
    sb = rng.integers(0, 300, n)
    la, lb = rng.integers(5, 60, n), rng.integers(5, 60, n)
    da, db = rng.choice(docs, n), rng.choice(docs, n)
    reuse = pd.DataFrame(
        {"doc_a": da, "doc_b": db, "start_a": sa, "end_a": sa + la, "start_b": sb, "end_b": sb + lb}
    )
    reuse = pd.concat([reuse, reuse.iloc[:10]], ignore_index=True)  # identical spans too
    got = family_spans(reuse)
    fams = [
        set(map(tuple, g[["doc_id", "start", "end"]].to_numpy().tolist())) for _, g in got.groupby("family")
    ]
    expect = _family_reference(reuse)
    assert sorted(map(sorted, fams)) == sorted(map(sorted, expect))
    assert 1 < len(fams) < 2 * n  # some spans joined, not all
    # families numbered in order of their first plan, then first start
    firsts = got.groupby("family").apply(lambda g: (g.doc_id.min(), g.start.min()), include_groups=False)
    assert list(firsts) == sorted(firsts)
