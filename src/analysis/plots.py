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
from .figures import Labels, as_labels, region_color, setup
from .metadata import LEVEL_RANK


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


def plot_section_profile(profile: pd.DataFrame, *, labels: dict | None = None,
                         title: str = "各计划的篇章结构：各部分字数") -> Figure:  # fmt: skip
    """Stacked horizontal bars: characters per top-level section, one bar per plan.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`analysis.structure.section_profile`.
    labels : dict, optional
        Display labels of doc_ids (:func:`analysis.figures.region_labels`); default the region.
    """
    _needs(profile, "the section profile", unit="plan with numbered sections")
    setup()
    lab = as_labels(labels)
    docs = list(dict.fromkeys(profile.doc_id))
    fig, ax = plt.subplots(figsize=(7.2, 0.7 * len(docs) + 1.4))
    cmap = plt.get_cmap("Blues")
    for y, doc in enumerate(docs):
        rows = profile[profile.doc_id == doc]
        left = 0
        n = len(rows)
        for k, r in enumerate(rows.itertuples()):
            ax.barh(y, r.n_chars, left=left, color=cmap(0.3 + 0.6 * k / max(1, n - 1)), edgecolor="white")
            if r.n_chars > 600:
                ax.text(
                    left + r.n_chars / 2,
                    y,
                    f"{r.section_no}（{r.n_items}项）",
                    ha="center",
                    va="center",
                    fontsize=7,
                )
            left += r.n_chars
    region = profile.drop_duplicates("doc_id").set_index("doc_id").region
    ax.set_yticks(range(len(docs)), [wrap(_doc_label(lab, d, region[d]), 10) for d in docs])
    for tick, doc in zip(ax.get_yticklabels(), docs):
        tick.set_color(_doc_color(lab, doc, region[doc]))
    ax.invert_yaxis()
    ax.set_xlabel("字数（不含空白）；标注：部分序号（条目数）")
    ax.set_title(title)
    return fig


def plot_cleaning_audit(audit: pd.DataFrame, *, labels: dict | None = None,
                        title: str = "清洗记录：各类改动的次数") -> Figure:  # fmt: skip
    """Heatmap of cleaning changes (kind × plan), from :meth:`analysis.Corpus.audit`."""
    _needs(audit, "the cleaning audit figure", unit="recorded change")
    setup()
    lab = as_labels(labels)
    table = audit.pivot_table(index="kind", columns="doc_id", values="n", aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(max(7.2, 0.5 * table.shape[1] + 3), 0.35 * len(table) + 1.6))
    im = ax.imshow(np.log1p(table.values), cmap="Oranges", aspect="auto")
    ax.set_xticks(
        range(table.shape[1]),
        [_short(lab.text(d), 12) for d in table.columns],
        rotation=30 if table.shape[1] <= 12 else 90,
        ha="right" if table.shape[1] <= 12 else "center",
    )
    ax.set_yticks(range(table.shape[0]), table.index)
    logs = np.log1p(table.values)
    _annotate(
        ax, table.values, lambda i, j, v: str(v) if v else "", dark=None, shade=logs, dark_at=0.6 * logs.max()
    )
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="log(1+次数)", shrink=0.8)
    return fig


def _annotate(ax, values, text, *, dark=None, shade=None, dark_at=None) -> None:
    """Write ``text(i, j, value)`` in each cell of an ``imshow``; white text on dark cells."""
    shade = values if shade is None else shade
    dark_at = dark if dark_at is None else dark_at
    for (i, j), v in np.ndenumerate(values):
        label = text(i, j, v)
        if label:
            ax.text(j, i, label, ha="center", va="center", fontsize=8,
                    color="white" if shade[i, j] > dark_at else "black")  # fmt: skip


def wrap(text: str, width: int = 12) -> str:
    """Wrap Chinese text for axis labels."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = min(ncols, n)
    return (n + ncols - 1) // ncols, ncols


def plot_top_terms(freq: pd.DataFrame, by: str = "region", *, n: int = 12, ncols: int = 3,
                   value: str = "per_10k", labels: dict | None = None,
                   title: str = "各地高频词（每万词）") -> Figure:  # fmt: skip
    """Small multiples of the top terms per group, from :func:`analysis.keywords.frequency`."""
    _needs(freq, "the top-terms figure", unit="counted term")
    setup()
    lab = as_labels(labels)
    groups = list(dict.fromkeys(freq[by]))
    rows, cols = _grid(len(groups), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 0.22 * n * rows + 0.9), squeeze=False)
    for ax, g in zip(axes.flat, groups):
        d = freq[freq[by] == g].nsmallest(n, "rank")[::-1]
        ax.barh(d.term, d[value], color=lab.color(g))
        ax.set_title(_short(lab.text(g), 18), loc="left", fontsize=10, color=lab.color(g))
        ax.tick_params(axis="y", labelsize=8)
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    fig.suptitle(title, x=0.01, ha="left")
    return fig


def plot_keyness(key: pd.DataFrame, *, n: int = 15, alpha: float = 0.05, title: str | None = None,
                 exclude_places: bool = True, labels: dict | None = None) -> Figure:  # fmt: skip
    """Diverging bars of keywords: target-side (right) and reference-side (left), by G².

    Only terms that survive the multiple-testing correction are shown (``significant`` from
    :func:`analysis.keywords.keyness`; tables without it fall back to ``p < alpha``); bar
    length is signed G², the label shows log ratio, and the axis label names the correction.
    Names of administrative divisions (:func:`analysis.places.place_names`) are left out
    unless ``exclude_places=False``, and the label says how many.
    """
    setup()
    lab = as_labels(labels)
    sig = key[key.significant] if "significant" in key else key[key.p < alpha]
    n_places = 0
    if exclude_places:  # 重庆 is key in Chongqing's plan; no one needs a statistic to know it
        from .places import place_names

        places = sig.term.isin(place_names())
        n_places = int(places.sum())
        sig = sig[~places]
    pos = sig[sig.direction == "target"].nlargest(n, "g2")
    neg = sig[sig.direction == "reference"].nlargest(n, "g2")
    d = pd.concat([pos.assign(v=pos.g2), neg.assign(v=-neg.g2)]).sort_values("v")
    targets = key.attrs.get("target", ["目标"])
    target = "、".join(lab.text(t) for t in targets)
    color = lab.color(targets[0]) if len(targets) == 1 and "target" in key.attrs else "#2e86c1"
    fig, ax = plt.subplots(figsize=(7.2, 0.24 * max(len(d), 4) + 1.2))
    ax.barh(range(len(d)), d.v, color=[color if v > 0 else "#95a5a6" for v in d.v])
    ax.set_yticks(range(len(d)), [f"{t}  ({lr:+.1f})" for t, lr in zip(d.term, d.log_ratio)], fontsize=8)
    ax.axvline(0, color="black", lw=0.6)
    corr = {"bh": "Benjamini–Hochberg 校正", "bonferroni": "Bonferroni 校正", "none": "未校正"}.get(
        key.attrs.get("correction", "none"), "未校正"
    )
    a = key.attrs.get("alpha", alpha)
    ax.set_xlabel(
        f"G²（右：目标更常用；左：参照更常用）；括号内为 log ratio\n"
        f"仅显示 {corr}后 p < {a:g} 的词（共检验 {key.attrs.get('n_tests', len(key))} 个词）"
        + (f"；{n_places} 个地名未显示" if n_places else "")
    )
    ref = key.attrs.get("reference", "rest")
    ref_label = (
        "其余各地"
        if ref == "rest"
        else ("、".join(map(lab.text, ref)) if not isinstance(ref, str) else lab.text(ref))
    )
    ax.set_title(title or f"关键词：{target} 对比 {ref_label}")
    if d.empty:
        ax.text(0.5, 0.5, "校正后没有显著的词", ha="center", va="center", transform=ax.transAxes)
    return fig


def plot_dispersion(positions: pd.DataFrame, terms: list[str] | None = None, *, labels: dict | None = None,
                    title: str = "词语在各计划条目序列中的分布") -> Figure:  # fmt: skip
    """Lexical dispersion plot: one row per (term, plan), a tick per occurrence along the plan.

    Parameters
    ----------
    positions : DataFrame
        Output of :func:`analysis.keywords.dispersion_positions`.
    """
    setup()
    lab = as_labels(labels)
    terms = terms or list(dict.fromkeys(positions.term))
    docs = sorted(positions.doc_id.unique())
    if not docs:
        fig, ax = plt.subplots(figsize=(7.2, 2))
        ax.text(0.5, 0.5, "所选词语均未出现", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    regions = positions.drop_duplicates("doc_id").set_index("doc_id").region
    fig, ax = plt.subplots(figsize=(7.2, 0.18 * len(terms) * len(docs) + 1.2))
    ticks, y = [], 0
    for t in terms:
        for d in docs:
            x = positions[(positions.term == t) & (positions.doc_id == d)].position
            ax.scatter(
                x, [y] * len(x), marker="|", s=120, color=_doc_color(lab, d, regions[d]), linewidths=1.5
            )
            ticks.append(f"{t} · {_short(_doc_label(lab, d, regions[d]), 14)}")
            y += 1
        ax.axhline(y - 0.5, color="#cccccc", lw=0.5)
    ax.set_yticks(range(len(ticks)), ticks, fontsize=7)
    ax.set_ylim(len(ticks) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel("在计划条目序列中的位置（0 = 第一条开始，1 = 最后一条结束）")
    ax.set_title(title)
    return fig


def plot_shared_matrix(shared_table: pd.DataFrame, column: str, *, n: int = 30, labels: dict | None = None,
                       title: str = "共享与独有的项目品牌") -> Figure:  # fmt: skip
    """Presence matrix of entities × groups from :func:`analysis.entities.shared`."""
    _needs(shared_table, "the shared-names figure", unit="name")
    setup()
    lab = as_labels(labels)
    meta = {column, "n_groups", "total", "groups", "unique_to"}
    groups = [c for c in shared_table.columns if c not in meta]
    top = shared_table.head(n)
    m = (top[groups].to_numpy() > 0).astype(float)
    fig, ax = plt.subplots(figsize=(1.0 * len(groups) + 3.2, 0.24 * len(top) + 1.3))
    for j, g in enumerate(groups):
        for i in range(len(top)):
            if m[i, j]:
                ax.scatter(j, i, s=60, color=lab.color(g))
    many = len(groups) > 10
    ax.set_xticks(range(len(groups)), [_short(lab.text(g), 10) for g in groups],
                  rotation=90 if many else 0, fontsize=7 if many else 9)  # fmt: skip
    ax.set_yticks(range(len(top)), [_short(t, 16) for t in top[column]], fontsize=8)
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


def _tick_colors(ax_ticks, matrix: pd.DataFrame) -> None:
    """Colour tick labels by the region key recorded in ``matrix.attrs`` (not by the label text)."""
    regions = dict(zip(map(str, matrix.index), matrix.attrs.get("regions", [None] * len(matrix))))
    for tick in ax_ticks:
        r = regions.get(tick.get_text())
        if r is not None and not pd.isna(r):
            tick.set_color(region_color(str(r)))


def plot_similarity_heatmap(
    matrix: pd.DataFrame, *, title: str | None = None, annotate: bool | None = None
) -> Figure:
    """Heatmap of a square similarity matrix from :func:`analysis.similarity.similarity_matrix`.

    The colour scale runs from the smallest to the largest value off the diagonal (the
    colour bar says so), so that differences between pairs show even when all values lie
    close together; the diagonal (always 1) is left blank. The title names the level
    (plans, sections, items) and the measure.
    """
    _needs(matrix, "the similarity heatmap", 2, "unit")
    setup()
    n = len(matrix)
    annotate = n <= 12 if annotate is None else annotate
    size = min(7.2, 1.6 + 0.6 * n) if n <= 12 else 7.2
    fig, ax = plt.subplots(figsize=(size + 1.4, size))
    diag = np.eye(n, dtype=bool)
    off = matrix.values[~diag]
    lo, hi = float(off.min()), float(off.max())
    if hi - lo < 1e-9:
        lo, hi = max(0.0, lo - 0.05), hi + 0.05
    shown = np.where(diag, np.nan, matrix.values)
    cmap = plt.get_cmap("YlGnBu").copy()
    cmap.set_bad("#f2f3f4")
    im = ax.imshow(shown, cmap=cmap, vmin=lo, vmax=hi)
    labels = [_short(str(x), 16) for x in matrix.index]
    fs = 9 if n <= 12 else max(3, 9 - n // 12)
    ax.set_xticks(
        range(n), labels, rotation=45 if n <= 12 else 90, ha="right" if n <= 12 else "center", fontsize=fs
    )
    ax.set_yticks(range(n), labels, fontsize=fs)
    full = [str(x) for x in matrix.index]
    if full != labels:  # shortened labels: colour by the full label's region
        regions = matrix.attrs.get("regions", [None] * n)
        for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
            for tick, r in zip(ticks, regions):
                if r is not None and not pd.isna(r):
                    tick.set_color(region_color(str(r)))
    else:
        _tick_colors(ax.get_xticklabels(), matrix)
        _tick_colors(ax.get_yticklabels(), matrix)
    if annotate:
        mid = lo + 0.6 * (hi - lo)
        _annotate(ax, matrix.values, lambda i, j, v: f"{v:.2f}" if i != j else "—", dark=mid)
    fig.colorbar(im, ax=ax, shrink=0.8, label=f"相似度（色标：非对角线最小 {lo:.2f} 至最大 {hi:.2f}）")
    m = matrix.attrs.get("measure", "")
    level = _LEVEL_TITLE.get(matrix.attrs.get("level", "document"), "相似度")
    ax.set_title(title or f"{level}（{_MEASURE_NAME.get(m, m)}）")
    return fig


def plot_dendrogram(matrix: pd.DataFrame, *, method: str = "average", title: str | None = None) -> Figure:
    """Hierarchical clustering (scipy linkage on 1 − similarity) of the rows of a similarity matrix."""
    from scipy.cluster.hierarchy import dendrogram, linkage
    from scipy.spatial.distance import squareform

    _needs(matrix, "the dendrogram", 2, "unit")
    setup()
    dist = 1 - matrix.values
    np.fill_diagonal(dist, 0)
    z = linkage(squareform(dist, checks=False), method=method)
    n = len(matrix)
    fig, ax = plt.subplots(figsize=(7.2, max(2.6, 0.3 * n + 1)))
    dendrogram(z, labels=[str(x) for x in matrix.index], orientation="left", ax=ax, color_threshold=0,
               above_threshold_color="#566573")  # fmt: skip
    ax.set_xlabel("距离（1 − 相似度）")
    _tick_colors(ax.get_yticklabels(), matrix)
    m = matrix.attrs.get("measure", "")
    level = {"document": "计划", "section": "各部分", "item": "条目"}.get(
        matrix.attrs.get("level", "document"), ""
    )
    ax.set_title(title or f"{level}的层次聚类（{method} linkage，{_MEASURE_NAME.get(m, m)}）")
    return fig


def plot_reuse_network(share: pd.DataFrame, labels: dict[str, str] | None = None, *, min_share: float = 0.0,
                       title: str = "文本复用网络：边宽 = 复用字数占比") -> Figure:  # fmt: skip
    """Plans on a circle; an edge per pair with reuse, width by share of characters reused.

    Parameters
    ----------
    share : DataFrame
        Output of :func:`analysis.reuse.reuse_share`.
    labels : dict, optional
        ``doc_id → label`` (:func:`analysis.figures.region_labels`); node colours follow
        the region key, whatever the label style.
    """
    _needs(share, "the reuse network", unit="plan")
    setup()
    docs = sorted(share.doc_id.unique())
    lab = as_labels(labels)
    n = len(docs)
    angles = np.linspace(np.pi / 2, np.pi / 2 - 2 * np.pi, n, endpoint=False)
    xy = {d: (np.cos(a), np.sin(a)) for d, a in zip(docs, angles)}
    fig, ax = plt.subplots(figsize=(6, 6))
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
        ax.text((x1 + x2) / 2, (y1 + y2) / 2, f"{s:.1%}", fontsize=7, ha="center", va="center",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})  # fmt: skip
    anyshare = share[share.other == "any"].set_index("doc_id").share
    for d in docs:
        x, y = xy[d]
        ax.scatter([x], [y], s=500 + 3000 * anyshare.get(d, 0), color=lab.color(d), zorder=3)
        ax.text(
            x * 1.28,
            y * 1.22,
            f"{wrap(lab.text(d), 10)}\n复用 {anyshare.get(d, 0):.1%}",
            ha="center",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.5, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
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
    rows = [labels.get(t, str(t)) if labels else str(t) for t in share.index]
    glab = as_labels(group_labels)
    many = share.shape[1] > 8
    fig, ax = plt.subplots(
        figsize=(min(16, (0.55 if many else 1.0) * share.shape[1] + 3.4), 0.42 * share.shape[0] + 1.8)
    )
    im = ax.imshow(share.values, cmap="PuBu", aspect="auto", vmin=0)
    ax.set_xticks(range(share.shape[1]), [_short(glab.text(g), 10) for g in share.columns],
                  rotation=90 if many else 0, fontsize=7 if many else 9)  # fmt: skip
    for tick, g in zip(ax.get_xticklabels(), share.columns):
        tick.set_color(glab.color(g))
    ax.set_yticks(range(share.shape[0]), rows, fontsize=8)
    vmax = np.nanmax(share.values)
    marks = {"over": "▲", "under": "▼"}
    _annotate(ax, share.values, lambda i, j, v: f"{v:.0%}{marks.get(over.values[i, j], '')}" if not many or
              over.values[i, j] else "", dark=0.6 * vmax)  # fmt: skip
    fig.colorbar(im, ax=ax, shrink=0.8, label="占本地条目的比例")
    ax.set_title(title)
    corr = {"bh": "Benjamini–Hochberg 校正", "bonferroni": "Bonferroni 校正", "none": "未校正"}.get(
        att.attrs.get("correction", "none"), "未校正"
    )
    n_marked = int((att.over != "").sum())
    ax.set_xlabel(
        wrap(
            f"▲/▼：与其余各地相比显著偏高/偏低（G² 或 Fisher 精确检验，{corr}后 p < {att.attrs.get('alpha', 0.05):g}，"
            f"共 {att.attrs.get('n_tests', len(att))} 个检验，{n_marked} 个显著）",
            48,
        ),
        fontsize=8,
    )
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
    if dated.any():
        lo, hi = order.loc[dated, "x0"].min(), order.loc[dated, "x1"].max()
    else:
        lo = hi = pd.Timestamp("2020-01-01")
    pad = max((hi - lo) * 0.06, pd.Timedelta(days=20))
    undated_x = lo - 3 * pad
    order.loc[~dated, ["x", "x0", "x1"]] = undated_x
    order["row"] = order.level.map(_LEVEL_ROW).fillna(len(_LEVEL_ROWS)).astype(int)
    # plans of one row close in time get their own lines: rows grow with their crowding
    order = order.sort_values(["row", "x", "doc_id"], na_position="last").reset_index(drop=True)
    bin_days = max((hi - lo).days / 12, 1)
    order["bin"] = ((order.x - undated_x).dt.days // bin_days).astype(int)
    order["slot"] = order.groupby(["row", "bin"]).cumcount()
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
        ax.annotate(f"证据{ev}" if ev else "源", ((x1 + x2) / 2, (y1 + y2) / 2), fontsize=7, color="#a04000",
                    ha="center", va="center", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})  # fmt: skip
    for r in order.itertuples():
        x, y = pos[r.doc_id]
        color = lab.color(r.doc_id)
        if r.year_only:
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
    ax.set_xlim(_date_num(min(lo, undated_x) - pad), _date_num(hi + 2 * pad))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x")
    ax.set_title(title)
    note = ("箭头：文本证据（共有的改动，或标为来源的文件）支持的承接方向，数字为共有改动数；"
            "灰色虚线：共享段落但文本不能判定谁承接谁（可能同源）；日期与级别本身不作为方向证据；"
            "方块加横条：只知年份的计划，横条覆盖全年")  # fmt: skip
    if hidden:
        note += f"；计划超过{max_coderived_plans}份，{hidden}条同源连线未画出"
    if (~dated).any():
        note += f"；无日期计划置于左侧：{'、'.join(order.doc_id[~order.x0.ne(undated_x)].map(lab.text))}"
    ax.set_xlabel(wrap(note, 62), fontsize=7.5)
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
    fig, axes = plt.subplots(
        1, 2, figsize=(10, 0.45 * max(uptake.groupby("side").section_no.nunique().max(), 3) + 2.2)
    )
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
        ax.set_yticks(y, [_short(f"{n}. {secs.get(n, '')}", 16) for n in counts.index], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("条目数")
        name = lab.text(doc)
        ax.set_title(f"{'省级' if side == 'province' else '市级'}：{name}", fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    fig.suptitle(title, x=0.02, ha="left", fontsize=12)
    return fig


def plot_trend(rates: pd.DataFrame, *, ylabel: str = "每万词出现次数", ncols: int = 3,
               title: str = "逐年变化（95% Wilson 区间）") -> Figure:  # fmt: skip
    """Small multiples, one per value (term or theme): rate per year with Wilson intervals and the trend test."""
    _needs(rates, "the trend figure", unit="yearly rate")
    setup()
    values = list(dict.fromkeys(rates.value))
    rows, cols = _grid(max(1, len(values)), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.3 * rows + 0.6), squeeze=False, sharex=True)
    for ax in axes.flat[len(values) :]:
        ax.axis("off")
    for ax, v in zip(axes.flat, values):
        g = rates[rates.value == v].sort_values("year")
        ax.errorbar(g.year, g.rate, yerr=[g.rate - g.ci_low, g.ci_high - g.rate], marker="o", ms=4, capsize=3,
                    color="#1f4e79", lw=1.2)  # fmt: skip
        p = g.trend_p.iloc[0]
        trend = "" if pd.isna(p) else f"  趋势 z={g.trend_z.iloc[0]:.1f}, p={p:.2g}"
        ax.set_title(f"{_short(str(v), 10)}{trend}", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    axes[0][0].set_ylabel(ylabel)
    fig.suptitle(title, x=0.02, ha="left", fontsize=12)
    return fig


def plot_k_selection(selection: pd.DataFrame, *, title: str = "主题数的选择：子样本对之间的稳定性") -> Figure:
    """The selection curve of :func:`analysis.themes.select_k`: mean ARI ± one standard error per k.

    The chosen k is marked, and the dashed line shows the one-standard-error threshold
    (best mean − its standard error) that the rule applies.
    """
    _needs(selection, "the selection curve", unit="candidate k")
    setup()
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.errorbar(selection.k, selection["mean"], yerr=selection.se, marker="o", ms=4, capsize=3, color="#1f4e79",
                lw=1.2)  # fmt: skip
    best = selection.loc[selection["mean"].idxmax()]
    ax.axhline(best["mean"] - best["se"], ls="--", lw=0.8, color="#7f8c8d")
    chosen = selection[selection.chosen]
    ax.scatter(chosen.k, chosen["mean"], s=140, facecolors="none", edgecolors="#c0392b", lw=1.6, zorder=3)
    for r in chosen.itertuples():
        ax.annotate(
            f"选定 k = {r.k}", (r.k, r.mean), xytext=(8, 8), textcoords="offset points", color="#c0392b"
        )
    ax.set_xticks(selection.k)
    ax.set_xlabel("主题数 k")
    ax.set_ylabel("调整兰德指数（均值 ± 标准误）")
    n = int(selection.n_pairs.max())
    ax.set_title(title)
    ax.text(0, -0.3, f"每个 k 比较 {n} 对相互独立的 80% 子样本（重叠条目上的 ARI）；虚线：最优均值减一个标准误；"
            "取虚线以上最小的 k（一倍标准误规则）", transform=ax.transAxes, fontsize=7, color="#555555", wrap=True)  # fmt: skip
    return fig


A4_WIDTH = 8.27  # inches: figures for a report page


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
        width = min(A4_WIDTH, 1.3 + ncols * (0.5 * len(years) + 1.0))
        height = nrows * (cell_h * len(regions) + 1.0) + 0.6
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
            ax.set_xticks(range(len(years)), years, fontsize=7 if col_w >= 0.3 else 6,
                          rotation=90 if len(years) > 8 or col_w < 0.42 else 0)  # fmt: skip
            first = k % ncols == 0
            ax.set_yticks(range(len(regions)), names if first else [],
                          fontsize=(7 if n_cat == 1 else 6) if len(regions) > 12 else 8)  # fmt: skip
            if first:
                for tick, g in zip(ax.get_yticklabels(), regions):
                    tick.set_color(lab.color(keys[g]))
            ax.set_title(_short(str(cat), 12), fontsize=9)
            cb = fig.colorbar(im, ax=ax, shrink=0.6 if len(regions) > 12 else 0.9, pad=0.02)
            cb.ax.tick_params(labelsize=7)
        what = cats[0] if n_cat == 1 else "词典各类"
        fig.suptitle(title or f"注意力面板：{what}，{ylabel}（地区 × 年份）", x=0.02, ha="left", fontsize=11)
        how = "最长词优先、不重叠的子串计数" if unit == "字" else "与词典词相同的词"
        fig.supxlabel(f"每格：该地该年报告中该类词的出现率（{how}）；灰色：无报告。区间见表或折线图。",
                      fontsize=7, color="#555555", x=0.02, ha="left")  # fmt: skip
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
        ax.tick_params(labelsize=6)
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
        fig.supxlabel(note, fontsize=7, color="#555555", x=0.02, ha="left")
    return fig
