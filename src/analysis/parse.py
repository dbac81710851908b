"""Parsing a cleaned plan body into blocks, sections, items and sentences.

Every non-whitespace character of the body belongs to exactly one block
(``cover``, ``title``, ``preamble``, ``heading``, ``section_text``, ``item``,
``trailer`` or, for a document that is not structured as a plan,
``unstructured``). Sections are the headings above the item level; items are
the lowest numbered or bulleted units.
"""

from __future__ import annotations

import bisect
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


def parse_plan(
    body: str,
    title_para: int | None = None,
    bold_starts: frozenset[int] | set[int] = frozenset(),
    join_at: frozenset[int] | set[int] = frozenset(),
) -> ParsedPlan:
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
    bold_starts : set of int, optional
        Body offsets where Markdown bold markup was removed. A government work report
        (:func:`is_report`) is parsed by :func:`parse_report`.
    join_at : set of int, optional
        Body offsets of the cleaner's page-break joins (used for reports only).

    Examples
    --------
    >>> p = parse_plan("某市2023年工作要点\\n总体思路是：奋斗。\\n一、引领\\n1.学习。做好。\\n2.宣传。做好。")
    >>> [(s["marker"], s["title"]) for s in p.sections]
    [('一、', '引领')]
    >>> [(i["item_no"], i["path"], i["title"]) for i in p.items]
    [(1, '一/1', '学习'), (2, '一/2', '宣传')]
    """
    paras = _paragraphs(body)
    if is_report(paras):
        return parse_report(body, bold_starts, join_at)
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
    used_ids: set[str] = set()

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
            if sid in used_ids:  # numbering restarted under one parent (（一）…（三）, （一）… again)
                k = 2
                while f"{sid}_{k}" in used_ids:
                    k += 1
                sid = f"{sid}_{k}"
            used_ids.add(sid)
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
    _section_spans(plan)
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


def _section_spans(plan: ParsedPlan) -> None:
    """A section's ``span_end``: the end of the last block it holds (its heading, text, items,
    sub-sections), up to the next section of the same or a higher level; never the trailer.
    (``start``/``end`` are the heading's.)"""
    secs = sorted(plan.sections, key=lambda x: x["start"])
    blocks = sorted((b for b in plan.blocks if b["kind"] != "trailer"), key=lambda b: b["start"])
    for i, sec in enumerate(secs):
        nxt = next((t["start"] for t in secs[i + 1 :] if t["level"] <= sec["level"]), None)
        inside = [
            b["end"] for b in blocks if b["start"] >= sec["start"] and (nxt is None or b["start"] < nxt)
        ]
        sec["span_end"] = max(inside, default=sec["end"])


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

    units = (*plan.blocks, *plan.sections, *plan.items, *plan.sentences)
    for unit in units:  # the documents that start at or before the unit (starts are in order)
        unit["subdoc"] = max(1, bisect.bisect_right(starts, unit["start"])) if starts else 1
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
    meta["genre"] = genre_of(meta["title"], "\n".join(p.text for p in paras[: first_struct + 1]))
    meta["year_source"] = "title" if meta["year"] is not None else ("placeholder" if placeholder else None)
    if meta["year"] is None and not placeholder:
        # no title: the first year stated in the plan's opening (not in a web menu)
        opening = "\n".join(p.text for p in paras[first_struct - 1 : first_struct]) if first_struct else ""
        years = YEAR_RE.findall(opening)
        if years:
            meta["year"], meta["year_source"] = int(years[0]), "preamble"
    return meta


#: Genres, in the order they are tested on a title (a 工作要点 title wins over its 通知 cover).
GENRES: list[tuple[str, re.Pattern[str]]] = [
    ("政府工作报告", re.compile(r"政府工作报告")),
    ("工作要点", re.compile(r"要点")),
    ("工作计划", re.compile(r"计划|工作安排|工作思路|工作打算")),
    ("总结", re.compile(r"总结|工作回顾|述职")),
    ("规划", re.compile(r"规划|纲要")),
    ("方案", re.compile(r"方案")),
    ("通知", re.compile(r"通知|通告|公告")),
]


def genre_of(title: str | None, opening: str = "") -> str | None:
    """The genre of a document from its title, else its opening lines; None when neither says.

    A title that names none of :data:`GENRES` gives ``"other"``; a combined
    ``…总结及…计划`` is a plan (its plan part is what is read).

    >>> genre_of("共青团某市委2023年工作要点"), genre_of("2022年工作总结及2023年工作计划")
    ('工作要点', '工作计划')
    >>> genre_of("关于印发《某某实施方案》的通知"), genre_of("某某讲话"), genre_of(None)
    ('方案', 'other', None)
    """
    for text in (title, opening):
        if not text:
            continue
        t = re.sub(r"\s+", "", text)
        if text is title and "印发" in t:  # 关于印发《…方案》的通知: the document inside
            inner = re.search(r"《([^》]+)》", t)
            t = inner.group(1) if inner else t
        if re.search(r"总结.{0,6}(?:及|和|与|暨|、).{0,14}(?:计划|要点|安排|打算)", t):
            return "工作计划"
        for name, rx in GENRES:
            if rx.search(t):
                return name
        if text is title:
            return "other"
    return None


# ---------------------------------------------------------------------------
# Government work reports (政府工作报告)
# ---------------------------------------------------------------------------

_DATE_TXT = r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日)"
#: The dating line: ``——2023年1月15日在北京市第十六届人民代表大会第一次会议上`` (dashes or brackets optional).
DATING_RE = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{0,12}}政府工作报告)?[（(—─\-－\s*]*({_DATE_TXT})\s*在?\s*(.{{0,40}}?)(?:第\s*[{'一二三四五六七八九十百零〇'}\d]+\s*届)?\s*"
    r"(?:全国)?(?:人民代表大会|人大)"
)
#: The dating line with the date after the meeting: ``在四川省第十二届人民代表大会第五次会议上（2017年1月16日）``.
DATING_AFTER_RE = re.compile(
    rf"^[（(—─\-－\s*]*在\s*(.{{0,40}}?)(?:第\s*[{'一二三四五六七八九十百零〇'}\d]+\s*届)?\s*(?:全国)?"
    rf"(?:人民代表大会|人大).{{0,24}}?会议上\s*[（(]?\s*({_DATE_TXT})"
)


def _match_dating(text: str) -> tuple[str, str] | None:
    """(date, place) of a dating line, date first or last; None if ``text`` is not one."""
    m = DATING_RE.match(text)
    if m:
        return m.group(1), m.group(2)
    m = DATING_AFTER_RE.match(text)
    return (m.group(2), m.group(1)) if m else None


#: The speaker line: ``四川省人民政府省长 黄强``, ``国务院总理　李克强``, ``北京市代市长 殷勇``.
SPEAKER_RE = re.compile(
    r"^(?P<org>[\u4e00-\u9fff（）()]{0,30}?)(?P<office>代理?(?:省长|市长|总理|主席|州长|盟长|专员)|"
    r"(?:副)?(?:省长|市长|总理|主席|州长|盟长|专员))[\s\u3000]*(?P<name>[\u4e00-\u9fff·][\u4e00-\u9fff·\s\u3000]{1,8})$"
)
_MANDATE_RE = re.compile(r"我\s*代表\s*(.{0,25}?)人民政府")
#: Part headings of a report, by label (checked in this order).
REPORT_PARTS: list[tuple[str, re.Pattern[str]]] = [
    (
        "glossary",
        re.compile(r"^(?:附[：:]?\s*)?(?:名词(?:解释|注释|释义)|注释|注解|释义|词语解释|有关名词解释)"),
    ),
    ("annex", re.compile(r"^(?:附件|附表|附录|附[：:])")),
    (
        "self_building",
        re.compile(
            r"自身建设|政府建设|政府职责|人民满意的|建设.{0,8}政府$|政府.{0,4}使命|政府治理|政府.{0,4}能力|"
            r"服务型政府|法治政府|廉洁政府|行政能力|政风"
        ),
    ),
    ("review", re.compile(r"回顾|过去.{0,4}年|工作总结|成绩|成就|届政府工作|本届政府|(?:19|20)\d{2}年工作$")),
    (
        "targets",
        re.compile(
            r"今后五年|未来五年|今后一个时期|十[一二三四五六七八九]五|主要目标|发展目标|目标任务|总体要求|"
            r"奋斗目标|远景目标|工作思路|指导思想|总体部署"
        ),
    ),
    (
        "plan",
        re.compile(
            r"工作安排|重点工作|工作任务|主要任务|年工作|政府工作的建议|工作建议|安排建议|重点任务|工作部署|"
            r"重点抓好|展望|做好.{0,10}工作|主要工作"
        ),
    ),
]
_END_NOTE = re.compile(r"^[（(]?(?:来源|稿源|编辑|责任编辑|责编|作者|审核|本文有删减|原文|转自|摘自)")


def _report_label(text: str) -> str | None:
    t = re.sub(r"^[一二三四五六七八九十]{1,3}\s*[、．.]\s*", "", text.strip())
    for label, rx in REPORT_PARTS:
        if rx.search(t):
            return label
    return None


def is_report(paras: list[Paragraph]) -> bool:
    """True if the opening reads like a government work report (dating line at a people's congress,
    or ``各位代表`` / ``我代表…人民政府`` near a ``政府工作报告`` title)."""
    head = paras[:15]
    if any(_match_dating(p.text) for p in head):
        return True
    text = "\n".join(p.text[:200] for p in paras[:25])
    if "政府工作报告" in text and ("各位代表" in text or bool(_MANDATE_RE.search(text))):
        return True
    greeting = any(re.match(r"^各位代表[：:！!]?$", p.text.strip()) for p in paras[:8])
    return greeting and bool(
        re.search(r"我\s*代表.{0,25}(?:人民政府|国务院).{0,6}向大会(?:作政府工作)?报告", text)
    )


def _split_long(body: str, paras: list[Paragraph], bold_starts=frozenset()) -> list[Paragraph]:
    """A report written on one or a few lines: cut before inline 一、/（一） headings and 各位代表,
    and around inline bold headings (``**一、…**``: where the bold markup was)."""
    head_rx = re.compile(r"[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,3}[)）]")
    rx = re.compile(
        r"(?<=[。！？：”」；\s])\s*(?=(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,3}[)）]|各位代表[：:！!]))"
    )
    out: list[Paragraph] = []
    for p in paras:
        if len(p.text) < 1500:
            out.append(p)
            continue
        cuts = [m.end() for m in rx.finditer(p.text)]
        marks = sorted(b - p.start for b in bold_starts if p.start < b < p.end)
        for n, m in enumerate(marks):
            if head_rx.match(p.text, m):
                cuts.append(m)
                close = marks[n + 1] if n + 1 < len(marks) else None
                if close is not None and close - m <= 60:
                    cuts.append(close)
        cuts = sorted(set(cuts))
        bounds = [0, *[c for c in cuts if 0 < c < len(p.text)], len(p.text)]
        for a, b in zip(bounds, bounds[1:]):
            piece = p.text[a:b]
            lead = len(piece) - len(piece.lstrip())
            s, e = p.start + a + lead, p.start + a + len(piece.rstrip())
            if e > s:
                out.append(Paragraph(s, e, body[s:e], match_marker(body[s:e])))
    return out


def _report_heading(p: Paragraph, bold: bool) -> str | None:
    """Label of a part heading, "other" for an unlabelled numbered top-level heading, else None."""
    t = p.text.strip()
    numbered = p.marker is not None and p.marker[1] == "cn"
    short = len(t) <= (60 if numbered else 45) and not re.search(r"[。；！？]", t[:-1])
    if not short:
        return None
    label = _report_label(t)
    if numbered:
        return label or "other"
    if p.marker is not None and p.marker[1] not in ("arabic",):  # （八）建设…政府 is a priority, not a part
        return None
    if label in ("glossary", "annex") and len(t) <= 30:
        return label  # 注释：, 附件1：
    if label and (bold or len(t) <= 30) and not re.search(r"[，,：:]|[。：:]$", t):
        return label
    return None


def parse_report(
    body: str,
    bold_starts: frozenset[int] | set[int] = frozenset(),
    join_at: frozenset[int] | set[int] = frozenset(),
) -> ParsedPlan:
    """Parse a government work report into its parts, priorities and front matter.

    Parts (``review``, ``targets``, ``plan``, ``self_building``, ``glossary``, ``annex``) are
    recognised from their headings (numbered ``一、…``, bold or plain short lines). The review
    becomes one ``summary`` block (as the summary of a plan does); the glossary and each annex
    one block of kind ``glossary`` / ``annex`` (never items or sections). Targets, plan and
    self-building headings are top-level sections. The priorities are the items: the
    ``（一）…`` paragraphs of the plan part; else its numbered top-level headings; else its
    bold-led paragraphs. ``第一，`` and ``一是`` paragraphs stay inside their item. The dating
    line, the speaker and ``各位代表`` are the ``cover``; ``我代表…`` and what follows up to the
    first part is the ``preamble`` (or the review when it reviews the past year without a heading).

    Parameters
    ----------
    body : str
        Cleaned text.
    bold_starts : set of int
        Body offsets where Markdown bold markup was removed (a bold lead marks a priority
        when nothing else does).
    join_at : set of int
        Body offsets where the cleaner joined two lines (``page_break_join``); a part heading
        glued to the paragraph after it is cut off again there.

    Examples
    --------
    >>> body = ("——2023年1月15日在某某省第十四届人民代表大会第一次会议上\\n四川省人民政府省长 张三\\n"
    ...         "各位代表：\\n现在，我代表省人民政府，向大会报告工作。\\n一、2022年工作回顾\\n过去一年成绩显著。\\n"
    ...         "二、2023年工作安排\\n（一）扩大内需。做好。\\n第一，要消费。\\n（二）稳定就业。做好。\\n名词解释\\n1.双减：减负。")
    >>> p = parse_report(body)
    >>> [i["title"] for i in p.items], p.meta["parts"], p.meta["issued_date"], p.meta["speaker"]
    (['扩大内需', '稳定就业'], ['review', 'plan', 'glossary'], '2023-01-15', '张三')
    """
    paras = _split_joined_headings(body, _split_long(body, _paragraphs(body), bold_starts), join_at)
    plan = ParsedPlan()
    meta = _report_meta(paras)
    # front matter: up to and including the 各位代表 line (or the dating/speaker lines)
    front_end = 0
    for i, p in enumerate(paras[:14]):
        t = p.text.strip()
        if _report_heading(p, p.start in bold_starts) or (len(t) > 60 and not _match_dating(t)):
            break
        if (
            _match_dating(t)
            or SPEAKER_RE.match(re.sub(r"[\s\u3000]+", " ", t))
            or re.match(r"^各位代表[：:！!，,]?$", t)
            or ("政府工作报告" in t and len(t) <= 40)
        ):
            front_end = i + 1
    title_i = next(
        (i for i in range(front_end) if "政府工作报告" in paras[i].text and len(paras[i].text) <= 40), None
    )
    for i in range(front_end):
        kind = "title" if i == title_i else "cover"
        plan.blocks.append(_block(kind, paras[i].start, paras[i].end, body))
    if title_i is not None:  # 政府工作报告——2024年1月28日在…: the title is before the dating line
        meta["title"] = re.sub(r"\s+", "", paras[title_i].text).split("——")[0] or None
    paras_join = _join_report_headings(body, paras[front_end:])
    paras = paras[:front_end] + paras_join
    # part headings
    rest = paras[front_end:]
    heads: list[tuple[int, str]] = []
    for j, p in enumerate(rest):
        lab = _report_heading(p, p.start in bold_starts)
        if lab is not None:
            heads.append((j, lab))
    if meta.get("year") is None:  # no dating line: the latest year the plan part names (二、2022年主要任务)
        named = [
            int(y)
            for j, lab in heads
            if lab in ("plan", "targets", "other")
            and re.search(r"任务|工作|安排|建议", rest[j].text)
            and not (lab == "targets" and re.search(r"远景|五年|规划|十[一二三四五六七八九]五", rest[j].text))
            for y in re.findall(r"((?:19|20)\d{2})\s*年", rest[j].text)
        ]
        if named:
            meta["year"], meta["year_source"] = max(named), "plan_heading"
    # a heading naming the year planned for is the plan (2022年主要工作), not the review
    if meta.get("year"):
        for n, (j, lab) in enumerate(heads):
            t = rest[j].text
            years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", t)]
            if lab in ("review", "other") and years and max(years) >= meta["year"]:
                if not re.search(r"回顾|总结|过去", t):
                    heads[n] = (j, "plan")
            elif lab == "targets" and meta["year"] in years and re.search(r"重点(?:工作|任务)|工作安排", t):
                heads[n] = (j, "plan")  # 2020年主要目标和重点任务
            elif lab in ("plan", "other") and years and max(years) < meta["year"]:
                if not re.search(r"安排|建议|任务|展望|目标|思路|要求|今后|未来", t):
                    heads[n] = (j, "review")  # 2013年主要工作 in the 2014 report
    # unlabelled headings before the review are review too (一、关于新冠肺炎疫情防控, 二、关于2019年工作)
    first_review = next((n for n, (_, lab) in enumerate(heads) if lab == "review"), None)
    first_plan = next((n for n, (_, lab) in enumerate(heads) if lab in ("plan", "targets")), len(heads))
    if first_review is not None and first_review < first_plan:
        heads = [
            (j, "review" if lab == "other" and n < first_review else lab) for n, (j, lab) in enumerate(heads)
        ]
    # an unlabelled heading takes the label of the part it continues (other after review: plan)
    labelled: list[tuple[int, str]] = []
    prev = None
    for j, lab in heads:
        if lab == "other" and prev is None and j + 1 < len(rest):
            if re.search(r"过去|年来|一年|回顾|刚刚|成绩|成就", rest[j + 1].text[:30]):
                lab = "review"  # 一、砥砺前行，书写…篇章 followed by 四年来，…
        if lab == "other" and prev in ("glossary", "annex"):
            continue  # 一、就业增收 inside an annex of 民生实事
        if lab == "other":
            lab = "plan" if prev in (None, "review", "targets", "plan") else prev
        if lab == "review" and prev in ("plan", "targets", "self_building"):
            continue  # "回顾" inside the plan part is a phrase, not a part
        if prev in ("glossary", "annex") and lab not in ("glossary", "annex"):
            continue  # numbered lines of a glossary or an annex are not parts
        labelled.append((j, lab))
        prev = lab
    plan_parts: list[str] = []
    top_no = 0
    # segments: [label, first paragraph, end paragraph, opens with a heading]
    bounds = [j for j, _ in labelled] + [len(rest)]
    segs = [[lab, bounds[k], bounds[k + 1], True] for k, (_, lab) in enumerate(labelled)]
    if segs and "plan" not in {
        x[0] for x in segs
    }:  # 今后五年工作思路和2023年重点工作: targets and plan in one
        targets = [x for x in segs if x[0] == "targets"]
        if targets:
            targets[-1][0] = "plan"
    mode = _priority_mode([p for x in segs if x[0] == "plan" for p in rest[x[1] + 1 : x[2]]],
                          [rest[x[1]] for x in segs if x[0] == "plan"], bold_starts)  # fmt: skip
    if mode == "none":  # no plan part with priorities: the last （一）…（n） run is the plan
        run = _last_paren_run(rest, segs)
        if run is not None:
            r0 = run[0]
            r1 = next((x[1] for x in segs if x[1] > run[1]), len(rest))
            kept = []
            for x in segs:
                if x[2] <= r0 or x[1] >= r1:
                    kept.append(x)
                elif x[1] < r0:
                    kept.append([x[0], x[1], r0, x[3]])
            segs = sorted([*kept, ["plan", r0, r1, False]], key=lambda x: x[1])
            mode = "paren"
    first = segs[0][1] if segs else len(rest)
    if first > 0:
        pre = rest[:first]
        intro = pre
        review_at = next(
            (
                k
                for k, p in enumerate(pre)
                if k > 0
                and re.search(
                    r"^(?:过去|\d{4}年|去年|回顾)|过去的?一年|过去五年|年来|刚刚过去|主要做了|工作回顾",
                    p.text[:40],
                )
            ),
            None,
        )
        if review_at is not None and (not segs or segs[0][0] != "review"):
            intro = pre[:review_at]
            plan.blocks.append(_block("summary", pre[review_at].start, pre[-1].end, body))
            plan.blocks[-1]["part"] = "summary"
            plan_parts.append("review")
        if intro:
            plan.blocks.append(_block("preamble", intro[0].start, intro[-1].end, body))
    # merge consecutive segments of the same review / glossary label
    merged: list[list] = []
    for x in segs:
        if merged and x[0] == merged[-1][0] and x[0] in ("review", "glossary"):
            merged[-1][2] = x[2]
        else:
            merged.append(list(x))
    for lab, i0, i1, has_head in merged:
        seg = rest[i0:i1]
        if lab not in plan_parts:
            plan_parts.append(lab)
        if lab in ("review", "glossary", "annex"):
            kind = "summary" if lab == "review" else lab
            plan.blocks.append(_block(kind, seg[0].start, seg[-1].end, body))
            plan.blocks[-1]["part"] = "summary" if lab == "review" else lab
            continue
        head = seg[0]
        if mode == "top" and lab == "plan" and has_head and head.marker and head.marker[1] == "cn":
            _report_item(plan, body, head, seg, None, None, lab)
            continue
        sid = None
        body_paras = seg
        if has_head:
            body_paras = seg[1:]
            top_no += 1
            sid = f"s{top_no}"
            title = re.sub(r"\s+", "", head.text[head.marker[3] :] if head.marker else head.text)
            marker = head.text[: head.marker[3]].strip() if head.marker else ""
            sec = {"section_id": sid, "section_no": top_no, "level": 1, "rank": 1, "marker": marker,
                   "number": cn_to_int(head.marker[2]) if head.marker and head.marker[2] else None,
                   "title": title, "parent_id": None, "path": marker.rstrip("、") or f"§{top_no}",
                   "start": head.start, "end": head.end, "span_end": seg[-1].end, "part": lab}  # fmt: skip
            plan.sections.append(sec)
            plan.blocks.append(_block("heading", head.start, head.end, body, sid))
            plan.blocks[-1]["part"] = lab
        starts = [k for k, p in enumerate(body_paras) if lab == "plan" and _is_priority(p, mode, bold_starts)]
        lead_to = starts[0] if starts else len(body_paras)
        if lead_to > 0:
            text = body_paras[:lead_to]
            plan.blocks.append(_block("section_text", text[0].start, text[-1].end, body, sid))
            plan.blocks[-1]["part"] = lab
        for n, k in enumerate(starts):
            end_k = starts[n + 1] if n + 1 < len(starts) else len(body_paras)
            _report_item(plan, body, body_paras[k], body_paras[k:end_k], sid, top_no if sid else None, lab)
    if not segs and not plan_parts and rest:
        plan.blocks.append(_block("unstructured", rest[0].start, rest[-1].end, body))
        plan.status = "unstructured"
    for b in plan.blocks:
        b.setdefault("part", "plan")
    plan.blocks.sort(key=lambda b: b["start"])
    for it in plan.items:
        it["n_chars"] = len(re.sub(r"\s", "", it["text"]))
        it["truncated"] = False
    plan.sentences = _sentences(body, plan.blocks)
    meta["parts"] = plan_parts
    meta["has_summary"] = "review" in plan_parts
    meta["n_subdocs"] = 1
    meta["truncated"] = _report_truncated(body, plan.blocks)
    for unit in (*plan.blocks, *plan.sections, *plan.items, *plan.sentences):
        unit["subdoc"] = 1
    plan.meta = meta
    if plan.status == "ok" and not plan.items and not plan.sections:
        plan.status = "unstructured"
    return plan


def _split_joined_headings(body: str, paras: list[Paragraph], join_at) -> list[Paragraph]:
    """Cut a part heading (``关于2021年重点工作``) off the text a page-break join glued it to."""
    if not join_at:
        return paras
    out: list[Paragraph] = []
    for p in paras:
        cut = next((j for j in sorted(join_at) if p.start < j < min(p.end, p.start + 46)), None)
        head = body[p.start : cut] if cut is not None else ""
        if cut is not None and "。" not in head and _report_label(head):
            out.append(Paragraph(p.start, cut, head, p.marker))
            out.append(Paragraph(cut, p.end, body[cut : p.end], match_marker(body[cut : p.end])))
        else:
            out.append(p)
    return out


def _join_report_headings(body: str, paras: list[Paragraph]) -> list[Paragraph]:
    """A numbered part heading broken over two short lines (``一、“十三五”时期及2020年`` /
    ``工作回顾``) becomes one paragraph."""
    out: list[Paragraph] = []
    k = 0
    while k < len(paras):
        p = paras[k]
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if (
            nxt is not None
            and p.marker is not None
            and p.marker[1] == "cn"
            and len(p.text) <= 30
            and not re.search(r"[。；：:，,！？]$", p.text)
            and nxt.marker is None
            and len(nxt.text) <= 20
            and not re.search(r"[。；：:，,]", nxt.text)
        ):
            out.append(Paragraph(p.start, nxt.end, body[p.start : nxt.end], p.marker))
            k += 2
        else:
            out.append(p)
            k += 1
    return out


def _is_priority(p: Paragraph, mode: str, bold_starts) -> bool:
    kind = p.marker[1] if p.marker else None
    if mode == "bold":
        return p.start in bold_starts and kind is None
    return kind == {"paren": "paren_cn", "arabic": "arabic", "ordinal": "ordinal", "cn": "cn"}.get(mode)


def _priority_mode(plan_paras: list[Paragraph], plan_heads: list[Paragraph], bold_starts) -> str:
    """How the priorities of the plan part are written: ``paren`` (（一）), ``top`` (the plan's own
    numbered top-level headings), ``bold`` leads, ``ordinal`` (第一，), ``cn`` (一、 run-in),
    ``arabic`` (1.), or ``none``."""

    def count(kind: str) -> int:
        return sum(1 for p in plan_paras if p.marker and p.marker[1] == kind)

    if count("paren_cn") >= 2:
        return "paren"
    if sum(1 for h in plan_heads if h.marker and h.marker[1] == "cn") >= 4:
        return "top"
    if sum(1 for p in plan_paras if p.start in bold_starts and not p.marker) >= 2:
        return "bold"
    for mode, kind, least in (("ordinal", "ordinal", 3), ("cn", "cn", 3), ("arabic", "arabic", 2)):
        if count(kind) >= least:
            return mode
    return "none"


def _last_paren_run(rest: list[Paragraph], segs: list[list]) -> tuple[int, int] | None:
    """The last run （一）（二）…（n）, n ≥ 3, outside glossaries, annexes and self-building: (first, last)."""
    closed = [(x[1], x[2]) for x in segs if x[0] in ("glossary", "annex", "self_building")]
    runs: list[list[int]] = []
    for k, p in enumerate(rest):
        if not (p.marker and p.marker[1] == "paren_cn") or any(a <= k < b for a, b in closed):
            continue
        n = cn_to_int(p.marker[2]) or 0
        if n == 1:
            runs.append([k, k, 1])
        elif runs and n == runs[-1][2] + 1:
            runs[-1][1], runs[-1][2] = k, n
    runs = [r for r in runs if r[2] >= 3]
    return (runs[-1][0], runs[-1][1]) if runs else None


def _report_item(
    plan: ParsedPlan, body: str, head: Paragraph, seg: list[Paragraph], sid, top_no, lab
) -> None:
    start, end = head.start, seg[-1].end
    text = body[start:end]
    mlen = head.marker[3] if head.marker else 0
    no = len(plan.items) + 1
    label = _label(head) if head.marker else f"—{no}"
    prefix = next((s["path"] for s in plan.sections if s["section_id"] == sid), None) if sid else None
    plan.items.append(
        {"item_no": no, "section_no": top_no, "section_id": sid, "path": f"{prefix}/{label}" if prefix else label,
         "marker": head.text[:mlen].strip(), "number": cn_to_int(head.marker[2]) if head.marker and head.marker[2]
         else None, "title": _lead(text[mlen:]), "text": text, "start": start, "end": end, "part": "plan"}
    )  # fmt: skip
    plan.blocks.append(_block("item", start, end, body, sid, no))
    plan.blocks[-1]["part"] = lab


def _report_truncated(body: str, blocks: list[dict]) -> bool:
    """Cut off: the main text (before any glossary or annex, without trailing source/editor
    notes) ends mid-sentence. A last line ending in ``：`` (a list announced) is not evidence."""
    main = [b for b in blocks if b["kind"] not in ("glossary", "annex")]
    if not main:
        return False
    end = max(b["end"] for b in main)
    lines = [ln.strip() for ln in body[:end].split("\n") if ln.strip()]
    while lines and (
        _END_NOTE.match(lines[-1]) or len(lines[-1]) <= 12 and not re.search("[。，]", lines[-1])
    ):
        lines.pop()
    if not lines:
        return False
    return not re.search(r"[。！？!?”’」）)：:；;…]\s*$", lines[-1])


def _report_meta(paras: list[Paragraph]) -> dict:
    """Year, issued date, place statement, speaker and office from a report's opening."""
    meta: dict = {"title": None, "year": None, "doc_number": None, "issued_date": None, "issuer": None,
                  "year_source": None, "speaker": None, "office": None, "place_text": None,
                  "genre": "政府工作报告", "conflicts": []}  # fmt: skip
    head = paras[:20]
    dating = next((p for p in head if _match_dating(p.text)), None)
    if dating is not None:
        date_text, where = _match_dating(dating.text)
        date = parse_date(date_text)
        meta["issued_date"] = date
        if date:
            y, mo = int(date[:4]), int(date[5:7])
            meta["year"] = y + 1 if mo >= 11 else y  # delivered in November or December: plans for next year
            meta["year_source"] = "dating_line"
        where = where.strip()
        if where:
            meta["place_text"] = where if where != "全国" else "国务院"
        elif "全国人民代表大会" in dating.text:
            meta["place_text"] = "国务院"
    for k, p in enumerate(head):
        t = re.sub(r"[\s\u3000]+", " ", p.text.strip().strip("*"))
        t = re.sub(r"(?<=[省市州盟])\s+(?=长)", "", t)  # 省 长 吴晓军
        sm = SPEAKER_RE.match(t)
        if sm is None and dating is not None and k > 0 and head[k - 1] is dating:
            if re.fullmatch(
                r"[\u4e00-\u9fff]{1,2}\s?[\u4e00-\u9fff]{1,2}", t
            ):  # the name alone, under the dating line
                meta["speaker"] = t.replace(" ", "")
                break
        if sm and len(t) <= 40:
            meta["speaker"] = re.sub(r"\s+", "", sm.group("name"))
            meta["office"] = sm.group("office")
            org = sm.group("org")
            if org:
                meta["issuer"] = org if "政府" in org or org == "国务院" else org + "人民政府"
                if meta["place_text"] is None:
                    meta["place_text"] = org
            break
    if meta["place_text"] is None:
        text = "\n".join(p.text[:300] for p in paras[:30])
        mm = _MANDATE_RE.search(text)
        if mm and mm.group(1):
            meta["place_text"] = mm.group(1) + "人民政府"
    # a title year that disagrees with the dating line is reported
    title_years = []
    for p in head:
        if "政府工作报告" in p.text and len(p.text) <= 60:
            title_years += [
                int(y)
                for y in re.findall(
                    r"((?:19|20)\d{2})\s*年(?:度)?\s*(?:[\u4e00-\u9fff]{0,12})政府工作报告", p.text
                )
            ]
    if title_years:
        if meta["year"] is None:
            meta["year"], meta["year_source"] = title_years[0], "title"
        elif title_years[0] != meta["year"]:
            meta["conflicts"].append(f"year: dating line says {meta['year']}, title says {title_years[0]}")
    return meta
