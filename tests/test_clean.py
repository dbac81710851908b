"""Each kind of debris is removed and recorded; nothing else changes; the log is invertible."""

from __future__ import annotations

import pytest

from analysis.clean import clean_text, restore_raw

HEAD = "某市共青团2023年工作要点\n\n总体思路是：团结奋斗。\n\n一、加强思想引领\n\n"


def kinds(result):
    return {e.kind for e in result.edits} - {"whitespace"}


@pytest.mark.parametrize(
    "raw, kind, gone, kept",
    [
        ("## 二、服务大局\n1. **助力乡村振兴**。开展活动。", "markdown_heading", "##", "二、服务大局"),
        ("1. **助力乡村振兴**。开展活动。", "markdown_bold", "**", "助力乡村振兴。开展活动。"),
        ("---\n1. 助力乡村振兴。开展活动。", "markdown_rule", "---", "助力乡村振兴"),
        ("[bookmark: _GoBack]——深化青联改革。强化培训。", "word_bookmark", "bookmark", "——深化青联改革"),
        ("1. 深入学习◆习近平★新时代思想。", "junk_symbol", "◆", "深入学习习近平新时代思想"),
        ("1. 加强指導(dǎo)工作。做好服务。", "injected_pinyin", "dǎo", "加强指导工作"),
        ("1. 学习重要讲话精神 and《论党的青年工作》。", "ocr_english", "and", "精神和《论党的青年工作》"),
        ("1. 开展中小學生书法大赛。", "traditional_char", "學", "中小学生"),
        (
            "1. 深化改革,推进发展:加强(青年)工作。",
            "punctuation_width",
            ",",
            "深化改革，推进发展：加强（青年）工作。",
        ),
        (
            "A red circular stamp with a star in the center and some text.\n1. 深化改革。",
            "english_line",
            "stamp",
            "深化改革",
        ),
        ("1. 深化改革。\n\n- 3 -\n\n2. 推进发展。", "page_number", "- 3 -", "推进发展"),
        ("1. 深化改革，持续推\n\n进基层组织建设。", "page_break_join", "推\n", "持续推进基层组织建设。"),
    ],
)
def test_each_debris_kind_is_removed_and_recorded(raw, kind, gone, kept):
    r = clean_text(HEAD + raw)
    assert kind in kinds(r)
    plan_part = r.body[r.body.index("一、") :]
    assert gone not in plan_part
    assert kept in plan_part
    assert restore_raw(r.body, r.edits, r.body_positions) == r.raw
    for e in r.edits:
        assert r.raw[e.start : e.end] == e.original


def test_website_notice_before_title_is_removed():
    raw = "温馨提示:\n1. 本文档由用户上传,版权归属用户。\n网站客服:123456\n" + HEAD + "1. 深化改革。推进。"
    r = clean_text(raw)
    notices = [e.original for e in r.edits if e.kind == "website_notice"]
    assert len(notices) == 3
    assert "客服" not in r.body and r.body.startswith("某市共青团")


def test_split_title_lines_are_removed():
    raw = "团市委\n2023\n工作\n要点\n团市委2023年工作要点\n总体思路：奋斗。\n一、引领\n1.学习。做好。\n2.宣传。做好。"
    r = clean_text(raw)
    assert [e.original for e in r.edits if e.kind == "split_title"] == ["团市委", "2023", "工作", "要点"]
    assert r.body.startswith("团市委2023年工作要点\n")


def test_placeholders_stay_and_flag_the_document():
    raw = HEAD + "1. 做好xx市委x届x次全会精神的学习。发挥“xx市杰出青年”作用。"
    r = clean_text(raw)
    assert "xx市委x届x次全会" in r.body
    assert r.flags["anonymised"] is True
    assert clean_text(HEAD + "1. 深化改革。推进。").flags["anonymised"] is False


def test_no_nfkc_damage_full_width_text_is_untouched():
    raw = HEAD + "1. 增强“四个意识”、坚定“四个自信”；（一）不变：好！"
    r = clean_text(raw)
    assert kinds(r) == set()
    assert r.body.endswith("1. 增强“四个意识”、坚定“四个自信”；（一）不变：好！")


def test_heading_followed_by_items_is_not_joined():
    r = clean_text(HEAD + "1. 深化改革。推进。\n\n二、服务青年发展\n\n2. 促进就业。做好。")
    assert "page_break_join" not in kinds(r)
    assert "二、服务青年发展\n2. 促进就业" in r.body


def test_split_heading_is_joined():
    raw = (
        HEAD
        + "1. 深化改革。推进。\n\n三、聚焦急难愁盼，帮助青少年生活更安\n\n心更舒心\n\n10.促进就业。做好。"
    )
    r = clean_text(raw)
    assert "三、聚焦急难愁盼，帮助青少年生活更安心更舒心\n10.促进就业" in r.body
