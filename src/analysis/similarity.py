"""How similar plans are, overall, section by section and item by item (quanteda's textstat_simil).

Measures (all give 1 on the diagonal and are symmetric):

* ``"tfidf_cosine"``: cosine of TF-IDF vectors of words (``corpus.tokens``, punctuation,
  numbers, stopwords and placeholders left out);
* ``"char_cosine"``: cosine of TF-IDF vectors of character 2–3-grams (no segmentation, so
  robust to segmentation choices);
* ``"jaccard"``: Jaccard index of the sets of words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from .errors import InsufficientDataError, require
from .keywords import kept_tokens

MEASURES = ("tfidf_cosine", "char_cosine", "jaccard")
LEVELS = ("document", "section", "item")
WORD_EXCLUDE = ("punct", "numeric", "stop", "placeholder")


def _doc_label(corpus, doc_id: str, labels: dict | None = None) -> str:
    """Region and year from the documents table (the doc_id where the region is unknown).

    With ``labels`` (:func:`analysis.figures.region_labels`), the region part reads in
    that label style.
    """
    d = corpus.documents.set_index("doc_id")
    if labels and d.region.get(doc_id) in labels:
        region = labels[d.region.get(doc_id)]
        year = d.year.get(doc_id) if "year" in d else None
        return f"{region} {int(year)}" if year is not None and pd.notna(year) else str(region)
    region = d.region.get(doc_id) if "region" in d else None
    if not isinstance(region, str) or not region.strip():
        return doc_id
    year = d.year.get(doc_id) if "year" in d else None
    return f"{region} {int(year)}" if year is not None and pd.notna(year) else region


def _short_doc(corpus, doc_id: str, labels: dict | None) -> str:
    """The label of a plan without its year, for section and item labels."""
    d = corpus.documents.set_index("doc_id")
    region = d.region.get(doc_id)
    if not isinstance(region, str) or not region.strip():
        return doc_id
    return str(labels.get(region, region)) if labels else region


def units(corpus, level: str = "document", *, labels: dict | None = None) -> pd.DataFrame:
    """The texts compared at a level, with labels.

    ``labels`` (from :func:`analysis.figures.region_labels`) sets how regions read in the
    ``label`` column; the ``doc_id`` and ``region`` columns always hold the keys.

    Returns
    -------
    DataFrame
        ``unit_id, doc_id, region, label, text, tokens`` (list of words). Documents are
        the plan without its cover notice; sections are top-level sections (heading and
        items); items are items.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    tok = kept_tokens(corpus, WORD_EXCLUDE)
    regions = corpus.documents.set_index("doc_id").region
    plan = corpus.blocks[~corpus.blocks.kind.isin(["cover", "trailer"])]
    if level == "document":
        text = plan.groupby("doc_id").text.agg("\n".join)
        words = tok.groupby("doc_id").token.agg(list)
        df = pd.DataFrame({"unit_id": text.index, "doc_id": text.index, "text": text.values})
        df["tokens"] = [words.get(d, []) for d in df.doc_id]
        df["label"] = [_doc_label(corpus, d, labels) for d in df.doc_id]
    elif level == "section":
        secs = corpus.sections[corpus.sections.level == 1]
        sec_of = corpus.sections.set_index(["doc_id", "section_id"]).section_no
        b = plan[plan.section_id.notna()].copy()
        b["section_no"] = [sec_of[(d, s)] for d, s in zip(b.doc_id, b.section_id)]
        text = b.groupby(["doc_id", "section_no"]).text.agg("\n".join)
        t = tok[tok.section_id.notna()].copy()
        t["section_no"] = [sec_of[(d, s)] for d, s in zip(t.doc_id, t.section_id)]
        words = t.groupby(["doc_id", "section_no"]).token.agg(list)
        rows = []
        for s in secs.itertuples():
            key = (s.doc_id, s.section_no)
            rows.append({"unit_id": f"{s.doc_id}#{s.section_no}", "doc_id": s.doc_id, "text": text.get(key, ""),
                         "tokens": words.get(key, []), "label": f"{_short_doc(corpus, s.doc_id, labels)}·{s.marker.rstrip('、')}{s.title[:8]}"})  # fmt: skip
        df = pd.DataFrame(rows, columns=["unit_id", "doc_id", "text", "tokens", "label"])
    else:
        words = tok[tok.item_no.notna()].groupby(["doc_id", "item_no"]).token.agg(list)
        it = corpus.items
        df = pd.DataFrame({
            "unit_id": it.doc_id + "#" + it.item_no.astype(str), "doc_id": it.doc_id, "text": it.text,
            "tokens": [words.get((d, i), []) for d, i in zip(it.doc_id, it.item_no)],
            "label": [f"{_short_doc(corpus, d, labels)}·{p}" for d, p in zip(it.doc_id, it.path)],
            "item_no": it.item_no, "title": it.title,
        })  # fmt: skip
    df["region"] = [regions[d] for d in df.doc_id]
    return df.reset_index(drop=True)


def _matrix(df: pd.DataFrame, measure: str) -> np.ndarray:
    if measure == "tfidf_cosine":
        vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
        X = vec.fit_transform(df.tokens)
        m = cosine_similarity(X)
    elif measure == "char_cosine":
        vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
                              preprocessor=lambda t: "".join(ch for ch in t if ch.isalnum()))  # fmt: skip
        X = vec.fit_transform(df.text)
        m = cosine_similarity(X)
    elif measure == "jaccard":
        sets = [set(t) for t in df.tokens]
        n = len(sets)
        m = np.zeros((n, n))
        for i in range(n):
            for j in range(i, n):
                u = len(sets[i] | sets[j])
                m[i, j] = m[j, i] = len(sets[i] & sets[j]) / u if u else 0.0
    else:
        raise ValueError(f"measure must be one of {MEASURES}")
    m = (m + m.T) / 2
    np.fill_diagonal(m, 1.0)
    return np.clip(m, 0.0, 1.0)


def similarity_matrix(
    corpus,
    level: str = "document",
    measure: str = "tfidf_cosine",
    *,
    label: str = "label",
    labels: dict | None = None,
) -> pd.DataFrame:
    """Square similarity matrix of the plans (or their sections or items).

    Parameters
    ----------
    level : {"document", "section", "item"}
    measure : {"tfidf_cosine", "char_cosine", "jaccard"}
    label : str
        Column of :func:`units` used for the row and column labels (``"label"``:
        region with year, or section/item path; ``"unit_id"`` for ids).
    labels : dict, optional
        Display labels of regions (:func:`analysis.figures.region_labels`) for ``"label"``.

    Returns
    -------
    DataFrame
        Symmetric, ones on the diagonal, values in [0, 1].

    Examples
    --------
    >>> from analysis import load_corpus
    >>> m = similarity_matrix(load_corpus(), "document", "char_cosine")
    >>> m.shape, round(float(m.iloc[0, 1]), 2)
    ((5, 5), 0.18)
    """
    df = units(corpus, level, labels=labels)
    require(len(df), 2, f"{level} similarity", "plan" if level == "document" else level)
    m = _matrix(df, measure)
    out = pd.DataFrame(m, index=df[label], columns=df[label])
    # the keys behind the labels, for colours and for joining back
    out.attrs.update(level=level, measure=measure, doc_ids=df.doc_id.tolist(), regions=df.region.tolist())
    return out


def pairwise(matrix: pd.DataFrame) -> pd.DataFrame:
    """Long form of a similarity matrix: one row per unordered pair, most similar first."""
    idx = np.triu_indices(len(matrix), k=1)
    out = pd.DataFrame(
        {"a": matrix.index[idx[0]], "b": matrix.columns[idx[1]], "similarity": matrix.values[idx]}
    )
    return out.sort_values("similarity", ascending=False, ignore_index=True)


def align_items(corpus, doc_a: str, doc_b: str, *, threshold: float = 0.3) -> pd.DataFrame:
    """Best match in plan B for every item of plan A.

    Two scores: ``string_score`` (rapidfuzz ``partial_ratio`` of the item texts without
    punctuation, 0–1: shared wording) and ``topic_score`` (TF-IDF word cosine: shared
    vocabulary). The best match maximises their mean, ``score``; an item is ``matched`` when
    ``score >= threshold``.

    Returns
    -------
    DataFrame
        ``doc_a, item_a, path_a, title_a, doc_b, item_b, path_b, title_b, string_score,
        topic_score, score, matched``, one row per item of A.
    """
    u = units(corpus, "item")
    a, b = u[u.doc_id == doc_a].reset_index(drop=True), u[u.doc_id == doc_b].reset_index(drop=True)
    if a.empty or b.empty:
        raise InsufficientDataError(
            f"item alignment needs numbered items; {doc_a if a.empty else doc_b} has none"
        )
    vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True).fit(list(u.tokens))
    topic = cosine_similarity(vec.transform(a.tokens), vec.transform(b.tokens))

    def strip(t: str) -> str:
        return "".join(ch for ch in t if ch.isalnum())

    sa, sb = [strip(t) for t in a.text], [strip(t) for t in b.text]
    string = np.array(
        [
            [
                fuzz.partial_ratio(x, y) / 100 if len(x) <= len(y) else fuzz.partial_ratio(y, x) / 100
                for y in sb
            ]
            for x in sa
        ]
    )
    score = (string + topic) / 2
    best = score.argmax(axis=1)
    items = corpus.items.set_index(["doc_id", "item_no"])
    rows = []
    for i, j in enumerate(best):
        ia, ib = int(a.item_no[i]), int(b.item_no[j])
        rows.append({"doc_a": doc_a, "item_a": ia, "path_a": items.at[(doc_a, ia), "path"], "title_a": items.at[(doc_a, ia), "title"],
                     "doc_b": doc_b, "item_b": ib, "path_b": items.at[(doc_b, ib), "path"], "title_b": items.at[(doc_b, ib), "title"],
                     "string_score": string[i, j], "topic_score": topic[i, j], "score": score[i, j]})  # fmt: skip
    out = pd.DataFrame(rows)
    out["matched"] = out.score >= threshold
    return out


def unmatched_items(
    corpus, doc_id: str, others: Sequence[str] | None = None, *, threshold: float = 0.3
) -> pd.DataFrame:
    """Items of a plan with no match in any of the other plans: what is unique to it.

    Returns the item rows of :func:`align_items` (against each other plan) whose best
    score stays below ``threshold`` everywhere, with ``best_score`` and ``best_doc``.
    """
    with_items = set(corpus.items.doc_id)
    others = [d for d in (others or corpus.doc_ids) if d != doc_id and d in with_items]
    aligned = pd.concat(
        [align_items(corpus, doc_id, o, threshold=threshold) for o in others], ignore_index=True
    )
    best = aligned.loc[aligned.groupby("item_a").score.idxmax()]
    out = best[best.score < threshold][["doc_a", "item_a", "path_a", "title_a", "doc_b", "score"]]
    return out.rename(columns={"doc_a": "doc_id", "item_a": "item_no", "path_a": "path", "title_a": "title",
                               "doc_b": "best_doc", "score": "best_score"}).reset_index(drop=True)  # fmt: skip
