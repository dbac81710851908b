"""Cleaning raw plan text into a body, with every change recorded.

The cleaner never rewrites text directly. It collects :class:`Edit` objects in
the coordinates of the decoded raw text (each: a span, its replacement, a kind
and a reason), resolves them into non-overlapping edits and applies them. The
edit log is therefore an exact, invertible account of how ``body`` was made:
:func:`restore_raw` rebuilds the raw text from the body and the log, and the
tests check that it does.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .patterns import CJK, PLACEHOLDER_RE, is_title, match_marker

#: Human-readable reasons, one per kind of edit.
REASONS: dict[str, str] = {
    "website_notice": "download notice / customer-service line of a document-sharing website",
    "english_line": "English line (e.g. a description of a seal or image) in a Chinese plan",
    "page_number": "page number left by PDF conversion",
    "markdown_rule": "Markdown horizontal rule",
    "markdown_heading": "Markdown heading marker",
    "markdown_bold": "Markdown bold/italic marker",
    "front_matter": "YAML front matter of a Markdown file (its fields are in the document's metadata)",
    "markdown_table": "Markdown table markup (column bars and the header rule)",
    "html_comment": "HTML comment",
    "word_bookmark": "Word bookmark tag",
    "junk_symbol": "decorative symbol (◆■★…) sprinkled through the text",
    "injected_pinyin": "pinyin injected after a character",
    "ocr_english": "English function word left by OCR/translation, replaced by its Chinese",
    "punctuation_width": "half-width punctuation in Chinese context made full-width (or full-width digits/letters made ASCII)",
    "traditional_char": "traditional character converted to simplified (OpenCC t2s)",
    "split_title": "title broken into one word per line, duplicated by the full title below",
    "page_break_join": "paragraph split by a page break rejoined",
    "html_tag": "HTML tag left in a copied text",
    "html_entity": "HTML entity (&nbsp; &amp; …) replaced by its character",
    "pdf_header_footer": "running header or footer repeated on the pages of a PDF",
    "pdf_page_number": "page number of a PDF page",
    "html_navigation": "text of the web page outside its main content (navigation, footer, related links)",
    "invalid_bytes": "bytes that are not valid in the file's encoding (decoded as U+FFFD)",
    "control_char": "control character (NUL, backspace, escape …) that no text shows",
    "whitespace": "whitespace normalised",
}

_NOTICE_STRONG = re.compile(
    r"温馨提示|网站客服|客服QQ|小编|文档由用户上传|版权归属|免费下载|下载文档|付费|本站|"
    r"点击下载|扫码|关注公众号|阅读全文|查看更多|上一篇|下一篇|返回首页|当前位置"
)
_NOTICE_WEAK = re.compile(r"下载|客服|预览|投诉|版权|上传")
#: Phrases no official plan contains: a line holding one is a reposting site's notice wherever it is.
_NOTICE_CERTAIN = re.compile(
    r"小编|温馨提示|网站客服|客服QQ|文档由用户上传|版权归属用户|范文网|文档网|VIP文档|VIP会员|"
    r"^(?:首页|首頁)\s*[>＞»]|您(?:现在)?的(?:当前)?位置|^当前位置"
)
#: Lines of page furniture that are never joined to the next line: breadcrumbs, dates, bylines.
_META_LINE = re.compile(
    r"[>＞»]|^(?:时间|日期|发布|来源|作者|编辑|浏览|点击|字体|分类|栏目)\s*[:：]|\d{4}-\d{2}-\d{2}"
    r"|人民代表大会.{0,12}会议上[）)]?$|^各位代表"  # the dating line and greeting of a government work report
    r"|(?:省长|市长|总理|主席|州长|盟长)[\s\u3000]*[\u4e00-\u9fff]{1,3}[\s\u3000]?[\u4e00-\u9fff]{1,2}$"  # its speaker
)
_RULE_LINE = re.compile(r"^\s*([-*_=])(?:\s*\1){2,}\s*$")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*/\s*\d{1,3})?[-—–\s]*$")
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_BOLD = re.compile(r"\*\*|__")
_MARKUP_HEADING = re.compile(r"^\s*(?:#{1,6}\s|(\*\*|__)[^*_]+\1\s*$)")
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_BOOKMARK = re.compile(r"\[(?:bookmark|书签)\s*:[^\]]*\]", re.IGNORECASE)
#: Decorative symbols that reposting sites sprinkle through a text. Not ●•○□ (bullets and placeholders).
#: C0 controls other than tab, newline, form feed and carriage return, and DEL: never text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]+")
_JUNK = re.compile(r"[◆■★☆▲△◇▪◼♦◎※❤♥✿❀►▶◀▼▽◥◤]+")
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|strong|b|i|em|u|font|h[1-6]|section|li|ul|ol|table|tbody|thead|tr|td|th|a|img|"
    r"sup|sub|center|blockquote|article|header|footer|nav)\b[^<>]{0,300}?/?>",
    re.IGNORECASE,
)
_HTML_ENTITY = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|ensp|emsp|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_PINYIN = re.compile(rf"(?<=[{CJK}])[（(]([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,8}})[)）]")
_TONE = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
_OCR_AND = re.compile(rf"(?<=[{CJK}》”])\s*\band\b\s*(?=[《“{CJK}])")
_HALF_PUNCT = re.compile(rf"(?<=[{CJK}”》）])[,;:?!]|[,;:?!](?=[{CJK}“《（])")
_PAREN_PAIR = re.compile(r"\(([^()\n]{0,80})\)")
_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_TERMINAL = "。！？!?；;：:…"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Edit:
    """One change to the raw text: ``raw[start:end]`` becomes ``replacement``."""

    start: int
    end: int
    replacement: str
    kind: str
    original: str = ""

    @property
    def reason(self) -> str:
        return REASONS.get(self.kind, self.kind)


@dataclass
class CleanResult:
    """Outcome of :func:`clean_text`."""

    raw: str
    body: str
    edits: list[Edit]
    body_positions: list[int]
    title_index: int | None
    flags: dict[str, object] = field(default_factory=dict)
    front_matter: dict[str, str] = field(default_factory=dict)


def front_matter(raw: str) -> tuple[dict[str, str], int]:
    """YAML front matter at the top of a Markdown text: its ``key: value`` fields and line count.

    Only flat ``key: value`` pairs are read (quotes stripped); the block must open on the first
    line with ``---`` and close with ``---`` (or ``...``) within 40 lines, else there is none.

    >>> front_matter("---\\nsource: https://a.cn/x\\ntitle: 2023年政府工作报告\\n---\\n正文")
    ({'source': 'https://a.cn/x', 'title': '2023年政府工作报告'}, 4)
    >>> front_matter("---\\n正文")
    ({}, 0)
    """
    lines = raw.lstrip("\ufeff").split("\n", 41)
    if not lines or lines[0].strip() != "---":
        return {}, 0
    fields: dict[str, str] = {}
    for n, line in enumerate(lines[1:41], start=1):
        if line.strip() in ("---", "..."):
            return fields, n + 1
        m = re.match(r"^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line)
        if m:
            fields[m.group(1)] = m.group(2).strip("\"'")
        elif line.strip() and not line.startswith((" ", "\t", "-")):
            return {}, 0
    return {}, 0


# every inline edit but the traditional characters needs one of these characters: a line
# without any (most lines of a plan) skips the pattern scans
_INLINE_TRIGGER = re.compile(
    r"[#*_<&|\[\x00-\x08\x0b\x0e-\x1f\x7f(,;:?!A-Za-z０-９Ａ-Ｚａ-ｚāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
    + _JUNK.pattern[1:-2]
    + "]"
)


def _line_inline_edits(line: str, base: int) -> list[Edit]:
    """Inline edits inside one line (offsets relative to the whole text)."""
    if _INLINE_TRIGGER.search(line) is None:
        return _traditional_edits(line, base)
    edits: list[Edit] = []

    def add(m: re.Match[str], repl: str, kind: str, group: int = 0) -> None:
        edits.append(Edit(base + m.start(group), base + m.end(group), repl, kind))

    m = _MD_HEADING.match(line)
    if m and m.end() > 0:
        add(m, "", "markdown_heading")
    if len(_BOLD.findall(line)) % 2 == 0:
        for m in _BOLD.finditer(line):
            add(m, "", "markdown_bold")
    for m in _CONTROL.finditer(line):
        add(m, "", "control_char")
    for m in _HTML_COMMENT.finditer(line):
        add(m, "", "html_comment")
    if _TABLE_ROW.match(line):  # | a | b |: outer bars dropped, inner bars become spaces
        for m in re.finditer(r"\|", line):
            outer = not line[: m.start()].strip() or not line[m.end() :].strip()
            add(m, "" if outer else " ", "markdown_table")
    for m in _BOOKMARK.finditer(line):
        add(m, "", "word_bookmark")
    for m in _JUNK.finditer(line):
        add(m, "", "junk_symbol")
    for m in _HTML_TAG.finditer(line):
        add(m, "", "html_tag")
    for m in _HTML_ENTITY.finditer(line):
        add(m, html.unescape(m.group()).replace("\xa0", " "), "html_entity")
    for m in _PINYIN.finditer(line):
        if _TONE.search(m.group(1)):
            add(m, "", "injected_pinyin")
    for m in _OCR_AND.finditer(line):
        add(m, "和", "ocr_english")
    for m in _HALF_PUNCT.finditer(line):
        add(m, _HALF_TO_FULL[m.group()], "punctuation_width")
    for m in _PAREN_PAIR.finditer(line):
        inner = m.group(1)
        if re.search(f"[{CJK}]", inner) or re.search(f"[{CJK}]", line[max(0, m.start() - 1) : m.start()]):
            # Keep "(1)" style markers at the start of a line as they are: the
            # parser reads both widths, and a number alone is not Chinese context.
            if re.fullmatch(r"\s*\d{1,3}\s*", inner) and m.start() == 0:
                continue
            edits.append(Edit(base + m.start(), base + m.start() + 1, "（", "punctuation_width"))
            edits.append(Edit(base + m.end() - 1, base + m.end(), "）", "punctuation_width"))
    for m in _FULLWIDTH_ALNUM.finditer(line):
        add(m, chr(ord(m.group()) - 0xFEE0), "punctuation_width")
    return edits + _traditional_edits(line, base)


def _traditional_edits(line: str, base: int) -> list[Edit]:
    """Traditional characters of a line made simplified (OpenCC t2s), one edit per character."""
    simplified = _t2s().convert(line)
    if simplified == line or len(simplified) != len(line):
        return []
    return [
        Edit(base + i, base + i + 1, b, "traditional_char")
        for i, (a, b) in enumerate(zip(line, simplified))
        if a != b
    ]


def _resolve(edits: list[Edit]) -> list[Edit]:
    """Drop edits overlapping an earlier-accepted one (first come wins), sort by start.

    Linear in the span the edits cover: accepted edits are marked in a byte map (``covered``,
    and ``starts`` for where each begins), so checking an edit costs its own length, not the
    number of edits accepted before it.

    >>> [(e.start, e.end) for e in _resolve([Edit(2, 5, "", "a"), Edit(0, 3, "", "b"), Edit(5, 6, "", "c"),
    ...                                       Edit(3, 3, "", "d"), Edit(5, 5, "", "e")])]
    [(2, 5), (5, 5), (5, 6)]
    """
    if not edits:
        return []
    lo = min(e.start for e in edits)
    hi = max(e.end for e in edits)
    covered = bytearray(hi - lo + 1)
    starts = bytearray(hi - lo + 1)
    accepted: list[Edit] = []
    for e in edits:
        s, t = e.start - lo, e.end - lo
        if t > s:
            if covered.find(1, s, t) != -1:
                continue
            covered[s:t] = b"\x01" * (t - s)
            starts[s] = 1
        elif s > 0 and covered[s - 1] and covered[s] and not starts[s]:
            continue  # a zero-width edit strictly inside an accepted one
        accepted.append(e)
    return sorted(accepted, key=lambda e: (e.start, e.end))


def _apply(raw: str, edits: list[Edit]) -> tuple[str, list[int]]:
    out: list[str] = []
    positions: list[int] = []
    pos = 0
    length = 0
    for e in edits:
        out.append(raw[pos : e.start])
        length += e.start - pos
        positions.append(length)
        out.append(e.replacement)
        length += len(e.replacement)
        pos = e.end
    out.append(raw[pos:])
    return "".join(out), positions


def restore_raw(body: str, edits: list[Edit], body_positions: list[int]) -> str:
    """Invert the cleaning: rebuild the raw text from ``body`` and its edit log.

    >>> r = clean_text("一、加强引领\\n1.深入学习,持续推进。")
    >>> restore_raw(r.body, r.edits, r.body_positions) == r.raw
    True
    """
    out: list[str] = []
    pos = 0
    for e, bpos in zip(edits, body_positions):
        if body[bpos : bpos + len(e.replacement)] != e.replacement:
            raise ValueError(f"edit log does not match body at {bpos}")
        out.append(body[pos:bpos])
        out.append(e.original)
        pos = bpos + len(e.replacement)
    out.append(body[pos:])
    return "".join(out)


def _strip_span(raw: str, start: int, end: int) -> tuple[int, int]:
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    return start, end


def _clean_line_text(raw: str, start: int, end: int, edits: list[Edit]) -> str:
    """The text of raw[start:end] after its inline edits."""
    local = [Edit(e.start - start, e.end - start, e.replacement, e.kind) for e in edits]
    text, _ = _apply(raw[start:end], local)
    return text.strip()


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s")


def _is_english_line(text: str) -> bool:
    """A line in English (a seal description, say): mostly Latin letters and almost no Chinese.

    A Chinese sentence with an English name in it is not one.

    >>> _is_english_line("(Seal of the Communist Youth League Beijing Committee)")
    True
    >>> _is_english_line("推进“青年发展型城市”建设(Youth-Friendly City Initiative)。")
    False
    """
    letters = len(_ASCII_LETTER.findall(text))
    if letters < 8:  # fewer than four words of two letters: not an English line, whatever its length
        return False
    chars = len(text) - len(_SPACE.findall(text))
    cjk = len(re.findall(f"[{CJK}]", text))
    return (
        chars > 0
        and letters / chars >= 0.5
        and cjk < 0.15 * chars
        and len(re.findall(r"[A-Za-z]{2,}", text)) >= 4
    )


def _is_notice(text: str, before_title: bool) -> bool:
    """A notice line of a reposting website (download, customer service, QR code, paywall).

    Before the title any notice word will do. After it, an item or heading line (it opens
    with a marker) is never a notice, and a line needs strong evidence: it is short, opens
    with the notice, or holds two notice phrases. So "引导青年扫码注册" inside an item stays.

    >>> _is_notice("扫码关注公众号，免费下载全文", False)
    True
    >>> _is_notice("3.推广“青年之家”小程序，引导青年扫码注册、关注公众号参与活动。", False)
    False
    >>> _is_notice("依托“青春重庆”新媒体矩阵，引导团员青年关注公众号，常态化开展网上主题团课，增强吸引力。", False)
    False
    """
    if _NOTICE_CERTAIN.search(text):
        return True
    strong = _NOTICE_STRONG.findall(text)
    if before_title:
        return bool(strong or _NOTICE_WEAK.search(text))
    if not strong or match_marker(text):
        return False
    opens = _NOTICE_STRONG.match(text) is not None
    return len(text) <= 24 or opens or len(set(strong)) >= 2 and len(text) <= 80


def _looks_like_title(text: str) -> bool:
    """A short line without sentence punctuation that names a document (…工作计划, …要点, …总结).

    >>> _looks_like_title("社区共青团的工作计划"), _looks_like_title("深入学习贯彻党的二十大精神，推动")
    (True, False)
    """
    t = text.strip()
    return (
        len(t) <= 40
        and not re.search(r"[，。；：,;:、]", t)
        and re.search(
            r"(?:计划|要点|总结|安排|方案|规划|思路|汇报|报告|意见|通知)(?:书|范文|格式)?(?:[（(][^）)]*[）)])?\s*(?:篇\s*\S{1,2})?$",
            t,
        )
        is not None
    )


def _page_number_lines(texts: list[str], nonblank: list[int], title_idx: int | None) -> set[int]:
    """Lines that are page numbers: decorated (``- 3 -``, ``第3页``, ``3/10``) or a rising sequence.

    A lone bare number (``100`` between ``奖金共计`` and ``万元``) is content, not a page
    number; zero-padded numbers (``01``, ``02``) are section numbers of reposted articles.
    """
    bare: list[tuple[int, int]] = []
    out: set[int] = set()
    for i in nonblank:
        t = texts[i].strip()
        if not _PAGE_NUMBER.match(t) or (title_idx is not None and i < title_idx and len(t) == 4):
            continue
        if re.fullmatch(r"\d{1,3}", t):
            if not t.startswith("0"):
                bare.append((i, int(t)))
        else:
            out.add(i)
    if len(bare) >= 2 and all(b[1] > a[1] for a, b in zip(bare, bare[1:])):
        out |= {i for i, _ in bare}
    return out


def clean_text(raw: str, *, pre_edits: Sequence[Edit] = ()) -> CleanResult:
    """Clean one decoded plan and record every change.

    Parameters
    ----------
    raw : str
        Decoded text with ``\\n`` line endings.
    pre_edits : sequence of Edit
        Edits found by a file reader in ``raw`` coordinates (running headers of a PDF,
        navigation of a web page, invalid bytes). They are applied as given, win over any
        overlapping cleaner edit and are recorded like every other edit.

    Returns
    -------
    CleanResult
        ``body`` (paragraphs separated by ``\\n``), the resolved ``edits`` in
        raw coordinates, where each edit lands in the body, and flags (``anonymised``,
        ``n_placeholders``). The steps are functions of their own: lines and inline edits,
        the title line, whole-line removals, page-break joins, all edits in raw coordinates.

    Examples
    --------
    >>> r = clean_text("# 某市2023年工作要点\\n\\n一、加强引领\\n\\n1. **深入学习**,持续推\\n\\n进。")
    >>> r.body
    '某市2023年工作要点\\n一、加强引领\\n1. 深入学习，持续推进。'
    >>> sorted({e.kind for e in r.edits} - {"whitespace"})
    ['markdown_bold', 'markdown_heading', 'page_break_join', 'punctuation_width']
    """
    spans, inline, texts, pre_removed = _lines_and_inline_edits(raw, pre_edits)
    fm_fields, fm_lines = front_matter(raw)
    nonblank = [i for i, t in enumerate(texts) if t and i not in pre_removed and i >= fm_lines]
    title_idx = _title_line(texts, nonblank)
    removed = _whole_line_removals(raw, texts, spans, nonblank, title_idx)
    removed.update(pre_removed)
    removed.update({i: "front_matter" for i in range(fm_lines) if texts[i] and i not in pre_removed})
    kept = [i for i in nonblank if i not in removed]
    join_after = _page_break_joins(texts, kept, title_idx)
    # a whole line in Markdown bold or a Markdown heading is a heading, never half a sentence
    join_after -= {i for i in join_after if _MARKUP_HEADING.match(raw[spans[i][0] : spans[i][1]])}
    edits = _all_edits(raw, spans, inline, removed, kept, join_after)
    body, positions = _apply(raw, edits)
    title_para = None
    if title_idx is not None and title_idx in kept:
        # paragraph index of the title = number of kept lines before it, minus joins
        title_para = sum(1 for i in kept if i < title_idx) - sum(1 for i in join_after if i < title_idx)
    # every placeholder holds x, X, × or *: a body with none has none (a scan saved per plan)
    placeholders = PLACEHOLDER_RE.findall(body) if re.search("[xX×*]", body) else []
    flags = {"anonymised": len(placeholders) >= 2, "n_placeholders": len(placeholders)}
    return CleanResult(raw, body, edits, positions, title_para, flags, fm_fields)


def _lines_and_inline_edits(
    raw: str, pre_edits: Sequence[Edit]
) -> tuple[list[tuple[int, int]], list[list[Edit]], list[str], dict[int, str]]:
    """Step 1: each line's stripped span, its inline edits, its cleaned text, and the lines a
    file reader removed whole (``pre_edits``)."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in raw.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    inline: list[list[Edit]] = []
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    pre = sorted(pre_edits, key=lambda e: (e.start, e.end))
    pre_starts = [p.start for p in pre]
    reach: list[int] = []  # reach[k]: the furthest end among pre[:k + 1]
    for p in pre:
        reach.append(max(p.end, reach[-1]) if reach else p.end)
    pre_removed: dict[int, str] = {}
    for i, (start, end) in enumerate(lines):
        s, e = _strip_span(raw, start, end)
        spans.append((s, e))
        # the first reader edit (in sorted order) that covers the whole line, found by bisection
        n_before = bisect.bisect_right(pre_starts, s)
        whole = None
        if e > s and n_before and reach[n_before - 1] >= e:
            k = bisect.bisect_left(reach, e, 0, n_before)
            whole = next((p for p in pre[k:n_before] if p.end >= e), None)
        if whole is not None:
            pre_removed[i] = whole.kind
        lo, hi = bisect.bisect_left(pre_starts, s), bisect.bisect_right(pre_starts, e)
        own = [Edit(p.start, p.end, p.replacement, p.kind) for p in pre[lo:hi] if p.end <= e]
        edits = _resolve(own + _line_inline_edits(raw[s:e], s)) if e > s and whole is None else []
        inline.append(edits)
        texts.append(_clean_line_text(raw, s, e, edits) if e > s else "")
    return spans, inline, texts, pre_removed


def _title_line(texts: list[str], nonblank: list[int]) -> int | None:
    """Step 2: the title line: the last title-like line before the first top-level heading."""
    first_l1 = next((i for i in nonblank if (m := match_marker(texts[i])) and m[0] == 1), len(texts))
    candidates = [i for i in nonblank if i < first_l1 and is_title(texts[i])]
    if not candidates:
        candidates = [i for i in nonblank if is_title(texts[i])][:1]
    return candidates[-1] if candidates else None


def _whole_line_removals(
    raw: str, texts: list[str], spans: list[tuple[int, int]], nonblank: list[int], title_idx: int | None
) -> dict[int, str]:
    """Step 3: lines removed whole, with their kind (rules, notices, English, page numbers,
    a title broken one word per line)."""
    removed: dict[int, str] = {}
    page_numbers = _page_number_lines(texts, nonblank, title_idx)
    for i in nonblank:
        t = texts[i]
        before_title = title_idx is not None and i < title_idx
        raw_line = raw[spans[i][0] : spans[i][1]]
        if _RULE_LINE.match(raw_line):
            removed[i] = "markdown_rule"
        elif "|" in raw_line and _TABLE_RULE.match(raw_line):
            removed[i] = "markdown_table"
        elif _is_notice(t, before_title):
            removed[i] = "website_notice"
        elif _is_english_line(t):
            removed[i] = "english_line"
        elif i in page_numbers:
            removed[i] = "page_number"
    if title_idx is not None:
        # a title broken one word per line just above the title itself
        run: list[int] = []
        j = title_idx - 1
        while j >= 0 and (not texts[j] or (j not in removed and len(texts[j]) <= 6)):
            if texts[j]:
                run.append(j)
            j -= 1
        run.reverse()
        norm = re.sub(r"\s+", "", texts[title_idx])
        # a tail of more lines than the title has characters cannot be a subsequence of it
        run = run[-len(norm) :] if norm else []
        for k in range(len(run)):
            tail = run[k:]
            joined = "".join(re.sub(r"\s+", "", texts[x]) for x in tail)
            if len(tail) >= 2 and len(joined) >= 0.6 * len(norm) and _is_subsequence(joined, norm):
                for x in tail:
                    removed[x] = "split_title"
                break
    return removed


def _page_break_joins(texts: list[str], kept: list[int], title_idx: int | None) -> set[int]:
    """Step 4: kept lines whose sentence continues on the next kept line (only after the
    title: cover lines are short on purpose)."""
    join_after: set[int] = set()
    start_join = title_idx + 1 if title_idx is not None else 0
    for a, b in zip(kept, kept[1:]):
        if a < start_join:
            continue
        p, q = texts[a], texts[b]
        if p[-1] in _TERMINAL or match_marker(q) or len(p) < 10:
            continue
        if _META_LINE.search(p) or _META_LINE.search(q) or _looks_like_title(p):
            continue  # a title, breadcrumb or date line is not half of a sentence
        if not re.match(rf"[{CJK}“《（(]", q):
            continue
        mk = match_marker(p)
        if mk and mk[0] <= 2 and "。" not in p and (len(q) >= 20 or q[-1] in _TERMINAL):
            continue  # a heading followed by body text: not a split
        join_after.add(a)
    return join_after


def _all_edits(
    raw: str,
    spans: list[tuple[int, int]],
    inline: list[list[Edit]],
    removed: dict[int, str],
    kept: list[int],
    join_after: set[int],
) -> list[Edit]:
    """Step 5: every edit in raw coordinates, sorted: inline edits of kept lines, removed
    lines, and the whitespace between kept lines (a newline, or nothing for a join)."""
    all_edits: list[Edit] = []
    for i in kept:
        all_edits.extend(inline[i])
    segments: list[tuple[int, int, str | None]] = []  # spans between kept lines
    prev_end = 0
    for n, i in enumerate(kept):
        s, e = spans[i]
        segments.append((prev_end, s, None if n == 0 else ("" if kept[n - 1] in join_after else "\n")))
        prev_end = e
    segments.append((prev_end, len(raw), None))
    gone = sorted(spans[i] + (removed[i],) for i in removed)
    gone_starts = [g[0] for g in gone]
    for gap_start, gap_end, sep in segments:
        # removed lines inside the gap are their own edits; whitespace around them too
        cursor = gap_start
        first_ws = True
        lo = bisect.bisect_left(gone_starts, gap_start)
        hi = bisect.bisect_left(gone_starts, gap_end)
        inside = gone[lo:hi]
        pieces: list[tuple[int, int, str]] = []
        for s, e, kind in inside:
            pieces.append((cursor, s, "ws"))
            pieces.append((s, e, kind))
            cursor = e
        pieces.append((cursor, gap_end, "ws"))
        for s, e, kind in pieces:
            if kind == "ws":
                repl = sep if (first_ws and sep is not None) else ""
                is_join = first_ws and sep == ""
                first_ws = False
                if raw[s:e] == repl:
                    continue
                all_edits.append(Edit(s, e, repl, "page_break_join" if is_join else "whitespace"))
            else:
                all_edits.append(Edit(s, e, "", kind))
    return [
        Edit(e.start, e.end, e.replacement, e.kind, raw[e.start : e.end])
        for e in sorted(all_edits, key=lambda e: (e.start, e.end))
    ]
