"""A TrueType copy of a CFF-flavoured OpenType CJK font, for correct PDF embedding.

matplotlib embeds fonts in PDF as TrueType (``pdf.fonttype = 42``). Noto Sans
CJK ships as OpenType with CFF outlines; embedded as TrueType it makes a PDF
that some readers reject ("Mismatch between font type and embedded font file").
This module converts the outlines to quadratic TrueType curves once (about
30 s for the full font) and caches the result.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir() -> Path:
    """``$ANALYSIS_CACHE_DIR``, else ``$XDG_CACHE_HOME/policy-text-analysis``, else ``~/.cache/...``."""
    if os.environ.get("ANALYSIS_CACHE_DIR"):
        return Path(os.environ["ANALYSIS_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "policy-text-analysis"


def _magic(path: str | Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(4)


def is_cff(path: str | Path) -> bool:
    """True for an OpenType font with CFF outlines (or a collection whose chosen face has them)."""
    magic = _magic(path)
    if magic == b"OTTO":
        return True
    if magic == b"ttcf":
        from fontTools.ttLib import TTCollection

        font = TTCollection(str(path), lazy=True).fonts[_pick_face(path)]
        return "CFF " in font
    return False


def _pick_face(path: str | Path, prefer: tuple[str, ...] = ("SC", "CN", "GB", "Hans")) -> int:
    """Index of the Simplified-Chinese face of a font collection (0 if none is marked)."""
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    for i, font in enumerate(coll.fonts):
        name = font["name"].getDebugName(1) or ""
        if any(name.endswith(" " + p) or f" {p} " in name for p in prefer):
            return i
    return 0


def truetype_copy(path: str | Path, out_dir: str | Path | None = None) -> Path:
    """Path of a single TrueType (glyf) font for ``path``, converting and caching it if needed.

    * TrueType fonts are returned unchanged.
    * OpenType/CFF fonts (``.otf``) are converted to quadratic TrueType outlines.
    * Collections (``.ttc``): the Simplified-Chinese face is extracted (matplotlib would
      otherwise take the first face), and converted if it has CFF outlines.
    """
    path = Path(path)
    magic = _magic(path)
    if magic not in (b"OTTO", b"ttcf"):
        return path
    from fontTools.ttLib import TTCollection, TTFont

    face = _pick_face(path) if magic == b"ttcf" else 0
    out_dir = Path(out_dir) if out_dir else cache_dir() / "fonts"
    out = out_dir / f"{path.stem}-{face}-{path.stat().st_size}.ttf"
    if out.is_file():
        return out
    font = TTCollection(str(path)).fonts[face] if magic == b"ttcf" else TTFont(str(path))
    if "CFF " in font:
        print(
            f"Converting {path.name} to TrueType for PDF embedding (one-off, cached in {out_dir})…",
            file=sys.stderr,
        )
        _cff_to_glyf(font)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp{os.getpid()}")
    font.save(str(tmp))
    os.replace(tmp, out)
    return out


def _cff_to_glyf(font) -> None:
    """Replace a font's CFF outlines by TrueType quadratic outlines, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    font["post"].formatType = 3.0
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"
