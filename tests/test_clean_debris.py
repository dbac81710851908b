"""The cleaner never eats content: debris rules fire on debris, and not on real plan text."""

from __future__ import annotations

import pytest

from analysis.clean import Edit, clean_text, restore_raw
from analysis.parse import parse_plan

HEAD = "某市共青团2023年工作要点\n一、加强思想引领\n"


def _removed(r, kind):
    return [e.original for e in r.edits if e.kind == kind]


@pytest.mark.parametrize(
    "word",
    ["扫码", "关注公众号", "本站", "付费", "阅读全文", "下载", "客服", "上一篇", "点击下载", "查看更多"],
)
def test_debris_word_inside_an_item_is_kept(word):
    item = f"1.推进青年之家建设，引导青年{word}参与线上活动，覆盖全市各级团组织。"
    raw = HEAD + item + "\n2.加强宣传。做好宣传工作。\n"
    r = clean_text(raw)
    assert item.replace(",", "，") in r.body
    assert not _removed(r, "website_notice")
    p = parse_plan(r.body, r.title_index)
    assert word in p.items[0]["text"]


@pytest.mark.parametrize(
    "line",
    [
        "扫码关注公众号，免费下载全文",
        "本站所有资源均来自网络，付费后可下载",
        "阅读全文",
        "上一篇：团委工作总结",
    ],
)
def test_real_notice_lines_are_removed_and_logged(line):
    raw = HEAD + "1.深入学习。做好学习。\n" + line + "\n2.加强宣传。做好宣传工作。\n"
    r = clean_text(raw)
    assert line not in r.body
    assert _removed(r, "website_notice") == [line]
    assert restore_raw(r.body, r.edits, r.body_positions) == raw


def test_notices_before_the_title_are_removed():
    raw = "温馨提示：本文档由用户上传，下载前请预览\n" + HEAD + "1.深入学习。做好学习。\n"
    r = clean_text(raw)
    assert "温馨提示" not in r.body and len(_removed(r, "website_notice")) == 1


def test_chinese_line_with_english_name_is_kept_and_seal_line_removed():
    mixed = "2.推进“青年发展型城市”建设(Youth-Friendly City Initiative)。"
    seal = "A red circular stamp with a star in the center, reading Beijing Municipal Committee Office."
    r = clean_text(HEAD + "1.深入学习。做好学习。\n" + mixed + "\n" + seal + "\n")
    assert "Youth-Friendly City Initiative" in r.body
    assert _removed(r, "english_line") == [seal]


def test_a_lone_number_inside_a_sentence_is_content():
    raw = HEAD + "1.设立青年创业奖，奖金共计\n100\n万元。做好评审。\n"
    r = clean_text(raw)
    assert not _removed(r, "page_number")
    assert "100" in r.body


def test_page_number_sequences_and_decorated_numbers_are_removed():
    raw = HEAD + "1.深入学习。做好学习\n2\n工作。\n2.加强宣传。做好\n- 3 -\n宣传。\n3.组织建设。\n4\n"
    r = clean_text(raw)
    assert sorted(_removed(r, "page_number")) == ["- 3 -", "2", "4"]
    assert restore_raw(r.body, r.edits, r.body_positions) == raw


def test_zero_padded_section_numbers_are_not_page_numbers():
    raw = "某市2023年工作要点\n01\n思想引领\n1.深入学习。做好学习。\n02\n组织建设\n2.加强组织。做好工作。\n"
    r = clean_text(raw)
    assert not _removed(r, "page_number")


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("加强★青年工作。", "加强青年工作。"),
        ("加强青年工作。◆◆", "加强青年工作。"),
        ("加强青年工作，◆推进改革。", "加强青年工作，推进改革。"),
        ("■加强青年工作。", "加强青年工作。"),
        ("加强青年▲▲▲工作※。", "加强青年工作。"),
    ],
)
def test_decorative_symbols_are_removed_anywhere(dirty, clean):
    r = clean_text(HEAD + "1." + dirty + "\n")
    assert "1." + clean in r.body
    assert all(e.kind == "junk_symbol" for e in r.edits if e.original and set(e.original) <= set("★◆■▲※"))


def test_bullet_dots_and_placeholders_stay():
    r = clean_text("某市2023年工作要点\n一、思想引领\n● 深入学习。做好。\n● 加强宣传。做好。\n")
    assert r.body.count("●") == 2
    r = clean_text(HEAD + "1.在□□县开展活动。\n")
    assert "□□县" in r.body


def test_html_tags_around_headings_are_removed_and_parse():
    raw = "<p>某市共青团2023年工作要点</p>\n<p><strong>一、加强思想引领</strong></p>\n<p>1.深入学习。做好&nbsp;学习。</p>\n<p>2.加强宣传。做好。<br></p>\n"
    r = clean_text(raw)
    assert "<" not in r.body and "&nbsp;" not in r.body
    assert {"html_tag", "html_entity"} <= {e.kind for e in r.edits}
    p = parse_plan(r.body, r.title_index)
    assert [s["title"] for s in p.sections] == ["加强思想引领"]
    assert len(p.items) == 2
    assert restore_raw(r.body, r.edits, r.body_positions) == raw


def test_pre_edits_are_applied_recorded_and_win():
    raw = HEAD + "第 1 页 共青团某市委员会\n1.深入学习。做好\ufffd学习。\n"
    header = raw.index("第 1 页")
    end = raw.index("\n", header)
    bad = raw.index("\ufffd")
    pre = [Edit(header, end, "", "pdf_header_footer"), Edit(bad, bad + 1, "", "invalid_bytes")]
    r = clean_text(raw, pre_edits=pre)
    assert "共青团某市委员会" not in r.body and "\ufffd" not in r.body
    kinds = {e.kind: e.original for e in r.edits}
    assert kinds["pdf_header_footer"] == raw[header:end] and kinds["invalid_bytes"] == "\ufffd"
    assert restore_raw(r.body, r.edits, r.body_positions) == raw
    assert "页" not in "".join(e.original for e in r.edits if e.kind == "page_number")
