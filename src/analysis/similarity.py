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
from typing import NamedTuple

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
        if not any(len(t) for t in df.tokens):
            raise InsufficientDataError(
                "word similarity needs words in the compared texts; after exclusions there are none"
            )
        vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
        X = vec.fit_transform(df.tokens)
        m = cosine_similarity(X)
    elif measure == "char_cosine":
        vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
                              preprocessor=lambda t: "".join(ch for ch in t if ch.isalnum()))  # fmt: skip
        try:
            X = vec.fit_transform(df.text)
        except (
            ValueError
        ) as exc:  # sklearn: "empty vocabulary; perhaps the documents only contain stop words"
            raise InsufficientDataError(
                "character similarity needs at least two letters or characters in the compared texts; there are none"
            ) from exc
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
    top_k: int | None = None,
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
    top_k : int, optional
        Return :func:`similarity_topk` (each unit's ``top_k`` most similar units, a tidy
        table) instead of the matrix. Above :data:`MAX_DENSE` units this is done anyway,
        with :data:`DEFAULT_TOP_K` and a warning: an n×n matrix of 100,000 items is 80 GB.

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
    if top_k is None and len(df) > MAX_DENSE:
        import warnings

        warnings.warn(
            f"{len(df):,} {level} units: more than {MAX_DENSE:,}, so the {DEFAULT_TOP_K} most similar "
            "of each are returned as a table (similarity_topk) instead of a dense matrix; pass top_k= to choose",
            UserWarning,
            stacklevel=2,
        )
        top_k = DEFAULT_TOP_K
    if top_k is not None:
        return _topk(df, measure, top_k, level)
    m = _matrix(df, measure)
    out = pd.DataFrame(m, index=df[label], columns=df[label])
    # the keys behind the labels, for colours and for joining back
    out.attrs.update(level=level, measure=measure, doc_ids=df.doc_id.tolist(), regions=df.region.tolist())
    return out


#: Above this many units, :func:`similarity_matrix` gives the top-k table, not an n×n matrix.
MAX_DENSE = 2_000
DEFAULT_TOP_K = 10
#: Memory for one block of similarities (rows × all units, float64) in :func:`similarity_topk`.
BLOCK_BYTES = 128 * 2**20


def _vectors(df: pd.DataFrame, measure: str):
    """Sparse rows of the units: L2-normalised TF-IDF (cosines) or binary word sets (Jaccard)."""
    from scipy import sparse

    if measure == "tfidf_cosine":
        if not any(len(t) for t in df.tokens):
            raise InsufficientDataError(
                "word similarity needs words in the compared texts; after exclusions there are none"
            )
        return TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True).fit_transform(df.tokens)
    if measure == "char_cosine":
        vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
                              preprocessor=lambda t: "".join(ch for ch in t if ch.isalnum()))  # fmt: skip
        try:
            return vec.fit_transform(df.text)
        except ValueError as exc:
            raise InsufficientDataError(
                "character similarity needs at least two letters or characters in the compared texts; there are none"
            ) from exc
    if measure == "jaccard":
        from sklearn.feature_extraction.text import CountVectorizer

        X = CountVectorizer(analyzer=lambda x: x, binary=True).fit_transform([set(t) for t in df.tokens])
        return sparse.csr_matrix(X, dtype=np.float64)
    raise ValueError(f"measure must be one of {MEASURES}")


def _topk(df: pd.DataFrame, measure: str, k: int, level: str) -> pd.DataFrame:
    if k < 1:
        raise ValueError(f"top_k must be at least 1, not {k}")
    X = _vectors(df, measure).tocsr()
    n = X.shape[0]
    k = min(k, n - 1)
    XT = X.T.tocsc()
    sizes = np.asarray(X.sum(axis=1)).ravel() if measure == "jaccard" else None
    block = max(1, min(n, BLOCK_BYTES // (8 * n)))
    a_idx, b_idx, sims, ranks = [], [], [], []
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        S = (X[lo:hi] @ XT).toarray()  # one block of rows: (hi - lo) × n, never n × n
        if measure == "jaccard":
            union = sizes[lo:hi, None] + sizes[None, :] - S
            S = np.divide(S, union, out=np.zeros_like(S), where=union > 0)
        np.clip(S, 0.0, 1.0, out=S)
        rows = np.arange(hi - lo)
        S[rows, rows + lo] = -np.inf  # not its own neighbour
        # the k largest per row, ties by position (a stable sort of the negated values)
        part = np.argpartition(-S, k - 1, axis=1)[:, :k] if k < n - 1 else np.tile(np.arange(n), (hi - lo, 1))
        for r in range(hi - lo):
            cand = part[r]
            cand = cand[cand != lo + r]
            vals = S[r, cand]
            # the k-th value may be tied with columns outside the partition: take every tie, then cut
            kth = np.sort(vals)[::-1][min(k, len(vals)) - 1]
            tied = np.flatnonzero(S[r] >= kth)
            tied = tied[tied != lo + r]
            order = tied[np.lexsort((tied, -S[r, tied]))][:k]
            a_idx.append(np.full(len(order), lo + r))
            b_idx.append(order)
            sims.append(S[r, order])
            ranks.append(np.arange(1, len(order) + 1))
    a, b = np.concatenate(a_idx), np.concatenate(b_idx)
    ids = df.unit_id.to_numpy()
    out = pd.DataFrame({"doc_a": ids[a], "doc_b": ids[b], "similarity": np.concatenate(sims),
                        "rank": np.concatenate(ranks).astype("int64"),
                        "label_a": df.label.to_numpy()[a], "label_b": df.label.to_numpy()[b]})  # fmt: skip
    out.attrs.update(level=level, measure=measure, top_k=k)
    return out


def similarity_topk(
    corpus,
    k: int = DEFAULT_TOP_K,
    level: str = "document",
    measure: str = "tfidf_cosine",
    *,
    labels: dict | None = None,
) -> pd.DataFrame:
    """Each unit's ``k`` most similar units, computed in row blocks of sparse products.

    The same measures as :func:`similarity_matrix` (TF-IDF cosine of words, TF-IDF cosine of
    character 2–3-grams, Jaccard of word sets) and the same values, but never an n×n
    matrix: rows are taken :data:`BLOCK_BYTES` at a time, multiplied by the sparse matrix of
    all units, and only the top ``k`` of each row are kept. Memory grows with n·k and the
    vocabulary, time with n² · (shared terms): fine for thousands of plans or a hundred
    thousand items.

    Parameters
    ----------
    k : int, default 10
        Neighbours per unit (at most n − 1).
    level : {"document", "section", "item"}
    measure : {"tfidf_cosine", "char_cosine", "jaccard"}
    labels : dict, optional
        Display labels of regions (:func:`analysis.figures.region_labels`).

    Returns
    -------
    DataFrame
        ``doc_a, doc_b, similarity, rank, label_a, label_b``: one row per unit and neighbour,
        ``rank`` 1 = most similar (ties by the order of the units); ``doc_a``/``doc_b`` are
        unit ids (the doc_id for documents, ``doc_id#n`` for sections and items). Each pair
        appears once per direction in which it is a top-k neighbour.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> top = similarity_topk(load_corpus(), k=1, measure="char_cosine")
    >>> top[["doc_a", "doc_b", "rank"]].head(2).values.tolist()
    [['beijing_2023', 'mianyang_2023', 1], ['chongqing_2023', 'mianyang_2023', 1]]
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    df = units(corpus, level, labels=labels)
    require(len(df), 2, f"{level} similarity", "plan" if level == "document" else level)
    return _topk(df, measure, k, level)


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
    if not any(len(t) for t in u.tokens):
        raise InsufficientDataError(
            "item alignment needs words in the items; after exclusions there are none"
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
    if doc_id not in with_items:
        raise InsufficientDataError(f"unmatched items need numbered items; {doc_id} has none")
    if not others:
        raise InsufficientDataError(
            f"unmatched items need at least one other plan with numbered items besides {doc_id}; this corpus has none"
        )
    aligned = pd.concat(
        [align_items(corpus, doc_id, o, threshold=threshold) for o in others], ignore_index=True
    )
    best = aligned.loc[aligned.groupby("item_a").score.idxmax()]
    out = best[best.score < threshold][["doc_a", "item_a", "path_a", "title_a", "doc_b", "score"]]
    return out.rename(columns={"doc_a": "doc_id", "item_a": "item_no", "path_a": "path", "title_a": "title",
                               "doc_b": "best_doc", "score": "best_score"}).reset_index(drop=True)  # fmt: skip


# ---------------------------------------------------------------- uncertainty

INTERVAL_MEASURES = ("tfidf_cosine", "jaccard")
MASKS = ("boilerplate", "filler")


def _masks(mask) -> tuple[str, ...]:
    if mask is None:
        return ()
    masks = (mask,) if isinstance(mask, str) else tuple(mask)
    unknown = set(masks) - set(MASKS)
    if unknown:
        raise ValueError(f"unknown mask(s) {sorted(unknown)}; choose from {MASKS}")
    return masks


def boilerplate_mask(corpus, tok: pd.DataFrame, phrases: pd.DataFrame | None = None) -> np.ndarray:
    """True for tokens inside a phrase most plans share (:func:`analysis.reuse.boilerplate_phrases`).

    ``phrases`` is such a table (e.g. with the genre's reviewed list, ``file=``); by default the
    corpus's own formulae plus the shipped Youth League list.
    """
    from .reuse import Skeleton, boilerplate_phrases

    table = boilerplate_phrases(corpus) if phrases is None else phrases
    phrases = [p for p in table.phrase if p]
    out = np.zeros(len(tok), dtype=bool)
    if not phrases or tok.empty:
        return out
    bodies = corpus.documents.set_index("doc_id").body
    for doc_id, idx in tok.groupby("doc_id").indices.items():
        body = bodies.get(doc_id)
        if not isinstance(body, str):
            continue
        sk = Skeleton.of(body)
        covered = np.zeros(len(body) + 1, dtype=bool)
        for ph in phrases:
            k = sk.text.find(ph)
            while k >= 0:
                s, e = sk.body_span(k, k + len(ph))
                covered[s:e] = True
                k = sk.text.find(ph, k + 1)
        starts = tok.start.to_numpy()[idx].astype(int)
        out[idx] = covered[np.clip(starts, 0, len(body))]
    return out


def parts(corpus, *, mask=None) -> pd.DataFrame:
    """Word tokens of each plan in the parts that the bootstrap resamples.

    A part is a numbered item; the text outside items (preamble, headings, closing
    paragraphs) forms one part per block kind and section. The tokens are those of
    :func:`similarity_matrix` at the document level, so the parts of a plan together give
    its observed similarity exactly.

    Parameters
    ----------
    mask : {"boilerplate", "filler"} or a tuple of both, optional
        Sensitivity variants: leave out tokens inside boilerplate phrases (shared formulae,
        :func:`analysis.reuse.boilerplate_phrases`) and/or policy filler words
        (:func:`analysis.segment.load_filler`, the ``filler`` token flag).

    Returns
    -------
    DataFrame
        ``doc_id, part, token``.
    """
    masks = _masks(mask)
    tok = kept_tokens(corpus, WORD_EXCLUDE).reset_index(drop=True)
    keep = np.ones(len(tok), dtype=bool)
    if "filler" in masks:
        keep &= ~tok["filler"].to_numpy(dtype=bool)
    if "boilerplate" in masks:
        keep &= ~boilerplate_mask(corpus, tok)
    tok = tok[keep]
    item = tok.item_no.astype("string")
    other = "~" + tok.block.astype(str) + "#" + tok.section_id.astype("string").fillna("")
    part = item.where(tok.item_no.notna(), other)
    return pd.DataFrame(
        {"doc_id": tok.doc_id.to_numpy(), "part": part.to_numpy(), "token": tok.token.to_numpy()}
    )


class _Parts:
    """Count matrix of parts × vocabulary, and the plan of each part."""

    def __init__(self, p: pd.DataFrame, doc_ids: Sequence[str]):
        from scipy import sparse

        key = p.doc_id + "\x00" + p.part.astype(str)
        part_codes, part_keys = pd.factorize(key, sort=True)
        tok_codes, _ = pd.factorize(p.token)
        self.n_parts = len(part_keys)
        vocab = int(tok_codes.max()) + 1 if len(tok_codes) else 0
        self.X = sparse.csr_matrix((np.ones(len(p)), (part_codes, tok_codes)), shape=(self.n_parts, vocab))
        part_doc = pd.Series([k.split("\x00")[0] for k in part_keys])
        pos = {d: i for i, d in enumerate(doc_ids)}
        self.doc_of = part_doc.map(pos).to_numpy(dtype=int) if len(part_doc) else np.zeros(0, int)
        self.n_docs = len(doc_ids)
        self.parts_of = [np.flatnonzero(self.doc_of == i) for i in range(self.n_docs)]

    def docs(self, owner: np.ndarray, weight: np.ndarray | None = None):
        """Counts per plan when part ``j`` belongs to plan ``owner[j]`` with ``weight[j]`` copies."""
        from scipy import sparse

        w = np.ones(self.n_parts) if weight is None else np.asarray(weight, dtype=float)
        nz = np.flatnonzero(w)
        W = sparse.csr_matrix((w[nz], (owner[nz], nz)), shape=(self.n_docs, self.n_parts))
        D = (W @ self.X).tocsr()
        D.eliminate_zeros()
        return D


def _sim_from_counts(D, measure: str) -> np.ndarray:
    """Similarity of rows of a count matrix, as :func:`similarity_matrix` computes it."""
    from sklearn.preprocessing import normalize

    D = D.tocsr().astype(float)
    n = D.shape[0]
    if measure == "tfidf_cosine":
        T = D.copy()
        T.data = 1 + np.log(T.data)  # sublinear tf
        df = np.bincount(D.indices, minlength=D.shape[1])
        idf = np.log((1 + n) / (1 + df)) + 1  # smooth idf, as sklearn
        T = normalize(T.multiply(idf[None, :]).tocsr())
        m = (T @ T.T).toarray()
    elif measure == "jaccard":
        B = D.copy()
        B.data = np.ones_like(B.data)
        inter = (B @ B.T).toarray()
        size = np.asarray(B.sum(axis=1)).ravel()
        union = size[:, None] + size[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(union > 0, inter / union, 0.0)
    else:
        raise ValueError(f"intervals are computed for measures {INTERVAL_MEASURES}")
    m = (m + m.T) / 2
    np.fill_diagonal(m, 1.0)
    return np.clip(m, 0.0, 1.0)


def similarity_bootstrap(
    corpus,
    level: str = "document",
    measure: str = "tfidf_cosine",
    *,
    n_boot: int = 200,
    n_perm: int = 200,
    random_state: int = 0,
    mask=None,
    labels: dict | None = None,
) -> dict:
    """Observed similarity of the plans, its item-bootstrap replicates and a shuffled-item null.

    The work behind :func:`similarity_intervals` and the dendrogram's support values.

    Returns
    -------
    dict
        ``matrix`` (DataFrame as :func:`similarity_matrix`, labelled), ``boot`` (array
        ``n_boot × n × n``: each plan's parts resampled with replacement), ``null`` (array
        ``n_perm × n × n``: parts shuffled between plans, each plan keeping its number of
        parts), ``n_parts`` (parts per plan).
    """
    if level != "document":
        raise ValueError("similarity intervals are computed between whole plans (level='document')")
    if measure not in INTERVAL_MEASURES:
        raise ValueError(f"intervals are computed for measures {INTERVAL_MEASURES}")
    u = units(corpus, "document", labels=labels)
    require(len(u), 2, "similarity intervals", "plan")
    p = parts(corpus, mask=mask)
    if p.empty:
        raise InsufficientDataError(
            "similarity intervals need words in the plans; after exclusions there are none"
        )
    P = _Parts(p, u.doc_id.tolist())
    n_parts = np.array([len(ix) for ix in P.parts_of])
    thin = [d for d, k in zip(u.doc_id, n_parts) if k < 2]
    if thin:
        raise InsufficientDataError(
            f"similarity intervals need at least two items (or text parts) in every plan; {thin[0]} has {int(n_parts[u.doc_id.tolist().index(thin[0])])}"
        )
    rng = np.random.default_rng(random_state)
    observed = _sim_from_counts(P.docs(P.doc_of), measure)
    boot = np.empty((n_boot, P.n_docs, P.n_docs))
    for r in range(n_boot):
        w = np.zeros(P.n_parts)
        for ix in P.parts_of:
            np.add.at(w, rng.choice(ix, size=len(ix), replace=True), 1.0)
        boot[r] = _sim_from_counts(P.docs(P.doc_of, w), measure)
    # delete-one-part jackknife (Efron & Tibshirani 1993, ch. 11): variance summed over plans
    var = np.zeros((P.n_docs, P.n_docs))
    for ix in P.parts_of:
        reps = np.empty((len(ix), P.n_docs, P.n_docs))
        for k, part in enumerate(ix):
            w = np.ones(P.n_parts)
            w[part] = 0.0
            reps[k] = _sim_from_counts(P.docs(P.doc_of, w), measure)
        var += (len(ix) - 1) / len(ix) * ((reps - reps.mean(axis=0)) ** 2).sum(axis=0)
    null = np.empty((n_perm, P.n_docs, P.n_docs))
    for r in range(n_perm):
        null[r] = _sim_from_counts(P.docs(rng.permutation(P.doc_of)), measure)
    matrix = pd.DataFrame(observed, index=u.label, columns=u.label)
    matrix.attrs.update(level=level, measure=measure, doc_ids=u.doc_id.tolist(), regions=u.region.tolist(),
                        mask=_masks(mask))  # fmt: skip
    return {"matrix": matrix, "boot": boot, "null": null, "se": np.sqrt(var), "n_parts": n_parts}


def similarity_intervals(
    corpus,
    level: str = "document",
    measure: str = "tfidf_cosine",
    *,
    n_boot: int = 200,
    n_perm: int = 200,
    confidence: float = 0.95,
    interval: str = "jackknife",
    random_state: int = 0,
    mask=None,
    labels: dict | None = None,
) -> pd.DataFrame:
    """Similarity of every pair of plans with an interval and a shuffled-item baseline.

    **Resampling unit.** A plan's numbered items (and its text outside items, one part per
    block kind and section, :func:`parts`): which items a plan happens to contain is the
    uncertainty shown, not segmentation or the choice of measure.

    **Interval.** ``interval="jackknife"`` (default): ``similarity ± z · SE``, with the
    delete-one-item jackknife standard error summed over plans (Efron & Tibshirani 1993,
    ch. 11). ``interval="bootstrap"``: items resampled with replacement within each plan
    ``n_boot`` times, the percentile interval shifted by the bootstrap's bias estimate.
    The item bootstrap is biased for these measures (a resampled plan repeats items and
    loses about a third of them, which lowers its vocabulary overlap: on generated plans
    the replicates averaged 0.46 against an observed 0.57), and even after the shift it
    covered the true similarity in 87.5% of cases at nominal 95%, the jackknife interval in
    95.0% (``benchmarks/similarity_coverage.py``: 60 generated corpora of four plans, 25
    topical items each; the test suite repeats a smaller version). The bootstrap replicates still give ``top_share`` and the
    dendrogram's support values.

    **Baseline.** The parts are shuffled between the plans ``n_perm`` times (each plan keeps
    its number of parts) and the similarity recomputed: what the pair would score if plans
    were random draws from one pool of items. ``p_perm`` is two-sided: how often a shuffled
    value lies at least as far from the shuffled mean as the observed one (with the +1 of
    Phipson & Smyth 2010). A pair with a large ``p_perm`` is not distinguishable from a
    random mix of the corpus's items.

    Parameters
    ----------
    level : {"document"}
        Whole plans (the only level with a sensible resampling unit).
    measure : {"tfidf_cosine", "jaccard"}
    n_boot, n_perm : int, default 200
    confidence : float, default 0.95
    interval : {"jackknife", "bootstrap"}
    random_state : int, default 0
        Seed of the resampling: the same input gives the same table.
    mask : {"boilerplate", "filler"} or both, optional
        Sensitivity variants (see :func:`parts`).
    labels : dict, optional
        Display labels (:func:`analysis.figures.region_labels`) for ``label_a``/``label_b``.

    Returns
    -------
    DataFrame
        One row per pair, most similar first: ``doc_a, doc_b, label_a, label_b, similarity,
        low, high, se, baseline`` (mean shuffled similarity), ``baseline_low, baseline_high``
        (its central range), ``p_perm`` and ``top_share`` (share of bootstrap replicates in
        which this pair is the most similar one). Settings in ``attrs``; the replicates of
        the whole matrix in ``attrs["boot"]`` (for :func:`analysis.plots.plot_dendrogram`).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> iv = similarity_intervals(load_corpus(), n_boot=50, n_perm=50)
    >>> list(iv.columns[:8])
    ['doc_a', 'doc_b', 'label_a', 'label_b', 'similarity', 'low', 'high', 'se']
    >>> bool(((iv.low <= iv.similarity) & (iv.similarity <= iv.high)).all())
    True
    >>> iv.loc[0, ["doc_a", "doc_b"]].tolist(), iv.loc[0, ["similarity", "low", "high", "baseline"]].astype(float).round(3).tolist()
    (['mianyang_2023', 'sichuan_2021'], [0.446, 0.397, 0.496, 0.42])
    >>> int((iv.p_perm < 0.05).sum())  # pairs that differ from items shuffled between plans
    0
    """
    res = similarity_bootstrap(corpus, level, measure, n_boot=n_boot, n_perm=n_perm,
                               random_state=random_state, mask=mask, labels=labels)  # fmt: skip
    return _interval_table(res, confidence, interval)


def _interval_table(res: dict, confidence: float, interval: str = "jackknife") -> pd.DataFrame:
    m, boot, null = res["matrix"], res["boot"], res["null"]
    ids, labs = m.attrs["doc_ids"], list(m.index)
    n = len(ids)
    i, j = np.triu_indices(n, k=1)
    obs = m.to_numpy()[i, j]
    b = boot[:, i, j]
    q = (1 - confidence) / 2
    if interval == "jackknife":
        from scipy.stats import norm

        se = res["se"][i, j]
        half = norm.ppf(1 - q) * se
        low, high = np.clip(obs - half, 0, 1), np.clip(obs + half, 0, 1)
    elif interval == "bootstrap":
        se = b.std(axis=0, ddof=1)
        bias = b.mean(axis=0) - obs
        low = np.clip(np.quantile(b, q, axis=0) - bias, 0, 1)
        high = np.clip(np.quantile(b, 1 - q, axis=0) - bias, 0, 1)
    else:
        raise ValueError("interval must be 'jackknife' or 'bootstrap'")
    low, high = np.minimum(low, obs), np.maximum(high, obs)
    nl = null[:, i, j]
    centre = nl.mean(axis=0)
    p_perm = (1 + (np.abs(nl - centre) >= np.abs(obs - centre) - 1e-12).sum(axis=0)) / (len(nl) + 1)
    top = b.argmax(axis=1)
    top_share = np.bincount(top, minlength=len(obs)) / len(b)
    out = pd.DataFrame({
        "doc_a": [ids[k] for k in i], "doc_b": [ids[k] for k in j],
        "label_a": [labs[k] for k in i], "label_b": [labs[k] for k in j],
        "similarity": obs, "low": low, "high": high, "se": se, "baseline": centre,
        "baseline_low": np.quantile(nl, q, axis=0), "baseline_high": np.quantile(nl, 1 - q, axis=0),
        "p_perm": p_perm, "top_share": top_share,
    })  # fmt: skip
    out = out.sort_values(["similarity", "doc_a", "doc_b"], ascending=[False, True, True], ignore_index=True)
    out.attrs.update(measure=m.attrs["measure"], mask=m.attrs.get("mask", ()), n_boot=len(boot), interval=interval,
                     n_perm=len(null), confidence=confidence, boot=boot, doc_ids=ids)  # fmt: skip
    return out


class PlanIdentity(NamedTuple):
    """Result of :func:`plan_identity`: a table per plan and a one-sentence verdict."""

    table: pd.DataFrame
    verdict: str
    resolved: bool


def _split_half(P: _Parts, ok: list[int], doc_of: np.ndarray, rng, n_splits: int, measure: str):
    """Within-plan and between-plan similarity of random halves, one row per split."""
    from scipy import sparse

    k = len(ok)
    within = np.zeros((n_splits, k))
    between = np.zeros((n_splits, k))
    nearest = np.zeros((n_splits, k))
    members = [np.flatnonzero(doc_of == i) for i in ok]
    for r in range(n_splits):
        owner = np.full(P.n_parts, -1)
        for h, ix in enumerate(members):
            ix = rng.permutation(ix)
            owner[ix[: len(ix) // 2]] = 2 * h
            owner[ix[len(ix) // 2 :]] = 2 * h + 1
        used = np.flatnonzero(owner >= 0)
        W = sparse.csr_matrix((np.ones(len(used)), (owner[used], used)), shape=(2 * k, P.n_parts))
        D = (W @ P.X).tocsr()
        D.eliminate_zeros()
        s = _sim_from_counts(D, measure)
        np.fill_diagonal(s, -np.inf)
        for h in range(k):
            a, b = 2 * h, 2 * h + 1
            within[r, h] = s[a, b]
            others = [x for x in range(2 * k) if x not in (a, b)]
            between[r, h] = s[np.ix_([a, b], others)].mean()
            nearest[r, h] = ((s[a].argmax() == b) + (s[b].argmax() == a)) / 2
    return within, between, nearest


def plan_identity(
    corpus,
    measure: str = "tfidf_cosine",
    *,
    n_splits: int = 50,
    n_perm: int = 100,
    random_state: int = 0,
    mask=None,
) -> PlanIdentity:
    """Split-half diagnostic: does the corpus tell plans apart at all?

    Each plan's parts (items, see :func:`parts`) are split at random into two halves, and
    every half compared with every other half. If similarity measures what is particular
    to a plan, a half is closer to its own other half than to the halves of other plans.
    The mean difference over ``n_splits`` random splits is compared with the same
    diagnostic on ``n_perm`` corpora whose items were shuffled between plans (each plan
    keeping its number of items): even plans drawn from one pool of items differ by
    chance, so a positive difference alone proves nothing.

    Returns
    -------
    PlanIdentity
        ``table``: one row per plan, ``doc_id, n_parts, within`` (mean similarity of its two
        halves), ``between`` (mean similarity of its halves to other plans' halves),
        ``difference`` and ``nearest_share`` (share of halves whose nearest half is their
        own other half; ``chance`` = 1 / (number of other halves)); ``verdict``: one
        sentence; ``resolved``: True when the corpus-wide difference exceeds the shuffled
        corpora's at the 5% level (``p`` in ``table.attrs``).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> pi = plan_identity(load_corpus())
    >>> list(pi.table.columns[:4])
    ['doc_id', 'n_parts', 'within', 'between']
    >>> pi.resolved, round(float(pi.table.within.mean()), 3), round(float(pi.table.between.mean()), 3), round(pi.table.attrs["p"], 2)
    (False, 0.279, 0.282, 0.59)
    """
    p = parts(corpus, mask=mask)
    doc_ids = [d for d in corpus.documents.doc_id if d in set(p.doc_id)]
    P = _Parts(p, doc_ids) if doc_ids else None
    ok = [i for i in range(len(doc_ids)) if len(P.parts_of[i]) >= 4] if P else []
    require(len(ok), 2, "the plan-identity diagnostic", "plan with four or more items")
    rng = np.random.default_rng(random_state)
    k = len(ok)
    within, between, nearest = _split_half(P, ok, P.doc_of, rng, n_splits, measure)
    observed = float((within - between).mean())
    in_ok = np.isin(P.doc_of, ok)
    null = np.empty(n_perm)
    for r in range(n_perm):
        doc_of = P.doc_of.copy()
        doc_of[in_ok] = rng.permutation(doc_of[in_ok])
        w, b, _ = _split_half(P, ok, doc_of, rng, max(5, n_splits // 5), measure)
        null[r] = (w - b).mean()
    p_value = (1 + int((null >= observed - 1e-12).sum())) / (n_perm + 1)
    table = pd.DataFrame({
        "doc_id": [doc_ids[i] for i in ok], "n_parts": [len(P.parts_of[i]) for i in ok],
        "within": within.mean(axis=0), "between": between.mean(axis=0),
        "difference": (within - between).mean(axis=0),
        "nearest_share": nearest.mean(axis=0), "chance": 1 / (2 * k - 1),
    })  # fmt: skip
    resolved = bool(p_value < 0.05)
    w, b = within.mean(), between.mean()
    lo, hi = np.quantile(null, [0.025, 0.975])
    facts = (
        f"its other half ({w:.3f}) than to halves of other plans ({b:.3f}; difference {w - b:+.3f}, "
        f"against {lo:+.3f} to {hi:+.3f} when items are shuffled between plans, p = {p_value:.3f})"
    )
    if resolved:
        verdict = f"The corpus resolves plans: a random half of a plan is closer to {facts}"
    else:
        verdict = (
            f"The corpus does not resolve plans: a random half of a plan is no closer to {facts}, "
            "so differences between pairs of plans are at the level of noise"
        )
    table.attrs.update(measure=measure, n_splits=n_splits, n_perm=n_perm, p=p_value, mask=_masks(mask))
    return PlanIdentity(table, verdict, resolved)


def cluster_support(matrix: pd.DataFrame, boot: np.ndarray, method: str = "average") -> pd.DataFrame:
    """Bootstrap support of each cluster of the average-linkage tree (Felsenstein 1985).

    The tree is built on ``1 − similarity``; each replicate matrix of ``boot`` gives a tree
    too, and a cluster's support is the share of replicate trees containing the same set of
    plans. Support is about the resampling of items, not about other measures or corpora.

    Returns
    -------
    DataFrame
        One row per merge of scipy's linkage (``node`` = n + row): ``node, members``
        (frozenset of row positions), ``height``, ``support``.
    """
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    def clusters(sim: np.ndarray) -> tuple[np.ndarray, list[frozenset]]:
        dist = 1 - sim
        np.fill_diagonal(dist, 0)
        z = linkage(squareform((dist + dist.T) / 2, checks=False), method=method)
        n = len(sim)
        members = [frozenset([i]) for i in range(n)]
        for a, b, _, _ in z:
            members.append(members[int(a)] | members[int(b)])
        return z, members[n:]

    z, obs = clusters(matrix.to_numpy())
    counts = np.zeros(len(obs))
    for rep in boot:
        _, cl = clusters(rep)
        cs = set(cl)
        counts += [c in cs for c in obs]
    n = len(matrix)
    return pd.DataFrame({"node": np.arange(n, n + len(obs)), "members": obs, "height": z[:, 2],
                         "support": counts / max(len(boot), 1)})  # fmt: skip
