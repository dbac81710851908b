"""Readers for the formats plans come in: Word (.docx, legacy .doc), PDF and web pages.

Each reader returns the **extracted text** and a list of :class:`analysis.clean.Edit`
removals in that text's coordinates (running headers of a PDF, navigation of a web page).
The extracted text is the "raw" text of the lossless guarantee: ``Corpus.raw_text`` rebuilds
it exactly from the body and the removal log.

- ``.docx``: paragraphs and table cells in document order, with Word's **automatic list
  numbering** recovered from ``word/numbering.xml`` (``chineseCounting`` → 一、,
  ``decimal`` → 1., ``ideographTraditional`` → 甲 …), which plain extraction loses.
- ``.pdf``: the text layer, page by page (pypdf); lines repeated at the top or bottom of
  most pages are running headers/footers, and page numbers are removed and recorded. A PDF
  without a text layer is reported as a scan.
- ``.html``/``.htm``: the visible text of the page, block by block; the main text is found
  by trafilatura, and every other line is recorded as ``html_navigation``.
- ``.doc``: converted by ``antiword`` or ``catdoc`` when one is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from .clean import Edit

_CJK = re.compile(r"[\u3400-\u9fff]")


class ReaderError(ValueError):
    """A file of a supported format that cannot be read; the message says why."""


# --------------------------------------------------------------------------------------
# Word (.docx)

_CN = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _cn_number(n: int) -> str:
    """Chinese counting numerals: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _cn_number(rest) if rest < 10 else _cn_number(rest))
    return _CN[n // 100] + "百" + tail


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified"):
        return _cn_number(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= v:
            out += s
            n -= v
    return out


class _Numbering:
    """Word list numbering: counters per list and level, rendered with each level's format."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[str, dict[int, dict]] = {}  # numId -> ilvl -> {fmt, text, start}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for a in root.findall(qn("w:abstractNum")):
            lv = {}
            for lvl in a.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl")))
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                lv[ilvl] = {
                    "fmt": fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    "text": text.get(qn("w:val")) if text is not None else "",
                    "start": int(start.get(qn("w:val"))) if start is not None else 1,
                }
            abstract[a.get(qn("w:abstractNumId"))] = lv
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None and ref.get(qn("w:val")) in abstract:
                self.levels[num.get(qn("w:numId"))] = abstract[ref.get(qn("w:val"))]

    def label(self, paragraph) -> str:
        """The automatic number of a paragraph (``一、``, ``（二）``, ``3.``), or ``""``."""
        qn = self.qn
        ppr = paragraph._p.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None and paragraph.style is not None:
            sppr = paragraph.style.element.find(qn("w:pPr"))
            numpr = sppr.find(qn("w:numPr")) if sppr is not None else None
        if numpr is None:
            return ""
        num_id = numpr.find(qn("w:numId"))
        ilvl_el = numpr.find(qn("w:ilvl"))
        if num_id is None:
            return ""
        nid = num_id.get(qn("w:val"))
        ilvl = int(ilvl_el.get(qn("w:val"))) if ilvl_el is not None else 0
        levels = self.levels.get(nid)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(nid, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        spec = levels[ilvl]
        if spec["fmt"] == "bullet":
            return "● "
        if spec["fmt"] == "none":
            return ""

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            n = counters.get(k, levels.get(k, {"start": 1})["start"])
            return _format_number(n, levels.get(k, spec)["fmt"])

        return re.sub(r"%(\d)", sub, spec["text"])


def read_docx(path: str | Path) -> str:
    """Text of a ``.docx`` file, paragraphs and table cells in order, list numbers recovered.

    Examples
    --------
    >>> _cn_number(12), _cn_number(20), _format_number(3, "ideographTraditional")
    ('十二', '二十', '丙')
    """
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise ReaderError(f"not a readable Word .docx file ({type(exc).__name__}: {exc})") from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = Paragraph(child, document)
            lines.append(numbering.label(p) + p.text)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        lines.append(numbering.label(p) + p.text)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# PDF

_PAGE_NO = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4})?(?:\s*页)?[-—–\s]*$")


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def read_pdf(path: str | Path) -> tuple[str, list[Edit]]:
    """Text layer of a PDF, pages joined by newlines, with running headers, footers and page numbers as edits.

    Raises
    ------
    ReaderError
        If the PDF cannot be opened, is encrypted, or has no text layer (a scan).
    """
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise ReaderError("encrypted PDF; save an unprotected copy first")
        pages = [
            (page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n") for page in reader.pages
        ]
    except ReaderError:
        raise
    except Exception as exc:
        raise ReaderError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages or sum(len(_CJK.findall(p)) for p in pages) < 20:
        raise ReaderError("scanned PDF (no text layer); run OCR on it first")
    page_lines = [[ln for ln in p.split("\n")] for p in pages]
    # running headers/footers: the same line (digits ignored) among the first/last two lines of most pages
    edge = Counter()
    for lines in page_lines:
        nonblank = [ln for ln in lines if ln.strip()]
        for ln in {*nonblank[:2], *nonblank[-2:]}:
            edge[_norm(ln)] += 1
    n_pages = len(pages)
    running = {k for k, v in edge.items() if n_pages >= 2 and v >= max(2, 0.5 * n_pages) and len(k) <= 60}
    text_parts: list[str] = []
    edits: list[Edit] = []
    pos = 0
    for lines in page_lines:
        nonblank_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set(nonblank_idx[:2] + nonblank_idx[-2:])
        for i, ln in enumerate(lines):
            start = pos
            pos += len(ln) + 1
            text_parts.append(ln)
            if i not in edges or not ln.strip():
                continue
            s = start + len(ln) - len(ln.lstrip())
            e = start + len(ln.rstrip())
            if _PAGE_NO.match(ln):
                edits.append(Edit(s, e, "", "pdf_page_number", ln.strip()))
            elif _norm(ln) in running:
                edits.append(Edit(s, e, "", "pdf_header_footer", ln.strip()))
    return "\n".join(text_parts), edits


# --------------------------------------------------------------------------------------
# HTML

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
    "header", "footer", "nav", "aside", "title", "td", "th", "dd", "dt", "blockquote", "pre", "form", "main",
}  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def html_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if any.

    >>> html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    """
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _visible_lines(html: str) -> list[str]:
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception as exc:  # lxml raises ParserError / ValueError on empty or odd documents
        raise ReaderError(f"not a readable HTML page ({exc})") from exc
    for bad in root.xpath("//script|//style|//noscript|//template|//comment()"):
        bad.drop_tree()
    chunks: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            chunks.append("\n")
        if el.text:
            chunks.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                chunks.append(child.tail)
        if block:
            chunks.append("\n")

    walk(root)
    text = "".join(chunks).replace("\xa0", " ")
    return [re.sub(r"[ \t\u3000]+", " ", ln).strip() for ln in text.split("\n") if ln.strip()]


def read_html(html: str) -> tuple[str, list[Edit]]:
    """Visible text of a web page, one block per line, with lines outside the main text as edits.

    The main text is what trafilatura extracts (``favor_recall``); a line of the page that is
    not part of it (menus, breadcrumbs, footers, related links) becomes an
    ``html_navigation`` edit, so the page text stays recoverable.
    """
    import trafilatura

    lines = _visible_lines(html)
    if not lines:
        raise ReaderError("web page with no visible text")
    main = trafilatura.extract(html, favor_recall=True, include_comments=False, include_tables=True) or ""
    main_norm = re.sub(r"\s+", "", main)
    text = "\n".join(lines)
    edits: list[Edit] = []
    if len(_CJK.findall(main)) >= 20:
        pos = 0
        for ln in lines:
            key = re.sub(r"\s+", "", ln)
            if key and key not in main_norm:
                edits.append(Edit(pos, pos + len(ln), "", "html_navigation", ln))
            pos += len(ln) + 1
    return text, edits


# --------------------------------------------------------------------------------------
# legacy Word (.doc)


def read_doc(path: str | Path) -> str:
    """Text of a legacy Word ``.doc`` through ``antiword`` or ``catdoc``.

    Raises
    ------
    ReaderError
        If neither converter is installed, or the conversion fails.
    """
    for tool, args in (("antiword", ["-m", "UTF-8.txt", "-w", "0"]), ("catdoc", ["-d", "utf-8", "-w"])):
        exe = shutil.which(tool)
        if exe:
            done = subprocess.run([exe, *args, str(path)], capture_output=True, timeout=120)
            if done.returncode == 0 and done.stdout.strip():
                return done.stdout.decode("utf-8", errors="replace")
            raise ReaderError(f"{tool} could not convert it: {done.stderr.decode('utf-8', 'replace')[:200]}")
    raise ReaderError("legacy .doc needs antiword or catdoc (apt-get install antiword), or save it as .docx")
