"""Plotting functions: each takes a tidy DataFrame and returns a matplotlib Figure.

All of them call :func:`analysis.figures.setup` (house style and CJK font) and
colour regions with :func:`analysis.figures.region_color`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .errors import require
from .figures import A4, Labels, as_labels, pages, region_color, setup, text_em, wrap_to_width
from .metadata import LEVEL_RANK

A4_WIDTH = A4[0]  # inches: figures for a report page


def _short(text: str, width: int = 14) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _needs(table: pd.DataFrame, what: str, n: int = 1, unit: str = "row") -> None:
    """Nothing to draw: say so in one sentence (:class:`analysis.errors.InsufficientDataError`)."""
    require(len(table), n, what, unit)


def _doc_label(lab: Labels, doc: str, region=None) -> str:
    """A plan's label: from ``labels``, else its region, else its doc_id."""
    if doc in lab:
        return lab.text(doc)
    return str(region) if region is not None and not pd.isna(region) else doc


def _doc_color(lab: Labels, doc: str, region=None) -> str:
    if doc in lab.regions:
        return lab.color(doc)
    return region_color(str(region) if region is not None and not pd.isna(region) else doc)


def plot_section_profile(profile: pd.DataFrame, *, labels: dict | None = None, xmax: float | None = None,
                         title: str = "各计划的篇章结构：各部分字数") -> Figure:  # fmt: skip
    """Stacked horizontal bars: characters per top-level section, one bar per plan.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`analysis.structure.section_profile`.
    labels : dict, optional
        Display labels of doc_ids (:func:`analysis.figures.region_labels`); default the region.
    xmax : float, optional
        Right end of the axis (characters); give the largest plan's length to every page of
        :func:`paged` so that pages compare. Default: this table's longest plan.

    Returns
    -------
    Figure
        A4 wide; 0.3 in a plan above 8 plans, so up to :data:`PER_PAGE` ``["plot_section_profile"]``
        (32) plans fit a page. A segment is labelled (section number and item count) only where
        the label fits inside it.
    """
    _needs(profile, "the section profile", unit="plan with numbered sections")
    setup()
    lab = as_labels(labels)
    docs = list(dict.fromkeys(profile.doc_id))
    many = len(docs) > 8
    row = 0.3 if many else 0.6
    fig, ax = plt.subplots(figsize=(A4_WIDTH if many else 7.2, row * len(docs) + 1.5))
    cmap = plt.get_cmap("Blues")
    totals = profile.groupby("doc_id", sort=False).n_chars.sum()
    xmax = float(xmax or totals.max() or 1)
    region = profile.drop_duplicates("doc_id").set_index("doc_id").region
    names = [_short(_doc_label(lab, d, region[d]), 14) if many else wrap(_doc_label(lab, d, region[d]), 10)
             for d in docs]  # fmt: skip
    # the axes' width, less the labels: characters per inch of bar, to decide which labels fit
    label_in = max(text_em(n_) for n_ in names) * 8 / 72 + 0.5
    per_inch = xmax / max(1.0, fig.get_size_inches()[0] - label_in - 0.3)
    for y, doc in enumerate(docs):
        rows = profile[profile.doc_id == doc]
        left = 0
        n = len(rows)
        for k, r in enumerate(rows.itertuples()):
            ax.barh(y, r.n_chars, left=left, height=0.75, color=cmap(0.3 + 0.6 * k / max(1, n - 1)),
                    edgecolor="white")  # fmt: skip
            text = f"{r.section_no}（{r.n_items}项）"
            if r.n_chars / per_inch >= text_em(text) * 7 / 72 + 0.06:
                dark = 0.3 + 0.6 * k / max(1, n - 1) > 0.65
                ax.text(left + r.n_chars / 2, y, text, ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")  # fmt: skip
            left += r.n_chars
    ax.set_yticks(range(len(docs)), names, fontsize=8)
    for tick, doc in zip(ax.get_yticklabels(), docs):
        tick.set_color(_doc_color(lab, doc, region[doc]))
    ax.set_ylim(len(docs) - 0.5, -0.5)
    ax.set_xlim(0, xmax * 1.02)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("字数（不含空白）；标注：部分序号（条目数），放得下时标注", fontsize=8)
    ax.set_title(title)
    return fig


def plot_cleaning_audit(audit: pd.DataFrame, *, labels: dict | None = None, max_count: int | None = None,
                        title: str = "清洗记录：各类改动的次数") -> Figure:  # fmt: skip
    """Heatmap of cleaning changes (kind × plan), from :meth:`analysis.Corpus.audit`.

    Up to 8 plans they are the columns; above, the plans are the rows (0.26 in each) and the
    kinds the columns, so that 40 plans fit an A4 page (:func:`paged` splits more). ``max_count``
    (the largest count of the whole audit) fixes the top of the colour scale across pages.
    """
    _needs(audit, "the cleaning audit figure", unit="recorded change")
    setup()
    lab = as_labels(labels)
    table = audit.pivot_table(index="kind", columns="doc_id", values="n", aggfunc="sum", fill_value=0)
    table = table[list(dict.fromkeys(d for d in audit.doc_id if d in table.columns))]
    plans_in_rows = table.shape[1] > 8
    if plans_in_rows:
        table = table.T
    logs = np.log1p(table.values)
    top = float(np.log1p(max_count) if max_count is not None and pd.notna(max_count) else logs.max()) or 1.0
    names = {d: _short(lab.text(d), 12) for d in audit.doc_id.unique()}
    if plans_in_rows:
        fig, ax = plt.subplots(figsize=(min(A4_WIDTH, 2.6 + 0.75 * table.shape[1]), 0.26 * len(table) + 2.0))
    else:
        fig, ax = plt.subplots(figsize=(7.2, 0.35 * len(table) + 1.8))
    im = ax.imshow(logs, cmap="Oranges", aspect="auto", vmin=0, vmax=top)
    cols = [names[d] for d in table.columns] if not plans_in_rows else list(table.columns)
    rows = list(table.index) if not plans_in_rows else [names[d] for d in table.index]
    ax.set_xticks(range(table.shape[1]), cols, rotation=30, ha="right", rotation_mode="anchor", fontsize=8)
    ax.set_yticks(range(table.shape[0]), rows, fontsize=8)
    plan_ticks = ax.get_yticklabels() if plans_in_rows else ax.get_xticklabels()
    for tick, d in zip(plan_ticks, table.index if plans_in_rows else table.columns):
        tick.set_color(lab.color(d))
    _annotate(
        ax, table.values, lambda i, j, v: str(v) if v else "", shade=logs, dark_at=0.6 * top, fontsize=7
    )
    ax.set_title(title)
    cb = fig.colorbar(im, ax=ax, label="log(1+次数)", shrink=0.6 if plans_in_rows else 0.8)
    cb.ax.tick_params(labelsize=7)
    return fig


def _annotate(ax, values, text, *, dark=None, shade=None, dark_at=None, fontsize: float = 8) -> None:
    """Write ``text(i, j, value)`` in each cell of an ``imshow``; white text on dark cells."""
    shade = values if shade is None else shade
    dark_at = dark if dark_at is None else dark_at
    for (i, j), v in np.ndenumerate(values):
        label = text(i, j, v)
        if label:
            ax.text(j, i, label, ha="center", va="center", fontsize=fontsize,
                    color="white" if shade[i, j] > dark_at else "black")  # fmt: skip


def wrap(text: str, width: int = 12) -> str:
    """Wrap Chinese text for axis labels."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = min(ncols, n)
    return (n + ncols - 1) // ncols, ncols


#: Groups (plans, regions) per page of the figures that :func:`paged` splits, so each page fits A4.
PER_PAGE = {
    "plot_section_profile": 32,
    "plot_cleaning_audit": 40,
    "plot_top_terms": 12,
    "plot_keyness_grid": 8,
}


def paged(plot, table: pd.DataFrame, key: str, *, per_page: int | None = None, **kwargs) -> list[Figure]:
    """Draw ``plot`` once per page of the groups in ``table[key]``; return the pages (one Figure each).

    The groups keep their order of first appearance and are split as evenly as possible
    (:func:`analysis.figures.pages`: 31 groups at 12 a page give 11, 10 and 10); each page
    gets the rows of its groups (with ``table.attrs``) and ``**kwargs``; with more than one
    page, the title ends with "（第 i/n 页）". Save them with :func:`analysis.figures.save_pages`.

    Parameters
    ----------
    plot : callable
        A plotting function of this module taking the table first.
    table : DataFrame
    key : str
        The column whose values are split into pages (``doc_id``, ``region`` …).
    per_page : int, optional
        Default :data:`PER_PAGE` for ``plot`` (all groups on one page for other functions).

    Examples
    --------
    >>> freq = pd.DataFrame({"region": [f"地{i}" for i in range(31)], "term": "青年", "per_10k": 1.0, "rank": 1})
    >>> figs = paged(plot_top_terms, freq, "region", by="region")
    >>> len(figs), figs[0].axes[0].figure._suptitle.get_text()
    (3, '各地高频词（每万词）（第 1/3 页）')
    """
    if table.empty:  # the plotting function says what is missing (InsufficientDataError)
        return [plot(table, **kwargs)]
    keys = list(dict.fromkeys(table[key]))
    per_page = per_page or PER_PAGE.get(getattr(plot, "__name__", ""), max(1, len(keys)))
    chunks = pages(keys, per_page)
    figs = []
    for i, chunk in enumerate(chunks, start=1):
        sub = table[table[key].isin(chunk)].copy()
        sub.attrs = dict(table.attrs)
        fig = plot(sub, **kwargs)
        if len(chunks) > 1:
            _mark_page(fig, i, len(chunks))
        figs.append(fig)
    return figs


def _mark_page(fig: Figure, i: int, n: int) -> None:
    mark = f"（第 {i}/{n} 页）"
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        sup.set_text(sup.get_text() + mark)
        return
    ax = fig.axes[0]
    for loc in ("left", "center"):
        if ax.get_title(loc=loc):
            ax.set_title(ax.get_title(loc=loc) + mark, loc=loc)
            return


def plot_top_terms(freq: pd.DataFrame, by: str = "region", *, n: int = 12, ncols: int = 3,
                   value: str = "per_10k", labels: dict | None = None,
                   title: str = "各地高频词（每万词）") -> Figure:  # fmt: skip
    """Small multiples of the top terms per group, from :func:`analysis.keywords.frequency`.

    At most A4 wide; 12 groups (4 rows of 3) fit a page with ``n = 12``: give more through
    :func:`paged` (``PER_PAGE["plot_top_terms"]`` groups a page).
    """
    _needs(freq, "the top-terms figure", unit="counted term")
    setup()
    lab = as_labels(labels)
    groups = list(dict.fromkeys(freq[by]))
    rows, cols = _grid(len(groups), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(min(A4_WIDTH, 2.75 * cols), (0.16 * n + 0.55) * rows + 0.6),
                             squeeze=False)  # fmt: skip
    for ax, g in zip(axes.flat, groups):
        d = freq[freq[by] == g].nsmallest(n, "rank")[::-1]
        ax.barh(d.term, d[value], color=lab.color(g))
        ax.set_title(_short(lab.text(g), 18), loc="left", fontsize=9, color=lab.color(g))
        ax.tick_params(axis="y", labelsize=8 if n <= 15 else 7)
        ax.tick_params(axis="x", labelsize=7)
        ax.xaxis.set_major_locator(plt.MaxNLocator(4))
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    fig.suptitle(title, x=0.01, ha="left")
    return fig


_CORRECTION_NAME = {"bh": "Benjamini–Hochberg 校正", "bonferroni": "Bonferroni 校正", "none": "未校正"}


def plot_keyness(key: pd.DataFrame, *, n: int = 15, alpha: float = 0.05, title: str | None = None,
                 exclude_places: bool = True, labels: dict | None = None) -> Figure:  # fmt: skip
    """Keywords as effect sizes with intervals: the top ``n`` terms on each side.

    Each row is a term: the point is its log ratio (Hardie 2014), the line its interval
    (``log_ratio_low`` … ``log_ratio_high``; an arrow where the data leave it open), both
    from :func:`analysis.keywords.keyness`. Terms are ranked within each side by
    ``log_ratio_bound`` (the end of the interval nearest zero), so a term ranks high only
    when it is both strongly and reliably key. The mark comes from the same statistic as
    the interval (the table's ``test``): a filled dot where the term is significant after
    the correction, an open dot where it is not, a cross where it was screened out because
    its count is too small ever to be significant (Tarone). The label after each term gives
    its counts (target:reference) and the number of target items using it, so a term
    repeated in one item shows as such. Names of administrative divisions are left out
    unless ``exclude_places=False`` (``keyness`` leaves them out before testing by default).
    """
    setup()
    lab = as_labels(labels)
    shown = key
    n_places = 0
    if exclude_places:  # 重庆 is key in Chongqing's plan; no one needs a statistic to know it
        from .places import place_names

        places = shown.term.isin(place_names())
        n_places = int(places.sum())
        shown = shown[~places]
    if "log_ratio_bound" in shown:
        bound = shown.log_ratio_bound
    else:  # a table without intervals: rank by the point estimate
        bound = shown.log_ratio
    shown = shown.assign(_b=np.where(shown.direction == "target", bound, -bound))
    pos = shown[shown.direction == "target"].sort_values(["_b", "term"], ascending=[False, True]).head(n)
    neg = shown[shown.direction == "reference"].sort_values(["_b", "term"], ascending=[False, True]).head(n)
    d = pd.concat([neg.iloc[::-1], pos.iloc[::-1]], ignore_index=True)  # reference at the bottom
    targets = key.attrs.get("target") or key.attrs.get("targets") or ["目标"]
    by = key.attrs.get("by")
    if by in key.columns and key[by].nunique() == 1:
        targets = [key[by].iloc[0]]
    target = "、".join(lab.text(t) for t in targets)
    color = lab.color(targets[0]) if len(targets) == 1 else "#2e86c1"
    fig, ax = plt.subplots(figsize=(7.2, 0.26 * max(len(d), 4) + 1.9))
    y = np.arange(len(d))
    lr = d.log_ratio.to_numpy(dtype=float)
    lo = d.get("log_ratio_low", d.log_ratio).to_numpy(dtype=float)
    hi = d.get("log_ratio_high", d.log_ratio).to_numpy(dtype=float)
    finite = np.concatenate([lr, lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
    span = (float(np.nanmin(finite)) - 0.5, float(np.nanmax(finite)) + 0.5) if len(finite) else (-1.0, 1.0)
    left, right = min(span[0], -1.0), max(span[1], 1.0)
    sig = d.significant.to_numpy(dtype=bool) if "significant" in d else d.p.to_numpy() < alpha
    testable = d.testable.to_numpy(dtype=bool) if "testable" in d else np.ones(len(d), dtype=bool)
    colors = [color if t == "target" else "#7f8c8d" for t in d.direction]
    for k in range(len(d)):
        a, b = max(lo[k], left), min(hi[k], right)
        ax.plot([a, b], [y[k], y[k]], color=colors[k], lw=1.4, solid_capstyle="butt")
        if not np.isfinite(lo[k]):
            ax.plot(left, y[k], marker="<", color=colors[k], ms=4)
        if not np.isfinite(hi[k]):
            ax.plot(right, y[k], marker=">", color=colors[k], ms=4)
        if sig[k]:
            ax.plot(lr[k], y[k], "o", color=colors[k], ms=6, zorder=3)
        elif testable[k]:
            ax.plot(lr[k], y[k], "o", mfc="white", mec=colors[k], ms=6, zorder=3)
        else:
            ax.plot(lr[k], y[k], "x", color=colors[k], ms=5, zorder=3)
    ax.set_xlim(left - 0.1, right + 0.1)
    has_items = {"items_target", "n_items_target"} <= set(d.columns)
    ticks = [
        f"{t}  {a}:{b}" + (f" · {it}项" if has_items else "")
        for t, a, b, it in zip(
            d.term, d.count_target, d.count_reference, d.items_target if has_items else [0] * len(d)
        )  # fmt: skip
    ]
    ax.set_yticks(y, ticks, fontsize=8)
    ax.set_ylim(-0.8, max(len(d), 1) - 0.2)
    ax.axvline(0, color="black", lw=0.6)
    if len(neg) and len(pos):
        ax.axhline(len(neg) - 0.5, color="#bdc3c7", lw=0.6, ls="--")
    corr = _CORRECTION_NAME.get(key.attrs.get("correction", "none"), "未校正")
    a = key.attrs.get("alpha", alpha)
    conf = key.attrs.get("confidence", 0.95)
    unit = key.attrs.get("unit", "token")
    stat = (
        "精确条件二项区间（Clopper–Pearson）与同一二项检验"
        if unit == "token"
        else "按条目计：使用该词的条目比例之比，Wald 区间与同一 z 检验"
    )
    mtc = key.attrs.get("min_testable_count")
    lines = [
        f"log2 频率比（Hardie 2014）与 {conf:.0%} 区间：{stat}；右：目标更常用，左：参照更常用",
        f"● {corr}后 p < {a:g}   ○ 不显著   × 计数太少、不可能显著（Tarone 筛除"
        + (f"，检验的词计数至少 {mtc}" if mtc else "")
        + f"）；检验 {key.attrs.get('n_tests', len(key))} 个词",
        "标签：词  目标:参照次数"
        + (" · 目标中使用的条目数" if has_items else "")
        + (f"；{n_places} 个地名未显示" if n_places else ""),
    ]
    room = 7.2 - max([text_em(t) for t in ticks] or [0]) * 8 / 72 - 0.5
    ax.set_xlabel("\n".join(wrap_to_width(line, room, 8) for line in lines), fontsize=8)
    ref = key.attrs.get("reference", "rest")
    ref_label = (
        "其余各地"
        if ref == "rest"
        else ("、".join(map(lab.text, ref)) if not isinstance(ref, str) else lab.text(ref))
    )
    ax.set_title(title or f"关键词：{target} 对比 {ref_label}")
    if d.empty:
        ax.text(0.5, 0.5, "没有可比较的词", ha="center", va="center", transform=ax.transAxes)
    return fig


def plot_keyness_grid(key: pd.DataFrame, by: str | None = None, *, n: int = 8, ncols: int = 2,
                      labels: dict | None = None, exclude_places: bool = True,
                      title: str = "各地关键词（对比其余各地）") -> Figure:  # fmt: skip
    """Small multiples of keyness, one panel per target: its top ``n`` terms with intervals.

    For :func:`analysis.keywords.keyness_all` (every group against the rest, one family of
    tests): each panel shows the terms the group uses more than the others, the significant
    ones first, each part ranked by ``log_ratio_bound`` as in :func:`plot_keyness`, with the log ratio (filled dot: significant
    after the table's correction; open: not; cross: screened out as too rare) and its interval.
    Eight groups (four rows of two) fit an A4 page; :func:`paged` splits more, so that every
    group of a large corpus is shown (``PER_PAGE["plot_keyness_grid"]`` a page). For the
    reference side and the counts of items, draw one group with :func:`plot_keyness`.
    """
    _needs(key, "the keyness grid", unit="term")
    setup()
    lab = as_labels(labels)
    by = by or key.attrs.get("by") or "region"
    if exclude_places:
        from .places import place_names

        key = key[~key.term.isin(place_names())]
    groups = list(dict.fromkeys(key[by]))
    rows, cols = _grid(len(groups), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(A4_WIDTH, (0.17 * n + 0.6) * rows + 1.3), squeeze=False)
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    for ax, g in zip(axes.flat, groups):
        d = key[(key[by] == g) & (key.direction == "target")]
        bound = d.log_ratio_bound if "log_ratio_bound" in d else d.log_ratio
        sig_first = d.significant.astype(bool) if "significant" in d else False
        d = d.assign(_s=sig_first, _b=bound).sort_values(["_s", "_b", "term"], ascending=[False, False, True])
        d = d.head(n).iloc[::-1]
        y = np.arange(len(d))
        lr = d.log_ratio.to_numpy(dtype=float)
        lo = d.get("log_ratio_low", d.log_ratio).to_numpy(dtype=float)
        hi = d.get("log_ratio_high", d.log_ratio).to_numpy(dtype=float)
        finite = np.concatenate([lr, lo[np.isfinite(lo)], hi[np.isfinite(hi)], [0.0, 1.0]])
        left, right = float(np.nanmin(finite)) - 0.3, float(np.nanmax(finite)) + 0.3
        sig = d.significant.to_numpy(dtype=bool) if "significant" in d else np.zeros(len(d), dtype=bool)
        testable = d.testable.to_numpy(dtype=bool) if "testable" in d else np.ones(len(d), dtype=bool)
        color = lab.color(g)
        for k in range(len(d)):
            ax.plot(
                [max(lo[k], left), min(hi[k], right)],
                [y[k], y[k]],
                color=color,
                lw=1.2,
                solid_capstyle="butt",
            )
            if not np.isfinite(hi[k]):
                ax.plot(right, y[k], marker=">", color=color, ms=3.5)
            if sig[k]:
                ax.plot(lr[k], y[k], "o", color=color, ms=4.5, zorder=3)
            elif testable[k]:
                ax.plot(lr[k], y[k], "o", mfc="white", mec=color, ms=4.5, zorder=3)
            else:
                ax.plot(lr[k], y[k], "x", color=color, ms=4, zorder=3)
        ax.axvline(0, color="black", lw=0.5)
        ax.set_xlim(left, right)
        ax.set_ylim(-0.6, max(n, 1) - 0.4)
        ax.set_yticks(y, [f"{_short(str(t), 8)}  {a}:{b}" for t, a, b in zip(d.term, d.count_target,
                                                                           d.count_reference)], fontsize=7)  # fmt: skip
        ax.tick_params(axis="x", labelsize=7)
        ax.xaxis.set_major_locator(plt.MaxNLocator(5, integer=True))
        n_sig = int(
            key[(key[by] == g) & (key.direction == "target")].get("significant", pd.Series(dtype=bool)).sum()
        )
        ax.set_title(f"{_short(lab.text(g), 14)}（显著偏多 {n_sig} 词）", loc="left", fontsize=8, color=color)
        if d.empty:
            ax.text(0.5, 0.5, "没有偏多的词", ha="center", va="center", transform=ax.transAxes, fontsize=8)
    corr = _CORRECTION_NAME.get(key.attrs.get("correction", "none"), "未校正")
    conf = key.attrs.get("confidence", 0.95)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    from .figures import fig_note

    fig_note(fig, f"横轴：log2 频率比（Hardie 2014）与 {conf:.0%} 区间，右为该地更常用；每格为该地相对其余各地偏多的 {n} 个词"
             f"（显著者在前，再按区间靠近 0 的一端排序）；● {corr}后显著（所有地区、所有词为一个检验族，共 {key.attrs.get('n_tests', len(key))} 个检验）"
             "  ○ 不显著  × 计数太少、不可能显著；标签：词  该地:其余各地次数。")  # fmt: skip
    return fig


def plot_dispersion(positions: pd.DataFrame, terms: list[str] | None = None, *, labels: dict | None = None,
                    docs: list[str] | None = None,
                    title: str = "词语在各计划条目序列中的分布") -> Figure:  # fmt: skip
    """Lexical dispersion plot: a panel per term, a row per plan, a tick per occurrence along the plan.

    Parameters
    ----------
    positions : DataFrame
        Output of :func:`analysis.keywords.dispersion_positions`.
    terms : list of str, optional
        The terms, one panel each, side by side (default: those in ``positions``). Five fit an
        A4 page's width; give more through :func:`analysis.figures.pages` (several figures).
    docs : list of str, optional
        The plans (rows), in order (default: every plan in ``positions``, sorted). 40 fit a page.
    """
    setup()
    lab = as_labels(labels)
    terms = list(terms or dict.fromkeys(positions.term))
    docs = list(docs) if docs is not None else sorted(positions.doc_id.unique())
    if not docs or not terms:
        fig, ax = plt.subplots(figsize=(7.2, 2))
        ax.text(0.5, 0.5, "所选词语均未出现", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    regions = positions.drop_duplicates("doc_id").set_index("doc_id").region
    reg = {d: regions.get(d) for d in docs}
    row = 0.2 if len(docs) > 8 else 0.3
    fig, axes = plt.subplots(
        1, len(terms), figsize=(A4_WIDTH, row * len(docs) + 1.6), sharey=True, squeeze=False
    )
    names = [_short(_doc_label(lab, d, reg[d]), 12) for d in docs]
    for ax, t in zip(axes.flat, terms):
        for y, d in enumerate(docs):
            x = positions[(positions.term == t) & (positions.doc_id == d)].position
            ax.scatter(x, [y] * len(x), marker="|", s=60 if len(docs) > 8 else 120, color=_doc_color(lab, d, reg[d]),
                       linewidths=1.2)  # fmt: skip
        n_occ = int((positions.term == t).sum())
        ax.set_title(f"{_short(t, 8)}（{n_occ}次）", fontsize=8, loc="left")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"], fontsize=7)
        for k in range(len(docs)):
            ax.axhline(k, color="#f2f3f4", lw=0.5, zorder=0)
    ax0 = axes.flat[0]
    ax0.set_yticks(range(len(docs)), names, fontsize=8 if len(docs) <= 30 else 7)
    for tick, d in zip(ax0.get_yticklabels(), docs):
        tick.set_color(_doc_color(lab, d, reg[d]))
    ax0.set_ylim(len(docs) - 0.5, -0.5)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    from .figures import fig_note

    fig_note(fig, "横轴：在计划条目序列中的位置（0 = 第一条开始，1 = 最后一条结束）；每条竖线为一次出现。")
    return fig


def plot_shared_matrix(shared_table: pd.DataFrame, column: str, *, n: int = 30, labels: dict | None = None,
                       groups: list | None = None,
                       title: str = "共享与独有的项目品牌") -> Figure:  # fmt: skip
    """Presence matrix of entities × groups from :func:`analysis.entities.shared`.

    The columns narrow with the number of groups (down to 0.17 in), so 36 groups fit an A4
    page's width; give more in parts with ``groups`` (a subset of the columns, in order) and
    :func:`analysis.figures.pages`.
    """
    _needs(shared_table, "the shared-names figure", unit="name")
    setup()
    lab = as_labels(labels)
    meta = {column, "n_groups", "total", "groups", "unique_to"}
    groups = list(groups) if groups is not None else [c for c in shared_table.columns if c not in meta]
    top = shared_table.head(n)
    m = (top[groups].to_numpy() > 0).astype(float)
    names = [_short(str(t), 14) for t in top[column]]
    label_in = max([text_em(t) for t in names] or [1]) * 8 / 72 + 0.4
    col_w = min(0.9, max(0.17, (A4_WIDTH - label_in - 0.3) / max(1, len(groups))))
    fig, ax = plt.subplots(
        figsize=(min(A4_WIDTH, label_in + col_w * len(groups) + 0.4), 0.22 * len(top) + 1.6)
    )
    dot = min(60.0, (col_w * 72 * 0.55) ** 2)
    for j, g in enumerate(groups):
        rows = np.flatnonzero(m[:, j])
        if len(rows):
            ax.scatter([j] * len(rows), rows, s=dot, color=lab.color(g))
    many = col_w < 0.6
    ax.set_xticks(range(len(groups)), [_short(lab.text(g), 8 if many else 10) for g in groups],
                  rotation=90 if many else 0, fontsize=7 if many else 8)  # fmt: skip
    for tick, g in zip(ax.get_xticklabels(), groups):
        tick.set_color(lab.color(g))
    ax.set_yticks(range(len(top)), names, fontsize=8)
    ax.set_ylim(len(top) - 0.5, -0.5)
    ax.set_xlim(-0.5, len(groups) - 0.5)
    ax.grid(True, axis="both", color="#eeeeee")
    ax.set_title(title)
    return fig


_LEVEL_TITLE = {
    "document": "计划之间的相似度",
    "section": "各部分（一级标题）之间的相似度",
    "item": "条目之间的相似度",
}
_MEASURE_NAME = {"tfidf_cosine": "词 TF-IDF 余弦", "char_cosine": "字 n-gram 余弦", "jaccard": "词集 Jaccard"}


def plot_similarity_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str | None = None,
    annotate: bool | None = None,
    intervals: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> Figure:
    """Heatmap of a square similarity matrix from :func:`analysis.similarity.similarity_matrix`.

    The colour scale runs from the smallest to the largest value off the diagonal (the
    colour bar says so), so that differences between pairs show even when all values lie
    close together; the diagonal (always 1) is left blank. The title names the level
    (plans, sections, items) and the measure.

    With ``intervals`` (:func:`analysis.similarity.similarity_intervals`, matched on
    ``matrix.attrs["doc_ids"]``), each cell shows the value and its interval, and a pair
    whose similarity does not differ from the shuffled-item baseline (``p_perm >= alpha``)
    is greyed out and marked "≈": the data cannot tell it from a random mix of items.
    """
    _needs(matrix, "the similarity heatmap", 2, "unit")
    setup()
    n = len(matrix)
    annotate = n <= 12 if annotate is None else annotate
    regions = matrix.attrs.get("regions", [None] * n)
    doc_ids = matrix.attrs.get("doc_ids") or [str(x) for x in matrix.index]
    blocks = _blocks(doc_ids)
    by_plan = n > 40 and len(blocks) < n  # many units of fewer plans: one label per plan, lines between plans
    if by_plan:
        step = max(1, -(-len(blocks) // 40))
        shownb = blocks[::step]
        idx = [a for a, _ in shownb]
        pos = [(a + b - 1) / 2 for a, b in shownb]
        names = [_short(str(matrix.index[a]).split("·")[0], 10) for a in idx]
        fs, rot = 7, 90
    else:
        step = max(1, -(-n // 60))  # above 60 units, every step-th label (7 pt needs 0.1 in)
        idx = list(range(0, n, step))
        pos = idx
        names = [_short(str(matrix.index[i]), 16) for i in idx]
        fs, rot = (9, 45) if n <= 12 else (7, 90)
    # the labels' length decides how much of the page the square gets
    label_in = max(text_em(t) for t in names) * fs / 72 + 0.15
    below = label_in * (0.75 if rot == 45 else 1.0)
    size = min(6.4, 1.6 + 0.6 * n, A4_WIDTH - label_in - 1.5, A4[1] - below - 1.6)
    if intervals is not None and n <= 12:
        size = min(size + 1.0, A4_WIDTH - label_in - 1.5)
    fig, ax = plt.subplots(figsize=(min(A4_WIDTH, size + label_in + 1.5),
                                    size + below + 0.7 + (0.5 if intervals is not None else 0)))  # fmt: skip
    diag = np.eye(n, dtype=bool)
    off = matrix.values[~diag]
    lo, hi = float(off.min()), float(off.max())
    if hi - lo < 1e-9:
        lo, hi = max(0.0, lo - 0.05), hi + 0.05
    shown = np.where(diag, np.nan, matrix.values)
    cmap = plt.get_cmap("YlGnBu").copy()
    cmap.set_bad("#f2f3f4")
    im = ax.imshow(shown, cmap=cmap, vmin=lo, vmax=hi)
    if rot == 45:
        ax.set_xticks(pos, names, rotation=45, ha="right", rotation_mode="anchor", fontsize=fs)
    else:
        ax.set_xticks(pos, names, rotation=90, fontsize=fs)
    ax.set_yticks(pos, names, fontsize=fs)
    if by_plan:
        for a, _ in blocks[1:]:
            ax.axhline(a - 0.5, color="white", lw=0.4)
            ax.axvline(a - 0.5, color="white", lw=0.4)
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        for tick, i in zip(ticks, idx):
            if regions[i] is not None and not pd.isna(regions[i]):
                tick.set_color(region_color(str(regions[i])))
    note = ""
    if intervals is not None:
        ids = matrix.attrs.get("doc_ids") or [str(x) for x in matrix.index]
        pos = {d: k for k, d in enumerate(ids)}
        cell: dict[tuple[int, int], tuple] = {}
        for r in intervals.itertuples():
            if r.doc_a in pos and r.doc_b in pos:
                i, j = pos[r.doc_a], pos[r.doc_b]
                cell[(i, j)] = cell[(j, i)] = (r.low, r.high, r.p_perm)
        same = np.zeros((n, n), dtype=bool)
        for (i, j), (_, _, p) in cell.items():
            same[i, j] = p >= alpha
        if same.any():
            ax.imshow(np.where(same, 1.0, np.nan), cmap=plt.matplotlib.colors.ListedColormap(["#ffffff"]),
                      alpha=0.55, vmin=0, vmax=1)  # fmt: skip
        if annotate:
            mid = lo + 0.6 * (hi - lo)
            for (i, j), (a, b, p) in cell.items():
                v = matrix.values[i, j]
                mark = "≈ " if p >= alpha else ""
                ax.text(j, i, f"{mark}{v:.2f}\n{a:.2f}–{b:.2f}" if size / n >= 0.55 else f"{mark}{v:.2f}",
                        ha="center", va="center", fontsize=7,
                        color="white" if v > mid and p < alpha else "black")  # fmt: skip
        conf = intervals.attrs.get("confidence", 0.95)
        method = {"jackknife": "按条目刀切法", "bootstrap": "按条目自助法"}.get(
            intervals.attrs.get("interval", ""), ""
        )
        note = (
            f"\n格内：相似度与 {conf:.0%} 区间（{method}）；≈ 与打乱条目的基线无显著差别"
            f"（置换 p ≥ {alpha:g}，{intervals.attrs.get('n_perm', '')} 次置换）"
        )
        if annotate:
            pass
    elif annotate:
        mid = lo + 0.6 * (hi - lo)
        _annotate(ax, matrix.values, lambda i, j, v: f"{v:.2f}" if i != j else "—", dark=mid,
                  fontsize=8 if size / n >= 0.45 else 7)  # fmt: skip
    cb = fig.colorbar(im, ax=ax, shrink=0.8)
    cb.set_label(f"相似度（色标：非对角线最小 {lo:.2f} 至最大 {hi:.2f}）", fontsize=8)
    cb.ax.tick_params(labelsize=7)
    m = matrix.attrs.get("measure", "")
    level = _LEVEL_TITLE.get(matrix.attrs.get("level", "document"), "相似度")
    ax.set_title(title or f"{level}（{_MEASURE_NAME.get(m, m)}）")
    if note:
        from .figures import fig_note

        fig_note(fig, note.strip(), fontsize=8)
    return fig


def _blocks(keys: list) -> list[tuple[int, int]]:
    """Runs of equal consecutive keys as (start, stop) pairs.

    >>> _blocks(["a", "a", "b", "a"])
    [(0, 2), (2, 3), (3, 4)]
    """
    out: list[tuple[int, int]] = []
    for i, k in enumerate(keys):
        if out and keys[out[-1][0]] == k:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


#: Below this many plans a clustering tree says little; :func:`plot_dendrogram` refuses.
MIN_DENDROGRAM_PLANS = 10


def plot_dendrogram(
    matrix: pd.DataFrame,
    *,
    method: str = "average",
    title: str | None = None,
    replicates: np.ndarray | None = None,
    min_units: int = MIN_DENDROGRAM_PLANS,
) -> Figure:
    """Hierarchical clustering (scipy linkage on 1 − similarity) with bootstrap support.

    Each merge is labelled with its support: the share of bootstrap replicates
    (``replicates``, e.g. ``similarity_intervals(...).attrs["boot"]``) whose tree contains
    the same cluster (Felsenstein 1985; :func:`analysis.similarity.cluster_support`). Below
    ``min_units`` plans (default 10) a tree of a handful of plans invites a reading the data
    cannot carry, so the function raises :class:`analysis.errors.InsufficientDataError`.
    """
    from scipy.cluster.hierarchy import dendrogram

    from .similarity import cluster_support

    level_unit = {"document": "plan", "section": "section", "item": "item"}.get(
        matrix.attrs.get("level", "document"), "unit"
    )
    _needs(matrix, "the dendrogram", min_units, level_unit)
    setup()
    boot = replicates if replicates is not None else np.empty((0, len(matrix), len(matrix)))
    sup = cluster_support(matrix, boot, method=method)
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    dist = 1 - matrix.values
    np.fill_diagonal(dist, 0)
    z = linkage(squareform((dist + dist.T) / 2, checks=False), method=method)
    n = len(matrix)
    height = min(A4[1] - 0.4, max(2.6, 0.3 * n + 1.6))
    leaf_fs = 9 if (height - 1.6) / n >= 0.25 else 7
    fig, ax = plt.subplots(figsize=(7.2, height))
    dn = dendrogram(z, labels=[_short(str(x), 16) for x in matrix.index], orientation="left", ax=ax,
                    color_threshold=0, above_threshold_color="#566573", leaf_font_size=leaf_fs)  # fmt: skip
    # leaf k sits at 5 + 10·(its place in dn["leaves"]); a merge sits midway between its children
    ypos = {leaf: 5 + 10 * k for k, leaf in enumerate(dn["leaves"])}
    for row, (a, b, h, _) in enumerate(z):
        ypos[n + row] = (ypos[int(a)] + ypos[int(b)]) / 2
        if replicates is not None and len(boot):
            s = float(sup.support.iloc[row])
            ax.text(h, ypos[n + row], f"{s:.0%}", fontsize=7, ha="right", va="bottom",
                    color="#1b4f72" if s >= 0.7 else "#a04000")  # fmt: skip
    lo_h, hi_h = float(z[:, 2].min()), float(z[:, 2].max())
    zoom = lo_h > 0.3 * hi_h  # every merge far from 0: the axis starts near the lowest merge
    if zoom:
        ax.set_xlim(hi_h + 0.04 * (hi_h - lo_h) + 1e-9, max(0.0, lo_h - 0.25 * (hi_h - lo_h)))
    ax.set_xlabel(wrap_to_width(
        "距离（1 − 相似度）"
        + (f"，横轴从 {max(0.0, lo_h - 0.25 * (hi_h - lo_h)):.2f} 起" if zoom else "")
        + (
            f"；节点数字：{len(boot)} 次按条目自助重抽样中重现该簇的比例（Felsenstein 1985）"
            if len(boot)
            else "；未计算自助支持度"
        ), 5.2, 8), fontsize=8)  # fmt: skip
    ax.tick_params(axis="x", labelsize=8)
    regions = matrix.attrs.get("regions", [None] * n)
    for tick, leaf in zip(ax.get_yticklabels(), dn["leaves"]):
        if regions[leaf] is not None and not pd.isna(regions[leaf]):
            tick.set_color(region_color(str(regions[leaf])))
    m = matrix.attrs.get("measure", "")
    level = {"document": "计划", "section": "各部分", "item": "条目"}.get(
        matrix.attrs.get("level", "document"), ""
    )
    ax.set_title(title or f"{level}的层次聚类（{method} linkage，{_MEASURE_NAME.get(m, m)}）")
    return fig


#: Above this many plans :func:`plot_reuse_network` draws a matrix: a circle of 13+ plans with
#: every pair's edge and percentage is a hairball.
MAX_NETWORK_PLANS = 12


def plot_reuse_network(share: pd.DataFrame, labels: dict[str, str] | None = None, *, min_share: float = 0.0,
                       max_network: int = MAX_NETWORK_PLANS,
                       title: str | None = None) -> Figure:  # fmt: skip
    """Reuse between plans: a network up to ``max_network`` plans, a plans × plans matrix above.

    Parameters
    ----------
    share : DataFrame
        Output of :func:`analysis.reuse.reuse_share`.
    labels : dict, optional
        ``doc_id → label`` (:func:`analysis.figures.region_labels`); node colours follow
        the region key, whatever the label style.
    min_share : float, default 0
        Network only: pairs at or below this share draw no edge.
    max_network : int, default 12 (:data:`MAX_NETWORK_PLANS`)
        Up to this many plans: plans on a circle, an edge per pair with reuse (width: the
        larger of the two shares, labelled where there are at most 6 plans). Above it: a
        heatmap of shares, row plan's characters reused with the column plan, plans ordered
        by average-linkage clustering of the symmetric share (so plans that reuse each other
        sit together), with each plan's share reused with any plan in a bar beside it. The
        title says which of the two it is.
    """
    _needs(share, "the reuse network", unit="plan")
    setup()
    docs = sorted(share.doc_id.unique())
    lab = as_labels(labels)
    if len(docs) > max_network:
        return _plot_reuse_matrix(share, docs, lab, title=title, max_network=max_network)
    title = title or "文本复用网络：边宽 = 复用字数占比"
    n = len(docs)
    angles = np.linspace(np.pi / 2, np.pi / 2 - 2 * np.pi, n, endpoint=False)
    xy = {d: (np.cos(a), np.sin(a)) for d, a in zip(docs, angles)}
    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    pairs = share[share.other != "any"]
    sym = {}
    for r in pairs.itertuples():
        key = tuple(sorted((r.doc_id, r.other)))
        sym[key] = max(sym.get(key, 0), r.share)
    top = max(sym.values()) if sym else 1
    for (a, b), s in sorted(sym.items()):
        if s <= min_share:
            continue
        (x1, y1), (x2, y2) = xy[a], xy[b]
        ax.plot([x1, x2], [y1, y2], color="#a04000", lw=0.5 + 8 * s / top, alpha=0.6, solid_capstyle="round")
        if n <= 6:
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, f"{s:.1%}", fontsize=7, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})  # fmt: skip
    anyshare = share[share.other == "any"].set_index("doc_id").share
    for d in docs:
        x, y = xy[d]
        ax.scatter(
            [x], [y], s=(500 if n <= 6 else 200) + 3000 * anyshare.get(d, 0), color=lab.color(d), zorder=3
        )
        ax.text(x * 1.3, y * 1.22, f"{wrap(lab.text(d), 10)}\n复用 {anyshare.get(d, 0):.1%}", ha="center",
                va="center", fontsize=9 if n <= 6 else 8)  # fmt: skip
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.5, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    if n > 6:
        from .figures import fig_note

        fig_note(fig, "边宽：两份计划之间复用字数占比（取两份中较大者）；节点大小与标签：该计划与任一计划复用的字数占比。"
                 f"超过 {max_network} 份计划时改画矩阵。")  # fmt: skip
    return fig


def _plot_reuse_matrix(share: pd.DataFrame, docs: list[str], lab: Labels, *, title: str | None,
                       max_network: int) -> Figure:  # fmt: skip
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    from .figures import fig_note

    n = len(docs)
    pos = {d: k for k, d in enumerate(docs)}
    m = np.zeros((n, n))
    pairs = share[(share.other != "any") & share.other.isin(pos)]
    for r in pairs.itertuples():
        m[pos[r.doc_id], pos[r.other]] = r.share
    sym = np.maximum(m, m.T)
    top = float(sym.max()) or 1.0
    dist = 1 - sym / top
    np.fill_diagonal(dist, 0)
    order = leaves_list(linkage(squareform(dist, checks=False), method="average", optimal_ordering=True))
    m = m[np.ix_(order, order)]
    docs = [docs[k] for k in order]
    anyshare = share[share.other == "any"].set_index("doc_id").share.reindex(docs).fillna(0).to_numpy()
    shown = np.where(np.eye(n, dtype=bool), np.nan, m)
    cell = min(0.3, 6.0 / n)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(A4_WIDTH, min(A4[1] - 0.5, cell * n + 2.6)),
                                 gridspec_kw={"width_ratios": [n, max(4, n // 5)]}, sharey=True)  # fmt: skip
    cmap = plt.get_cmap("Oranges").copy()
    cmap.set_bad("#f2f3f4")
    im = ax.imshow(shown, cmap=cmap, vmin=0, vmax=max(float(np.nanmax(shown)) if n > 1 else 0, 1e-9),
                   aspect="auto")  # fmt: skip
    names = [_short(lab.text(d), 8) for d in docs]
    fs = 8 if cell >= 0.2 else 7
    ax.set_xticks(range(n), names, rotation=90, fontsize=fs)
    ax.set_yticks(range(n), names, fontsize=fs)
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        for tick, d in zip(ticks, docs):
            tick.set_color(lab.color(d))
    ax.set_xlabel("与之复用的计划", fontsize=8)
    ax.set_ylabel("计划（行：其字数中与列计划复用的占比）", fontsize=8)
    cb = fig.colorbar(im, ax=ax, location="top", shrink=0.5, aspect=30, pad=0.02)
    cb.ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    cb.ax.tick_params(labelsize=7)
    bx.barh(range(n), anyshare, color=[lab.color(d) for d in docs], height=0.7)
    bx.set_xlim(0, max(0.01, float(anyshare.max()) * 1.15))
    bx.xaxis.set_major_locator(plt.MaxNLocator(2))
    bx.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    bx.tick_params(axis="x", labelsize=7, rotation=90)
    bx.tick_params(axis="y", left=False)
    bx.set_title("与任一计划", fontsize=8, loc="left")
    fig.suptitle(
        title or f"文本复用矩阵：{n} 份计划（超过 {max_network} 份时不画网络）",
        x=0.01,
        ha="left",
        fontsize=11,
    )
    fig_note(fig, f"格：行计划的字数中、与列计划共有段落的占比（不含套话）；行列按复用相近程度聚类排序（平均连接），"
             f"相互复用多的计划相邻；右：该计划与任一计划复用的占比。计划数超过 {max_network} 时以矩阵代替网络图。")  # fmt: skip
    return fig


def plot_attention(att: pd.DataFrame, theme: str = "theme", by: str = "region", *, labels: dict | None = None,
                   group_labels: dict | None = None,
                   title: str = "注意力分配：各地各主题条目占比") -> Figure:  # fmt: skip
    """Heatmap theme × group of shares from :func:`analysis.themes.attention`.

    ``labels`` names the themes (``theme → name``); ``group_labels`` the groups
    (:func:`analysis.figures.region_labels`), whose colours stay keyed by region.

    ▲/▼ mark shares significantly over/under the other groups' after the correction recorded
    by :func:`analysis.themes.attention` (Benjamini–Hochberg by default); the label names it.
    """
    _needs(att, "the attention heatmap", unit="theme share")
    setup()
    share = att.pivot(index=theme, columns=by, values="share")
    over = att.pivot(index=theme, columns=by, values="over")
    order = list(dict.fromkeys(att[by]))
    share, over = share[order], over[order]
    themes = [_short(labels.get(t, str(t)) if labels else str(t), 12) for t in share.index]
    glab = as_labels(group_labels)
    groups = [_short(glab.text(g), 10) for g in share.columns]
    transpose = share.shape[1] > 10  # many groups: groups in rows, themes in columns, A4 portrait
    values = share.values.T if transpose else share.values
    marks_v = over.values.T if transpose else over.values
    rows, cols = (groups, themes) if transpose else (themes, groups)
    row_in = 0.26 if transpose else 0.42
    label_in = max(text_em(r) for r in rows) * 8 / 72 + 0.3
    col_in = min(0.9, (A4_WIDTH - label_in - 1.2) / max(1, len(cols)))
    fig, ax = plt.subplots(
        figsize=(min(A4_WIDTH, label_in + col_in * len(cols) + 1.3), row_in * len(rows) + 2.6)
    )
    im = ax.imshow(values, cmap="PuBu", aspect="auto", vmin=0)
    rot = 90 if col_in < 0.75 else 0
    ax.set_xticks(range(len(cols)), cols, rotation=rot, fontsize=8 if col_in >= 0.3 else 7)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    for tick, g in zip(ax.get_yticklabels() if transpose else ax.get_xticklabels(), share.columns):
        tick.set_color(glab.color(g))
    vmax = np.nanmax(values)
    marks = {"over": "▲", "under": "▼"}
    # every share where the cells are wide enough for "12%▲", else only the marked cells
    full = col_in >= 0.5
    _annotate(ax, values, lambda i, j, v: f"{v:.0%}{marks.get(marks_v[i, j], '')}" if full or marks_v[i, j] else "",
              dark=0.6 * vmax, fontsize=8 if col_in >= 0.6 else 7)  # fmt: skip
    cb = fig.colorbar(im, ax=ax, shrink=0.6 if transpose else 0.8)
    cb.set_label("占本地条目的比例", fontsize=8)
    cb.ax.tick_params(labelsize=7)
    ax.set_title(title)
    corr = {"bh": "Benjamini–Hochberg 校正", "bonferroni": "Bonferroni 校正", "none": "未校正"}.get(
        att.attrs.get("correction", "none"), "未校正"
    )
    n_marked = int((att.over != "").sum())
    from .figures import fig_note

    fig_note(fig, f"▲/▼：与其余各地相比显著偏高/偏低（G² 或 Fisher 精确检验，{corr}后 p < {att.attrs.get('alpha', 0.05):g}，"
             f"共 {att.attrs.get('n_tests', len(att))} 个检验，{n_marked} 个显著）"
             + ("" if full else "；格子太窄时只标注显著的格，数值见表") + "。", fontsize=8)  # fmt: skip
    return fig


def _theme_color(i: int):
    """Theme colours: the ten strong tab20 colours first, then their light partners."""
    order = list(range(0, 20, 2)) + list(range(1, 20, 2))
    return plt.get_cmap("tab20")(order[int(i) % 20])


def plot_item_map(coords: pd.DataFrame, *, title: str = "条目主题地图（TF-IDF 的 SVD 二维投影）") -> Figure:
    """Items in 2-D (from :func:`analysis.themes.item_map`), coloured by theme.

    Each theme's number and label sit at the centroid of its items, so the map reads
    without a legend; plans are not encoded (see the attention heatmap for plans).
    """
    _needs(coords, "the item map", unit="item")
    setup()
    fig, ax = plt.subplots(figsize=(7.6, 5.6))
    for t, g in coords.groupby("theme", sort=True):
        ax.scatter(g.x, g.y, color=_theme_color(t), s=26, edgecolors="white", linewidths=0.4, alpha=0.85)
    for t, g in coords.groupby("theme", sort=True):
        ax.annotate(
            f"{t} {_short(str(g.theme_label.iloc[0]), 10)}",
            (g.x.mean(), g.y.mean()),
            ha="center",
            va="center",
            fontsize=8,
            color="black",
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": _theme_color(t), "lw": 1.2, "alpha": 0.9},
        )
    ax.set_xlabel("SVD 1")
    ax.set_ylabel("SVD 2")
    ax.set_title(title)
    ax.text(0.0, -0.12, "点 = 条目，颜色 = 主题；标签位于该主题条目的重心", transform=ax.transAxes, fontsize=8,
            color="#555555")  # fmt: skip
    return fig


def plot_theme_terms(
    themes: pd.DataFrame, *, n: int = 6, ncols: int = 4, title: str = "各主题的代表词（c-TF-IDF）"
) -> Figure:
    """Top terms of each theme, from :attr:`analysis.themes.ThemeResult.themes`, as a text grid."""
    _needs(themes, "the theme-terms figure", unit="theme")
    setup()
    rows, cols = _grid(len(themes), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.9 * cols, 1.45 * rows + 0.5), squeeze=False)
    for ax, t in zip(axes.flat, themes.itertuples()):
        ax.axis("off")
        ax.add_patch(plt.Rectangle((0, 0.86), 0.08, 0.12, color=_theme_color(t.theme), transform=ax.transAxes,
                                   clip_on=False))  # fmt: skip
        ax.text(0.12, 1, f"主题 {t.theme} · {t.n_items} 项", fontsize=9, fontweight="bold", color="#1b2631",
                va="top", transform=ax.transAxes)  # fmt: skip
        ax.text(0.12, 0.8, "\n".join(t.top_terms.split()[:n]), fontsize=8, va="top", transform=ax.transAxes,
                linespacing=1.3)  # fmt: skip
    for ax in list(axes.flat)[len(themes) :]:
        ax.axis("off")
    fig.suptitle(title, x=0.01, ha="left")
    return fig


# --- diffusion -------------------------------------------------------------------------

_LEVEL_ROWS = [
    ("central", "中央"),
    ("province", "省级"),
    ("prefecture", "地市"),
    ("county", "县区"),
    ("school", "学校/街镇"),
]
_LEVEL_ROW = LEVEL_RANK


def plot_diffusion(order: pd.DataFrame, edges: pd.DataFrame, labels: dict[str, str] | None = None, *,
                   max_coderived_plans: int = 12,
                   title: str = "政策扩散：文本证据支持的承接方向") -> Figure:  # fmt: skip
    """Plans by date (x) and administrative level (y): an arrow per inherited edge (with its evidence),
    a dashed grey line per co-derived pair.

    Parameters
    ----------
    order : DataFrame
        :func:`analysis.diffusion.plan_order` (``doc_id, date, level``; ``precision``).
    edges : DataFrame
        :func:`analysis.diffusion.diffusion_edges`; line width follows ``n_chars``; arrows
        are labelled with ``n_evidence`` (shared innovations) or "源" (a marked source).
    labels : dict, optional
        ``doc_id → label`` (region); plans without a label show their doc_id.
    max_coderived_plans : int, default 12
        Co-derived pairs are drawn only up to this many plans (above it they would hide the
        arrows); the caption says how many were left out.

    A plan known only by its year is drawn as a bar across that year (its date is not
    invented); plans with no date stand in a column on the left. The time axis labels days,
    months or years as the span requires, and every plan lies inside the axes.
    """
    setup()
    import matplotlib.dates as mdates
    from matplotlib.patches import FancyArrowPatch

    _needs(order, "the diffusion figure", unit="plan")
    order = order.copy()
    lab = as_labels(labels)
    date = order.date.where(order.date.notna(), None).astype(object)
    is_year = date.map(lambda d: isinstance(d, str) and len(d) == 4)
    start = pd.to_datetime(date.map(lambda d: f"{d}-01-01" if isinstance(d, str) and len(d) == 4 else d),
                           errors="coerce")  # fmt: skip
    stop = pd.to_datetime(date.map(lambda d: f"{d}-12-31" if isinstance(d, str) and len(d) == 4 else d),
                          errors="coerce")  # fmt: skip
    order["x0"], order["x1"], order["year_only"] = start, stop, is_year
    order["x"] = start + (stop - start) / 2
    dated = order.x.notna()
    exact = dated & ~is_year
    # Year-only plans next to exactly dated plans of less than a year: a bar across the year
    # would stretch the axis and crowd the dated plans into one column; they stand apart.
    years_apart = bool(
        is_year.any()
        and exact.any()
        and (stop[exact].max() - start[exact].min()).days < 366
        and set(date[is_year].astype(int)) <= set(start[exact].dt.year)
    )
    span = exact if years_apart else dated
    if span.any():
        lo, hi = order.loc[span, "x0"].min(), order.loc[span, "x1"].max()
    else:
        lo = hi = pd.Timestamp("2020-01-01")
    pad = max((hi - lo) * 0.06, pd.Timedelta(days=3 if years_apart else 20))
    undated_x = lo - 3 * pad
    year_x = hi + 2 * pad
    order.loc[~dated, ["x", "x0", "x1"]] = undated_x
    if years_apart:
        order.loc[is_year, ["x", "x0", "x1"]] = year_x
    order["row"] = order.level.map(_LEVEL_ROW).fillna(len(_LEVEL_ROWS)).astype(int)
    # plans of one row close in time get their own lines: rows grow with their crowding
    order = order.sort_values(["row", "x", "doc_id"], na_position="last").reset_index(drop=True)
    # greedy lines: a plan goes to the first line of its row whose last plan is at least a
    # label's width to its left (a label of ~6 characters is about a tenth of the axis)
    x_lo = undated_x if (~dated).any() else lo
    x_hi = year_x if years_apart else hi
    gap = ((x_hi - x_lo) + 3 * pad) * 0.1
    slots: list[int] = []
    last: dict[tuple[int, int], pd.Timestamp] = {}
    for r in order.itertuples():
        k = 0
        while (r.row, k) in last and r.x - last[(r.row, k)] < gap:
            k += 1
        last[(r.row, k)] = r.x
        slots.append(k)
    order["slot"] = slots
    height = order.groupby("row").slot.max() + 1
    offset, y0 = {}, 0.0
    for r in sorted(height.index):
        offset[r] = y0
        y0 += height[r] + 0.8
    order["y"] = order.row.map(offset) + order.slot
    pos = {r.doc_id: (_date_num(r.x), r.y) for r in order.itertuples()}
    n = len(order)
    fig, ax = plt.subplots(figsize=(8.27, min(11.0, 1.6 + 0.28 * y0)))
    inherited = edges[edges.relation == "inherited"] if len(edges) else edges
    coderived = edges[edges.relation != "inherited"] if len(edges) else edges
    top = edges.n_chars.max() if len(edges) else 1
    hidden = 0
    if n <= max_coderived_plans:
        for e in coderived.itertuples():
            if e.source in pos and e.target in pos:
                (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
                ax.plot([x1, x2], [y1, y2], ls="--", lw=0.4 + 1.6 * e.n_chars / top, color="#95a5a6", alpha=0.6,
                        zorder=1)  # fmt: skip
    else:
        hidden = len(coderived)
    for e in inherited.itertuples():
        if e.source not in pos or e.target not in pos:
            continue
        lw = 0.8 + 2.5 * e.n_chars / top
        ax.add_patch(FancyArrowPatch(pos[e.source], pos[e.target], arrowstyle="-|>", mutation_scale=10 + 2 * lw,
                                     lw=lw, color="#a04000", alpha=0.8, connectionstyle="arc3,rad=0.15",
                                     shrinkA=7, shrinkB=7, zorder=2))  # fmt: skip
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        ev = getattr(e, "n_evidence", 0)
        ev = int(ev) if pd.notna(ev) else 0
        if n <= max_coderived_plans:  # above, the labels would sit on the plans' names: the table has them
            ax.annotate(f"证据{ev}" if ev else "源", ((x1 + x2) / 2, (y1 + y2) / 2), fontsize=7, color="#a04000",
                        ha="center", va="center", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})  # fmt: skip
    for r in order.itertuples():
        x, y = pos[r.doc_id]
        color = lab.color(r.doc_id)
        if r.year_only and not years_apart:
            ax.plot([_date_num(r.x0), _date_num(r.x1)], [y, y], lw=5, color=color, alpha=0.35,
                    solid_capstyle="butt", zorder=2)  # fmt: skip
        ax.scatter([x], [y], s=45, color=color, zorder=3, edgecolors="white", linewidths=0.6,
                   marker="o" if pd.notna(r.x) and not r.year_only else "s")  # fmt: skip
        ax.annotate(_short(str(lab.text(r.doc_id)), 12), (x, y), xytext=(5, 3), textcoords="offset points",
                    fontsize=7.5, annotation_clip=False)  # fmt: skip
    rows_used = sorted(order.row.unique())
    names = dict(enumerate([n for _, n in _LEVEL_ROWS] + ["级别不明"]))
    ax.set_yticks([offset[r] + (height[r] - 1) / 2 for r in rows_used], [names[r] for r in rows_used])
    ax.set_ylim(y0 - 0.3, -0.9)
    left = undated_x if (~dated).any() else lo
    ax.set_xlim(_date_num(left - pad), _date_num(year_x + pad if years_apart else hi + 2 * pad))
    if years_apart:
        ax.axvline(_date_num(hi + pad), color="#bbbbbb", lw=0.6, ls=":")
        ax.annotate("只知年份", (_date_num(year_x), 0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7.5, color="#555555")  # fmt: skip
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x")
    ax.set_title(title)
    note = ("箭头：文本证据（共有的改动，或标为来源的文件）支持的承接方向，数字为共有改动数；"
            "灰色虚线：共享段落但文本不能判定谁承接谁（可能同源）；日期与级别本身不作为方向证据；"
            + ("方块：只知年份的计划，置于右侧一列（不画在日期轴上）" if years_apart
               else "方块加横条：只知年份的计划，横条覆盖全年"))  # fmt: skip
    if hidden:
        note += f"；计划超过{max_coderived_plans}份，{hidden}条同源连线与箭头上的证据数未画出（见表）"
    if (~dated).any():
        note += f"；无日期计划置于左侧：{'、'.join(order.doc_id[~order.x0.ne(undated_x)].map(lab.text))}"
    ax.set_xlabel(wrap(note, 62), fontsize=7.5, labelpad=12)  # below the axis' year offset
    return fig


def _date_num(x) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(x))


_UPTAKE_COLORS = {"taken up": "#a04000", "adapted": "#e59866", "absent": "#d5d8dc",
                  "from province": "#a04000", "shared": "#5d6d7e", "new": "#d5d8dc"}  # fmt: skip
_UPTAKE_LABELS = {"taken up": "照搬", "adapted": "改写", "absent": "未出现",
                  "from province": "来自省级", "shared": "与他地共享", "new": "新增"}  # fmt: skip


def plot_uptake(uptake: pd.DataFrame, labels: dict[str, str] | None = None, *,
                title: str = "省级计划在市级计划中的承接（逐部分）") -> Figure:  # fmt: skip
    """Two panels of stacked bars, one bar per section: province items taken up / adapted / absent,
    and city items from the province / shared / new (from :func:`analysis.diffusion.uptake`)."""
    _needs(uptake, "the uptake figure", unit="item")
    setup()
    lab = as_labels(labels)
    n_rows = max(uptake.groupby("side").section_no.nunique().max(), 3)
    fig, axes = plt.subplots(1, 2, figsize=(A4_WIDTH, min(A4[1] - 0.5, 0.4 * n_rows + 2.2)))
    for ax, side, statuses in ((axes[0], "province", ("taken up", "adapted", "absent")),
                               (axes[1], "city", ("from province", "shared", "new"))):  # fmt: skip
        df = uptake[uptake.side == side]
        doc = df.doc_id.iloc[0] if len(df) else ""
        df = df.assign(section_no=df.section_no.fillna(0).astype(int))
        secs = df.groupby("section_no").section.first().fillna("（无标题）")
        counts = (
            df.groupby(["section_no", "status"])
            .size()
            .unstack(fill_value=0)
            .reindex(columns=list(statuses), fill_value=0)
        )
        y = np.arange(len(counts))
        left = np.zeros(len(counts))
        for st in statuses:
            ax.barh(y, counts[st].to_numpy(), left=left, color=_UPTAKE_COLORS[st], label=_UPTAKE_LABELS[st],
                    edgecolor="white")  # fmt: skip
            left += counts[st].to_numpy()
        ax.set_yticks(y, [_short(f"{n}. {secs.get(n, '')}", 12) for n in counts.index], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("条目数", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        name = lab.text(doc)
        ax.set_title(f"{'省级' if side == 'province' else '市级'}：{_short(name, 12)}", fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle(title, x=0.02, ha="left", fontsize=12)
    return fig


def plot_trend(trends, *, labels: dict | None = None, ylabel: str | None = None, ncols: int = 3,
               title: str = "逐年变化（以计划为单位）") -> Figure:  # fmt: skip
    """Small multiples, one per value (term or theme): each plan's rate as a point, the yearly rate with its interval.

    Parameters
    ----------
    trends : Trends
        From :func:`analysis.stats.rates_by_year`: ``plans`` are drawn as points (coloured by
        region through ``labels``, jittered within the year), ``years`` as the yearly rate
        with its quasi-Poisson 95% interval, and each panel's title gives the rate ratio per
        year with its interval and the plan-level p (Benjamini–Hochberg adjusted).
    """
    years, plans, tests = trends.years, trends.plans, trends.tests.set_index("value")
    _needs(years, "the trend figure", unit="yearly rate")
    setup()
    lab = as_labels(labels)
    ylabel = ylabel or ("每万词出现次数" if trends.per == 10_000 else f"每 {trends.per} 单位")
    values = list(dict.fromkeys(years.value))
    rows, cols = _grid(max(1, len(values)), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(min(A4_WIDTH, 2.75 * cols), 2.4 * rows + 1.1), squeeze=False,
                             sharex=True)  # fmt: skip
    for ax in axes.flat[len(values) :]:
        ax.axis("off")
    for ax, v in zip(axes.flat, values):
        p = plans[plans.value == v].sort_values(["year", "doc_id"])
        jitter = p.groupby("year").cumcount()
        n_year = p.groupby("year").doc_id.transform("size")
        x = p.year + 0.25 * ((jitter + 0.5) / n_year - 0.5)
        ax.scatter(x, p.rate, s=14, color=[lab.color(d) for d in p.doc_id], alpha=0.75, zorder=2,
                   edgecolors="white", linewidths=0.3)  # fmt: skip
        g = years[years.value == v].sort_values("year")
        ax.errorbar(g.year, g.rate, yerr=[g.rate - g.ci_low, g.ci_high - g.rate], marker="_", ms=14, capsize=3,
                    color="#1f4e79", lw=1.4, zorder=3, ls="-")  # fmt: skip
        t = tests.loc[v]
        ax.set_title(f"{_short(str(v), 10)}\n每年 ×{t.rate_ratio:.2f} [{t.rr_low:.2f}, {t.rr_high:.2f}], "
                     f"p={t.p_adj:.2g}", fontsize=8)  # fmt: skip
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    axes[0][0].set_ylabel(ylabel)
    fig.suptitle(title, x=0.02, ha="left", fontsize=12)
    method = "拟泊松回归" if trends.tests.method.iloc[0] == "quasipoisson" else "年份在计划间置换"
    from .figures import fig_note

    fig_note(fig, f"点：各计划的比率；线段：该年比率及 95% 区间（拟泊松，计划为单位）；标题：每年变化倍数及 95% 区间，"
             f"{method}检验 p（Benjamini–Hochberg 校正）")  # fmt: skip
    return fig


def plot_k_selection(selection: pd.DataFrame, *, title: str = "主题数的选择：四项标准并列") -> Figure:
    """The criteria of :func:`analysis.themes.select_k` side by side, one panel each, over k.

    Stability (mean ARI ± one standard error between independent subsamples, with the same
    on shuffled items as a grey null line), NPMI coherence, exclusivity and within-plan
    agreement with the sections (AMI). k below the resolution floor (``eligible`` False) are
    shaded; the chosen k (largest rank sum among eligible k) is marked in every panel.
    """
    _needs(selection, "the selection figure", unit="candidate k")
    setup()
    sel = selection.sort_values("k")
    panels = [("stability", "稳定性（ARI）"), ("coherence", "一致性（NPMI）"), ("exclusivity", "排他性"),
              ("sections", "与本计划各部分的一致（AMI）")]  # fmt: skip
    if "sections" not in sel or sel["sections"].isna().all():
        panels = panels[:3]
    ncols = 2 if len(panels) == 4 else len(panels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(A4_WIDTH if ncols > 2 else 7.2, 2.7 * nrows + 1.4), sharex=True,
                             squeeze=False)  # fmt: skip
    chosen = sel[sel.chosen.astype(bool)]
    ineligible = sel[~sel.get("eligible", pd.Series(True, index=sel.index)).astype(bool)]
    for ax, (col, name) in zip(axes.flat, panels):
        if len(ineligible):
            ax.axvspan(ineligible.k.min() - 0.5, ineligible.k.max() + 0.5, color="#eeeeee", zorder=0)
        if col == "stability":
            ax.errorbar(sel.k, sel.stability, yerr=sel.stability_se, marker="o", ms=3.5, capsize=2.5,
                        color="#1f4e79", lw=1.2, label="条目")  # fmt: skip
            ax.plot(
                sel.k,
                sel.stability_null,
                marker=".",
                color="#999999",
                lw=1,
                ls="--",
                label="打乱词语（零模型）",
            )
            ax.legend(fontsize=7, loc="best")
        else:
            ax.plot(sel.k, sel[col], marker="o", ms=3.5, color="#1f4e79", lw=1.2)
        for r in chosen.itertuples():
            ax.axvline(r.k, color="#c0392b", lw=1, ls=":")
            ax.scatter(
                [r.k], [getattr(r, col)], s=90, facecolors="none", edgecolors="#c0392b", lw=1.5, zorder=3
            )
        ax.set_title(name, fontsize=9)
        ax.set_xticks(sel.k)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_tick_params(labelbottom=True)
        ax.set_xlabel("主题数 k", fontsize=8)
    k = int(chosen.k.iloc[0]) if len(chosen) else None
    fig.suptitle(f"{title}{f'（默认 k = {k}）' if k else ''}", x=0.01, ha="left", fontsize=11)
    n = int(sel.n_pairs.max())
    note = (f"稳定性：每个 k 比较 {n} 对相互独立的 80% 子样本（重叠条目上的 ARI），灰线为打乱词语后的同一计算；"
            "一致性：各主题前 10 词在条目中共现的 NPMI；排他性：前 10 词权重属于本主题的比例；"
            "灰底：少于最细计划的部分数（分辨率下限），不参与选择；红线：其余 k 中四项排名之和最大者。")  # fmt: skip
    from .figures import fig_note

    fig_note(fig, note)
    return fig


def plot_robustness(shares: pd.DataFrame, *, labels: dict | None = None, default: int | None = None,
                    ncols: int = 3, max_lines: int = 8,
                    title: str = "注意力分配对主题数 k 的稳健性") -> Figure:  # fmt: skip
    """Each group's share of items per guided theme, through the unsupervised themes, over k.

    ``shares`` is :attr:`analysis.themes.Robustness.shares`; one panel per guided theme.

    Up to ``max_lines`` groups (default 8): one line per group over k (coloured by region
    through ``labels``), and at the left (``种子词``) the share the seed-word classifier gives
    directly; flat lines mean the result does not depend on the number of themes, and
    ``default`` marks the default k. Above ``max_lines`` groups, lines of every group would
    be a tangle: each group is a point at (share from the seed words, share through the
    themes at ``default`` k, else the median over k) with a bar from the smallest to the
    largest share over k; short bars mean the result does not depend on k, points near the
    diagonal mean the two instruments agree. Always A4 wide.
    """
    _needs(shares, "the robustness figure", unit="share")
    setup()
    from .figures import fig_note

    lab = as_labels(labels)
    themes = list(shares.groupby("guided").share_guided.mean().sort_values(ascending=False).index)
    groups = sorted(shares.group.unique())
    rows, cols = _grid(len(themes), ncols)
    lines = len(groups) <= max_lines
    fig, axes = plt.subplots(rows, cols, figsize=(A4_WIDTH, min(A4[1] - 0.3, 2.1 * rows + 1.5)), squeeze=False,
                             sharey=lines, sharex=not lines)  # fmt: skip
    ks = sorted(shares.k.unique())
    x0 = ks[0] - 1.5
    for ax in axes.flat[len(themes) :]:
        ax.axis("off")
    top = float(
        np.nanmax(np.r_[shares.share.to_numpy(dtype=float), shares.share_guided.to_numpy(dtype=float), 0.05])
    )
    for ax, t in zip(axes.flat, themes):
        g = shares[shares.guided == t]
        if lines:
            for grp, h in g.groupby("group", sort=True):
                h = h.sort_values("k")
                color = lab.color(grp)
                ax.plot(h.k, h.share, color=color, lw=1.1, marker=".", ms=3)
                ax.scatter([x0], [h.share_guided.iloc[0]], color=color, s=14, marker="D")
            if default is not None:
                ax.axvline(default, color="#c0392b", lw=0.8, ls=":")
            step = max(1, -(-len(ks) // 5))
            ax.set_xticks([x0, *ks[::step]], ["种子词", *[str(k) for k in ks[::step]]], fontsize=7)
        else:
            by = g.groupby("group", sort=True)
            lo, hi = by.share.min(), by.share.max()
            at = (
                g[g.k == default].set_index("group").share if default in set(g.k) else by.share.median()
            ).reindex(lo.index)
            seed = by.share_guided.first()
            colors = [lab.color(x) for x in lo.index]
            ax.plot([0, top * 1.05], [0, top * 1.05], color="#bbbbbb", lw=0.7, ls="--", zorder=0)
            ax.vlines(seed, lo, hi, colors=colors, lw=1.0, alpha=0.8)
            ax.scatter(seed, at, s=12, color=colors, zorder=3, edgecolors="white", linewidths=0.3)
            ax.set_xlim(0, top * 1.05)
            ax.set_ylim(0, top * 1.05)
            ax.xaxis.set_major_locator(plt.MaxNLocator(3))
            ax.yaxis.set_major_locator(plt.MaxNLocator(3))
            ax.tick_params(axis="x", labelsize=7)
        ax.set_title(_short(str(t), 10), fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    if lines:
        handles = [
            plt.Line2D([], [], color=lab.color(g), lw=1.5, label=_short(lab.text(g), 8)) for g in groups
        ]
        note = "线：各地条目中、经无监督主题映射到该引导主题的比例（横轴 k）；菱形：种子词分类直接给出的比例；红虚线：默认 k。"
        if len(themes) < rows * cols:  # a free panel: the legend goes there, the note under the figure
            axes.flat[len(themes)].legend(handles=handles, loc="center", fontsize=8, frameon=False)
            fig_note(fig, note)
        else:  # the note as the legend's title, so that the two never overlap
            fig.legend(handles=handles, loc="outside lower center", fontsize=7, ncol=min(5, len(handles)),
                       frameon=False, title=wrap_to_width(note, A4_WIDTH - 0.5, 7), title_fontsize=7)  # fmt: skip
    else:
        at_what = (
            f"默认 k = {default}" if default is not None and default in set(shares.k) else "各 k 的中位数"
        )
        fig_note(fig, f"{len(groups)} 个地区（超过 {max_lines} 个不画折线）：每点一个地区，横轴为种子词分类给出的比例，纵轴为经无监督主题"
                 f"映射得到的比例（{at_what}），竖线为 k = {ks[0]}…{ks[-1]} 中的最小至最大值；竖线短 = 不随 k 变化，"
                 "点在虚线（对角线）附近 = 两种方法一致。各地数值见表。")  # fmt: skip
    return fig


def _panel_key(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "（未知）"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def plot_attention_panel(rates: pd.DataFrame, category: str | None = None, *, kind: str = "heatmap",
                         labels: dict | None = None, region: str = "region", year: str = "year",
                         ncols: int | None = None, title: str | None = None) -> Figure:  # fmt: skip
    """A region × year attention panel from :func:`analysis.panels.dictionary_rates`, at A4 width.

    Parameters
    ----------
    rates : DataFrame
        Grouped by ``region`` and ``year`` (any two columns of it can stand in for them).
    category : str, optional
        One category. None: every category, one facet each.
    kind : {"heatmap", "lines"}, default "heatmap"
        ``"heatmap"``: regions in rows, years in columns, the rate written in each cell when the
        cells are large enough (one category), grey where no plan was counted; one colour scale
        per category. ``"lines"``: small multiples, one panel per region, the rate by year with
        its interval (error bars for one category; bands for several). Heatmaps show no
        intervals: read them from the table, or use ``kind="lines"``.
    labels : dict, optional
        Display labels of the regions (:func:`analysis.figures.region_labels`).

    Returns
    -------
    Figure
        At most 8.27 in (A4) wide; the height grows with the number of regions (31 regions fit a page).
    """
    _needs(rates, "the attention panel", unit="rate")
    setup()
    if kind not in ("heatmap", "lines"):
        raise ValueError(f"kind must be 'heatmap' or 'lines', not {kind!r}")
    for col in (region, year):
        if col not in rates.columns:
            raise KeyError(f"the panel needs a {col!r} column: group the rates by ({region!r}, {year!r})")
    cats = list(dict.fromkeys(rates.category))
    if category is not None:
        if category not in cats:
            raise KeyError(f"no category {category!r}; the rates hold {cats}")
        cats = [category]
    lab = as_labels(labels)
    r = rates[rates.category.isin(cats)].copy()
    r["_region"], r["_year"] = r[region].map(_panel_key), r[year].map(_panel_key)
    regions = list(dict.fromkeys(r.sort_values(region, na_position="last")["_region"]))
    keys = dict(zip(r["_region"], r[region]))
    years = sorted(dict.fromkeys(r["_year"]), key=lambda s: (s == "（未知）", s))
    per = rates.attrs.get("per", 10_000)
    unit = {"text": "字", "tokens": "词"}.get(rates.attrs.get("match", "text"), "字")
    ylabel = f"每{'万' if per == 10_000 else per}{unit}出现次数"
    names = [_short(lab.text(keys[g]), 8) for g in regions]
    if kind == "heatmap":
        n_cat = len(cats)
        ncols = ncols or (1 if n_cat == 1 else min(n_cat, 4 if len(years) <= 8 else 2))
        nrows = -(-n_cat // ncols)
        cell_h = (0.24 if n_cat == 1 else 0.16) if len(regions) > 12 else 0.34
        # a page at most: rows of facets share A4's height (7 pt labels need 0.13 in a region)
        cell_h = max(0.13, min(cell_h, ((A4[1] - 1.2) / nrows - 1.0) / max(1, len(regions))))
        width = min(A4_WIDTH, 1.3 + ncols * (0.5 * len(years) + 1.0))
        height = nrows * (cell_h * len(regions) + 1.0) + 0.9
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False)
        for ax in axes.flat[n_cat:]:
            ax.axis("off")
        for k, (ax, cat) in enumerate(zip(axes.flat, cats)):
            m = r[r.category == cat].pivot_table(index="_region", columns="_year", values="rate", aggfunc="first",
                                                  dropna=False).reindex(index=regions, columns=years)  # fmt: skip
            vals = m.to_numpy(dtype=float)
            vmax = np.nanmax(vals) if np.isfinite(vals).any() else 1.0
            cmap = plt.get_cmap("YlGnBu").copy()
            cmap.set_bad("#eeeeee")
            im = ax.imshow(np.ma.masked_invalid(vals), cmap=cmap, aspect="auto", vmin=0, vmax=vmax or 1.0)
            col_w = (width - 1.3) / ncols / max(1, len(years))
            if n_cat == 1 or col_w >= 0.42:
                fs = 7 if len(regions) > 12 or len(years) > 8 else 8
                digits = 0 if vmax >= 100 else 1
                for (i, j), v in np.ndenumerate(vals):
                    ax.text(j, i, "–" if np.isnan(v) else f"{v:.{digits}f}", ha="center", va="center",
                            fontsize=fs, color="white" if v > 0.6 * vmax else "black")  # fmt: skip
            ax.set_xticks(range(len(years)), years, fontsize=7,
                          rotation=90 if len(years) > 8 or col_w < 0.42 else 0)  # fmt: skip
            first = k % ncols == 0
            ax.set_yticks(range(len(regions)), names if first else [], fontsize=7 if len(regions) > 12 else 8)
            if first:
                for tick, g in zip(ax.get_yticklabels(), regions):
                    tick.set_color(lab.color(keys[g]))
            ax.set_title(_short(str(cat), 12), fontsize=9)
            cb = fig.colorbar(im, ax=ax, shrink=0.6 if len(regions) > 12 else 0.9, pad=0.02)
            cb.ax.tick_params(labelsize=7)
        what = cats[0] if n_cat == 1 else "词典各类"
        fig.suptitle(title or f"注意力面板：{what}，{ylabel}（地区 × 年份）", x=0.02, ha="left", fontsize=11)
        how = "最长词优先、不重叠的子串计数" if unit == "字" else "与词典词相同的词"
        from .figures import fig_note

        fig_note(fig, f"每格：该地该年报告中该类词的出现率（{how}）；灰色：无报告。区间见表或折线图。")
        return fig
    ncols = ncols or (5 if len(regions) > 12 else min(3, len(regions)))
    nrows = -(-len(regions) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(A4_WIDTH, 1.45 * nrows + 1.0), squeeze=False, sharex=True,
                             sharey=True)  # fmt: skip
    for ax in axes.flat[len(regions) :]:
        ax.axis("off")
    colors = [_theme_color(i) for i in range(len(cats))]
    yr = {y: i for i, y in enumerate(years)}
    pooled = r.groupby(["category", "_year"], sort=False)[["count", "total"]].sum() if {"count", "total"} <= set(
        r.columns) else None  # fmt: skip
    for ax, g in zip(axes.flat, regions):
        sub = r[r["_region"] == g]
        for k, (cat, colr) in enumerate(zip(cats, colors)):
            dodge = (k - (len(cats) - 1) / 2) * min(0.03, 0.25 / len(cats))  # intervals side by side
            s = sub[sub.category == cat]
            s = s.assign(_x=s["_year"].map(yr) + dodge).sort_values("_x")
            if len(cats) == 1:
                lo, hi = (s.rate - s.ci_low).clip(lower=0), (s.ci_high - s.rate).clip(lower=0)
                ax.errorbar(s._x, s.rate, yerr=[lo.fillna(0), hi.fillna(0)], marker="o", ms=3, capsize=2, lw=1,
                            color="#1f4e79")  # fmt: skip
            else:
                ax.plot(s._x, s.rate, marker="o", ms=2.5, lw=1, color=colr, label=str(cat))
                ax.fill_between(s._x, s.ci_low, s.ci_high, color=colr, alpha=0.15, lw=0)
                lo, hi = (s.rate - s.ci_low).clip(lower=0), (s.ci_high - s.rate).clip(lower=0)
                ax.errorbar(s._x, s.rate, yerr=[lo.fillna(0), hi.fillna(0)], fmt="none", ecolor=colr, elinewidth=0.8,
                            capsize=0, alpha=0.8)  # fmt: skip
            if (
                pooled is not None and len(regions) > 1 and len(cats) == 1
            ):  # all regions pooled, for reference
                ref = pooled.loc[cat].reindex(years)
                ax.plot(range(len(years)), per * ref["count"] / ref["total"].where(ref["total"] > 0), ls="--",
                        lw=0.8, color="#999999", zorder=0)  # fmt: skip
        ax.set_title(_short(lab.text(keys[g]), 10), fontsize=8, color=lab.color(keys[g]))
        ax.tick_params(labelsize=7)
    top = np.nanmax(np.r_[r.rate.to_numpy(dtype=float), r.ci_high.to_numpy(dtype=float), 0.0])
    axes[0][0].set_ylim(0, 1.05 * top if top > 0 else 1.0)
    step = max(1, -(-len(years) // 4))
    for k, ax in enumerate(axes.flat):
        ax.set_xticks(range(0, len(years), step), years[::step])
        if k < len(regions) and k + ncols >= len(regions):  # the lowest panel of its column
            ax.xaxis.set_tick_params(labelbottom=True)
    axes[0][0].set_ylabel(ylabel, fontsize=7)
    conf = rates.attrs.get("confidence", 0.95)
    how = {"bootstrap": "报告自助法", "quasi-poisson": "拟泊松，以报告为单位"}.get(
        rates.attrs.get("interval"), ""
    )
    fig.suptitle(title or f"注意力面板：{cats[0] if len(cats) == 1 else '各类'}（{ylabel}，{conf:.0%} 区间，{how}）",
                 x=0.02, ha="left", fontsize=10)  # fmt: skip
    single = int((r.n_docs == 1).sum()) if "n_docs" in r else 0
    note = "虚线：所有地区合计。" if len(regions) > 1 and len(cats) == 1 else ""
    if single:
        note += f"{single} 个点只有一份报告，没有区间（一份报告看不出报告之间的差异）。"
    if len(cats) > 1:
        handles, labs = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labs, loc="outside lower center", ncol=min(len(cats), 4), fontsize=7, frameon=False,
                   title=note or None, title_fontsize=7)  # fmt: skip
    elif note:
        from .figures import fig_note

        fig_note(fig, note)
    return fig
