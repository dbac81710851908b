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


#: Most bytes a Word package may inflate to, all members together (a zip bomb stops here).
MAX_INFLATED_BYTES = 200 * 2**20


def _check_inflated_size(data: bytes, max_inflated: int) -> None:
    """Refuse a zip package that inflates to more than ``max_inflated`` bytes, without inflating it.

    The declared sizes of the members are summed first; then every member is inflated as a
    stream, 1 MB at a time and thrown away, counting bytes, and stopped as soon as the budget
    is spent, so a package whose headers lie is stopped too. Memory stays at one chunk.
    """
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > max_inflated:
                raise ReaderError(
                    f"Word package would inflate to {declared / 2**20:,.0f} MB, over the limit of "
                    f"{max_inflated / 2**20:,.0f} MB (a zip bomb?); not read"
                )
            spent = 0
            for info in infos:
                with zf.open(info) as member:
                    while chunk := member.read(1 << 20):
                        spent += len(chunk)
                        if spent > max_inflated:
                            raise ReaderError(
                                f"Word package inflates to more than {max_inflated / 2**20:,.0f} MB "
                                "(its headers understate it: a zip bomb?); not read"
                            )
    except ReaderError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            RuntimeError) as exc:  # fmt: skip
        raise ReaderError(
            f"damaged Word .docx file: not a valid zip package ({type(exc).__name__}: {exc})"
        ) from exc
    except Exception as exc:  # zlib.error and others from a corrupt stream
        raise ReaderError(f"damaged Word .docx file ({type(exc).__name__}: {exc})") from exc


def read_docx(source: str | Path | bytes, *, max_inflated: int | None = None) -> str:
    """Text of a ``.docx`` file, paragraphs and table cells in order, list numbers recovered.

    ``source`` is a path or the file's bytes. The package is checked against
    ``max_inflated`` (default :data:`MAX_INFLATED_BYTES`, see :func:`_check_inflated_size`)
    before python-docx opens it; its XML
    is parsed by python-docx's parser, which resolves no entities.

    Raises
    ------
    ReaderError
        If the file is not a zip package (damaged), has no Word document in it, or would
        inflate to more than ``max_inflated`` bytes.

    Examples
    --------
    >>> _cn_number(12), _cn_number(20), _format_number(3, "ideographTraditional")
    ('十二', '二十', '丙')
    >>> read_docx(b"PK\\x03\\x04 not really a zip")
    Traceback (most recent call last):
    ...
    analysis.readers.ReaderError: damaged Word .docx file: not a valid zip package (BadZipFile: File is not a zip file)
    """
    import io

    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    _check_inflated_size(data, MAX_INFLATED_BYTES if max_inflated is None else max_inflated)
    try:
        document = docx.Document(io.BytesIO(data))
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


def read_pdf(source: str | Path | bytes) -> tuple[str, list[Edit]]:
    """Text layer of a PDF, pages joined by newlines, with running headers, footers and page numbers as edits.

    ``source`` is a path or the file's bytes. pypdf's own complaints about a damaged file
    (its ``pypdf`` logger) are kept off stderr while it reads: what matters is reported as a
    :class:`ReaderError`.

    Raises
    ------
    ReaderError
        If the PDF cannot be opened, is encrypted, or has no text layer (a scan).
    """
    import io
    import logging

    import pypdf

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return _read_pdf(
            io.BytesIO(source if isinstance(source, bytes) else Path(source).read_bytes()), pypdf
        )
    finally:
        logger.setLevel(level)


def _read_pdf(stream, pypdf) -> tuple[str, list[Edit]]:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(stream)
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
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def html_charset(data: bytes) -> str | None:
    """The charset a page declares: ``<meta charset>``, the HTTP-style ``<meta http-equiv>``, or
    an XML declaration (XHTML). A declaration is only a claim: :func:`analysis.io.read_plan_file`
    checks the text it gives like any other decode.

    >>> html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    >>> html_charset(b'<?xml version="1.0" encoding="GBK"?><html>')
    'gbk'
    """
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii").lower() if m else None


_SKIP_TAGS = {"script", "style", "noscript", "template"}
#: Blocks a browser never shows, cut out before parsing: their content can exceed libxml2's
#: limits (a 10 MB inline script) and, with comments outside ``<html>``, upset lxml's tree.
_HIDDEN = (("<script", "</script"), ("<style", "</style"), ("<!--", "-->"))
_DATA_URI = re.compile(r"""\bdata:[^\s"'<>()]{64,}""", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!doctype\b", re.IGNORECASE)


def _cut_hidden(html: str) -> str:
    """The page without scripts, styles, comments, the DOCTYPE (and its internal subset) and the
    bodies of ``data:`` URIs, in one pass each (an unclosed block runs to the end, as in a browser).

    >>> _cut_hidden('<!-- saved from url=(0014)about:internet --><html><script>x<y</script><p>正文</p></html><!-- end')
    '<html><p>正文</p></html>'
    >>> _cut_hidden('<!DOCTYPE html [<!ENTITY a "b">]><p>x</p>')
    '<p>x</p>'
    """
    lower = html.lower()
    out: list[str] = []
    pos = 0
    nxt = {open_: lower.find(open_) for open_, _ in _HIDDEN}  # next place of each opener, kept
    while True:
        for open_ in nxt:  # search again only an opener passed over: linear in the page
            if -1 < nxt[open_] < pos:
                nxt[open_] = lower.find(open_, pos)
        found = [(nxt[open_], open_, close) for open_, close in _HIDDEN if nxt[open_] != -1]
        if not found:
            break
        at, open_, close = min(found)
        if open_ != "<!--" and lower[at + len(open_) : at + len(open_) + 1].isalnum():
            out.append(html[pos : at + len(open_)])  # <scripts>, <styler>: not the tag
            pos = at + len(open_)
            continue
        out.append(html[pos:at])
        stop = lower.find(close, at + len(open_))
        if stop == -1:
            pos = len(html)
            break
        gt = lower.find(">", stop) if close != "-->" else stop + 2
        pos = len(html) if gt == -1 else gt + 1
    out.append(html[pos:])
    html = "".join(out)
    m = _DOCTYPE.search(html)
    if m:
        # <!DOCTYPE …> or <!DOCTYPE … [ internal subset ]>
        gt = html.find(">", m.end())
        bracket = html.find("[", m.end())
        if bracket != -1 and (gt == -1 or bracket < gt):
            close = html.find("]", bracket)
            gt = html.find(">", close) if close != -1 else -1
        html = html[: m.start()] + ("" if gt == -1 else html[gt + 1 :])
    return _DATA_URI.sub("data:", html)


def _visible_lines(html: str) -> list[str]:
    """Visible text of a page, one block per line.

    Scripts, styles, comments and ``data:`` bodies are cut out first (:func:`_cut_hidden`);
    the page is parsed with ``huge_tree`` (no libxml2 size or depth limit drops content) and
    walked without recursion, so deep nesting loses nothing either.
    """
    from lxml import etree

    html = _cut_hidden(html)
    if not html.strip():
        raise ReaderError("web page with no visible text")
    # plain etree elements (no lxml.html class lookup per element): the walk only reads tags and text
    parser = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(html, parser=parser)
    except Exception as exc:  # lxml raises XMLSyntaxError / ValueError on odd documents
        raise ReaderError(f"not a readable HTML page ({type(exc).__name__}: {exc})") from exc
    if root is None:
        raise ReaderError("web page with no visible text")
    chunks: list[str] = []
    # an explicit stack of (element, entering?): text and children on entry, tail after
    stack: list[tuple[object, bool]] = [(root, True)]
    while stack:
        el, entering = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if not entering:
            if block:
                chunks.append("\n")
            if el.tail and el is not root:
                chunks.append(el.tail)
            continue
        if not tag or tag in _SKIP_TAGS:  # comments, processing instructions, hidden blocks
            if el.tail and el is not root:
                chunks.append(el.tail)
            continue
        if block:
            chunks.append("\n")
        if el.text:
            chunks.append(el.text)
        stack.append((el, False))
        stack.extend((child, True) for child in reversed(el))
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
    try:
        main = (
            trafilatura.extract(
                _cut_hidden(html), favor_recall=True, include_comments=False, include_tables=True
            )
            or ""
        )
    except Exception:  # noqa: BLE001 - the main-text finder is a refinement: without it no line is navigation
        main = ""
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


def read_doc(source: str | Path | bytes) -> str:
    """Text of a legacy Word ``.doc`` through ``antiword`` or ``catdoc``.

    ``source`` is a path or the file's bytes (written to a private temporary file for the
    converter, so the bytes converted are the bytes read).

    Raises
    ------
    ReaderError
        If neither converter is installed, or the conversion fails.
    """
    if isinstance(source, bytes):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "plan.doc"
            path.write_bytes(source)
            return read_doc(path)
    path = Path(source)
    for tool, args in (("antiword", ["-m", "UTF-8.txt", "-w", "0"]), ("catdoc", ["-d", "utf-8", "-w"])):
        exe = shutil.which(tool)
        if exe:
            done = subprocess.run([exe, *args, str(path)], capture_output=True, timeout=120)
            if done.returncode == 0 and done.stdout.strip():
                return done.stdout.decode("utf-8", errors="replace")
            raise ReaderError(f"{tool} could not convert it: {done.stderr.decode('utf-8', 'replace')[:200]}")
    raise ReaderError("legacy .doc needs antiword or catdoc (apt-get install antiword), or save it as .docx")
