"""Government work reports: front matter, metadata from the text, parts, priorities, flags.

The reports here are made up in the shape of real ones (see DOMAIN.md); the real-world check is
``benchmarks/realworld_gov``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.clean import clean_text
from analysis.corpus import CorpusWarning, build_corpus
from analysis.parse import genre_of, parse_plan

CN_NUM = "一二三四五六七八九十"

REPORT = """---
source: https://www.example.gov.cn/art/2023/1/20/1.html
title: 2023年某某省政府工作报告
---

**政府工作报告**

——二〇二三年一月十五日在四川省第十四届人民代表大会第一次会议上

四川省人民政府代省长 张三

**各位代表：**

现在，我代表省人民政府，向大会报告工作，请予审议。

**一、过去五年工作回顾**

过去五年，我们砥砺奋进。成绩来之不易。

（一）经济实力明显增强。地区生产总值稳步增长。

（二）民生持续改善。就业保持稳定。

**二、今后五年的目标任务**

第一，建设制造强省。推动产业升级。

第二，建设农业强省。稳定粮食生产。

**三、2023年重点工作**

（一）扩大有效需求。推进重大项目。

第一，扩大消费。一是稳住大宗消费，二是发展服务消费。

（二）建设现代产业体系。壮大先进制造业。

（三）全面推进乡村振兴。守牢粮食安全底线。

**四、加强政府自身建设**

坚持依法行政。

各位代表！让我们团结奋斗。

**名词解释**

**1.“双减”：**减轻学生作业负担和校外培训负担。

**2.“三线一单”：**生态保护红线、环境质量底线。

**附件**

**2023年民生实事**

一、就业增收5件

二、教育助学6件

1.新建幼儿园10所。

来源：某某新闻网
"""


def _build(folder: Path, files: dict[str, str]):
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return build_corpus(folder)


def test_report_metadata_from_front_matter_and_dating_line(tmp_path):
    c = _build(tmp_path, {"doc001.md": REPORT})
    d = c.documents.iloc[0]
    assert d.source_url == "https://www.example.gov.cn/art/2023/1/20/1.html"
    assert d.title == "政府工作报告" and not d.title.startswith("title")
    assert (d.year, d.issued_date, d.year_source) == (2023, "2023-01-15", "dating_line")
    assert (d.region, d.level, d.speaker, d.office, d.genre) == (
        "四川",
        "province",
        "张三",
        "代省长",
        "政府工作报告",
    )
    rem = c.removed[c.removed.kind == "front_matter"]
    assert "".join(rem.text).count("source:") == 1 and "title: 2023年" in "".join(rem.text)
    assert "source:" not in d.body and "title:" not in d.body
    assert c.raw_text(d.doc_id) == REPORT  # lossless: every character in the body or a recorded removal


def test_parts_priorities_glossary_and_annex(tmp_path):
    c = _build(tmp_path, {"doc001.md": REPORT})
    d = c.documents.iloc[0]
    assert d.parts.split(",") == ["review", "targets", "plan", "self_building", "glossary", "annex"]
    assert c.items.title.tolist() == ["扩大有效需求", "建设现代产业体系", "全面推进乡村振兴"]
    assert "第一，扩大消费" in c.items.text.iloc[0] and "一是稳住" in c.items.text.iloc[0]  # stay inside
    kinds = c.blocks.set_index("kind")
    assert "“双减”" in kinds.loc["glossary", "text"] and "民生实事" in kinds.loc["annex", "text"]
    assert kinds.loc["summary", "part"] == "summary" and "过去五年" in kinds.loc["summary", "text"]
    cover = " ".join(c.blocks[c.blocks.kind == "cover"].text)
    assert "二〇二三年一月十五日" in cover and "张三" in cover  # dating line and speaker are front matter
    assert c.sections.title.tolist() == ["今后五年的目标任务", "2023年重点工作", "加强政府自身建设"]
    assert c.sections.part.tolist() == ["targets", "plan", "self_building"]
    assert not c.sections.title.str.contains("就业增收|名词").any()
    assert bool(d.has_summary) and not bool(d.truncated)


def test_december_report_plans_for_next_year_and_title_disagreement_is_reported(tmp_path):
    text = REPORT.replace("二〇二三年一月十五日", "2022年12月29日")
    d = _build(tmp_path, {"a.md": text}).documents.iloc[0]
    assert (d.year, d.issued_date) == (2023, "2022-12-29")
    after = REPORT.replace("——二〇二三年一月十五日在四川省第十四届人民代表大会第一次会议上",
                           "在四川省第十四届人民代表大会第一次会议上（2023年1月16日）")  # fmt: skip
    d = _build(tmp_path / "c", {"a.md": after}).documents.iloc[0]
    assert (d.year, d.issued_date, d.region) == (2023, "2023-01-16", "四川")
    wrong = text.replace("**政府工作报告**", "**2021年政府工作报告**")
    d = _build(tmp_path / "b", {"a.md": wrong}).documents.iloc[0]
    assert d.year == 2023 and "title says 2021" in d.metadata_conflicts


def test_report_on_one_line_with_inline_bold_headings_is_structured():
    one = (
        "——2023年1月10日在某市第十届人民代表大会第二次会议上 某市市长 李四 各位代表：现在，我代表市人民政府向大会报告工作。"
        "**一、2022年工作回顾**过去一年，我们攻坚克难。"
        "**二、2023年工作安排**（一）稳增长。抓项目。（二）促改革。优环境。（三）惠民生。办实事。"
        "**三、加强政府自身建设**依法行政。"
    ) * 1 + "推进。" * 500
    cleaned = clean_text(one)
    bold = {b for e, b in zip(cleaned.edits, cleaned.body_positions) if e.kind == "markdown_bold"}
    p = parse_plan(cleaned.body, None, bold)
    assert p.status == "ok" and [i["title"] for i in p.items] == ["稳增长", "促改革", "惠民生"]
    assert p.meta["parts"] == ["review", "plan", "self_building"]


def test_flags_need_evidence():
    end_note = REPORT.split("**名词解释**")[0] + "\n来源：河北新闻网\n"
    assert not parse_plan(clean_text(end_note).body).meta["truncated"]
    colon = REPORT.split("各位代表！")[0] + "重点做好以下工作：\n"
    assert not parse_plan(clean_text(colon).body).meta["truncated"]
    cut = REPORT.split("各位代表！")[0] + "坚持依法行政，加快建设法治"
    assert parse_plan(clean_text(cut).body).meta["truncated"]
    radar = clean_text("建设X波段天气雷达和X射线检测站。" + REPORT)
    assert not radar.flags["anonymised"]
    assert clean_text("团XX市委召开XX会议。" + REPORT).flags["anonymised"]


def test_genre_for_every_document(tmp_path):
    assert genre_of("共青团某县委2023年工作要点") == "工作要点"
    assert genre_of("关于印发《某市青年发展规划》的通知") == "规划"
    assert genre_of("某市2022年工作总结") == "总结"
    assert genre_of("某市青年发展实施方案") == "方案"
    assert genre_of(None, "") is None
    c = _build(
        tmp_path,
        {"r.md": REPORT, "p.txt": "某市共青团2023年工作要点\n一、引领\n1.学习。做好。\n2.宣传。做好。"},
    )
    assert dict(zip(c.documents.file, c.documents.genre)) == {"p.txt": "工作要点", "r.md": "政府工作报告"}


# --- a property test over generated reports ------------------------------------------------

WORDS = st.text(alphabet="发展建设推进改革创新民生保障经济产业城市乡村生态", min_size=2, max_size=10)


@st.composite
def reports(draw):
    bold = draw(st.booleans())
    numbered = draw(st.booleans())

    def head(n: int, title: str) -> str:
        t = f"{CN_NUM[n]}、{title}" if numbered else title
        return f"**{t}**" if bold or not numbered else t

    lines = []
    if draw(st.booleans()):
        lines += ["---", "source: https://x.gov.cn/1.html", "title: 2024年政府工作报告", "---"]
    year = draw(st.integers(2010, 2025))
    lines += [f"——{year}年2月{draw(st.integers(1, 28))}日在某市第九届人民代表大会第三次会议上", "某市市长 王五",
              "各位代表：", "现在，我代表市人民政府，向大会报告工作。"]  # fmt: skip
    n = 0
    lines.append(head(n, f"{year - 1}年工作回顾"))
    n += 1
    for k in range(draw(st.integers(0, 4))):  # the review may hold its own （一） run
        lines.append(f"（{CN_NUM[k]}）{draw(WORDS)}。过去一年{draw(WORDS)}。")
    lines.append(f"过去一年，{draw(WORDS)}。")
    if draw(st.booleans()):
        lines.append(head(n, "今后五年目标任务"))
        n += 1
        lines += [f"第{CN_NUM[k]}，{draw(WORDS)}。" for k in range(draw(st.integers(1, 4)))]
    lines.append(head(n, f"{year}年工作安排"))
    n += 1
    n_items = draw(st.integers(2, 10))
    for k in range(n_items):
        lines.append(f"（{CN_NUM[k]}）{draw(WORDS)}。{draw(WORDS)}。")
        if draw(st.booleans()):
            lines.append(f"一是{draw(WORDS)}，二是{draw(WORDS)}。")
    lines.append(head(n, "加强政府自身建设"))
    lines.append("依法行政。")
    n_gloss = draw(st.integers(0, 12))
    if n_gloss:
        lines.append("**名词解释**")
        lines += [f"{k + 1}.“{draw(WORDS)}”：{draw(WORDS)}。" for k in range(n_gloss)]
    if draw(st.booleans()):
        lines += ["附件", "民生实事"] + [
            f"{CN_NUM[k]}、{draw(WORDS)}" for k in range(draw(st.integers(1, 6)))
        ]
    sep = draw(st.sampled_from(["\n", "\n\n"]))
    return sep.join(lines) + "\n", n_items, year, n_gloss


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_generated_reports_keep_the_invariants(case):
    text, n_items, year, n_gloss = case
    cleaned = clean_text(text)
    bold = {b for e, b in zip(cleaned.edits, cleaned.body_positions) if e.kind == "markdown_bold"}
    p = parse_plan(cleaned.body, cleaned.title_index, bold)
    body = cleaned.body
    assert p.meta["year"] == year and p.meta["speaker"] == "王五"
    assert len(p.items) == n_items  # the priorities, never glossary or annex entries
    ids = [s["section_id"] for s in p.sections]
    assert len(ids) == len(set(ids))
    assert len({i["item_no"] for i in p.items}) == len(p.items)
    spans = {s["section_id"]: (s["start"], s["span_end"]) for s in p.sections}
    for it in p.items:
        if it["section_id"] is not None:
            a, b = spans[it["section_id"]]
            assert a <= it["start"] and it["end"] <= b
    for unit in (*p.blocks, *p.sections, *p.items, *p.sentences):
        assert 0 <= unit["start"] <= unit["end"] <= len(body)
    cover = [0] * len(body)
    for b in p.blocks:
        for k in range(b["start"], b["end"]):
            cover[k] += 1
    assert all(c == 1 for c, ch in zip(cover, body) if not ch.isspace())  # every character once
    if n_gloss:
        gl = [b for b in p.blocks if b["kind"] == "glossary"]
        assert len(gl) == 1 and not any(gl[0]["start"] <= i["start"] < gl[0]["end"] for i in p.items)
    assert "review" in p.meta["parts"] and "plan" in p.meta["parts"]
    assert not any(re.match(r"附件|民生实事", s["title"]) for s in p.sections)
