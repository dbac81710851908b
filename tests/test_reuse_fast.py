"""The fast reuse path against simple, obviously-correct references (brute force over all pairs)."""

from __future__ import annotations

import random
import subprocess
import sys
import warnings

import numpy as np
import opencc
import pandas as pd
import pytest

from analysis import build_corpus
from analysis.reuse import (
    Skeleton,
    _chain,
    candidate_pairs,
    find_reuse,
    flag_boilerplate,
    resolve_nesting,
    shingle_hashes,
    shingle_index,
)

_T2S = opencc.OpenCC("t2s")
# a large alphabet of simplified characters (the cleaner turns traditional ones into simplified):
# chance matches of 9+ characters are negligible
CHARS = "".join(c for c in map(chr, range(0x4E00, 0x4E00 + 3000)) if _T2S.convert(c) == c)
FORMULA = "深入学习贯彻习近平新时代中国特色社会主义思想"


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def _edit(rng: random.Random, s: str) -> str:
    """One character substituted in the middle third (a near-verbatim copy)."""
    i = rng.randrange(len(s) // 3, 2 * len(s) // 3)
    return s[:i] + rng.choice(CHARS) + s[i + 1 :]


def _write_plans(folder, n: int, seed: int, n_passages: int, formula_share: float = 0.9):
    """``n`` plans with heading structure; passages planted in 2-4 plans; FORMULA in most plans."""
    rng = random.Random(seed)
    planted: dict[int, list[str]] = {i: [] for i in range(n)}
    passages = []
    for _ in range(n_passages):
        text = _text(rng, rng.randint(20, 45))
        holders = rng.sample(range(n), rng.randint(2, min(4, n)))
        passages.append((text, holders))
        for h in holders:
            planted[h].append(text if rng.random() < 0.8 else _edit(rng, text))
    for i in range(n):
        items = [_text(rng, rng.randint(20, 60)) for _ in range(4)] + planted[i]
        rng.shuffle(items)
        lead = (
            f"总体要求：{FORMULA}。" if rng.random() < formula_share else "总体要求：" + _text(rng, 20) + "。"
        )
        lines = [f"共青团{_text(rng, 2)}委{2015 + i % 9}年工作要点", lead, "一、重点工作", "（一）加强引领"]
        lines += [f"{j + 1}.{t}。" for j, t in enumerate(items)]
        (folder / f"p{i:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_corpus(folder), passages


def _common_runs(a: str, b: str, min_len: int) -> list[tuple[int, int, int, int]]:
    """Every maximal common substring of at least ``min_len`` characters (dynamic programming)."""
    prev = [0] * (len(b) + 1)
    runs = []
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                n = cur[j]
                if n >= min_len and (i == len(a) or j == len(b) or a[i] != b[j]):
                    runs.append((i - n, i, j - n, j))
        prev = cur
    return runs


def _reference(corpus, min_len: int = 20) -> list[tuple[str, str, int, int, int, int]]:
    """All pairs of plans, all maximal common runs of the skeletons, in body offsets."""
    skels = {d: Skeleton.of(b) for d, b in zip(corpus.documents.doc_id, corpus.documents.body)}
    out = []
    names = sorted(skels)
    for x, a in enumerate(names):
        for b in names[x + 1 :]:
            for i0, i1, j0, j1 in _common_runs(skels[a].text, skels[b].text, min_len):
                out.append((a, b, *skels[a].body_span(i0, i1), *skels[b].body_span(j0, j1)))
    return out


def _covered(found: pd.DataFrame, a, b, s_a, e_a, s_b, e_b) -> bool:
    hit = found[(found.doc_a == a) & (found.doc_b == b)]
    return bool(((hit.start_a <= s_a) & (hit.end_a >= e_a) & (hit.start_b <= s_b) & (hit.end_b >= e_b)).any())


def test_every_common_run_of_twenty_is_found_against_brute_force(tmp_path):
    corpus, passages = _write_plans(tmp_path, 10, seed=3, n_passages=8)
    found = find_reuse(corpus, boilerplate="include")
    runs = _reference(corpus)
    # the reference sees every planted pair of plans (edited copies split a run in two or shorten it)
    planted_pairs = {
        tuple(sorted((f"p{x:03d}", f"p{y:03d}"))) for _, h in passages for x in h for y in h if x != y
    }
    assert planted_pairs <= {(a, b) for a, b, *_ in runs} | planted_pairs
    assert len(runs) >= len(planted_pairs)
    missed = [r for r in runs if not _covered(found, *r)]
    assert not missed, missed[:3]


def test_planted_passages_are_found_when_common_seeds_are_dropped(tmp_path):
    # 60 plans: max_df="auto" drops seeds found in more than half of them (the formula)
    corpus, passages = _write_plans(tmp_path, 60, seed=11, n_passages=40)
    found = find_reuse(corpus, boilerplate="include")
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    total = hit = 0
    for text, holders in passages:
        names = sorted(f"p{h:03d}" for h in holders)
        for x, a in enumerate(names):
            for b in names[x + 1 :]:
                s_a, s_b = bodies[a].find(text), bodies[b].find(text)
                if s_a < 0 or s_b < 0:  # an edited copy: counted by the brute-force test
                    continue
                total += 1
                hit += _covered(found, a, b, s_a, s_a + len(text), s_b, s_b + len(text))
    assert total >= 40
    assert hit == total
    # the formula is in most plans: never a seed here; no passage is made of it alone
    assert not any(Skeleton.of(t).text in FORMULA for t in found.text_a)


def test_max_df_as_a_number_of_plans_or_a_share(tmp_path):
    corpus, _ = _write_plans(tmp_path, 10, seed=3, n_passages=8)
    every = find_reuse(corpus, boilerplate="include", max_df=None)
    assert len(every) > 0
    pd.testing.assert_frame_equal(find_reuse(corpus, boilerplate="include", max_df=1.0), every)
    # an int counts plans: no shingle shared by two plans is in at most one plan
    assert find_reuse(corpus, boilerplate="include", max_df=1).empty


def test_dropping_seeds_that_cannot_be_chained_changes_no_chain():
    rng = random.Random(5)
    base = _text(rng, 400)
    texts = {}
    for d in "abcdef":
        parts = []
        for i in range(0, 400, 30):
            kind = rng.random()
            if kind < 0.4:  # shared text, sometimes edited, with a character inserted or dropped
                seg = base[i : i + 30]
                j = rng.randrange(10, 20)
                parts.append(
                    rng.choice([seg, _edit(rng, seg), seg[:j] + "之" + seg[j:], seg[:j] + seg[j + 1 :]])
                )
            elif kind < 0.5:  # an edit every ninth character: runs of eight, one seed each
                seg = list(base[i : i + 30])
                for j in range(8, len(seg), 9):
                    seg[j] = rng.choice(CHARS)
                parts.append("".join(seg))
            elif kind < 0.7:  # a lone shared shingle or two, by chance
                j = rng.randrange(0, 380)
                parts.append(_text(rng, 10) + base[j : j + rng.choice([8, 9, 10])] + _text(rng, 10))
            else:
                parts.append(_text(rng, 30))
        texts[d] = "".join(parts)
    index = shingle_index(texts, 8)
    every = candidate_pairs(index)
    linked = candidate_pairs(index, k=8, max_gap=12)
    assert set(linked) <= set(every) and len(linked) > 0
    for pair, seeds in every.items():
        expect = [c for c in _chain(list(seeds), 8, 12) if len(c) >= 2]
        got = [c for c in _chain(list(linked.get(pair, [])), 8, 12) if len(c) >= 2]
        assert got == expect, pair
    # and some seeds were dropped
    assert sum(map(len, linked.values())) < sum(map(len, every.values()))


def _nested_reference(df: pd.DataFrame) -> pd.DataFrame:
    """Longest first, drop a passage if a kept, longer passage of its pair contains both spans."""
    rows = list(df.itertuples(index=True))
    length = {r.Index: r.end_a - r.start_a for r in rows}
    kept: list = []
    for r in sorted(rows, key=lambda r: (-length[r.Index], -r.Index)):
        inside = any(
            (o.doc_a, o.doc_b) == (r.doc_a, r.doc_b)
            and o.start_a <= r.start_a and r.end_a <= o.end_a and o.start_b <= r.start_b and r.end_b <= o.end_b
            and (length[o.Index], o.Index) > (length[r.Index], r.Index)
            for o in kept
        )  # fmt: skip
        if not inside:
            kept.append(r)
    keep = sorted(o.Index for o in kept)
    return df.loc[keep].reset_index(drop=True)


@pytest.mark.parametrize("seed", range(4))
def test_resolve_nesting_matches_a_pairwise_reference(seed):
    rng = np.random.default_rng(seed)
    n = 60
    sa, la = rng.integers(0, 80, n), rng.integers(1, 40, n)
    sb, lb = rng.integers(0, 80, n), rng.integers(1, 40, n)
    sa[1], la[1], sb[1], lb[1] = sa[0], la[0], sb[0], lb[0]  # an exact duplicate
    la[0] = lb[0] = 30
    sa[2], la[2], sb[2], lb[2] = sa[0], la[0], sb[0] + 1, 20  # same span in a, inside in b
    df = pd.DataFrame({"doc_a": rng.choice(["a", "b"], n), "doc_b": rng.choice(["c", "d"], n),
                       "start_a": sa, "end_a": sa + la, "start_b": sb, "end_b": sb + lb, "row": range(n)})  # fmt: skip
    df.loc[[1, 2], ["doc_a", "doc_b"]] = df.loc[0, ["doc_a", "doc_b"]].to_numpy()
    got, expect = resolve_nesting(df), _nested_reference(df)
    assert len(got) < len(df)
    pd.testing.assert_frame_equal(got, expect)


def test_boilerplate_share_matches_a_character_count(seeds):
    found = find_reuse(seeds, boilerplate="include")
    phrases = ["新时代中国特色社会主义思想", "党的二十大精神"]
    skels = {d: Skeleton.of(b) for d, b in zip(seeds.documents.doc_id, seeds.documents.body)}
    flagged = flag_boilerplate(found, skels, phrases, share=0.3)
    for r in flagged.itertuples():
        shares = []
        for doc, s, e in ((r.doc_a, r.start_a, r.end_a), (r.doc_b, r.start_b, r.end_b)):
            sk = skels[doc]
            chars = [i for i, o in enumerate(sk.offsets) if s <= o < e]
            inside = set()
            for p in phrases:
                at = sk.text.find(p)
                while at != -1:
                    inside.update(range(at, at + len(p)))
                    at = sk.text.find(p, at + 1)
            shares.append(sum(i in inside for i in chars) / len(chars))
        assert r.boilerplate_share == pytest.approx(min(shares))
        assert r.boilerplate == (min(shares) >= 0.3)
    assert flagged.boilerplate.any() and not flagged.boilerplate.all()


def test_blocks_and_earlier_plan_match_direct_lookups(seeds):
    found = find_reuse(seeds, boilerplate="include")
    blocks = seeds.blocks
    docs = seeds.documents.set_index("doc_id")
    for r in found.itertuples():
        for doc, start, kind in ((r.doc_a, r.start_a, r.block_a), (r.doc_b, r.start_b, r.block_b)):
            b = blocks[(blocks.doc_id == doc) & (blocks.start <= start)].sort_values("start")
            assert kind == (
                b.kind.iloc[-1] if len(b) else blocks[blocks.doc_id == doc].sort_values("start").kind.iloc[0]
            )
        da, db = str(docs.issued_date.get(r.doc_a) or ""), str(docs.issued_date.get(r.doc_b) or "")
        if da and db and da[:10] != db[:10] and len(da) >= 10 and len(db) >= 10:
            assert r.earlier == (r.doc_a if da[:10] < db[:10] else r.doc_b)


def test_shingle_hashes_are_the_same_in_another_process():
    text = "共青团深入学习贯彻习近平新时代中国特色社会主义思想"
    code = (
        "from analysis.reuse import shingle_hashes;"
        f"print(','.join(map(str, shingle_hashes({text!r}, 8).tolist())))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = shingle_hashes(text, 8)
    assert out.stdout.strip() == ",".join(map(str, here.tolist()))
    assert len(set(here.tolist())) == len(here)  # no two shingles of this text collide
