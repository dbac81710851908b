"""Interactive exploration in JupyterLab (ipywidgets): a KWIC box, a reuse browser, a keyness picker.

Each widget is a thin shell over a library function, and each has a ``render`` step that
returns HTML, so the same view can be produced headless (in tests, or in a report). In a
notebook, display the widget returned by the function; in a headless run it shows as text
and the static cells of the notebook carry the results.

Examples
--------
>>> from analysis import load_corpus
>>> box = kwic_box(load_corpus(), value="青马工程")
>>> "青马工程" in box.children[1].outputs[0]["data"]["text/html"]
True
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable

import pandas as pd

from .html import Table, diff_html, table_html


def _show(out, page: str) -> None:
    """Replace what an Output widget shows with an HTML page (works with or without a kernel)."""
    out.outputs = ()
    out.append_display_data(_HTML(page))


class _HTML:
    def __init__(self, page: str):
        self.page = page

    def _repr_html_(self) -> str:
        return self.page

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.page, "text/plain": "(HTML)"}


def kwic_html(corpus, term: str, *, window: int = 20, limit: int = 200) -> str:
    """Concordance lines of ``term`` with their plan and section path, as HTML.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> "青马工程" in kwic_html(load_corpus(), "青马工程")
    True
    """
    from .kwic import kwic

    term = term.strip()
    if not term:
        return "<p>Type a term.</p>"
    hits = kwic(corpus, term, window=window)
    if hits.empty:
        return f"<p>No occurrence of {_html.escape(term)}.</p>"
    cols = [c for c in ("region", "doc_id", "path", "left", "match", "right") if c in hits]
    head = f"<p>{len(hits)} occurrence(s) in {hits.doc_id.nunique()} plan(s)"
    head += f"; first {limit} shown.</p>" if len(hits) > limit else ".</p>"
    return head + table_html(hits[cols].head(limit))


def kwic_box(corpus, *, value: str = "", window: int = 20):
    """A text box: type a term, see its concordance lines with their section path.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` is the text box, ``children[1]`` the output.
    """
    import ipywidgets as w

    text = w.Text(value=value, placeholder="词语，如 青马工程", description="KWIC")
    out = w.Output()

    def update(_=None) -> None:
        _show(out, kwic_html(corpus, text.value, window=window))

    text.observe(update, names="value")
    update()
    return w.VBox([text, out])


def reuse_pair_html(
    corpus, reuse: pd.DataFrame, doc_a: str, doc_b: str, index: int, *, context: int = 30
) -> str:
    """One aligned passage (number ``index``, from 0) of a pair of plans, with context and differences."""
    pair = reuse[
        ((reuse.doc_a == doc_a) & (reuse.doc_b == doc_b)) | ((reuse.doc_a == doc_b) & (reuse.doc_b == doc_a))
    ]
    if pair.empty:
        return f"<p>No reused passage between {_html.escape(doc_a)} and {_html.escape(doc_b)}.</p>"
    pair = pair.sort_values(["start_a", "start_b"]).reset_index(drop=True)
    r = pair.iloc[index % len(pair)]
    swap = r.doc_a != doc_a
    sa, ea, sb, eb = (
        (r.start_b, r.end_b, r.start_a, r.end_a) if swap else (r.start_a, r.end_a, r.start_b, r.end_b)
    )
    ta, tb = corpus.body(doc_a), corpus.body(doc_b)
    da, db = diff_html(ta[sa:ea], tb[sb:eb])

    def ctx(t: str, s: int, e: int, marked: str) -> str:
        return (
            f'<span style="color:#999">…{_html.escape(t[max(0, s - context) : s])}</span>'
            f'<mark style="background:#f9e79f">{marked}</mark>'
            f'<span style="color:#999">{_html.escape(t[e : e + context])}…</span>'
        )

    kind = "formula" if bool(r.get("boilerplate", False)) else "reuse"
    return (
        f"<p>Passage {index % len(pair) + 1} of {len(pair)} · {kind} · similarity {r.similarity:.2f}</p>"
        f'<table class="tbl"><tr><th>{_html.escape(doc_a)}</th><th>{_html.escape(doc_b)}</th></tr>'
        f'<tr><td style="width:50%">{ctx(ta, sa, ea, da)}</td><td>{ctx(tb, sb, eb, db)}</td></tr></table>'
    )


def reuse_browser(corpus, reuse: pd.DataFrame):
    """Pick two plans and step through their aligned reused passages.

    Returns
    -------
    ipywidgets.VBox
        Dropdowns for the two plans, previous/next buttons, and the output.
    """
    import ipywidgets as w

    ids = corpus.doc_ids
    pairs = reuse.groupby(["doc_a", "doc_b"]).n_chars.sum().sort_values(ascending=False)
    first = pairs.index[0] if len(pairs) else (ids[0], ids[min(1, len(ids) - 1)])
    a = w.Dropdown(options=ids, value=first[0], description="A")
    b = w.Dropdown(options=ids, value=first[1], description="B")
    prev, nxt = w.Button(description="◀"), w.Button(description="▶")
    out = w.Output()
    state = {"i": 0}

    def update(_=None) -> None:
        _show(out, reuse_pair_html(corpus, reuse, a.value, b.value, state["i"]))

    def step(k: int) -> Callable:
        def go(_) -> None:
            state["i"] += k
            update()

        return go

    def reset(_) -> None:
        state["i"] = 0
        update()

    a.observe(reset, names="value")
    b.observe(reset, names="value")
    prev.on_click(step(-1))
    nxt.on_click(step(1))
    update()
    return w.VBox([w.HBox([a, b, prev, nxt]), out])


def keyness_picker(corpus, *, by: str = "region", n: int = 20, **keyness_params):
    """Pick a target group; see its keywords against the rest (:func:`analysis.keywords.keyness`).

    Returns
    -------
    ipywidgets.VBox
        The dropdown and the output table.
    """
    import ipywidgets as w

    from .keywords import keyness

    groups = sorted(corpus.documents[by].dropna().astype(str).unique())
    pick = w.Dropdown(options=groups, value=groups[0] if groups else None, description="目标")
    out = w.Output()

    def update(_=None) -> None:
        if len(groups) < 2:
            _show(out, f"<p>keyness needs at least two groups; this corpus has {len(groups)}.</p>")
            return
        k = keyness(corpus, by=by, target=pick.value, **keyness_params).head(n)
        _show(out, Table(k)._repr_html_())

    pick.observe(update, names="value")
    update()
    return w.VBox([pick, out])
