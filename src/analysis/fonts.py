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


def is_cff(path: str | Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"OTTO"


def truetype_copy(path: str | Path, out_dir: str | Path | None = None) -> Path:
    """Path of a TrueType (glyf) version of ``path``, converting and caching it if needed.

    Fonts that already have TrueType outlines are returned unchanged.
    """
    path = Path(path)
    if not is_cff(path):
        return path
    out_dir = Path(out_dir) if out_dir else cache_dir() / "fonts"
    out = out_dir / f"{path.stem}-{path.stat().st_size}.ttf"
    if out.is_file():
        return out
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    print(
        f"Converting {path.name} to TrueType for PDF embedding (one-off, cached in {out_dir})…",
        file=sys.stderr,
    )
    font = TTFont(str(path))
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
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp{os.getpid()}")
    font.save(str(tmp))
    os.replace(tmp, out)
    return out
