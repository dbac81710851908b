"""Reading plan files: encoding detection and clear errors for bad input.

Every file in a corpus folder is either decoded into text or rejected with a
:class:`PlanReadError` that names the file and the reason. Nothing is skipped
silently.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .readers import html_charset

#: Plain-text plans.
TEXT_SUFFIXES = (".txt", ".md")
#: Every format read (see :mod:`analysis.readers`).
PLAN_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm", ".doc")
#: Default size limit per file (raise it with ``max_bytes=``); a larger file is refused by its
#: size on disk, before a byte of it is read.
MAX_BYTES = 100 * 2**20

_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _count_cjk(text: str) -> int:
    """``_count_cjk(text)`` without a string per character: what is left once CJK runs go."""
    return len(text) - len(_CJK_RUN.sub("", text))


class PlanReadError(ValueError):
    """A plan file that cannot be read; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str, digest: str | None = None):
        self.path = str(path)
        self.reason = reason
        #: :func:`file_digest` of the bytes that were judged (None if not known)
        self.digest = digest
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class DecodedFile:
    """Text of one plan file as decoded or extracted, with how.

    ``text`` is the raw text of the lossless guarantee (for Word, PDF and HTML, the extracted
    text); ``edits`` are removals the reader found in it (running headers, navigation,
    invalid bytes), which the cleaner applies and records.
    """

    path: Path
    text: str
    encoding: str
    had_bom: bool
    newline: str
    source_format: str = "txt"
    edits: tuple = ()
    invalid_bytes: tuple = ()
    #: :func:`file_digest` of the very bytes decoded (the corpus fingerprint is made of these)
    digest: str = ""


def _digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stat_digest(size: int, max_bytes: int) -> str | None:
    return f"<over the limit: {size} bytes>" if size > max_bytes else None


def file_digest(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """What the corpus fingerprint records of one file: the SHA-256 of its bytes.

    A file over ``max_bytes`` is not read: its size stands for it (it is rejected by size
    anyway). A file that cannot be opened is recorded by the error. :func:`read_plan_file`
    gives the same value for the bytes it actually decoded (``DecodedFile.digest``), so a file
    that changed between the two reads is caught.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes(b"abc")
    >>> file_digest(p)[:12], file_digest(p, max_bytes=2)
    ('ba7816bf8f01', '<over the limit: 3 bytes>')
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        over = _stat_digest(size, max_bytes)
        if over:
            return over
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return f"<unreadable: {exc.strerror or exc}>"
    return _stat_digest(len(data), max_bytes) or _digest_of(data)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(4, len(sample) // 100)


_PLAUSIBLE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\n\r\t]+")


def _plausibility(text: str) -> float:
    """Share of characters that are CJK, CJK punctuation, ASCII printable or whitespace."""
    if not text:
        return 0.0
    return (len(text) - len(_PLAUSIBLE.sub("", text))) / len(text)  # runs removed: what is left is not


def _decode(data: bytes) -> tuple[str, str, bool]:
    """Decode bytes, returning (text, encoding, had_bom)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc), enc, True
    # UTF-16 without a BOM: NUL bytes, and one byte order decodes to plausible text.
    if b"\x00" in data[:8192] and len(data) % 2 == 0:
        scored = []
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            scored.append((_plausibility(text), enc, text))
        if scored:
            score, enc, text = max(scored)
            if score >= 0.95:
                return text, enc, False
    if _looks_binary(data):
        raise ValueError("binary file (NUL or control bytes), not a text plan")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    scored = []
    for enc in ("gb18030", "big5hkscs", "cp932"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _CJK.search(text):
            scored.append((cjk_quality(text), enc, text))
    if scored:
        quality, enc, text = max(scored, key=lambda x: x[0])
        if quality >= 0.75:
            return text, enc, False
        raise ValueError(
            f"decodes only to implausible Chinese (best: {enc}, {quality:.0%} common characters); "
            "check the file's encoding"
        )
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot determine the text encoding (not UTF-8, UTF-16 or GB18030)")
    return str(best), best.encoding, False


def cjk_quality(text: str) -> float:
    """Share of the CJK characters of ``text`` that are common Chinese characters.

    A character counts as common when it, or its simplified form (OpenCC t2s), is among
    the 3,755 level-1 characters of GB 2312. Real Chinese text, simplified or traditional,
    scores above 0.9; Big5 or Shift-JIS bytes decoded as GB18030 (mojibake) score far lower.

    >>> cjk_quality("共青团工作要点") > 0.9, cjk_quality("共青團工作要點") > 0.9
    (True, True)
    """
    from .clean import _t2s

    chars = _CJK.findall(text)
    if not chars:
        return 0.0
    from collections import Counter

    counts = Counter(chars)
    conv = _t2s()
    common = 0
    for c, n in counts.items():
        simple = conv.convert(c)
        try:
            b = simple.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and 0xB0 <= b[0] <= 0xD7:
            common += n
    return common / len(chars)


def _utf8_with_errors(data: bytes, limit: int) -> tuple[str, list[tuple[int, bytes]]] | None:
    """Decode UTF-8, replacing up to ``limit`` invalid byte runs by U+FFFD; their text offsets and bytes."""
    parts: list[str] = []
    bad: list[tuple[int, bytes]] = []
    pos = 0
    length = 0
    while True:
        try:
            chunk = data[pos:].decode("utf-8")
            parts.append(chunk)
            break
        except UnicodeDecodeError as exc:
            good = data[pos : pos + exc.start].decode("utf-8")
            parts.append(good)
            length += len(good)
            bad.append((length, data[pos + exc.start : pos + exc.end]))
            parts.append("\ufffd")
            length += 1
            pos += exc.end
            if len(bad) > limit:
                return None
    return "".join(parts), bad


def implausible(text: str, encoding: str | None = None) -> str | None:
    """Why a decoded text is not plausible Chinese (mojibake), or None if it is.

    The one check every decode passes, whatever chose the encoding (a BOM, a ``<meta>``
    charset, an HTTP-style declaration, UTF-8 validity or the detector): among the characters
    that are not ASCII, at least 80 % must be CJK, CJK or full-width punctuation or general
    punctuation (:func:`_plausibility`), and the CJK characters must be common ones
    (:func:`cjk_quality` at least 0.75). A text that is all ASCII passes (it is then rejected
    for having no Chinese). Latin-1 read from UTF-8 fails the first test; UTF-8 read as
    UTF-16, or Big5 as GB2312, the second. Text that is valid UTF-8 (``encoding`` utf-8)
    is spared the second test: multi-byte UTF-8 does not arise by accident from other
    encodings, and a plan may use rare characters.

    >>> implausible("共青团2023年工作要点，深入学习。") is None
    True
    >>> implausible("共青团的工作要点".encode("utf-8").decode("utf-16-le")) is not None
    True
    >>> implausible("共青团工作要点".encode("utf-8").decode("latin-1"))
    '0% of its non-ASCII characters are Chinese or punctuation (at least 80% expected)'
    """
    rest = _ASCII.sub("", text)
    if not rest:
        return None
    share = _plausibility(rest)
    if share < 0.8:
        return f"{share:.0%} of its non-ASCII characters are Chinese or punctuation (at least 80% expected)"
    utf8 = (encoding or "").split(" ")[0].lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    if _CJK.search(rest) and not utf8:
        quality = cjk_quality(rest)
        if quality < 0.75:
            return f"only {quality:.0%} of its CJK characters are common Chinese ones (at least 75% expected)"
    return None


_ASCII = re.compile(r"[\x00-\x7f]+")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a file, refused by its size on disk first, then read with a bound."""
    try:
        size = path.stat().st_size
        over = _stat_digest(size, max_bytes)
        if over:
            raise PlanReadError(
                path,
                f"file of {size / 2**20:.0f} MB is over the limit of {max_bytes / 2**20:.0f} MB "
                "(pass max_bytes= to raise it)",
                over,
            )
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # a file that grew since stat() is still bounded
    except OSError as exc:
        raise PlanReadError(
            path, f"cannot open file ({exc.strerror or exc})", f"<unreadable: {exc.strerror or exc}>"
        ) from exc
    if len(data) > max_bytes:
        raise PlanReadError(path, f"file grew over the limit of {max_bytes / 2**20:.0f} MB while read",
                            _stat_digest(len(data), max_bytes))  # fmt: skip
    return data


def read_plan_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> DecodedFile:
    """Read one plan file and decode it.

    UTF-8 (with or without BOM), UTF-16 (with BOM, or LE/BE without) and
    GB18030/GBK are recognised; anything else goes to charset-normalizer. Whatever chose the
    encoding, the text must pass :func:`implausible`; a web page's declared charset that gives
    garbage is overruled by detection. Line endings (CRLF, CR) are normalised to ``\\n``; the
    original style is reported in ``newline``. The file is read once: ``digest`` is the
    SHA-256 of the bytes decoded, so the corpus fingerprint describes what was parsed.

    Raises
    ------
    PlanReadError
        If the file is over ``max_bytes`` (refused by size, not read), empty, binary,
        undecodable or implausible, or has no Chinese text.

    Examples
    --------
    >>> from analysis.io import read_plan_file
    >>> from analysis.corpus import default_raw_dir
    >>> read_plan_file(default_raw_dir() / "chongqing_2023.txt").encoding
    'utf-8'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    data = _read_bytes(path, max_bytes)
    digest = _digest_of(data)
    try:
        decoded = _decode_file(path, suffix, data)
    except PlanReadError as exc:
        exc.digest = digest
        raise
    return DecodedFile(**{**decoded.__dict__, "digest": digest})


def _decode_declared(data: bytes, declared: str) -> tuple[str, str, bool]:
    """Decode a page by its declared charset; if that fails or gives garbage, by detection."""
    try:
        text = data.decode(_charset_alias(declared))
    except (LookupError, UnicodeDecodeError):
        detected, encoding, had_bom = _decode(data)
        return detected, f"{encoding} (declared {declared})", had_bom
    if implausible(text, declared) is None and _count_cjk(text) >= 20:
        return text, declared, False
    try:
        detected, encoding, had_bom = _decode(data)
    except ValueError:
        return text, declared, False  # nothing better: judged as declared below
    if _count_cjk(detected) > _count_cjk(text) or implausible(text, declared):
        return detected, f"{encoding} (declared {declared})", had_bom
    return text, declared, False


def _decode_file(path: Path, suffix: str, data: bytes) -> DecodedFile:
    if not data.strip():
        raise PlanReadError(path, "empty file")
    if suffix in (".docx", ".pdf", ".doc"):
        return _read_document(path, suffix, data)
    edits: tuple = ()
    invalid: tuple = ()
    fmt = "html" if suffix in (".html", ".htm") else suffix.lstrip(".") or "txt"
    try:
        declared = html_charset(data) if fmt == "html" else None
        if declared:
            text, encoding, had_bom = _decode_declared(data, declared)
        else:
            text, encoding, had_bom = _decode(data)
        why = implausible(text, encoding)
        if why:
            raise ValueError(f"decoding as {encoding} gives implausible text: {why}")
    except (ValueError, UnicodeDecodeError) as exc:
        fixed = _utf8_with_errors(data, limit=max(3, len(data) // 2000))
        if fixed is None or cjk_quality(fixed[0]) < 0.75:
            raise PlanReadError(path, str(exc)) from exc
        text, bad = fixed
        encoding, had_bom = "utf-8", data.startswith(codecs.BOM_UTF8)
        if had_bom:
            text = text[1:]
            bad = [(p - 1, b) for p, b in bad]
        invalid = tuple(bad)
    if "\ufffd" in text and text.count("\ufffd") > max(len(invalid), len(text) // 100):
        raise PlanReadError(path, f"decoding as {encoding} produced replacement characters")
    newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
    if invalid:
        # offsets shift where CRLF becomes LF
        crlf = [m.start() for m in re.finditer("\r\n", text)]
        invalid = tuple((p - bisect.bisect_left(crlf, p), b) for p, b in invalid)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "html":
        from .readers import ReaderError, read_html

        try:
            text, html_edits = read_html(text)
        except ReaderError as exc:
            raise PlanReadError(path, str(exc)) from exc
        edits = tuple(html_edits)
        invalid = ()
    if invalid:
        from .clean import Edit

        edits = tuple(Edit(p, p + 1, "", "invalid_bytes", "\ufffd") for p, _ in invalid)
    if _count_cjk(text) < 20:
        raise PlanReadError(path, "no Chinese text (fewer than 20 CJK characters); not a plan")
    return DecodedFile(
        path=path, text=text, encoding=encoding, had_bom=had_bom, newline=newline,
        source_format=fmt, edits=edits, invalid_bytes=invalid,
    )  # fmt: skip


def _charset_alias(name: str) -> str:
    """Decode GB2312/GBK pages as GB18030 (a superset: pages often hold characters outside GB2312)."""
    return "gb18030" if name.replace("-", "").lower() in ("gb2312", "gbk", "gb18030", "xgbk") else name


def _read_document(path: Path, suffix: str, data: bytes) -> DecodedFile:
    """Word, PDF and legacy Word documents, from the bytes already read (the file is read once)."""
    from .readers import ReaderError, read_doc, read_docx, read_pdf

    edits: tuple = ()
    try:
        if suffix == ".docx":
            text = read_docx(data)
        elif suffix == ".pdf":
            text, pdf_edits = read_pdf(data)
            edits = tuple(pdf_edits)
        else:
            text = read_doc(data)
    except ReaderError as exc:
        raise PlanReadError(path, str(exc)) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _count_cjk(text) < 20:
        raise PlanReadError(path, "no Chinese text (fewer than 20 CJK characters); not a plan")
    fmt = suffix.lstrip(".")
    return DecodedFile(
        path=path, text=text, encoding=fmt, had_bom=False, newline="\n", source_format=fmt, edits=edits
    )


def _display_name(name: str) -> str:
    """A file name for messages: undecodable bytes (kept by Python as surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def scan_folder(folder: str | Path, *, recursive: bool = True) -> tuple[list[Path], list[dict]]:
    """Every entry of a corpus folder: the plan files to read, and the rest skipped with a reason.

    Sub-folders are read recursively (``recursive=False``: skipped with a reason). Hidden
    files and folders, symbolic links (they could point outside the folder; never followed),
    files of a type that is not read, Office lock files, and names that are not valid UTF-8
    (they cannot be recorded or shared) are skipped; ``manifest.csv`` at the top is the
    folder's metadata, not a plan.

    Returns
    -------
    (files, skipped)
        ``files`` sorted by their path relative to ``folder``; ``skipped`` rows with
        ``file`` (the path relative to ``folder``), ``path``, ``status``, ``reason``.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist; NotADirectoryError if it is a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "四川省").mkdir(); _ = (d / "四川省" / "2023.md").write_text("x")
    >>> _ = (d / "notes.csv").write_text("x")
    >>> files, skipped = scan_folder(d)
    >>> [f.relative_to(d).as_posix() for f in files], [s["file"] for s in skipped]
    (['四川省/2023.md'], ['notes.csv'])
    """
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"corpus folder not found: {folder}")
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder} (give the folder that holds the plans)")
    files, skipped = [], []

    def rel(p: Path) -> str:
        return _display_name(p.relative_to(folder).as_posix())

    def skip(p: Path, reason: str) -> None:
        skipped.append({"file": rel(p), "path": _display_name(str(p)), "status": "skipped", "reason": reason})

    def walk(d: Path) -> None:
        try:
            entries = sorted(d.iterdir(), key=lambda x: x.name.encode("utf-8", "surrogateescape"))
        except OSError as exc:
            skip(d, f"folder cannot be listed ({exc.strerror or exc})")
            return
        if not entries and d != folder:
            skip(d, "empty folder")
            return
        for p in entries:
            if d == folder and p.name == "manifest.csv":
                continue
            try:
                p.name.encode("utf-8")
                bad_name = False
            except UnicodeEncodeError:
                bad_name = True
            if bad_name:
                skip(p, "name is not valid UTF-8 (rename the file or folder to read it)")
            elif p.name.startswith((".", "~$")):
                skip(p, "hidden or temporary " + ("folder" if p.is_dir() and not p.is_symlink() else "file"))
            elif p.is_symlink():
                skip(p, "symbolic link (not followed: it may point outside the folder)")
            elif p.is_dir():
                if recursive:
                    walk(p)
                else:
                    skip(p, "folder (sub-folders are not read)")
            elif not p.is_file():
                skip(p, "not a regular file")
            elif p.suffix.lower() not in PLAN_SUFFIXES:
                skip(
                    p,
                    f"unsupported type {p.suffix or '(no extension)'}; formats read: {', '.join(PLAN_SUFFIXES)}",
                )
            else:
                files.append(p)

    walk(folder)
    return files, skipped


def list_plan_files(folder: str | Path, *, recursive: bool = True) -> list[Path]:
    """Plan files under ``folder`` that will be read, sorted by relative path (see :func:`scan_folder`).

    Raises
    ------
    FileNotFoundError
        If the folder does not exist.
    """
    return scan_folder(folder, recursive=recursive)[0]
