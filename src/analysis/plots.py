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

from .figures import region_color, setup


def _short(text: str, width: int = 14) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_section_profile(profile: pd.DataFrame, *, title: str = "各计划的篇章结构：各部分字数") -> Figure:
    """Stacked horizontal bars: characters per top-level section, one bar per plan.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`analysis.structure.section_profile`.
    """
    setup()
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
    labels = [f"{profile[profile.doc_id == d].region.iloc[0]}\n{d[-4:]}" for d in docs]
    ax.set_yticks(range(len(docs)), labels)
    for tick, doc in zip(ax.get_yticklabels(), docs):
        tick.set_color(region_color(profile[profile.doc_id == doc].region.iloc[0]))
    ax.invert_yaxis()
    ax.set_xlabel("字数（不含空白）；标注：部分序号（条目数）")
    ax.set_title(title)
    return fig


def plot_cleaning_audit(audit: pd.DataFrame, *, title: str = "清洗记录：各类改动的次数") -> Figure:
    """Heatmap of cleaning changes (kind × plan), from :meth:`analysis.Corpus.audit`."""
    setup()
    table = audit.pivot_table(index="kind", columns="doc_id", values="n", aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(7.2, 0.35 * len(table) + 1.6))
    im = ax.imshow(np.log1p(table.values), cmap="Oranges", aspect="auto")
    ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), table.index)
    for (i, j), v in np.ndenumerate(table.values):
        if v:
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                    color="white" if np.log1p(v) > np.log1p(table.values.max()) * 0.6 else "black")  # fmt: skip
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="log(1+次数)", shrink=0.8)
    return fig


def wrap(text: str, width: int = 12) -> str:
    """Wrap Chinese text for axis labels."""
    return "\n".join(textwrap.wrap(text, width)) or text
