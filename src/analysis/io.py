"""Reading plan files: encoding detection and clear errors for bad input.

Every file in a corpus folder is either decoded into text or rejected with a
:class:`PlanReadError` that names the file and the reason. Nothing is skipped
silently.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

PLAN_SUFFIXES = (".txt", ".md")

_CJK = re.compile(r"[\u3400-\u9fff]")


class PlanReadError(ValueError):
    """A plan file that cannot be read; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class DecodedFile:
    """Text of one plan file as decoded, with how it was decoded."""

    path: Path
    text: str
    encoding: str
    had_bom: bool
    newline: str


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(4, len(sample) // 100)


_PLAUSIBLE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\n\r\t]")


def _plausibility(text: str) -> float:
    """Share of characters that are CJK, CJK punctuation, ASCII printable or whitespace."""
    if not text:
        return 0.0
    return len(_PLAUSIBLE.findall(text)) / len(text)


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
    try:
        text = data.decode("gb18030")
        if _CJK.search(text):
            return text, "gb18030", False
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot determine the text encoding (not UTF-8, UTF-16 or GB18030)")
    return str(best), best.encoding, False


def read_plan_file(path: str | Path) -> DecodedFile:
    """Read one plan file and decode it.

    UTF-8 (with or without BOM), UTF-16 (with BOM, or LE/BE without) and
    GB18030/GBK are recognised; anything else goes to charset-normalizer.
    Line endings (CRLF, CR) are normalised to ``\\n``; the original style is
    reported in ``newline``.

    Raises
    ------
    PlanReadError
        If the file is empty, binary, undecodable or has no Chinese text.

    Examples
    --------
    >>> from analysis.io import read_plan_file
    >>> read_plan_file("data/raw/chongqing_2023.txt").encoding  # doctest: +SKIP
    'utf-8'
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanReadError(path, f"cannot open file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise PlanReadError(path, "empty file")
    try:
        text, encoding, had_bom = _decode(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanReadError(path, str(exc)) from exc
    if "\ufffd" in text and text.count("\ufffd") > len(text) // 100:
        raise PlanReadError(path, f"decoding as {encoding} produced replacement characters")
    newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(_CJK.findall(text)) < 20:
        raise PlanReadError(path, "no Chinese text (fewer than 20 CJK characters); not a plan")
    return DecodedFile(path=path, text=text, encoding=encoding, had_bom=had_bom, newline=newline)


def list_plan_files(folder: str | Path) -> list[Path]:
    """Plan files (``.txt``/``.md``) in ``folder``, sorted by name.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {folder}")
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith(".")
    )
