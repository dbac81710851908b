"""Themes of plan items: unsupervised (NMF, LDA, KMeans), guided by seed words, and attention allocation.

Items are represented by TF-IDF of their domain tokens (``corpus.tokens`` minus punctuation,
numbers, stopwords, policy filler words, placeholders and one-character tokens). Terms used
by fewer than ``min_plans`` plans (place names, local brands) are left out, so that themes
describe policy areas that cut across cities rather than the cities themselves.

The seed-word guide (:func:`classify_items`, ``data/themes.csv``) is the primary instrument;
unsupervised themes (:func:`cluster_items`) are exploration. Their number is not chosen by
one criterion: :func:`select_k` shows normalised stability, NPMI coherence, exclusivity and
within-plan agreement with the sections side by side and balances them by a documented rule;
:func:`robustness` reports the attention results over a range of k.

References: Ben-Hur, Elisseeff & Guyon (2002); Lange, Roth, Braun & Buhmann (2004); Ben-David,
von Luxburg & Pál (2006); Bouma (2009) for NPMI; Röder, Both & Hinneburg (2015); Greene,
O'Callaghan & Cunningham (2014); Bischof & Airoldi (2012); Roberts, Stewart & Tingley (2019);
Eshima, Imai & Sasaki (2024) for keyword-assisted topic models; Vinh, Epps & Bailey (2010).
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

from .errors import InsufficientDataError, require
from .keywords import DEFAULT_EXCLUDE, kept_tokens
from .segment import DATA
from .stats import adjust_p, fisher_p, g2, min_expected, p_value, wilson_interval

METHODS = ("nmf", "lda", "kmeans")
GUIDE = DATA / "themes.csv"
#: Above this many items, NMF is fitted by mini-batches (:class:`sklearn.decomposition.MiniBatchNMF`,
#: Mairal et al. 2010; Lefèvre, Bach & Févotte 2011): each step reads a batch, not the whole matrix.
#: On planted themes it recovers them as the exact fit does (tests/test_scale_paths.py).
LARGE_ITEMS = 50_000


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
        The selection criteria per candidate k (see :func:`select_k`) when ``k`` was
        chosen automatically; empty otherwise.
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


def _vectorise(method: str, docs: list[list[str]]):
    """Doc-term matrix for ``method``: counts for LDA, sublinear TF-IDF otherwise (fitted once, reused)."""
    vec = (
        CountVectorizer(analyzer=lambda x: x)
        if method == "lda"
        else TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
    )
    X = vec.fit_transform(docs)
    return X, vec.get_feature_names_out()


def _fit_matrix(method: str, X, k: int, random_state: int, max_iter: int | None = None):
    """Fit ``method`` with ``k`` themes on a doc-term matrix; return (labels, W, H)."""
    if k > min(X.shape):
        raise InsufficientDataError(
            f"{k} themes need at least {k} items and {k} distinct shared terms; "
            f"this corpus has {X.shape[0]} items and {X.shape[1]} terms"
        )
    large = X.shape[0] > LARGE_ITEMS
    if method == "lda":
        model = LatentDirichletAllocation(
            n_components=k, random_state=random_state, learning_method="batch", max_iter=max_iter or 50
        )
        W = model.fit_transform(X)
        H = model.components_
    elif method == "nmf" and large:
        from sklearn.decomposition import MiniBatchNMF

        # same initialisation and loss as the exact path; deterministic with random_state
        model = MiniBatchNMF(n_components=k, init="nndsvda", random_state=random_state, batch_size=4096,
                             max_iter=max_iter or 200, tol=1e-4 if max_iter is None else 1e-3)  # fmt: skip
        W = model.fit_transform(X)
        H = model.components_
    elif method == "nmf":
        model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=max_iter or 1000,
                    tol=1e-4 if max_iter is None else 1e-3)  # fmt: skip
        W = model.fit_transform(X)
        H = model.components_
    elif method == "kmeans":
        model = KMeans(n_clusters=k, n_init=10 if max_iter is None else 3, random_state=random_state)
        labels = model.fit_predict(X)
        W = np.eye(k)[labels]
        H = model.cluster_centers_
    else:
        raise ValueError(f"method must be one of {METHODS}")
    return W.argmax(axis=1), W, H


def _fit(method: str, docs: list[list[str]], k: int, random_state: int):
    """Fit a model; return (labels, weights W, components H, feature names, doc-term matrix)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    X, names = _vectorise(method, docs)
    labels, W, H = _fit_matrix(method, X, k, random_state)
    return labels, W, H, names, X


def _quiet_fit(method, X, k, random_state, max_iter):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        # bounded fits for the agreement of labels only: convergence and the rounding of a
        # near-exact fit's reconstruction error (sqrt of −1e-9) do not matter here
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return _fit_matrix(method, X, k, random_state, max_iter)[0]


def stability(
    docs: list[list[str]],
    k: int,
    method: str = "nmf",
    *,
    n_pairs: int = 20,
    frac: float = 0.8,
    random_state: int = 0,
    max_iter: int = 100,
    matrix=None,
) -> np.ndarray:
    """Agreement of the themes between pairs of independent subsamples of the items.

    For each of ``n_pairs`` pairs, two random subsamples of ``frac`` of the items are drawn
    independently and fitted separately; their theme assignments are compared on the items
    the two share, by the adjusted Rand index (Hubert & Arabie 1985). This is the
    subsample-pair stability of Lange et al. (2004) and Ben-Hur et al. (2002): neither fit
    contains the other, so agreement is not inflated by shared data. The doc-term matrix is
    built once on all items (``matrix``, or from ``docs``) and its rows subsampled; fits
    stop after ``max_iter`` iterations.

    Stability alone favours small k (two broad groups are easy to reproduce; Ben-David, von
    Luxburg & Pál 2006): :func:`select_k` normalises it against shuffled items and weighs it
    with other criteria.

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
    X = matrix if matrix is not None else _vectorise(method, docs)[0]
    rng = np.random.default_rng(random_state)
    n = X.shape[0]
    size = max(2, int(round(frac * n)))
    scores = []
    for _ in range(n_pairs):
        a = np.sort(rng.choice(n, size=size, replace=False))
        b = np.sort(rng.choice(n, size=size, replace=False))
        la = _quiet_fit(method, X[a], k, random_state, max_iter)
        lb = _quiet_fit(method, X[b], k, random_state, max_iter)
        common, ia, ib = np.intersect1d(a, b, return_indices=True)
        scores.append(adjusted_rand_score(la[ia], lb[ib]) if len(common) > 1 else np.nan)
    return np.asarray(scores, dtype=float)


def shuffled_items(docs: list[list[str]], random_state: int = 0) -> list[list[str]]:
    """The null corpus: all tokens pooled, shuffled and dealt back to the items, keeping each item's length.

    Term frequencies and item lengths are kept; any association between terms within an
    item is destroyed, so themes found in it are noise (Lange et al. 2004 normalise
    stability by such a baseline).

    >>> out = shuffled_items([["a", "a", "b"], ["c"]], random_state=0)
    >>> [len(d) for d in out], sorted(w for d in out for w in d)
    ([3, 1], ['a', 'a', 'b', 'c'])
    """
    rng = np.random.default_rng(random_state)
    pool = np.array([w for d in docs for w in d], dtype=object)
    pool = pool[rng.permutation(len(pool))]
    out, i = [], 0
    for d in docs:
        out.append(pool[i : i + len(d)].tolist())
        i += len(d)
    return out


def npmi_coherence(H: np.ndarray, binary, n_top: int = 10) -> np.ndarray:
    """NPMI coherence of each theme's top terms, over items as the co-occurrence window.

    For the ``n_top`` terms of largest weight in each row of ``H``, the mean over term pairs
    of ``NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / −log P(a, b)`` (Bouma 2009), with the
    probabilities the shares of items containing the terms (``binary``: items × terms, 0/1);
    a pair never seen together scores −1. Ranges from −1 to 1; 0 is independence. Röder,
    Both & Hinneburg (2015) found NPMI over a context window among the coherence measures
    that agree best with human ratings.

    Examples
    --------
    >>> import numpy as np
    >>> B = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]])
    >>> npmi_coherence(np.array([[1.0, 0.9, 0, 0], [1.0, 0, 0.9, 0]]), B, n_top=2).tolist()
    [1.0, -1.0]
    """
    B = (np.asarray(binary.todense() if hasattr(binary, "todense") else binary) > 0).astype(float)
    n = B.shape[0]
    out = []
    for row in np.asarray(H):
        top = np.argsort(-row, kind="stable")[: min(n_top, len(row))]
        sub = B[:, top]
        p = sub.mean(axis=0)
        joint = (sub.T @ sub) / n
        iu = np.triu_indices(len(top), 1)
        pj, pa, pb = joint[iu], p[iu[0]], p[iu[1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(pj > 0, np.log(pj / (pa * pb)) / -np.log(pj), -1.0)
            v = np.where((pj > 0) & (pj >= 1), 1.0, v)  # a pair in every item: perfectly associated
        out.append(float(v.mean()) if len(v) else np.nan)
    return np.asarray(out)


def exclusivity(H: np.ndarray, n_top: int = 10) -> np.ndarray:
    """How much of each top term's weight belongs to its theme, averaged over the theme's top terms.

    ``excl(t) = mean over the n_top terms w of t of H[t, w] / Σ_t' H[t', w]``: 1 when no other
    theme uses its terms, ``1/k`` when all themes use them alike (the exclusivity half of
    FREX; Bischof & Airoldi 2012; Roberts et al.'s stm ``searchK``).

    >>> exclusivity(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), n_top=2).tolist()
    [0.75, 0.75]
    """
    H = np.asarray(H, dtype=float)
    share = H / np.where(H.sum(axis=0) > 0, H.sum(axis=0), 1)
    out = []
    for t, row in enumerate(H):
        top = np.argsort(-row, kind="stable")[: min(n_top, len(row))]
        out.append(float(share[t, top].mean()))
    return np.asarray(out)


def section_agreement(labels: np.ndarray, plans: Sequence, sections: Sequence) -> float:
    """Within-plan agreement of the themes with each plan's own sections (item-weighted mean AMI).

    For each plan with at least two sections and three items, the adjusted mutual information
    (Vinh, Epps & Bailey 2010) between its items' themes and its items' top-level sections;
    the mean over those plans, weighted by their items. Items without a section are left out.
    Within a plan, because section numbers of different plans mean different things.

    >>> section_agreement(np.array([0, 0, 1, 1, 0, 0, 1, 1]), list("aaaabbbb"), [1, 1, 2, 2, 1, 1, 2, 2])
    1.0
    """
    df = pd.DataFrame({"t": np.asarray(labels), "p": list(plans), "s": list(sections)}).dropna()
    num = den = 0.0
    for _, g in df.groupby("p"):
        if len(g) >= 3 and g.s.nunique() >= 2:
            num += len(g) * adjusted_mutual_info_score(g.s.astype(str), g.t)
            den += len(g)
    return num / den if den else np.nan


CRITERIA = ("stability_norm", "coherence", "exclusivity", "sections")
SELECTION_COLUMNS = ["k", "stability", "stability_se", "stability_null", "stability_norm", "coherence",
                     "exclusivity", "sections", "eligible", "rank_sum", "n_pairs", "chosen"]  # fmt: skip


def resolution_floor(plans: Sequence, sections: Sequence) -> int:
    """The largest number of top-level sections any plan divides its items into.

    Themes coarser than this merge policy areas that a plan's own authors keep apart, so
    that attention allocated among them cannot be compared with the plans' own priorities.

    >>> resolution_floor(list("aaabb"), [1, 2, 3, 1, 1])
    3
    """
    df = pd.DataFrame({"p": list(plans), "s": list(sections)}).dropna()
    return int(df.groupby("p").s.nunique().max()) if len(df) else 0


def select_k(
    docs: list[list[str]],
    k_range: Sequence[int] = range(3, 13),
    method: str = "nmf",
    *,
    n_pairs: int = 6,
    frac: float = 0.8,
    random_state: int = 0,
    plans: Sequence | None = None,
    sections: Sequence | None = None,
    n_top: int = 10,
    max_iter: int = 100,
) -> pd.DataFrame:
    """Criteria for the number of themes, side by side, and a default k that balances them.

    For each candidate ``k`` (3–12 by default):

    * ``stability``: mean subsample-pair ARI (:func:`stability`, ``n_pairs`` pairs) and
      ``stability_null``, the same on a null corpus of shuffled tokens with the items' lengths
      kept (:func:`shuffled_items`); ``stability_norm = (S − S₀) / (1 − S₀)`` is the
      stability above what noise of that k reaches (Lange et al. 2004). Raw stability favours
      small k (Ben-Hur et al. 2002; Ben-David, von Luxburg & Pál 2006); the normalisation
      removes most of that;
    * ``coherence``: mean NPMI of each theme's ``n_top`` terms over items (:func:`npmi_coherence`);
    * ``exclusivity``: mean share of a top term's weight that belongs to its theme
      (:func:`exclusivity`);
    * ``sections``: within-plan AMI of the themes with the plans' own top-level sections
      (:func:`section_agreement`; needs ``plans`` and ``sections``), the authors' own division
      of their plan into policy areas.

    **Rule.** (1) *Resolution floor*: with sections, only k at least the largest number of
    top-level sections of any plan is eligible (:func:`resolution_floor`; ``eligible``):
    coarser themes merge policy areas that the plans' authors keep apart, and stability,
    exclusivity and within-plan agreement all reward such merging (two broad groups are the
    easiest to reproduce, Ben-David, von Luxburg & Pál 2006). (2) Among eligible k, each
    criterion (``stability_norm``, ``coherence``, ``exclusivity``, ``sections``) is ranked
    (1 = worst, average ranks for ties); the default is the k with the largest **sum of
    ranks**, ties going to the smaller k. Ranks make the criteria commensurable without
    weighting one by its scale; stm's ``searchK`` likewise shows its criteria side by side
    for the analyst to balance (Roberts, Stewart & Tingley 2019). It is a default, not a
    finding: the notebook parameter ``K`` overrides it, and the attention results are
    reported over a range of k (:func:`robustness`). With few items the ranks are noisy
    (``stability_se``); neighbouring k often score alike.

    Returns
    -------
    DataFrame
        ``k, stability, stability_se, stability_null, stability_norm, coherence,
        exclusivity, sections, eligible, rank_sum, n_pairs, chosen`` (one row per
        candidate; ``rank_sum`` over eligible k only); ``attrs["floor"]`` the resolution floor.

    Examples
    --------
    >>> vocab = [["团员", "学习", "理论"], ["就业", "创业", "岗位"], ["少先队", "队员", "辅导员"]]
    >>> docs = [vocab[i % 3][:2] + vocab[i % 3][1:] for i in range(30)]  # three clean groups
    >>> sel = select_k(docs, range(2, 6), n_pairs=3)
    >>> int(sel.loc[sel.chosen, "k"].item())
    3
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    from threadpoolctl import threadpool_limits

    # hundreds of small fits: BLAS threads only contend (a QR of 100 × 600 took 90 ms on 2 busy cores)
    with threadpool_limits(limits=1):
        return _select_k(docs, k_range, method, n_pairs=n_pairs, frac=frac, random_state=random_state,
                         plans=plans, sections=sections, n_top=n_top, max_iter=max_iter)  # fmt: skip


def _dense(X):
    """Small doc-term matrices as dense arrays: NMF's coordinate descent is several times faster on them."""
    return X.toarray().astype(np.float32) if X.shape[0] * X.shape[1] <= 5_000_000 else X


def _select_k(docs, k_range, method, *, n_pairs, frac, random_state, plans, sections, n_top, max_iter):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    X_full, _ = _vectorise(method, docs)
    X = _dense(X_full)
    ks = [int(x) for x in k_range if 2 <= x < len(docs) and x <= X.shape[1]]
    require(len(ks), 1, "choosing the number of themes", "candidate k below the numbers of items and terms")
    binary = (X > 0).astype(float)
    n_null = max(2, n_pairs // 2)
    nulls = [_dense(_vectorise(method, shuffled_items(docs, random_state + 1 + i))[0]) for i in range(n_null)]
    use_sections = plans is not None and sections is not None
    rows = []
    for k in ks:
        s = stability(docs, k, method, n_pairs=n_pairs, frac=frac, random_state=random_state,
                      max_iter=max_iter, matrix=X)  # fmt: skip
        s = s[~np.isnan(s)]
        s0 = np.array([
            stability(docs, k, method, n_pairs=1, frac=frac, random_state=random_state + 1 + i,
                      max_iter=max_iter, matrix=N)[0]
            for i, N in enumerate(nulls)
        ])  # fmt: skip
        s0 = float(np.nanmean(s0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels, _, H = _fit_matrix(method, X_full, k, random_state)  # the fit a user gets at this k
        rows.append({
            "k": k,
            "stability": float(s.mean()),
            "stability_se": float(s.std(ddof=1) / np.sqrt(len(s))) if len(s) > 1 else 0.0,
            "stability_null": s0,
            "stability_norm": float((s.mean() - s0) / (1 - s0)) if s0 < 1 else 0.0,
            "coherence": float(np.nanmean(npmi_coherence(H, binary, n_top))),
            "exclusivity": float(exclusivity(H, n_top).mean()),
            "sections": section_agreement(labels, plans, sections) if use_sections else np.nan,
            "n_pairs": len(s),
        })  # fmt: skip
    sel = pd.DataFrame(rows)
    crit = ["stability_norm", "coherence", "exclusivity"] + (
        ["sections"] if use_sections and sel.sections.notna().all() else []
    )
    floor = resolution_floor(plans, sections) if use_sections else 0
    eligible = sel.k >= floor
    if not eligible.any():
        warnings.warn(
            f"the finest plan has {floor} sections, more than the largest k tried ({ks[-1]}); "
            f"the default is chosen from all of k_range, widen it to check",
            UserWarning,
            stacklevel=3,
        )
        eligible = pd.Series(True, index=sel.index)
    sel["eligible"] = eligible
    sel["rank_sum"] = np.nan
    sel.loc[eligible, "rank_sum"] = sel.loc[eligible, crit].rank(method="average").sum(axis=1)
    best = sel.rank_sum.max()
    k = int(sel.loc[np.isclose(sel.rank_sum, best), "k"].min())
    sel["chosen"] = sel.k == k
    sel.attrs.update(criteria=crit, floor=int(floor))
    return sel[SELECTION_COLUMNS]


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
    k_range: Sequence[int] = range(3, 13),
    random_state: int = 0,
    min_plans: int = 2,
    n_terms: int = 8,
    n_pairs: int = 6,
) -> ThemeResult:
    """Unsupervised themes over plan items.

    Parameters
    ----------
    corpus : Corpus
    k : int, optional
        Number of themes. By default chosen from ``k_range`` (3–12) by :func:`select_k`:
        normalised stability (``n_pairs`` pairs of independent 80% subsamples against
        shuffled items), NPMI coherence, exclusivity and within-plan agreement with the
        sections, balanced by the sum of their ranks. Set it to override the default.
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

    The default on the seeds (the numbers in the README): the finest plans have six
    sections, so k = 6…12 are eligible, and k = 8 has the largest rank sum (tied with 10).

    >>> res = cluster_items(load_corpus())
    >>> res.k, res.selection.attrs["floor"]
    (8, 6)
    >>> cols = ["k", "stability", "stability_null", "stability_norm", "coherence", "exclusivity", "sections",
    ...         "rank_sum"]
    >>> print(res.selection[cols].round(2).to_string(index=False))
     k  stability  stability_null  stability_norm  coherence  exclusivity  sections  rank_sum
     3       0.73            0.14            0.68       0.17         0.82      0.47       NaN
     4       0.75            0.15            0.70       0.23         0.79      0.43       NaN
     5       0.64            0.14            0.58       0.27         0.74      0.42       NaN
     6       0.53            0.15            0.45       0.24         0.75      0.35      17.0
     7       0.45            0.16            0.35       0.27         0.72      0.34       9.0
     8       0.54            0.22            0.41       0.31         0.72      0.45      19.0
     9       0.52            0.22            0.39       0.36         0.72      0.41      15.0
    10       0.56            0.22            0.44       0.38         0.71      0.43      19.0
    11       0.56            0.24            0.42       0.40         0.71      0.36      16.0
    12       0.54            0.18            0.44       0.40         0.69      0.40      17.0
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
    selection = pd.DataFrame(columns=SELECTION_COLUMNS)
    if k is None:
        selection = select_k(docs, k_range, method, n_pairs=n_pairs, random_state=random_state,
                             plans=items.doc_id.tolist(), sections=items.section_no.tolist())  # fmt: skip
        k = int(selection.loc[selection.chosen, "k"].item())
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # small matrices: BLAS threads only contend
        labels, W, H, names, X = _fit(method, docs, k, random_state)
    # renumber themes by size (largest first) so that numbering is stable and readable
    order = (
        pd.Series(labels)
        .value_counts()
        .reindex(range(k), fill_value=0)  # a theme no item has as its largest weight still exists
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
    columns = ["doc_id", "item_no", "guided", "score", "seeds_found"] + [f"score_{t}" for t in g.theme]
    return pd.DataFrame(rows, columns=columns)  # the columns even when no plan has numbered items


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


@dataclass
class Robustness:
    """Result of :func:`robustness`.

    Attributes
    ----------
    summary : DataFrame
        One row per k: ``k, ami_guided, ami_sections, ami_plans, nmi_sections, nmi_plans,
        n_guided`` (guided themes some unsupervised theme maps onto), ``default``.
    shares : DataFrame
        One row per (k, group, guided theme): ``k, group, guided, share`` — the group's share
        of items whose unsupervised theme maps onto that guided theme — and ``share_guided``,
        the share the seed-word classifier itself gives.
    """

    summary: pd.DataFrame
    shares: pd.DataFrame


def robustness(
    corpus,
    ks: Sequence[int] = range(3, 13),
    *,
    guided: pd.DataFrame | None = None,
    method: str = "nmf",
    by: str = "region",
    random_state: int = 0,
    default: int | None = None,
) -> Robustness:
    """The attention results over a range of k: do they depend on the number of themes?

    For each k, the unsupervised themes are fitted (:func:`cluster_items`), each theme is
    mapped onto the guided (seed-word) theme most of its items belong to
    (:func:`map_to_guided`), and each group's share of items per guided theme is computed
    through that mapping. A result that holds for one k only is not a result. The summary
    also gives, per k, the agreement (AMI, and NMI for comparison with other work) of the
    themes with the guided themes, the sections (within the whole corpus) and the plans.

    Returns
    -------
    Robustness

    Examples
    --------
    On the seeds, the share of a plan's items that reach 思想引领 (ideological guidance)
    through the unsupervised themes depends on k (no theme maps onto it at k = 6 and 7), and
    so does 就业创业 (employment), up to 55% of a plan's items at k = 3–5:

    >>> from analysis import load_corpus
    >>> rob = robustness(load_corpus(), range(3, 13))
    >>> sh = rob.shares.groupby(["guided", "k"]).share.max().round(2)
    >>> sh["思想引领"].tolist()
    [0.33, 0.33, 0.31, 0.0, 0.0, 0.15, 0.21, 0.21, 0.21, 0.21]
    >>> sh["就业创业"].tolist()
    [0.55, 0.55, 0.55, 0.32, 0.32, 0.32, 0.32, 0.32, 0.2, 0.09]
    """
    from sklearn.metrics import normalized_mutual_info_score

    guided = classify_items(corpus) if guided is None else guided
    rows, frames = [], []
    for k in ks:
        try:
            res = cluster_items(corpus, k=int(k), method=method, random_state=random_state)
        except InsufficientDataError:
            continue
        it = res.items.merge(guided[["doc_id", "item_no", "guided"]], on=["doc_id", "item_no"])
        grp = it[by].astype(object).where(it[by].notna(), it.doc_id)
        mapping = map_to_guided(res, guided).set_index("theme").guided
        it = it.assign(group=grp, mapped=it.theme.map(mapping))
        sec = it.doc_id + "#" + it.section_no.astype(str)
        has = it.section_no.notna()
        rows.append({
            "k": int(k),
            "ami_guided": adjusted_mutual_info_score(it.guided, it.theme),
            "ami_sections": adjusted_mutual_info_score(sec[has], it.theme[has]) if has.sum() > 1 else np.nan,
            "ami_plans": adjusted_mutual_info_score(it.doc_id, it.theme),
            "nmi_sections": normalized_mutual_info_score(sec[has], it.theme[has]) if has.sum() > 1 else np.nan,
            "nmi_plans": normalized_mutual_info_score(it.doc_id, it.theme),
            "n_guided": int(mapping.nunique()),
            "default": int(k) == default,
        })  # fmt: skip
        mapped = pd.crosstab(it.group, it.mapped, normalize="index").stack().rename("share")
        direct = pd.crosstab(it.group, it.guided, normalize="index").stack().rename("share_guided")
        frames.append(pd.concat([mapped, direct], axis=1).fillna(0.0).rename_axis(["group", "guided"])
                      .reset_index().assign(k=int(k)))  # fmt: skip
    require(len(rows), 1, "robustness over k", "fittable k")
    shares = pd.concat(frames, ignore_index=True)[["k", "group", "guided", "share", "share_guided"]]
    return Robustness(pd.DataFrame(rows), shares)


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

    A plan whose ``by`` value is missing (no region could be inferred) is its own group,
    under its ``doc_id``, as figures label such plans.

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
    if df[by].isna().any() and "doc_id" in df:
        df[by] = df[by].astype(object).where(df[by].notna(), df["doc_id"])
    df = df[df[by].notna() & df[theme].notna()]
    require(len(df), 1, "attention allocation", f"item with a {by} and a theme")
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

    Items without a section (documents whose items were found without headings) are left out
    of the comparison with the sections, with a warning that counts them; ``n_items`` says
    how many items each row compares, and ``attrs["items_without_section"]`` the number left out.

    Returns
    -------
    DataFrame
        ``model, reference, measure, observed, perm_mean, perm_q95, p, n_items``.
    """
    import warnings

    items = result.items
    has_section = items.section_no.notna().to_numpy()
    n_dropped = int((~has_section).sum())
    if n_dropped:
        warnings.warn(
            f"{n_dropped} of {len(items)} items have no section and are left out of the comparison with sections",
            UserWarning,
            stacklevel=2,
        )
    require(int(has_section.sum()), 2, "validation against the sections", "item with a section")
    sec = (items.doc_id + "#" + items.section_no.astype(str)).to_numpy()
    refs = {"sections": (sec, has_section), "plans": (items.doc_id.to_numpy(), np.ones(len(items), bool))}
    if baseline is None:
        baseline = cluster_items(corpus, k=result.k, method="kmeans", random_state=result.random_state)
    frames = []
    for model in (result, baseline):
        for ref, (values, keep) in refs.items():
            t = permutation_agreement(model.items.theme.to_numpy()[keep], values[keep],
                                      n_permutations=n_permutations, random_state=result.random_state)  # fmt: skip
            frames.append(
                t.assign(model=f"{model.method} (k={model.k})", reference=ref, n_items=int(keep.sum()))
            )
    out = pd.concat(frames, ignore_index=True)
    out.attrs["items_without_section"] = n_dropped
    return out[["model", "reference", "measure", "observed", "perm_mean", "perm_q95", "p", "n_items"]]


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
