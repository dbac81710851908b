"""Numbering schemes, hierarchy, titles and years, unstructured and truncated plans."""

from __future__ import annotations

import pytest

from analysis.clean import clean_text
from analysis.parse import parse_plan


def parse(raw):
    r = clean_text(raw)
    return parse_plan(r.body, r.title_index), r.body


TITLE = "某市共青团2023年工作要点\n总体思路是：团结奋斗。\n"


@pytest.mark.parametrize(
    "sec1, sec2, item",
    [
        ("一、", "二、", "{n}."),
        ("一、", "二、", "{n}、"),
        ("一，", "二，", "{n}．"),
        ("（一）", "（二）", "{n}. "),
        ("(一)", "(二)", "({n})"),
        ("第一部分 ", "第二部分 ", "{n}、"),
        ("一、", "二、", "——"),
    ],
)
def test_two_level_numbering_schemes(sec1, sec2, item):
    lines = [TITLE, sec1 + "加强思想引领"]
    lines += [item.format(n=n) + f"第{n}项工作。具体内容。" for n in (1, 2)]
    lines += [sec2 + "服务青年发展"]
    lines += [item.format(n=n) + f"第{n}项工作。具体内容。" for n in (3, 4, 5)]
    p, body = parse("\n".join(lines))
    assert [s["title"] for s in p.sections] == ["加强思想引领", "服务青年发展"]
    assert [i["section_no"] for i in p.items] == [1, 1, 2, 2, 2]
    assert [i["title"] for i in p.items] == [f"第{n}项工作" for n in range(1, 6)]
    for i in p.items:
        assert body[i["start"] : i["end"]] == i["text"]


def test_four_levels_give_nested_sections_and_paths():
    raw = TITLE + "\n".join(
        [
            "一、思想引领",
            "（一）理论武装",
            "1.学习二十大。组织学习。",
            "2.青年大学习。深化行动。",
            "（二）宣传教育",
            "3.网上宣传。做好宣传。",
            "二、组织建设",
            "（一）基层组织",
            "4.规范化建设。推进工作。",
        ]
    )
    p, _ = parse(raw)
    secs = {s["section_id"]: s for s in p.sections}
    assert [s["level"] for s in p.sections] == [1, 2, 2, 1, 2]
    assert secs["s1.2"]["parent_id"] == "s1" and secs["s2.1"]["parent_id"] == "s2"
    assert [i["path"] for i in p.items] == ["一/（一）/1", "一/（一）/2", "一/（二）/3", "二/（一）/4"]
    assert [i["section_id"] for i in p.items] == ["s1.1", "s1.1", "s1.2", "s2.1"]


def test_sub_points_stay_inside_their_item():
    raw = (
        TITLE
        + "一、思想引领\n1.学习二十大。组织学习。\n（1）开展宣讲。做好。\n2.青年大学习。深化。\n3.宣传。做好。"
    )
    p, _ = parse(raw)
    assert len(p.items) == 3
    assert "（1）开展宣讲" in p.items[0]["text"]


def test_title_year_not_website_menu_year():
    raw = (
        "首页 > 2022年工作总结 > 2024年工作计划\n"
        + "某县团委2021年工作要点\n总体思路是：奋斗。\n一、引领\n1.学习。做好。\n2.宣传。做好。"
    )
    p, _ = parse(raw)
    assert p.meta["year"] == 2021
    assert p.meta["title"] == "某县团委2021年工作要点"


def test_not_a_plan_is_one_flagged_block():
    p, body = parse("关于召开青年座谈会的通知。各单位：定于下周召开座谈会，请准时参加。特此通知。")
    assert p.status == "unstructured"
    assert [b["kind"] for b in p.blocks] == ["unstructured"]
    assert p.blocks[0]["text"] == body
    assert p.items == []


def test_truncated_last_item_is_flagged():
    p, _ = parse(TITLE + "一、引领\n1.学习。做好。\n2.宣传。做好。\n3.突出团员先进性")
    assert [i["truncated"] for i in p.items] == [False, False, True]
    assert p.items[-1]["title"] == "突出团员先进性"


def test_cover_notice_metadata_chinese_numeral_date():
    raw = (
        "共青团某市委文件\n某青发［2022］ 12 号\n关于印发《某市共青团2022年工作要点》的通知\n各单位：现印发给你们。\n"
        "共青团某市委\n二〇二二年三月五日\n某市共青团2022年工作要点\n总体思路：奋斗。\n一、引领\n1.学习。做好。\n2.宣传。做好。"
    )
    p, _ = parse(raw)
    assert p.meta["doc_number"] == "某青发〔2022〕12号"
    assert p.meta["issued_date"] == "2022-03-05"
    assert p.meta["issuer"] == "共青团某市委"
    assert [b["kind"] for b in p.blocks][:3] == ["cover", "title", "preamble"]
