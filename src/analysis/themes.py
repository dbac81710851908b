"""Themes of plan items: unsupervised (NMF, LDA, KMeans), guided by seed words, and attention allocation.

Items are represented by TF-IDF of their domain tokens (``corpus.tokens`` minus punctuation,
numbers, stopwords, policy filler words, placeholders and one-character tokens). Terms used
by fewer than ``min_plans`` plans (place names, local brands) are left out, so that themes
describe policy areas that cut across cities rather than the cities themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, LatentDirichletAllocation, TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

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
        The selection curve (``k, mean, se, n_pairs, chosen``, see :func:`select_k`) when
        ``k`` was chosen automatically; empty otherwise.
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
    n_pairs: int = 20,
    frac: float = 0.8,
    random_state: int = 0,
) -> np.ndarray:
    """Agreement of the themes between pairs of independent subsamples of the items.

    For each of ``n_pairs`` pairs, two random subsamples of ``frac`` of the items are drawn
    independently and fitted separately; their theme assignments are compared on the items
    the two share, by the adjusted Rand index (Hubert & Arabie 1985). This is the
    subsample-pair stability of Lange et al. (2004) and Ben-Hur et al. (2002): neither fit
    contains the other, so agreement is not inflated by shared data.

    Returns
    -------
    ndarray
        One ARI per pair.

    Examples
    --------
    >>> docs = [["团员", "学习"]] * 10 + [["就业", "创业"]] * 10  # two clean groups
    >>> stability(docs, 2, n_pairs=3).round(3).tolist()
    [1.0, 1.0, 1.0]
    """
    rng = np.random.default_rng(random_state)
    n = len(docs)
    size = max(2, int(round(frac * n)))
    scores = []
    for _ in range(n_pairs):
        a = np.sort(rng.choice(n, size=size, replace=False))
        b = np.sort(rng.choice(n, size=size, replace=False))
        la, *_ = _fit(method, [docs[i] for i in a], k, random_state)
        lb, *_ = _fit(method, [docs[i] for i in b], k, random_state)
        common, ia, ib = np.intersect1d(a, b, return_indices=True)
        scores.append(adjusted_rand_score(la[ia], lb[ib]) if len(common) > 1 else np.nan)
    return np.asarray(scores, dtype=float)


def select_k(
    docs: list[list[str]],
    k_range: Sequence[int] = range(2, 13),
    method: str = "nmf",
    *,
    n_pairs: int = 20,
    frac: float = 0.8,
    random_state: int = 0,
) -> pd.DataFrame:
    """The number of themes by subsample-pair stability and the one-standard-error rule.

    For each candidate ``k``, :func:`stability` over ``n_pairs`` subsample pairs gives a mean
    ARI and its standard error. The chosen ``k`` is the smallest whose mean is within one
    standard error of the best mean (the one-standard-error rule, Breiman et al. 1984;
    Hastie, Tibshirani & Friedman 2009, §7.10): the simplest model that is as stable as
    the most stable one, within noise. A warning is given when the choice sits at an edge of
    ``k_range`` (the best ``k`` may lie outside it; k = 2 is the smallest possible).

    Returns
    -------
    DataFrame
        ``k, mean, se, n_pairs, chosen`` (one row per candidate, ``chosen`` True for one).

    Examples
    --------
    >>> vocab = [["团员", "学习", "理论"], ["就业", "创业", "岗位"], ["少先队", "队员", "辅导员"]]
    >>> docs = [vocab[i % 3][:2] + vocab[i % 3][1:] for i in range(30)]  # three clean groups
    >>> sel = select_k(docs, range(2, 6), n_pairs=4)
    >>> int(sel.loc[sel.chosen, "k"].item())
    3
    """
    import warnings

    ks = [int(x) for x in k_range if 2 <= x < len(docs)]
    require(len(ks), 1, "choosing the number of themes", "candidate k below the number of items")
    rows = []
    for k in ks:
        scores = stability(docs, k, method, n_pairs=n_pairs, frac=frac, random_state=random_state)
        scores = scores[~np.isnan(scores)]
        se = float(scores.std(ddof=1) / np.sqrt(len(scores))) if len(scores) > 1 else 0.0
        rows.append({"k": k, "mean": float(scores.mean()), "se": se, "n_pairs": len(scores)})
    sel = pd.DataFrame(rows)
    best = sel.loc[sel["mean"].idxmax()]
    k = int(sel[sel["mean"] >= best["mean"] - best["se"] - 1e-12].k.min())
    sel["chosen"] = sel.k == k
    if len(ks) > 1 and (k == ks[-1] or (k == ks[0] and k > 2)):
        warnings.warn(
            f"the chosen number of themes (k={k}) is at the {'lower' if k == ks[0] else 'upper'} edge of "
            f"k_range {ks[0]}–{ks[-1]}; widen k_range to check",
            UserWarning,
            stacklevel=2,
        )
    return sel


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
    k_range: Sequence[int] = range(2, 13),
    random_state: int = 0,
    min_plans: int = 2,
    n_terms: int = 8,
    n_pairs: int = 20,
) -> ThemeResult:
    """Unsupervised themes over plan items.

    Parameters
    ----------
    corpus : Corpus
    k : int, optional
        Number of themes. By default chosen from ``k_range`` by :func:`select_k`:
        stability over ``n_pairs`` pairs of independent 80% subsamples, and the
        one-standard-error rule.
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
    >>> res = cluster_items(load_corpus(), k=4)
    >>> res.themes[["theme", "n_items"]].values.tolist()
    [[0, 47], [1, 34], [2, 33], [3, 13]]
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    items = item_documents(corpus, min_plans=min_plans)
    require(items.doc_id.nunique(), min_plans, "theme discovery", "plan with numbered items")
    docs = list(items.tokens)
    require(len(docs), 3, "theme discovery", "numbered item")
    require(
        sum(1 for d in docs if d),
        3,
        f"theme discovery (terms shared by {min_plans} plans)",
        "item with such terms",
    )
    selection = pd.DataFrame(columns=["k", "mean", "se", "n_pairs", "chosen"])
    if k is None:
        selection = select_k(docs, k_range, method, n_pairs=n_pairs, random_state=random_state)
        k = int(selection.loc[selection.chosen, "k"].item())
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


def permutation_agreement(
    labels: np.ndarray, reference: np.ndarray, *, n_permutations: int = 500, random_state: int = 0
) -> pd.DataFrame:
    """AMI and ARI of ``labels`` against ``reference``, with a permutation baseline.

    The themes are permuted over the items ``n_permutations`` times (the same theme sizes,
    no relation to the reference); each measure is reported with the mean and 95th
    percentile of its permutation distribution and the permutation p-value
    ``(1 + #{perm ≥ observed}) / (1 + n_permutations)``. AMI is the adjusted mutual
    information (Vinh, Epps & Bailey 2010), ARI the adjusted Rand index (Hubert & Arabie
    1985); both are 0 in expectation under chance, unlike NMI.

    Returns
    -------
    DataFrame
        ``measure`` (``"ami"``, ``"ari"``), ``observed, perm_mean, perm_q95, p``.

    Examples
    --------
    >>> a = np.array([0, 0, 0, 1, 1, 1])
    >>> t = permutation_agreement(a, a, n_permutations=99)
    >>> t.observed.tolist()
    [1.0, 1.0]
    >>> bool((t.p < 0.2).all())  # 1 of 20 distinct relabellings matches exactly
    True
    """
    rng = np.random.default_rng(random_state)
    labels, reference = np.asarray(labels), np.asarray(reference)
    rows = []
    measures = {"ami": adjusted_mutual_info_score, "ari": adjusted_rand_score}
    perms = [rng.permutation(labels) for _ in range(n_permutations)]
    for name, f in measures.items():
        obs = float(f(reference, labels))
        null = np.array([f(reference, p) for p in perms])
        rows.append({"measure": name, "observed": obs, "perm_mean": float(null.mean()),
                     "perm_q95": float(np.quantile(null, 0.95)),
                     "p": float((1 + (null >= obs - 1e-12).sum()) / (1 + n_permutations))})  # fmt: skip
    return pd.DataFrame(rows)


def validate(
    result: ThemeResult,
    corpus,
    *,
    baseline: ThemeResult | None = None,
    n_permutations: int = 500,
) -> pd.DataFrame:
    """How far the themes agree with the plans' own sections and with the plan of origin.

    Each model (the themes, and a baseline: TF-IDF + KMeans with the same ``k``) is compared
    with (a) the sections (items a plan groups under one top-level heading: high agreement
    means the themes find policy areas the authors also recognise) and (b) the plan of
    origin (should be low: themes should cut across cities), by AMI and ARI, each against
    its permutation baseline (:func:`permutation_agreement`).

    Returns
    -------
    DataFrame
        ``model, reference, measure, observed, perm_mean, perm_q95, p``.
    """
    items = result.items
    refs = {
        "sections": (items.doc_id + "#" + items.section_no.astype(str)).to_numpy(),
        "plans": items.doc_id.to_numpy(),
    }
    if baseline is None:
        baseline = cluster_items(corpus, k=result.k, method="kmeans", random_state=result.random_state)
    frames = []
    for model in (result, baseline):
        for ref, values in refs.items():
            t = permutation_agreement(model.items.theme.to_numpy(), values, n_permutations=n_permutations,
                                      random_state=result.random_state)  # fmt: skip
            frames.append(t.assign(model=f"{model.method} (k={model.k})", reference=ref))
    out = pd.concat(frames, ignore_index=True)
    return out[["model", "reference", "measure", "observed", "perm_mean", "perm_q95", "p"]]


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
