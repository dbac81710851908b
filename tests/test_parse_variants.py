"""One test per variation class seen on real plan pages (fixtures written here, made-up plans)."""

from __future__ import annotations

import pytest

from analysis.clean import clean_text
from analysis.parse import parse_plan

T = "某市共青团2023年工作要点"


def parse(raw: str):
    r = clean_text(raw)
    p = parse_plan(r.body, r.title_index)
    for unit in (*p.sections, *p.items):
        assert r.body[unit["start"] : unit["end"]] in r.body
    return p


def shape(p):
    return [s["title"] for s in p.sections], [i["title"] for i in p.items]


def test_opening_only_one_heading_one_item():
    p = parse(f"{T}\n一、加强思想引领\n1.深入学习二十大精神。组织专题学习。")
    assert p.status == "ok"
    assert shape(p) == (["加强思想引领"], ["深入学习二十大精神"])


def test_one_heading_with_text_under_it():
    p = parse(f"{T}\n一、指导思想\n以习近平新时代中国特色社会主义思想为指导，团结带领青年。")
    assert p.status == "ok" and [s["title"] for s in p.sections] == ["指导思想"]


def test_only_arabic_items():
    p = parse(f"{T}\n1.深入学习。组织学习。\n2.加强宣传。做好宣传。\n3.服务青年。办好实事。")
    assert p.status == "ok" and [i["title"] for i in p.items] == ["深入学习", "加强宣传", "服务青年"]


def test_inline_headings_on_one_line_become_separate_units():
    p = parse(
        f"{T}\n一、指导思想：以党的二十大精神为指导。 二、工作重点：做好青年工作。 三、保障措施：加强组织领导。"
    )
    assert p.status == "ok"
    assert [i["marker"] for i in p.items] == ["一、", "二、", "三、"]
    assert [i["title"] for i in p.items] == ["指导思想：以党的二十大精神为指导", "工作重点：做好青年工作",
                                             "保障措施：加强组织领导"]  # fmt: skip


def test_inline_subheadings_split_only_in_sequence():
    p = parse(
        f"{T}\n一、思想引领\n（一）理论学习。深化学习。（二）宣传教育。做好宣传。\n二、组织建设\n（三）基层组织。做好工作。"
    )
    assert [i["marker"] for i in p.items] == ["（一）", "（二）", "（三）"]
    assert [i["section_no"] for i in p.items] == [1, 1, 2]


def test_heading_marker_alone_on_its_line_is_rejoined():
    p = parse(f"{T}\n一、\n加强思想引领\n1.深入学习。组织学习。\n二、\n服务青年发展\n2.办好实事。做好服务。")
    assert shape(p) == (["加强思想引领", "服务青年发展"], ["深入学习", "办好实事"])


@pytest.mark.parametrize("sec, item", [("(一)", "1,"), ("一.", "1."), ("(一)", "(1)"), ("一、", "1．")])
def test_ascii_and_fullwidth_forms_are_equivalent(sec, item):
    n2 = sec.replace("一", "二")
    raw = f"{T}\n{sec}加强思想引领\n{item.replace('1', '1')}深入学习。组织学习。\n{item.replace('1', '2')}加强宣传。做好宣传。\n{n2}服务青年\n{item.replace('1', '3')}办好实事。做好服务。"
    p = parse(raw)
    assert shape(p) == (["加强思想引领", "服务青年"], ["深入学习", "加强宣传", "办好实事"])


def test_headings_that_are_whole_sentences():
    raw = (f"{T}\n一、健全基层组织，提升服务能力。\n（一）加强阵地建设，打造青年之家。依托社区建设。\n"
           "（二）规范团员管理。做好发展工作。\n二、深化改革攻坚，激发组织活力。\n（三）推进改革。落实举措。")  # fmt: skip
    p = parse(raw)
    assert [s["title"] for s in p.sections] == [
        "健全基层组织，提升服务能力。",
        "深化改革攻坚，激发组织活力。",
    ]
    assert [i["section_no"] for i in p.items] == [1, 1, 2]


def test_ordinal_enumeration():
    raw = (
        f"{T}\n第一，加强思想引领。深入学习。\n第二，服务青年发展。办好实事。\n第三，从严管团治团。加强管理。"
    )
    p = parse(raw)
    assert p.status == "ok" and [i["marker"] for i in p.items] == ["第一，", "第二，", "第三，"]


def test_yishi_ershi_enumeration():
    raw = f"{T}\n一、加强思想引领\n一是深入学习，组织专题学习。\n二是加强宣传，做好网上宣传。\n二、服务青年\n一是办好实事，做好服务。"
    p = parse(raw)
    assert [i["marker"] for i in p.items] == ["一是", "二是", "一是"]
    assert [i["section_no"] for i in p.items] == [1, 1, 2]


def test_wechat_padded_section_numbers_with_subtitles():
    raw = f"{T}\n01\n思想引领\n1.深入学习。组织学习。\n2.加强宣传。做好宣传。\n02\n组织建设\n3.规范管理。做好工作。"
    p = parse(raw)
    assert shape(p) == (["思想引领", "组织建设"], ["深入学习", "加强宣传", "规范管理"])


def test_summary_then_plan_gets_parts():
    raw = ("某市团委2022年工作总结\n一、主要成绩\n1.完成学习。效果良好。\n2.完成宣传。效果良好。\n"
           f"{T}\n一、加强思想引领\n1.深入学习。组织学习。\n2.加强宣传。做好宣传。\n二、服务青年\n3.办好实事。做好服务。")  # fmt: skip
    p = parse(raw)
    assert p.meta["has_summary"] and p.meta["year"] == 2023 and p.meta["title"] == T
    assert shape(p) == (["加强思想引领", "服务青年"], ["深入学习", "加强宣传", "办好实事"])
    summary = [b for b in p.blocks if b["part"] == "summary"]
    assert len(summary) == 1 and "完成学习" in summary[0]["text"] and "深入学习" not in summary[0]["text"]
    assert {s["part"] for s in p.sentences if "完成学习" in s["text"]} == {"summary"}


def test_summary_and_plan_as_headings_of_one_document():
    raw = ("某校团委2022年工作总结及2023年工作计划\n一、2022年工作回顾\n（一）完成学习。效果良好。\n（二）完成宣传。效果良好。\n"
           "二、2023年工作计划\n（三）深入学习。组织学习。\n（四）加强宣传。做好宣传。")  # fmt: skip
    p = parse(raw)
    assert p.meta["has_summary"]
    assert [i["title"] for i in p.items] == ["深入学习", "加强宣传"]


def test_multi_document_page_is_flagged_and_numbered():
    one = f"{T}\n一、加强思想引领\n1.深入学习。组织学习。\n2.加强宣传。做好宣传。"
    p = parse(f"篇1\n{one}\n篇2\n{one.replace('2023', '2024')}")
    assert p.meta["n_subdocs"] == 2
    assert sorted({i["subdoc"] for i in p.items}) == [1, 2]


def test_title_of_an_unstructured_document():
    p = parse("某市团委2023年工作计划\n今年我们将继续加强青年工作，做好各项服务，推动事业发展。")
    assert p.status == "unstructured"
    assert p.meta["title"] == "某市团委2023年工作计划" and p.meta["year"] == 2023
    assert [b["kind"] for b in p.blocks] == ["title", "unstructured"]


def test_year_written_with_spaces():
    p = parse("某市团委 2021 年工作要点\n一、加强引领\n1.深入学习。做好。\n2.加强宣传。做好。")
    assert p.meta["year"] == 2021


def test_placeholder_year_is_recorded_not_guessed():
    p = parse("某市团委20xx年工作计划\n一、加强引领\n1.深入学习。做好。2023年开展活动。\n2.加强宣传。做好。")
    assert p.meta["year"] is None and p.meta["year_source"] == "placeholder"


def test_year_written_twice_by_a_copy_error():
    p = parse("某市团委20232023年工作要点\n一、加强引领\n1.深入学习。做好。\n2.加强宣传。做好。")
    assert p.meta["year"] == 2023


def test_title_and_meta_lines_are_not_joined_to_the_text():
    raw = "社区共青团的工作计划\n时间:2021-08-31\n新的一年，新的发展，制定了20XX年工作计划如下:\n一、发挥优势\n1.组织活动。做好。\n2.科技创新。做好。"
    p = parse(raw)
    assert p.meta["title"] == "社区共青团的工作计划"
    assert p.meta["year"] is None


def test_first_heading_glued_to_the_title_is_split():
    p = parse("2022年妇联工作计划1一、以教育培训为根本\n一是加强教育培训。\n二是培育女性人才。")
    assert p.meta["title"] == "2022年妇联工作计划1" and p.meta["year"] == 2022
    assert [s["title"] for s in p.sections] == ["以教育培训为根本"]
    assert [i["marker"] for i in p.items] == ["一是", "二是"]


def test_combined_title_takes_the_plan_year_and_flags_the_summary():
    p = parse("街道团委2006年度工作总结及2007年工作计划\n一、加强宣传教育\n开展活动，效果良好。")
    assert p.meta["year"] == 2007 and p.meta["has_summary"]


def test_year_without_nian_in_a_title():
    p = parse("2024街道办事处团委工作计划 篇1\n一、完善组织\n1.建立制度。做好。\n2.规范管理。做好。")
    assert p.meta["year"] == 2024


def test_a_summary_document_is_not_split_at_its_next_steps():
    raw = ("2022年村妇联工作总结汇报\n一、工作回顾\n1.开展妇女教育。效果良好。\n二、存在的问题\n2.地位不高。需要加强。\n"
           "三、下一步工作计划\n3.加强宣传教育。做好宣传。")  # fmt: skip
    p = parse(raw)
    assert not p.meta["has_summary"] and len(p.sections) == 3 and len(p.items) == 3
