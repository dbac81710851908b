"""Reuse at scale: parallel alignment, common seeds dropped, recall of planted passages."""

from __future__ import annotations

import random

import pandas as pd

from analysis import build_corpus
from analysis.reuse import find_reuse

from .conftest import quiet

FORMULA = "深入学习贯彻习近平新时代中国特色社会主义思想全面贯彻落实党的二十大精神"
WORDS = (
    "青年 团员 志愿服务 乡村振兴 就业 创业 基层组织 心理健康 权益 学校 社区 网络 宣传 文化 科技 人才".split()
)


def _plans(folder, n, seed=0):
    """n plans; passage P planted in plans 1 and 3 (and nowhere else); FORMULA in every plan."""
    rng = random.Random(seed)
    planted = "建立完善选拔培训使用推荐全链条机制每年培养一百名青年骨干并开展跟踪考核"
    for i in range(n):
        items = [
            "".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(12)) + "。" for _ in range(6)
        ]
        if i in (1, 3):
            items[2] += planted + "。"
        text = f"共青团某地{i}委2023年工作要点\n总体要求：{FORMULA}。\n一、重点工作\n" + "\n".join(
            f"{j + 1}.{t}" for j, t in enumerate(items)
        )
        (folder / f"p{i:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return planted


_quiet = quiet


def test_parallel_alignment_gives_the_same_passages(tmp_path):
    _plans(tmp_path, 12)
    corpus = _quiet(build_corpus, tmp_path)
    one = find_reuse(corpus, boilerplate="include", n_jobs=1)
    two = find_reuse(corpus, boilerplate="include", n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert len(one) > 0


def test_seeds_common_to_most_plans_are_dropped_from_50_plans_on(tmp_path):
    planted = _plans(tmp_path, 60)
    corpus = _quiet(build_corpus, tmp_path)
    auto = find_reuse(corpus, boilerplate="include")
    every = find_reuse(corpus, boilerplate="include", max_df=None)
    # the formula is in all 60 plans: 1,770 pairs when every seed is used, none with "auto"
    assert every.text_a.str.contains("习近平新时代").sum() >= 1770
    assert not auto.text_a.str.contains("习近平新时代").any()
    # the planted passage (2 plans) is found either way
    for found in (auto, every):
        hit = found[(found.doc_a == "p001") & (found.doc_b == "p003")]
        assert any(planted[2:-2] in t for t in hit.text_a)
