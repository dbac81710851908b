"""Themes of plan items: unsupervised (NMF, LDA, KMeans), guided by seed words, and attention allocation.

Items are represented by TF-IDF of their domain tokens (``corpus.tokens`` minus punctuation,
numbers, stopwords, policy filler words, placeholders and one-character tokens). Terms used
by fewer than ``min_plans`` plans (place names, local brands) are left out, so that themes
describe policy areas that cut across cities rather than the cities themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, LatentDirichletAllocation, TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from .errors import require
from .keywords import DEFAULT_EXCLUDE, kept_tokens
from .segment import DATA
from .stats import adjust_p, fisher_p, g2, min_expected, p_value, wilson_interval

METHODS = ("nmf", "lda", "kmeans")
GUIDE = DATA / "themes.csv"


@dataclass
class ThemeResult:
    """Result of :func:`cluster_items`.

    Attributes
    ----------
    items : DataFrame
        One row per item: ``doc_id, item_no, region, title, theme, theme_label, weight``.
    themes : DataFrame
        One row per theme: ``theme, label, top_terms, n_items, n_docs, representative``.
    selection : DataFrame
        The criterion for each candidate number of themes (``k, stability``), when
        ``k`` was chosen automatically.
    k, method, random_state
        The settings used.
    """

    items: pd.DataFrame
    themes: pd.DataFrame
    selection: pd.DataFrame
    k: int
    method: str
    random_state: int
    matrix: object = field(default=None, repr=False)
    terms: list[str] = field(default_factory=list, repr=False)


def item_documents(corpus, *, exclude: Sequence[str] = DEFAULT_EXCLUDE, min_plans: int = 2) -> pd.DataFrame:
    """Items with their token lists, keeping only terms that occur in ``min_plans`` plans or more."""
    tok = kept_tokens(corpus, exclude)
    tok = tok[tok.item_no.notna()]
    n_plans = tok.groupby("token").doc_id.nunique()
    keep = set(n_plans[n_plans >= min_plans].index)
    tok = tok[tok.token.isin(keep)]
    words = tok.groupby(["doc_id", "item_no"]).token.agg(list)
    items = corpus.items[["doc_id", "item_no", "section_no", "title", "text", "n_chars"]].copy()
    items["tokens"] = [words.get((d, i), []) for d, i in zip(items.doc_id, items.item_no)]
    regions = corpus.documents.set_index("doc_id").region
    items["region"] = [regions[d] for d in items.doc_id]
    return items.reset_index(drop=True)


def _fit(method: str, docs: list[list[str]], k: int, random_state: int):
    """Fit a model; return (labels, weights W, components H, feature names, doc-term matrix)."""
    if method == "lda":
        vec = CountVectorizer(analyzer=lambda x: x)
        X = vec.fit_transform(docs)
        model = LatentDirichletAllocation(
            n_components=k, random_state=random_state, learning_method="batch", max_iter=50
        )
        W = model.fit_transform(X)
        H = model.components_
    else:
        vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
        X = vec.fit_transform(docs)
        if method == "nmf":
            model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=1000)
            W = model.fit_transform(X)
            H = model.components_
        elif method == "kmeans":
            model = KMeans(n_clusters=k, n_init=10, random_state=random_state)
            labels = model.fit_predict(X)
            W = np.eye(k)[labels]
            H = model.cluster_centers_
        else:
            raise ValueError(f"method must be one of {METHODS}")
    labels = W.argmax(axis=1)
    return labels, W, H, vec.get_feature_names_out(), X


def stability(
    docs: list[list[str]],
    k: int,
    method: str = "nmf",
    *,
    n_runs: int = 5,
    frac: float = 0.8,
    random_state: int = 0,
) -> float:
    """Mean adjusted Rand index between the full fit and fits on random 80% subsamples of the items."""
    full, *_ = _fit(method, docs, k, random_state)
    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(n_runs):
        idx = np.sort(rng.choice(len(docs), size=int(frac * len(docs)), replace=False))
        sub, *_ = _fit(method, [docs[i] for i in idx], k, random_state)
        scores.append(adjusted_rand_score(full[idx], sub))
    return float(np.mean(scores))


def ctfidf_terms(docs: list[list[str]], labels: np.ndarray, n: int = 8) -> dict[int, list[str]]:
    """Top terms per class by class-based TF-IDF (BERTopic's c-TF-IDF).

    ``w(t, c) = tf(t, c) · log(1 + A / f(t))``: ``tf`` the term's frequency in the class's
    concatenated items, ``A`` the mean number of words per class, ``f(t)`` the term's frequency
    over all classes.
    """
    classes = sorted(set(labels.tolist()))
    joined = [[w for d, lab in zip(docs, labels) if lab == c for w in d] for c in classes]
    vec = CountVectorizer(analyzer=lambda x: x)
    tf = vec.fit_transform(joined).toarray().astype(float)
    f = tf.sum(axis=0)
    A = tf.sum() / len(classes)
    w = tf * np.log(1 + A / f)
    names = vec.get_feature_names_out()
    return {c: [names[j] for j in np.argsort(-w[i], kind="stable")[:n]] for i, c in enumerate(classes)}


def cluster_items(
    corpus,
    k: int | None = None,
    method: str = "nmf",
    *,
    k_range: Sequence[int] = range(5, 13),
    random_state: int = 0,
    min_plans: int = 2,
    n_terms: int = 8,
) -> ThemeResult:
    """Unsupervised themes over plan items.

    Parameters
    ----------
    corpus : Corpus
    k : int, optional
        Number of themes. By default chosen from ``k_range`` as the most stable
        (highest mean adjusted Rand index between the full fit and fits on 80% subsamples
        of the items; ties go to the larger ``k``).
    method : {"nmf", "lda", "kmeans"}
        NMF on TF-IDF (default), LDA on counts, or KMeans on TF-IDF.
    random_state : int
        Fixed seed: the same input gives the same themes.
    min_plans : int
        Terms must occur in at least this many plans.
    n_terms : int
        Top terms kept per theme.

    Returns
    -------
    ThemeResult

    Examples
    --------
    >>> from analysis import load_corpus
    >>> res = cluster_items(load_corpus(), k=8)  # doctest: +SKIP
    >>> res.themes[["theme", "label", "n_items"]]  # doctest: +SKIP
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    items = item_documents(corpus, min_plans=min_plans)
    docs = list(items.tokens)
    if len(docs) < 3:
        require(len(docs), 3, "theme discovery", "numbered item")
    selection = pd.DataFrame(columns=["k", "stability"])
    if k is None:
        ks = [x for x in k_range if 2 <= x < len(docs)]
        selection = pd.DataFrame(
            {"k": ks, "stability": [stability(docs, x, method, random_state=random_state) for x in ks]}
        )
        best = selection.stability.max()
        k = int(selection[selection.stability >= best - 1e-9].k.max())
    labels, W, H, names, X = _fit(method, docs, k, random_state)
    # renumber themes by size (largest first) so that numbering is stable and readable
    order = (
        pd.Series(labels)
        .value_counts()
        .sort_index()
        .sort_values(ascending=False, kind="stable")
        .index.tolist()
    )
    remap = {old: new for new, old in enumerate(order)}
    labels = np.array([remap[x] for x in labels])
    W = W[:, order]
    top = ctfidf_terms(docs, labels, n_terms)
    # words in a large share of all items (青年, 青少年) say little about a theme: not in labels
    item_df = pd.Series([w for d in docs for w in set(d)]).value_counts() / len(docs)
    generic = set(item_df[item_df > 0.3].index)
    rows = []
    for t in range(k):
        members = np.flatnonzero(labels == t)
        terms = top.get(t, [])
        label_terms = [w for w in terms if w not in generic] or terms
        rep = members[np.argsort(-W[members, t], kind="stable")][:3]
        rows.append({
            "theme": t,
            "label": "·".join(label_terms[:3]) if terms else f"theme {t}",
            "top_terms": " ".join(terms),
            "n_items": len(members),
            "n_docs": items.doc_id.iloc[members].nunique() if len(members) else 0,
            "representative": " | ".join(f"{items.region[i]}:{items.title[i]}" for i in rep),
        })  # fmt: skip
    themes = pd.DataFrame(rows)
    label_of = themes.set_index("theme").label
    out = items[["doc_id", "item_no", "section_no", "region", "title", "n_chars"]].copy()
    out["theme"] = labels
    out["theme_label"] = [label_of[t] for t in labels]
    out["weight"] = W[np.arange(len(labels)), labels]
    return ThemeResult(out, themes, selection, k, method, random_state, X, list(names))


def read_guide(path: str | Path = GUIDE) -> pd.DataFrame:
    """Guided themes: ``theme, label_en, seed_words`` (space-separated) from a reviewable CSV."""
    g = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    missing = {"theme", "seed_words"} - set(g.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    g["seeds"] = g.seed_words.str.split()
    return g


def classify_items(
    corpus_or_items, guide: pd.DataFrame | str | Path = GUIDE, *, min_score: int = 1
) -> pd.DataFrame:
    """Assign each item to the guided theme whose seed words it mentions most.

    The score of a theme is the number of occurrences of its seed words in the item text
    (longer seeds counted first, so 全面从严治团 is not also counted as 从严治团). Ties go to
    the theme listed first; items scoring below ``min_score`` get ``"其他"`` (other).

    Parameters
    ----------
    corpus_or_items : Corpus or DataFrame
        A corpus, or a DataFrame with ``doc_id, item_no, text``.

    Returns
    -------
    DataFrame
        ``doc_id, item_no, guided, score, seeds_found`` plus one ``score_<theme>`` column per theme.
    """
    items = (
        corpus_or_items.items
        if hasattr(corpus_or_items, "items") and hasattr(corpus_or_items, "documents")
        else corpus_or_items
    )
    g = read_guide(guide) if not isinstance(guide, pd.DataFrame) else guide
    if "seeds" not in g:
        g = g.assign(seeds=g.seed_words.str.split())
    rows = []
    for it in items.itertuples():
        scores, found = [], []
        for seeds in g.seeds:
            text = it.text
            n = 0
            hit = []
            for s in sorted(seeds, key=len, reverse=True):
                c = text.count(s)
                if c:
                    n += c
                    hit.append(s)
                    text = text.replace(s, "\0")
            scores.append(n)
            found.append(hit)
        best = int(np.argmax(scores))
        theme = g.theme.iloc[best] if scores[best] >= min_score else "其他"
        row = {"doc_id": it.doc_id, "item_no": it.item_no, "guided": theme, "score": scores[best],
               "seeds_found": " ".join(found[best]) if scores[best] >= min_score else ""}  # fmt: skip
        row.update({f"score_{t}": s for t, s in zip(g.theme, scores)})
        rows.append(row)
    return pd.DataFrame(rows)


def map_to_guided(result: ThemeResult, guided: pd.DataFrame, *, min_share: float = 0.5) -> pd.DataFrame:
    """Map each unsupervised theme onto the guided theme most of its items belong to.

    Returns
    -------
    DataFrame
        ``theme, label, guided, share`` (of the theme's items in that guided theme),
        ``agrees`` (share ≥ ``min_share``).
    """
    m = result.items.merge(guided[["doc_id", "item_no", "guided"]], on=["doc_id", "item_no"])
    ct = pd.crosstab(m.theme, m.guided)
    best = ct.idxmax(axis=1)
    share = ct.max(axis=1) / ct.sum(axis=1)
    out = pd.DataFrame({"theme": ct.index, "guided": best.values, "share": share.values})
    out = out.merge(result.themes[["theme", "label"]], on="theme")
    out["agrees"] = out.share >= min_share
    return out[["theme", "label", "guided", "share", "agrees"]]


def attention(
    assignments: pd.DataFrame,
    theme: str = "theme",
    by: str = "region",
    *,
    weight: str = "items",
    n_boot: int = 1000,
    random_state: int = 0,
    correction: str = "bh",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Attention allocation: each group's share of items (or characters) per theme.

    Parameters
    ----------
    assignments : DataFrame
        One row per item with the ``theme`` and ``by`` columns (and ``n_chars`` for
        ``weight="chars"``): :attr:`ThemeResult.items`, or guided themes merged with regions.
    weight : {"items", "chars"}
        Count items, or their characters.
    n_boot : int
        Bootstrap resamples (items within the group, fixed seed) for the 95% interval.

    Returns
    -------
    DataFrame
        One row per (group, theme): ``n`` (items or characters), ``total``, ``share`` (sums to 1
        per group), ``share_rest`` (the other groups together), ``ci_low, ci_high`` (95%
        Wilson score interval of the share of items, which does not collapse to [0, 0] for a
        zero count; bootstrap percentiles for ``weight="chars"``), ``g2`` and ``p``
        (log-likelihood test of the group against the rest, on item counts; Fisher's exact
        test where an expected count is below 5, see ``test``), ``p_adj`` (adjusted over all
        group × theme tests by ``correction``: "bh" Benjamini–Hochberg, "bonferroni" or
        "none"), ``log_ratio`` and ``over`` ("over", "under", or "" unless ``p_adj < alpha``).
    """
    if weight not in ("items", "chars"):
        raise ValueError("weight must be 'items' or 'chars'")
    df = assignments.copy()
    df["_w"] = 1 if weight == "items" else df["n_chars"]
    themes = sorted(df[theme].unique(), key=str)
    rng = np.random.default_rng(random_state)
    rows = []
    for g, sub in df.groupby(by, sort=True):
        rest = df[df[by] != g]
        total, total_rest = sub._w.sum(), rest._w.sum()
        th = sub[theme].to_numpy()
        w = sub._w.to_numpy(dtype=float)
        boots = rng.integers(0, len(sub), size=(n_boot, len(sub)))
        for t in themes:
            n = sub.loc[sub[theme] == t, "_w"].sum()
            n_rest = rest.loc[rest[theme] == t, "_w"].sum()
            is_t = (th == t).astype(float)
            bs = (is_t[boots] * w[boots]).sum(axis=1) / w[boots].sum(axis=1)
            a, b = (sub[theme] == t).sum(), (rest[theme] == t).sum()
            c, d = len(sub), len(rest)
            stat = float(g2(a, b, c, d)) if d else 0.0
            exact = bool(d) and float(np.atleast_1d(min_expected(a, b, c, d))[0]) < 5
            p = float(fisher_p([a], [b], c, d)[0]) if exact else float(p_value(stat))
            if weight == "items":
                lo, hi = (float(v[0]) for v in wilson_interval(a, c))
            else:
                lo, hi = float(np.quantile(bs, 0.025)), float(np.quantile(bs, 0.975))
            rows.append({by: g, theme: t, "n": n, "total": total, "share": n / total if total else 0.0,
                         "share_rest": n_rest / total_rest if total_rest else np.nan,
                         "ci_low": lo, "ci_high": hi, "g2": stat, "test": "fisher" if exact else "G2",
                         "p": p})  # fmt: skip
    out = pd.DataFrame(rows)
    with np.errstate(divide="ignore"):
        out["log_ratio"] = np.log2((out.share + 1e-3) / (out.share_rest + 1e-3))
    out["p_adj"] = adjust_p(out.p.to_numpy(), correction) if len(out) else []
    out["over"] = np.where(out.p_adj < alpha, np.where(out.share > out.share_rest, "over", "under"), "")
    out.attrs.update(correction=correction, alpha=alpha, n_tests=len(out))
    return out


def validate(
    result: ThemeResult,
    corpus,
    *,
    baseline: ThemeResult | None = None,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> pd.DataFrame:
    """How much the themes agree with the plans' own sections, with the plans, and with themselves.

    Reports NMI and adjusted Rand between the item themes and (a) the sections (labels
    ``doc_id + section_no``: items a plan groups together), (b) the plan they come from
    (should be low: themes should cut across cities), and the same for a baseline (by
    default TF-IDF + KMeans with the same ``k``) and for a random permutation of the themes
    (chance level). ``stability`` is the mean ARI of the theme assignment across the given
    random seeds (and, for NMF with a deterministic init, under 80% subsampling).

    Returns
    -------
    DataFrame
        ``model, nmi_sections, ari_sections, nmi_plans, ari_plans, stability``.
    """
    items = result.items
    sections = (items.doc_id + "#" + items.section_no.astype(str)).to_numpy()
    plans = items.doc_id.to_numpy()
    if baseline is None:
        baseline = cluster_items(corpus, k=result.k, method="kmeans", random_state=result.random_state)
    rng = np.random.default_rng(result.random_state)
    shuffled = rng.permutation(items.theme.to_numpy())

    def row(name, labels, stab):
        return {"model": name,
                "nmi_sections": normalized_mutual_info_score(sections, labels), "ari_sections": adjusted_rand_score(sections, labels),
                "nmi_plans": normalized_mutual_info_score(plans, labels), "ari_plans": adjusted_rand_score(plans, labels),
                "stability": stab}  # fmt: skip

    def seed_stability(method):
        runs = [
            cluster_items(corpus, k=result.k, method=method, random_state=s).items.theme.to_numpy()
            for s in seeds
        ]
        pairs = [
            adjusted_rand_score(runs[i], runs[j]) for i in range(len(runs)) for j in range(i + 1, len(runs))
        ]
        return float(np.mean(pairs)) if pairs else 1.0

    docs = list(item_documents(corpus).tokens)
    rows = [
        row(f"{result.method} (k={result.k})", items.theme.to_numpy(),
            min(seed_stability(result.method), stability(docs, result.k, result.method, random_state=result.random_state))),
        row(f"baseline {baseline.method} (k={baseline.k})", baseline.items.theme.to_numpy(),
            min(seed_stability(baseline.method), stability(docs, baseline.k, baseline.method, random_state=baseline.random_state))),
        row("random permutation", shuffled, np.nan),
    ]  # fmt: skip
    return pd.DataFrame(rows)


def item_map(result: ThemeResult, *, random_state: int = 0) -> pd.DataFrame:
    """2-D coordinates of the items (TruncatedSVD of the TF-IDF matrix) for a map coloured by theme."""
    X = result.matrix
    if X is None:
        raise ValueError("result has no matrix")
    n = min(2, X.shape[1] - 1) if X.shape[1] > 2 else 2
    xy = TruncatedSVD(n_components=n, random_state=random_state).fit_transform(X)
    out = result.items[["doc_id", "item_no", "region", "theme", "theme_label", "title"]].copy()
    out["x"], out["y"] = xy[:, 0], xy[:, 1] if xy.shape[1] > 1 else 0.0
    return out


def clean_label(label: str) -> str:
    return re.sub(r"\s+", "", label)
