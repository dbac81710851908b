"""Structure summaries of plans: how items and characters are spread over sections."""

from __future__ import annotations

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
    >>> section_profile(load_corpus()).groupby("doc_id").share.sum().round(6).unique().tolist()  # doctest: +SKIP
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
