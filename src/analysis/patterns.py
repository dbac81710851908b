"""Regular expressions for the structure of Chinese official documents.

Heading levels follow GB/T 9704-2012 (一、 → （一） → 1. → （1）), plus the
unnumbered ``——`` bullets of many work plans. Half-width forms are accepted,
because real copies mix widths.
"""

from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
CN_NUM = "一二三四五六七八九十百零〇两"

#: (rank, name, regex). Lower rank = higher in the hierarchy.
MARKERS: list[tuple[int, str, re.Pattern[str]]] = [
    (1, "part", re.compile(rf"^第([{CN_NUM}]+|\d+)(?:部分|章)\s*")),
    (1, "ordinal", re.compile(rf"^第([{CN_NUM}]{{1,3}})\s*[、，,．.：:]\s*")),
    (1, "padded", re.compile(r"^(0[1-9])\s*(?:[|｜/／、．.]\s*)?(?=$|[\u4e00-\u9fff])")),
    (1, "cn", re.compile(rf"^([{CN_NUM}]+)\s*[、，,．.]\s*")),
    (2, "paren_cn", re.compile(rf"^[（(]\s*([{CN_NUM}]+)\s*[)）]\s*[、，,．.]?\s*")),
    (3, "arabic", re.compile(r"^(\d{1,3})\s*(?:[、．.](?!\d)|[，,])\s*")),
    (4, "paren_arabic", re.compile(r"^[（(]\s*(\d{1,3})\s*[)）]\s*[、，,．.]?\s*")),
    (5, "bullet", re.compile(r"^(?:——|—{2}|─{2}|[●•])\s*")),
    (6, "shi", re.compile(rf"^([{CN_NUM}]{{1,3}})是\s*[，,：:、]?\s*")),
]

#: Unanchored forms of the numbered markers, for headings written inline on one line
#: (``一、总体思路：…… 二、工作重点：……``); each must follow a sentence end or a space.
INLINE_MARKERS: dict[str, re.Pattern[str]] = {
    "cn": re.compile(rf"(?<=[。；;！？!?：:\s])([{CN_NUM}]{{1,3}})\s*[、．.]\s*"),
    "paren_cn": re.compile(rf"(?<=[。；;！？!?：:\s])[（(]\s*([{CN_NUM}]{{1,3}})\s*[)）]\s*"),
    "arabic": re.compile(r"(?<=[。；;！？!?\s])(\d{1,2})\s*[、．.](?!\d)\s*"),
    "paren_arabic": re.compile(r"(?<=[。；;！？!?\s])[（(]\s*(\d{1,2})\s*[)）]\s*"),
    "ordinal": re.compile(rf"(?<=[。；;！？!?\s])第([{CN_NUM}]{{1,3}})\s*[、，,：:]\s*"),
    "shi": re.compile(rf"(?<=[。；;！？!?，,\s])([{CN_NUM}]{{1,3}})是\s*[，,：:、]?\s*"),
}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})


def cn_to_int(s: str) -> int | None:
    """Convert a Chinese numeral (一 … 九十九, 百) or Arabic string to int.

    >>> cn_to_int("十二"), cn_to_int("二十"), cn_to_int("7")
    (12, 20, 7)
    """
    if s.isdigit():
        return int(s)
    if not s:
        return None
    if s == "百":
        return 100
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_DIGITS.get(head, None) if head else 1
        ones = _CN_DIGITS.get(tail, None) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    # digit-by-digit (二〇二三)
    digits = [_CN_DIGITS.get(c) for c in s]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def match_marker(paragraph: str) -> tuple[int, str, str, int] | None:
    """Return (rank, kind, number_text, marker_length) if ``paragraph`` opens with a heading marker.

    >>> match_marker("（一）加强思想引领")[:3]
    (2, 'paren_cn', '一')
    >>> match_marker("2023年是开局之年") is None
    True
    """
    for rank, kind, rx in MARKERS:
        m = rx.match(paragraph)
        if m:
            number = m.group(1) if m.groups() else ""
            return rank, kind, number, m.end()
    return None


TITLE_RE = re.compile(
    r"((?:19|20)\s*\d\s*\d|[二〇零一三四五六七八九]{4}|20[xX×]{2})(?:\s*年\s*度?|(?=[\u4e00-\u9fff]))\s*"
    r"[^。，,；\d]{0,14}?(?:\d{4}\s*年\s*度?[^。，,；\d]{0,8}?)?"
    r"(?:工作要点|工作计划|工作安排|工作思路|工作重点|要点|工作打算|工作任务)"
)
#: A title or heading announcing a summary of a past year (``2022年工作总结``).
SUMMARY_RE = re.compile(
    r"(?:((?:19|20)\d{2})\s*年\s*度?\s*[^。，,；]{0,14}?(?:工作总结|工作回顾|总结)|工作总结|工作回顾|[一二三四五六七八九十]年来)"
)
#: A heading announcing the plan part of a summary-plus-plan document.
PLAN_HEAD_RE = re.compile(
    r"工作(?:计划|要点|安排|思路|打算|重点)|(?:明年|下一步|新的一年)[^。]{0,6}(?:工作|计划|打算)"
)
#: A separator between the documents of a multi-document page (篇1, 篇二, 第一篇).
SUBDOC_RE = re.compile(rf"^(?:篇\s*([{CN_NUM}]+|\d+)|第([{CN_NUM}]+|\d+)篇)(?:\s|[:：]|$)")
PLACEHOLDER_YEAR_RE = re.compile(r"20[xX×]{2}")
YEAR_RE = re.compile(r"(?:19|20)\d{2}")

DOC_NUMBER_RE = re.compile(
    rf"([{CJK}]{{1,12}})\s*[〔\[［【(（]\s*((?:19|20)\d{{2}})\s*[〕\]］】)）]\s*(\d{{1,4}})\s*号"
)

DATE_ARABIC_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_CN_RE = re.compile(rf"([{CN_NUM}]{{4}})\s*年\s*([{CN_NUM}]{{1,3}})\s*月\s*([{CN_NUM}]{{1,3}})\s*日")

SENTENCE_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』）)]*|\n|$)")

#: Technical terms with a real X (X波段 radar, X射线): not placeholders.
_TECH_X = "波段|射线|光|线|型|染色体|轴|形"
PLACEHOLDER_RE = re.compile(
    rf"(?<![A-Za-z])(?:20[xX]{{2}}|[xX]{{1,4}}(?!{_TECH_X})|[×]{{1,4}}|\*{{1,3}})(?![A-Za-z])"
    rf"(?=[{CJK}\-—届次年月日市省县区])|(?<=[{CJK}])(?:[xX]{{1,4}}(?!{_TECH_X})|\*{{1,3}})(?![A-Za-z])"
)


def is_title(paragraph: str) -> bool:
    """True if ``paragraph`` reads like a plan title (one year + 工作要点/计划…, short)."""
    p = paragraph.strip()
    if not p or len(p) > 60 or p.startswith(("《", "关于")) or re.search("[。，,；;]", p):
        return False
    m = TITLE_RE.search(p)
    if not m:
        return False
    rest = p[m.end() :]
    if len(rest) > 12 or re.search(rf"[{CN_NUM}]\s*[、．.]", rest):
        return False  # a heading glued after the title (…工作计划1一、以…): not a title line
    # Inside 《…》 means the title is cited, not stated.
    before = p[: m.start()]
    if before.count("《") > before.count("》"):
        return False
    years = set(YEAR_RE.findall(p))
    return len(years) <= 1 or (len(years) == 2 and "总结" in p)  # 2022年工作总结及2023年工作计划


def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO ``YYYY-MM-DD`` (Arabic or Chinese numerals).

    >>> parse_date("二〇二三年二月十日"), parse_date("2023年3月1日")
    ('2023-02-10', '2023-03-01')
    """
    m = DATE_ARABIC_RE.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = DATE_CN_RE.search(text)
        if not m:
            return None
        y, mo, d = (cn_to_int(g) for g in m.groups())
        if None in (y, mo, d):
            return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_doc_number(text: str) -> str | None:
    """First 文号 in ``text``, normalised to 机关代字〔年份〕序号号.

    >>> find_doc_number("华南工团[2018]2 号")
    '华南工团〔2018〕2号'
    """
    m = DOC_NUMBER_RE.search(text)
    if not m:
        return None
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"
