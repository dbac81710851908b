"""HTML made for reading: tables with real line breaks, aligned reuse passages.

Every page and table uses :data:`FONT_STACK`, which finds a common CJK font on Windows
(Microsoft YaHei, SimHei), macOS (PingFang SC, Hiragino Sans GB) and Linux (Noto Sans CJK,
Source Han Sans, WenQuanYi).
"""

from __future__ import annotations

import html as _html
from pathlib import Path

import pandas as pd
from rapidfuzz.distance import Indel

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans SC", "SimHei", sans-serif'
)
#: How every missing value (None, NaN, pandas NA) is shown.
MISSING = "—"

_STYLE = f"""
body {{ font-family: {FONT_STACK}; margin: 1.2em; color: #222; }}
table.tbl {{ border-collapse: collapse; font-size: 13px; }}
table.tbl th, table.tbl td {{ border-bottom: 1px solid #ddd; padding: 4px 8px; vertical-align: top;
  text-align: left; }}
table.tbl th {{ background: #f4f6f7; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.na {{ color: #999; }}
table.pairs td.span {{ width: 45%; line-height: 1.7; font-size: 14px; }}
.ctx {{ color: #999; }}
mark.re {{ background: #f9e79f; }} mark.bp {{ background: #d5dbdb; }}
del {{ background: #f5b7b1; text-decoration: line-through; }}
ins {{ background: #abebc6; text-decoration: none; }}
.cols {{ display: flex; gap: 1.5em; }} .col {{ flex: 1; line-height: 1.7; font-size: 14px; }}
sup {{ color: #a04000; font-size: 9px; }}
"""


def _is_missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and the like
        return False


def _cell(value, float_format: str) -> tuple[str, str]:
    """(css class, html) of one cell."""
    if _is_missing(value):
        return "na", MISSING
    if isinstance(value, bool):
        return "", "✓" if value else ""
    if isinstance(value, float):
        return "num", format(value, float_format)
    if isinstance(value, int):
        return "num", str(value)
    return "", _html.escape(str(value)).replace("\n", "<br>")


def table_html(df: pd.DataFrame, *, float_format: str = ".3g", index: bool = False) -> str:
    """An HTML table of ``df``: line breaks as ``<br>``, every missing value as :data:`MISSING`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = table_html(pd.DataFrame({"text": ["一、\\n二、"], "x": [None], "y": [float("nan")]}))
    >>> "一、<br>二、" in t, t.count("—")
    (True, 2)
    """
    cols = ([df.index.name or ""] if index else []) + [str(c) for c in df.columns]
    head = "".join(f"<th>{_html.escape(c)}</th>" for c in cols)
    rows = []
    for idx, row in zip(df.index, df.itertuples(index=False, name=None)):
        values = ([idx] if index else []) + list(row)
        cells = []
        for v in values:
            cls, text = _cell(v, float_format)
            cells.append(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="tbl"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


class Table:
    """A DataFrame shown in a notebook through :func:`table_html` (real line breaks, one missing value).

    Examples
    --------
    >>> import pandas as pd
    >>> "<br>" in Table(pd.DataFrame({"a": ["x\\ny"]}))._repr_html_()
    True
    """

    def __init__(self, df: pd.DataFrame, **kwargs):
        self.df = df
        self.kwargs = kwargs

    def _repr_html_(self) -> str:
        return f"<style>{_STYLE}</style>" + table_html(self.df, **self.kwargs)

    def __repr__(self) -> str:
        return repr(self.df)


def diff_html(a: str, b: str) -> tuple[str, str]:
    """Two strings as HTML with their differences marked: ``<del>`` only in ``a``, ``<ins>`` only in ``b``.

    The edit script is rapidfuzz's Indel opcodes over characters.

    Examples
    --------
    >>> diff_html("引导青少年体察国情", "引导青少年了解市情体察国情")
    ('引导青少年体察国情', '引导青少年<ins>了解市情</ins>体察国情')
    """
    left, right = [], []
    for op in Indel.opcodes(a, b):
        sa, sb = _html.escape(a[op.src_start : op.src_end]), _html.escape(b[op.dest_start : op.dest_end])
        if op.tag == "equal":
            left.append(sa)
            right.append(sb)
        else:
            if sa:
                left.append(f"<del>{sa}</del>")
            if sb:
                right.append(f"<ins>{sb}</ins>")
    return "".join(left).replace("\n", "<br>"), "".join(right).replace("\n", "<br>")


def _marked(body: str, spans: list[tuple[int, int, int, float, bool]]) -> str:
    out, pos = [], 0
    for s, e, n, sim, bp in sorted(spans):
        if s < pos:  # overlapping passages: show the first
            continue
        out.append(_html.escape(body[pos:s]))
        cls = "bp" if bp else "re"
        out.append(
            f'<mark class="{cls}" title="#{n} similarity {sim:.2f}"><sup>{n}</sup>'
            f"{_html.escape(body[s:e])}</mark>"
        )
        pos = e
    out.append(_html.escape(body[pos:]))
    return "".join(out).replace("\n", "<br>\n")


def _in_context(text: str, s: int, e: int, marked: str, context: int, boilerplate: bool) -> str:
    before = _html.escape(text[max(0, s - context) : s]).replace("\n", " ")
    after = _html.escape(text[e : e + context]).replace("\n", " ")
    cls = "bp" if boilerplate else "re"
    return f'<span class="ctx">…{before}</span><mark class="{cls}">{marked}</mark><span class="ctx">{after}…</span>'


def reuse_pairs_html(
    corpus,
    reuse: pd.DataFrame,
    doc_a: str,
    doc_b: str,
    *,
    context: int = 30,
    path: str | Path | None = None,
) -> str:
    """Reused passages of two plans aligned passage by passage, then both full texts.

    Each passage is one row: the span in ``doc_a`` and the span in ``doc_b`` side by side,
    with ``context`` characters before and after (grey) and the differences marked
    (:func:`diff_html`). Below, the full texts with the passages highlighted (yellow: reuse,
    grey: shared formulae) and numbered as in the table.

    Parameters
    ----------
    corpus : Corpus
    reuse : DataFrame
        Output of :func:`analysis.reuse.find_reuse` (``boilerplate="include"`` to show the
        formulae too).
    doc_a, doc_b : str
        The two plans.
    path : path, optional
        Where to write the page.

    Returns
    -------
    str
        The HTML page.
    """
    docs = corpus.documents.set_index("doc_id")
    bodies = docs.body

    def label(d: str) -> str:
        region = docs.region.get(d) if "region" in docs else None
        return f"{region}（{d}）" if isinstance(region, str) and region and region != d else d

    pair = reuse[
        ((reuse.doc_a == doc_a) & (reuse.doc_b == doc_b)) | ((reuse.doc_a == doc_b) & (reuse.doc_b == doc_a))
    ]
    rows, spans_a, spans_b = [], [], []
    ordered = sorted(
        pair.itertuples(), key=lambda r: (r.start_a, r.end_a) if r.doc_a == doc_a else (r.start_b, r.end_b)
    )
    for n, r in enumerate(ordered, 1):
        (sa, ea), (sb, eb) = (
            ((r.start_a, r.end_a), (r.start_b, r.end_b))
            if r.doc_a == doc_a
            else ((r.start_b, r.end_b), (r.start_a, r.end_a))
        )
        bp = bool(getattr(r, "boilerplate", False))
        spans_a.append((sa, ea, n, r.similarity, bp))
        spans_b.append((sb, eb, n, r.similarity, bp))
        ta, tb = bodies[doc_a], bodies[doc_b]
        da, db = diff_html(ta[sa:ea], tb[sb:eb])

        kind = "formula" if bp else "reuse"
        rows.append(
            f'<tr><td class="num">{n}</td><td>{kind}<br>{r.similarity:.2f}</td>'
            f'<td class="span">{_in_context(ta, sa, ea, da, context, bp)}</td>'
            f'<td class="span">{_in_context(tb, sb, eb, db, context, bp)}</td></tr>'
        )
    title = f"文本复用：{label(doc_a)} ↔ {label(doc_b)}"
    page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{_html.escape(title)}</title><style>{_STYLE}</style></head>
<body><h2>{_html.escape(title)}</h2>
<p>{len(pair)} passages, aligned one per row ({context} characters of context in grey).
Inside each passage, <del>struck red</del> is only in the left plan, <ins>green</ins> only in the right.
Yellow = reuse, grey = shared political formulae (boilerplate).</p>
<table class="tbl pairs"><thead><tr><th>#</th><th>kind / similarity</th><th>{_html.escape(label(doc_a))}</th>
<th>{_html.escape(label(doc_b))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h3>Full texts</h3>
<div class="cols"><div class="col">{_marked(bodies[doc_a], spans_a)}</div>
<div class="col">{_marked(bodies[doc_b], spans_b)}</div></div></body></html>
"""
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(page, encoding="utf-8")
    return page
