"""Parsing a cleaned plan body into blocks, sections, items and sentences.

Every non-whitespace character of the body belongs to exactly one block
(``cover``, ``title``, ``preamble``, ``heading``, ``section_text``, ``item``,
``trailer`` or, for a document that is not structured as a plan,
``unstructured``). Sections are the headings above the item level; items are
the lowest numbered or bulleted units.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .patterns import (
    INLINE_MARKERS,
    PLACEHOLDER_YEAR_RE,
    PLAN_HEAD_RE,
    SENTENCE_RE,
    SUBDOC_RE,
    SUMMARY_RE,
    TITLE_RE,
    YEAR_RE,
    cn_to_int,
    find_doc_number,
    is_title,
    match_marker,
    parse_date,
)

_TRAILER_RE = re.compile(
    r"^(?:共青团|中国共产主义青年团)?[^。，]{0,25}(?:委员会|委|办公室|团委|局|厅|妇联|联合会|政府|学校|大学|学院|中学)$"
)


@dataclass
class Paragraph:
    start: int
    end: int
    text: str
    marker: tuple[int, str, str, int] | None


@dataclass
class ParsedPlan:
    """Structure of one plan; offsets index into the body."""

    blocks: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    status: str = "ok"


def _paragraphs(body: str) -> list[Paragraph]:
    """Non-empty lines as paragraphs; inline headings split, headings split over two lines rejoined."""
    out: list[Paragraph] = []
    pos = 0
    for line in body.split("\n"):
        if line.strip():
            s = pos + len(line) - len(line.lstrip())
            e = pos + len(line.rstrip())
            out.extend(_split_inline(body, s, e))
        pos += len(line) + 1
    return _join_split_headings(body, out)


#: A first heading glued to a title or site label (``2022年妇联工作计划1一、以…``, ``团委工作计划一、工作目标``).
_GLUED_HEADING = re.compile(r"(?:计划|要点|规划|方案|安排|思路)(?:书)?\s*(?:篇?\s*\d{1,2})?\s*(一\s*[、．.])")


def _split_inline(body: str, s: int, e: int) -> list[Paragraph]:
    """Split a line holding several numbered units of one kind in sequence (一、… 二、… 三、…)."""
    text = body[s:e]
    m = match_marker(text)
    if m is None:
        glued = _GLUED_HEADING.search(text)
        if glued and glued.start(1) >= 4:
            cut = glued.start(1)
            return [Paragraph(s, s + cut, body[s : s + cut], None), *_split_inline(body, s + cut, e)]
    if not m or m[1] not in INLINE_MARKERS:
        return [Paragraph(s, e, text, m)]
    rx = INLINE_MARKERS[m[1]]
    expect = (cn_to_int(m[2]) or 0) + 1
    cuts = []
    for hit in rx.finditer(text, m[3]):
        if cn_to_int(hit.group(1)) == expect:
            cuts.append(hit.start())
            expect += 1
    if not cuts:
        return [Paragraph(s, e, text, m)]
    parts = []
    bounds = [0, *cuts, len(text)]
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        ps, pe = s + a + lead, s + a + len(piece.rstrip())
        if pe > ps:
            parts.append(Paragraph(ps, pe, body[ps:pe], match_marker(body[ps:pe])))
    return parts


def _join_split_headings(body: str, paras: list[Paragraph]) -> list[Paragraph]:
    """A marker alone on its line (``一、``, ``01``) takes the next line as its title."""
    out: list[Paragraph] = []
    skip = False
    for i, p in enumerate(paras):
        if skip:
            skip = False
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        bare = p.marker is not None and not p.text[p.marker[3] :].strip()
        if bare and nxt is not None and nxt.marker is None and len(nxt.text) <= 40 and "。" not in nxt.text:
            out.append(Paragraph(p.start, nxt.end, body[p.start : nxt.end], p.marker))
            skip = True
        else:
            out.append(p)
    return out


def _item_rank(paras: list[Paragraph]) -> int | None:
    """The marker rank that holds the plan's items.

    Among ranks whose units mostly carry body text (a 。), the most frequent
    one; ties go to the deeper rank. Ranks above it are headings. A plan whose
    numbered units carry no 。 takes the deepest rank that occurs twice; a plan
    with a single heading and text under it has no item rank below the heading
    (returned as one past the deepest rank), so it is still a structure.
    """
    counts: Counter[int] = Counter()
    with_text: Counter[int] = Counter()
    for p in paras:
        if p.marker:
            counts[p.marker[0]] += 1
            if "。" in p.text or len(p.text) > 40:
                with_text[p.marker[0]] += 1
    candidates = [r for r in counts if counts[r] >= 2 and with_text[r] >= counts[r] / 2]
    if candidates:
        return max(candidates, key=lambda r: (counts[r], r))
    repeated = [r for r in counts if counts[r] >= 2]
    if repeated:
        return max(repeated)
    if sum(counts.values()) >= 2:  # one heading and one item, say: the opening of a plan
        return max(counts)
    first = next((i for i, p in enumerate(paras) if p.marker), None)
    if first is not None and any(p.marker is None for p in paras[first + 1 :]):
        return max(counts) + 1
    return None


def _lead(text: str) -> str:
    """Item title: the text up to the first 。 (or ！/？), without the mark."""
    m = re.search(r"[。！？]", text)
    lead = text[: m.start()] if m else text
    return lead.strip().rstrip("，,；;：:")


def parse_plan(body: str, title_para: int | None = None) -> ParsedPlan:
    """Parse a cleaned body into blocks, sections, items and sentences.

    The steps, each a function of its own: paragraphs and their markers
    (:func:`_paragraphs`), the title, a summary set aside (:func:`_set_summary_aside`), the
    item level (:func:`_item_rank`; none: :func:`_parse_unstructured`), front matter
    (:func:`_front_matter`), the trailer (:func:`_trailer_start`), headings and items
    (:func:`_walk_structure`), then sentences and metadata.

    Parameters
    ----------
    body : str
        Cleaned text (see :func:`analysis.clean.clean_text`).
    title_para : int, optional
        Index (among non-empty paragraphs) of the plan's title, if known.

    Examples
    --------
    >>> p = parse_plan("某市2023年工作要点\\n总体思路是：奋斗。\\n一、引领\\n1.学习。做好。\\n2.宣传。做好。")
    >>> [(s["marker"], s["title"]) for s in p.sections]
    [('一、', '引领')]
    >>> [(i["item_no"], i["path"], i["title"]) for i in p.items]
    [(1, '一/1', '学习'), (2, '一/2', '宣传')]
    """
    paras = _paragraphs(body)
    if title_para is not None:
        title_para = _para_at(paras, body, title_para)
    if title_para is None:
        first_marker = next((i for i, p in enumerate(paras) if p.marker), len(paras))
        title_para = _guess_title(paras[:first_marker])
    paras, title_para, summary_block = _set_summary_aside(paras, title_para, body)
    item_rank = _item_rank(paras)
    if item_rank is None:
        return _parse_unstructured(paras, title_para, body, summary_block)
    plan = ParsedPlan()
    first_struct, title_para = _front_matter(plan, paras, title_para, item_rank, body)
    body_paras = paras[first_struct:]
    _walk_structure(plan, body_paras, _trailer_start(body_paras), item_rank, body)
    _finish_items(plan)
    _finish(plan, body, summary_block)
    plan.meta = _metadata(body, paras, title_para, first_struct)
    plan.meta.update(_subdoc_meta(plan, body, summary_block))
    return plan


def _set_summary_aside(
    paras: list[Paragraph], title_para: int | None, body: str
) -> tuple[list[Paragraph], int | None, dict | None]:
    """Step 1: a summary of last year before the plan becomes one ``summary`` block.

    Returns the paragraphs without it, the title index shifted accordingly, and the block.
    """
    summary = _summary_range(paras, title_para)
    if summary is None:
        return paras, title_para, None
    a, b = summary
    block = _block("summary", paras[a].start, paras[b - 1].end, body)
    if title_para is not None:
        title_para = (
            None if a <= title_para < b else (title_para - (b - a) if title_para >= b else title_para)
        )
    return paras[:a] + paras[b:], title_para, block


def _parse_unstructured(
    paras: list[Paragraph], title_para: int | None, body: str, summary_block: dict | None
) -> ParsedPlan:
    """A document with no headings or items: cover, title and one ``unstructured`` block."""
    plan = ParsedPlan()
    plan.status = "unstructured"
    if title_para is None:
        title_para = _guess_title(paras)
    if title_para is not None:
        if title_para > 0:
            plan.blocks.append(_block("cover", paras[0].start, paras[title_para - 1].end, body))
        plan.blocks.append(_block("title", paras[title_para].start, paras[title_para].end, body))
        rest = paras[title_para + 1 :]
    else:
        rest = paras
    if rest:
        plan.blocks.append(_block("unstructured", rest[0].start, rest[-1].end, body))
    _finish(plan, body, summary_block)
    plan.meta = _metadata(body, paras, title_para, title_para + 1 if title_para is not None else 0)
    plan.meta.update(_subdoc_meta(plan, body, summary_block))
    return plan


def _front_matter(
    plan: ParsedPlan, paras: list[Paragraph], title_para: int | None, item_rank: int, body: str
) -> tuple[int, int | None]:
    """Step 2: cover (before the title), title and preamble (up to the first heading or item).

    Returns the index of the first structural paragraph and the title's index.
    """
    first_struct = next(i for i, p in enumerate(paras) if p.marker and p.marker[0] <= item_rank)
    if title_para is None or title_para >= first_struct:
        title_para = next((i for i in range(first_struct - 1, -1, -1) if is_title(paras[i].text)), None)
    if title_para is None and first_struct > 0:
        title_para = _guess_title(paras[:first_struct])
    if title_para is not None:
        if title_para > 0:
            plan.blocks.append(_block("cover", paras[0].start, paras[title_para - 1].end, body))
        plan.blocks.append(_block("title", paras[title_para].start, paras[title_para].end, body))
        pre = paras[title_para + 1 : first_struct]
    else:
        pre = paras[:first_struct]
    if pre:
        plan.blocks.append(_block("preamble", pre[0].start, pre[-1].end, body))
    return first_struct, title_para


def _trailer_start(body_paras: list[Paragraph]) -> int:
    """Step 3: where the trailer starts: short signature and date lines after the last item."""
    trailer_from = len(body_paras)
    while trailer_from > 0:
        t = body_paras[trailer_from - 1].text
        if not body_paras[trailer_from - 1].marker and (
            _TRAILER_RE.match(t) or (parse_date(t) and len(t) <= 20)
        ):
            trailer_from -= 1
        else:
            break
    return trailer_from


def _walk_structure(
    plan: ParsedPlan, body_paras: list[Paragraph], trailer_from: int, item_rank: int, body: str
) -> None:
    """Step 4: headings (a stack of open sections), items, section text and the trailer."""
    stack: list[dict] = []  # open headings
    top_no = 0
    current: dict | None = None  # open item or section_text block
    n_in_section: Counter[str] = Counter()

    def close() -> None:
        nonlocal current
        if current is not None:
            current["text"] = body[current["start"] : current["end"]]
            if current["kind"] == "item":
                current["title"] = _lead(current["text"][current["marker_len"] :])
                plan.items.append(current)
            plan.blocks.append(
                _block(current["kind"], current["start"], current["end"], body, current.get("section_id"),
                       current.get("item_no"))
            )  # fmt: skip
            current = None

    for idx, p in enumerate(body_paras):
        if idx >= trailer_from:
            close()
            plan.blocks.append(_block("trailer", p.start, body_paras[-1].end, body))
            break
        rank = p.marker[0] if p.marker else None
        if rank is not None and rank < item_rank:
            close()
            while stack and stack[-1]["rank"] >= rank:
                stack.pop()
            parent = stack[-1] if stack else None
            if parent is None:
                top_no += 1
            marker_text = p.text[: p.marker[3]].strip()
            number = cn_to_int(p.marker[2]) if p.marker[2] else None
            sid = f"{parent['section_id']}.{number or len(plan.sections) + 1}" if parent else f"s{top_no}"
            sec = {
                "section_id": sid,
                "section_no": top_no,
                "level": len(stack) + 1,
                "rank": rank,
                "marker": marker_text,
                "number": number,
                "title": re.sub(r"\s*\n\s*", "", p.text[p.marker[3] :]).strip(),
                "parent_id": parent["section_id"] if parent else None,
                "path": "/".join([s["label"] for s in stack] + [_label(p)]),
                "start": p.start,
                "end": p.end,
                "label": _label(p),
            }
            stack.append(sec)
            plan.sections.append(sec)
            plan.blocks.append(_block("heading", p.start, p.end, body, sid))
        elif rank == item_rank:
            close()
            sec = stack[-1] if stack else None
            key = sec["section_id"] if sec else ""
            n_in_section[key] += 1
            label = _label(p) if p.marker[1] != "bullet" else f"—{n_in_section[key]}"
            current = {
                "kind": "item",
                "item_no": len(plan.items) + 1,
                "section_no": top_no if top_no else None,
                "section_id": sec["section_id"] if sec else None,
                "path": "/".join([s["label"] for s in stack] + [label]),
                "marker": p.text[: p.marker[3]].strip(),
                "number": cn_to_int(p.marker[2]) if p.marker[2] else None,
                "marker_len": p.marker[3],
                "start": p.start,
                "end": p.end,
            }
        else:  # continuation paragraph, or a deeper sub-point inside an item
            if current is None:
                sec = stack[-1] if stack else None
                current = {"kind": "section_text", "section_id": sec["section_id"] if sec else None,
                           "start": p.start, "end": p.end}  # fmt: skip
            else:
                current["end"] = p.end
    close()


def _finish_items(plan: ParsedPlan) -> None:
    """Step 5: drop working fields, count characters, flag a last item that is cut off."""
    for s in plan.sections:
        s.pop("label", None)
    for it in plan.items:
        it.pop("kind", None)
        it["n_chars"] = len(re.sub(r"\s", "", it["text"]))
        it["truncated"] = False
    if plan.items:
        last = plan.items[-1]
        if not re.search(r"[。！？!?”）)；;]\s*$", last["text"]):
            last["truncated"] = True


def _para_at(paras: list[Paragraph], body: str, line_index: int) -> int | None:
    """Index in ``paras`` of the ``line_index``-th non-empty line of ``body``."""
    pos, n = 0, -1
    for line in body.split("\n"):
        if line.strip():
            n += 1
            if n == line_index:
                start = pos + len(line) - len(line.lstrip())
                return next(
                    (i for i, p in enumerate(paras) if p.start <= start < max(p.end, p.start + 1)), None
                )
        pos += len(line) + 1
    return None


def _guess_title(paras: list[Paragraph]) -> int | None:
    """The first title-like paragraph among the opening ones: a plan title, else a short heading-like line."""
    head = paras[:8]
    for i, p in enumerate(head):
        if is_title(p.text):
            return i
    for i, p in enumerate(head):
        t = p.text.strip()
        if re.search(r"\.(?:docx?|pdf|txt)|[•·]", t, re.IGNORECASE):
            continue
        if 4 <= len(t) <= 40 and not p.marker and not re.search(r"[。；;！？!?，,：:]$|[。，]", t):
            if re.search(r"计划|要点|安排|方案|规划|意见|通知|总结|汇报|报告|思路", t):
                return i
    return None


def _summary_range(paras: list[Paragraph], title_para: int | None) -> tuple[int, int] | None:
    """Paragraphs [a, b) holding a summary of last year before the plan (``总结`` … ``计划``).

    A document whose own title is a summary (``2022年村妇联工作总结汇报``) is a summary
    throughout: its closing "next steps" section does not make it a plan.
    """
    if title_para is not None:
        t = paras[title_para].text
        if SUMMARY_RE.search(t) and not TITLE_RE.search(t):
            return None
    start = None
    for i, p in enumerate(paras):
        t = p.text
        if len(t) > 40 or "。" in t:
            continue
        if start is None:
            if (
                i != title_para
                and SUMMARY_RE.search(t)
                and not TITLE_RE.search(t)
                and (not p.marker or p.marker[0] <= 2)
            ):
                start = i
        elif (is_title(t) or (p.marker and PLAN_HEAD_RE.search(t))) and not SUMMARY_RE.search(t):
            if paras[start].marker and p.marker and paras[start].marker[0] != p.marker[0]:
                continue
            return start, i
    return None


def _finish(plan: ParsedPlan, body: str, summary_block: dict | None) -> None:
    """Add the summary block, order the blocks, mark the part of every unit, build sentences."""
    for b in plan.blocks:
        b["part"] = "plan"
    if summary_block is not None:
        summary_block["part"] = "summary"
        plan.blocks.append(summary_block)
    plan.blocks.sort(key=lambda b: b["start"])
    for unit in (*plan.sections, *plan.items):
        unit["part"] = "plan"
    plan.sentences = _sentences(body, plan.blocks)


def _subdoc_meta(plan: ParsedPlan, body: str, summary_block: dict | None) -> dict:
    """Number the documents of a multi-document page (篇1, 篇2 …) and flag the page."""
    starts = []
    pos = 0
    for line in body.split("\n"):
        if SUBDOC_RE.match(line.strip()):
            starts.append(pos)
        pos += len(line) + 1
    if len(starts) < 2:
        starts = []

    def subdoc(offset: int) -> int:
        return max(1, sum(1 for s in starts if s <= offset))

    for unit in (*plan.blocks, *plan.sections, *plan.items, *plan.sentences):
        unit["subdoc"] = subdoc(unit["start"])
    combined = any(
        b["kind"] == "title" and _COMBINED_TITLE.search(b["text"]) for b in plan.blocks
    )  # 2022年工作总结及2023年工作计划, even when the plan part is not in the copy
    return {"n_subdocs": max(1, len(starts)), "has_summary": summary_block is not None or combined}


_COMBINED_TITLE = re.compile(r"总结.{0,6}(?:及|和|与|暨|、).{0,14}(?:计划|要点|安排|打算)")


def _label(p: Paragraph) -> str:
    kind, number = p.marker[1], p.marker[2]
    return {
        "part": f"第{number}部分",
        "ordinal": f"第{number}",
        "padded": number,
        "shi": f"{number}是",
        "cn": number,
        "paren_cn": f"（{number}）",
        "arabic": number,
        "paren_arabic": f"（{number}）",
    }.get(kind, "—")


def _block(kind, start, end, body, section_id=None, item_no=None) -> dict:
    return {
        "kind": kind,
        "start": start,
        "end": end,
        "text": body[start:end],
        "section_id": section_id,
        "item_no": item_no,
    }


def _sentences(body: str, blocks: list[dict]) -> list[dict]:
    out = []
    for b in blocks:
        part = b.get("part", "plan")
        text = b["text"]
        for m in SENTENCE_RE.finditer(text):
            seg = m.group()
            if not seg.strip():
                continue
            lead = len(seg) - len(seg.lstrip())
            s = b["start"] + m.start() + lead
            e = b["start"] + m.start() + len(seg.rstrip())
            out.append(
                {
                    "block": b["kind"],
                    "section_id": b["section_id"],
                    "item_no": b["item_no"],
                    "start": s,
                    "end": e,
                    "text": body[s:e],
                    "part": part,
                }
            )
    return out


def _metadata(body: str, paras: list[Paragraph], title_para: int | None, first_struct: int) -> dict:
    """Metadata inferred from the text: title, year, 文号, date, issuer."""
    meta: dict = {"title": None, "year": None, "doc_number": None, "issued_date": None, "issuer": None}
    front = paras[: title_para if title_para is not None else first_struct]
    front_text = "\n".join(p.text for p in front)
    placeholder = False
    if title_para is not None:
        title = re.sub(r"\s+", "", paras[title_para].text)
        meta["title"] = title
        m = TITLE_RE.search(title)
        y = m.group(1) if m else None
        if m:  # 2022年工作总结及2023年工作计划: the plan's year is the one next to 计划
            later = re.findall(r"(?:19|20)\d{2}", m.group(0)[len(m.group(1)) :])
            y = later[-1] if later else y
        if y and PLACEHOLDER_YEAR_RE.fullmatch(y):
            y, placeholder = None, True
        elif y and not y.isdigit():
            y = str(cn_to_int(y))
        meta["year"] = int(y) if y and y.isdigit() else None
        m2 = re.match(r"(.*?)(?:\d{4}|[二〇零一三四五六七八九]{4})年", title)
        if m2 and m2.group(1):
            meta["issuer"] = m2.group(1)
    meta["doc_number"] = find_doc_number(front_text)
    dates = [parse_date(p.text) for p in front if len(p.text) <= 25]
    dates = [d for d in dates if d]
    if dates:
        meta["issued_date"] = dates[-1]
        # the signature line just above the date names the issuing body
        for i, p in enumerate(front):
            if parse_date(p.text) == dates[-1] and i > 0 and len(front[i - 1].text) <= 25:
                sig = front[i - 1].text.strip()
                if _TRAILER_RE.match(sig):
                    meta["issuer"] = re.sub(r"\s+", "", sig)
    meta["year_source"] = "title" if meta["year"] is not None else ("placeholder" if placeholder else None)
    if meta["year"] is None and not placeholder:
        # no title: the first year stated in the plan's opening (not in a web menu)
        opening = "\n".join(p.text for p in paras[first_struct - 1 : first_struct]) if first_struct else ""
        years = YEAR_RE.findall(opening)
        if years:
            meta["year"], meta["year_source"] = int(years[0]), "preamble"
    return meta
