"""Reuse without gaps: identical passages close together are all found (brute-force oracle)."""

from __future__ import annotations

import random

import pytest

from analysis.corpus import build_corpus
from analysis.reuse import find_reuse

CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def _common_runs(a: str, b: str, min_len: int) -> list[tuple[int, int, int, int]]:
    """Every maximal common substring of at least ``min_len`` characters: (start_a, end_a, start_b, end_b)."""
    prev = [0] * (len(b) + 1)
    runs = []
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
        for j in range(1, len(b) + 1):
            n = cur[j]
            # maximal: cannot be extended to the right
            if n >= min_len and (i == len(a) or j == len(b) or a[i] != b[j]):
                runs.append((i - n, i, j - n, j))
        prev = cur
    return runs


def _pair(tmp_path, passages, gaps, seed):
    rng = random.Random(seed)
    a_parts, b_parts = [_text(rng, 40)], [_text(rng, 37)]
    for k, p in enumerate(passages):
        a_parts.append(p)
        b_parts.append(p)
        if k < len(gaps):
            a_parts.append(_text(rng, gaps[k]))
            b_parts.append(_text(rng, gaps[k]))
    a_parts.append(_text(rng, 30))
    b_parts.append(_text(rng, 33))
    body_a, body_b = "".join(a_parts), "".join(b_parts)
    for name, body in (("a", body_a), ("b", body_b)):
        (tmp_path / f"{name}.txt").write_text(
            f"某市2023年工作要点\n一、加强引领\n1.{body}。\n2.{_text(rng, 30)}。\n", encoding="utf-8"
        )
    return build_corpus(tmp_path)


def _covered(corpus, reuse, run) -> bool:
    """True if a found passage covers the run in both plans (offsets into the bodies)."""
    ia, ib = corpus.body("a").index("1.") + 2, corpus.body("b").index("1.") + 2
    s_a, e_a, s_b, e_b = run[0] + ia, run[1] + ia, run[2] + ib, run[3] + ib
    return any(r.start_a <= s_a + 1 and r.end_a >= e_a - 1 and r.start_b <= s_b + 1 and r.end_b >= e_b - 1
               for r in reuse.itertuples())  # fmt: skip


@pytest.mark.parametrize("gap", [5, 12, 20])
@pytest.mark.parametrize("n, length", [(2, 22), (3, 25)])
def test_identical_passages_close_together_are_all_found(tmp_path, gap, n, length):
    rng = random.Random(100 * gap + n)
    passages = [_text(rng, length) for _ in range(n)]
    corpus = _pair(tmp_path, passages, [gap] * (n - 1), seed=gap + n)
    reuse = find_reuse(corpus, boilerplate="include")
    item_a = corpus.items[corpus.items.doc_id == "a"].text.iloc[0][2:].rstrip("。")
    item_b = corpus.items[corpus.items.doc_id == "b"].text.iloc[0][2:].rstrip("。")
    runs = _common_runs(item_a, item_b, 20)
    assert len(runs) >= n  # the oracle sees the planted passages
    missed = [item_a[r[0] : r[1]] for r in runs if not _covered(corpus, reuse, r)]
    assert not missed, missed


def test_generated_pairs_leave_no_common_run_of_twenty_unfound(tmp_path):
    for seed in range(6):
        folder = tmp_path / f"s{seed}"
        folder.mkdir()
        rng = random.Random(seed)
        n = rng.randint(2, 4)
        passages = [_text(rng, rng.randint(20, 40)) for _ in range(n)]
        gaps = [rng.randint(3, 25) for _ in range(n - 1)]
        corpus = _pair(folder, passages, gaps, seed)
        reuse = find_reuse(corpus, boilerplate="include")
        item_a = corpus.items[corpus.items.doc_id == "a"].text.iloc[0][2:].rstrip("。")
        item_b = corpus.items[corpus.items.doc_id == "b"].text.iloc[0][2:].rstrip("。")
        for run in _common_runs(item_a, item_b, 20):
            assert _covered(corpus, reuse, run), (seed, item_a[run[0] : run[1]])
