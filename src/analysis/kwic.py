"""Keyword in context (quanteda's kwic, AntConc's concordance), character-exact for Chinese."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .structure import locate


def kwic(
    corpus,
    pattern: str | Sequence[str],
    window: int = 20,
    *,
    regex: bool = False,
    whole_tokens: bool = False,
    doc_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every occurrence of a term or phrase with its left and right context.

    Parameters
    ----------
    corpus : Corpus
    pattern : str or sequence of str
        A term (青马工程), a phrase given as tokens (``["青年", "大学习"]``, joined), or a
        regular expression with ``regex=True``.
    window : int, default 20
        Characters of context on each side (line breaks shown as ⏎).
    whole_tokens : bool, default False
        Keep only matches that start and end on token boundaries (so 团员 does not match
        inside 共青团员).
    doc_ids : sequence of str, optional
        Restrict to some plans.

    Returns
    -------
    DataFrame
        ``doc_id, region, block, section_no, section_id, item_no, path, start, end, left,
        match, right`` with offsets into ``documents.body``, in document order.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> kwic(load_corpus(), "青马工程", window=8)[["doc_id", "left", "match", "right"]].head(1).values.tolist()
    [['beijing_2023', '人才工作。完善“', '青马工程', '”培养模式，构建']]
    """
    if not isinstance(pattern, str):
        pattern = "".join(pattern)
    if not pattern:
        raise ValueError("empty pattern")
    rx = re.compile(pattern if regex else re.escape(pattern))
    rows = []
    docs = corpus.documents if doc_ids is None else corpus.documents[corpus.documents.doc_id.isin(doc_ids)]
    items = corpus.items.set_index(["doc_id", "item_no"])
    sections = corpus.sections.set_index(["doc_id", "section_id"])
    if whole_tokens:
        tok = corpus.tokens
    for doc in docs.itertuples():
        body = doc.body
        matches = [m for m in rx.finditer(body) if m.end() > m.start()]
        if whole_tokens and matches:
            t = tok[tok.doc_id == doc.doc_id]
            starts, ends = set(t.start), set(t.end)
            matches = [m for m in matches if m.start() in starts and m.end() in ends]
        if not matches:
            continue
        where = locate(corpus, doc.doc_id, np.array([m.start() for m in matches]))
        for m, loc in zip(matches, where.itertuples()):
            item_no = loc.item_no if pd.notna(loc.item_no) else None
            path = items.loc[(doc.doc_id, item_no), "path"] if item_no is not None else None
            sid = loc.section_id if isinstance(loc.section_id, str) else None
            sec_no = sections.loc[(doc.doc_id, sid), "section_no"] if sid else None
            if path is None and sid:
                path = sections.loc[(doc.doc_id, sid), "path"]
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "region": doc.region,
                    "block": loc.block,
                    "section_no": sec_no,
                    "section_id": sid,
                    "item_no": item_no,
                    "path": path,
                    "start": m.start(),
                    "end": m.end(),
                    "left": body[max(0, m.start() - window) : m.start()].replace("\n", "⏎"),
                    "match": m.group(),
                    "right": body[m.end() : m.end() + window].replace("\n", "⏎"),
                }
            )
    cols = [
        "doc_id",
        "region",
        "block",
        "section_no",
        "section_id",
        "item_no",
        "path",
        "start",
        "end",
        "left",
        "match",
        "right",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out["item_no"] = out["item_no"].astype("Int64")
    out["section_no"] = out["section_no"].astype("Int64")
    return out
