"""Structure summaries of plans: how items and characters are spread over sections."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .corpus import Corpus


def section_profile(corpus: Corpus) -> pd.DataFrame:
    """One row per top-level section: items, characters and share of the plan's item text.

    Returns
    -------
    DataFrame
        ``doc_id, region, section_no, title, n_items, n_chars, share``
        where ``share`` sums to 1 within each plan.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> section_profile(load_corpus()).groupby("doc_id").share.sum().round(6).unique().tolist()
    [1.0]
    """
    secs = corpus.sections[corpus.sections.level == 1][["doc_id", "section_no", "title"]]
    items = corpus.items.groupby(["doc_id", "section_no"], as_index=False).agg(
        n_items=("item_no", "size"), n_chars=("n_chars", "sum")
    )
    out = secs.merge(items, on=["doc_id", "section_no"], how="left").fillna({"n_items": 0, "n_chars": 0})
    out = out.merge(corpus.documents[["doc_id", "region"]], on="doc_id")
    out[["n_items", "n_chars"]] = out[["n_items", "n_chars"]].astype(int)
    out["share"] = out.n_chars / out.groupby("doc_id").n_chars.transform("sum")
    cols = ["doc_id", "region", "section_no", "title", "n_items", "n_chars", "share"]
    return out[cols].sort_values(["doc_id", "section_no"], ignore_index=True)


def locate(corpus, doc_id: str, positions) -> pd.DataFrame:
    """Block, section and item of each body position of one plan.

    Parameters
    ----------
    corpus : Corpus
    doc_id : str
    positions : array of int
        Character offsets into ``corpus.body(doc_id)``.

    Returns
    -------
    DataFrame
        ``block, section_id, item_no``, one row per position, in the order given.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> blocks = pd.DataFrame({"doc_id": "d", "start": [0, 10, 30], "kind": ["title", "heading", "item"],
    ...                        "section_id": [None, "s1", "s1"], "item_no": [None, None, 1]})
    >>> locate(SimpleNamespace(blocks=blocks), "d", [3, 12, 40]).block.tolist()
    ['title', 'heading', 'item']
    """
    blocks = corpus.blocks[corpus.blocks.doc_id == doc_id].sort_values("start")
    positions = np.asarray(positions)
    idx = np.searchsorted(blocks.start.to_numpy(), positions, side="right") - 1
    idx = np.clip(idx, 0, max(len(blocks) - 1, 0))
    b = blocks.iloc[idx].reset_index(drop=True)
    return b[["kind", "section_id", "item_no"]].rename(columns={"kind": "block"})
