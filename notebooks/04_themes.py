# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Themes and attention allocation
#
# Which policy areas each plan spends its attention on.
#
# **Guided themes first.** The primary instrument is the seed-word guide `GUIDE`: `src/analysis/data/themes.csv`
# (eleven policy areas of League work) for Youth League plans, `themes_gov.csv` (ten areas of government work:
# 经济发展, 科技创新, 数字经济, 生态环保 …) for government work reports, each with seed words you can review and edit
# (`DEFAULTS = None` picks the guide from the documents' genre, see `analysis.genres`): each item goes to the
# theme whose seed words it mentions most, in the manner of keyword-assisted topic models (keyATM; Eshima,
# Imai & Sasaki 2024), where the analyst names the areas and the data only allocate items.
#
# **Unsupervised themes as exploration.** NMF on TF-IDF of domain tokens shows what the guide may miss. No
# single number of themes is "right": for k = 3…12 the notebook shows four criteria side by side (stability
# against shuffled items, NPMI coherence, exclusivity, agreement with each plan's own sections), takes as
# default the k with the best sum of ranks among k at least as fine as the most detailed plan's sections,
# and reports the attention results over the whole range of k. Set `K` to choose k yourself.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None       # folder of plan files (None: data/raw)
FIGURES_DIR = None   # where figures go (None: figures/)
LABELS = "zh"        # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
K = None             # number of unsupervised themes (None: the default of select_k, see below)
K_RANGE = (3, 12)    # smallest and largest k compared (and shown for robustness)
METHOD = "nmf"       # "nmf", "lda" or "kmeans"
RANDOM_STATE = 0
GROUP = "region"     # plans without a region are grouped under their doc_id
DEFAULTS = None      # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)
GUIDE = None         # seed-word guide CSV theme,label_en,seed_words (None: from the defaults; themes.csv or themes_gov.csv)

# %%
import warnings

import pandas as pd
from analysis import load_corpus
from analysis.errors import InsufficientDataError, skip_if_insufficient
from analysis.figures import note_omitted, region_labels, save
from analysis.genres import resolve, use_genre_defaults
from analysis.plots import plot_attention, plot_item_map, plot_k_selection, plot_robustness, plot_theme_terms
from analysis.themes import attention, classify_items, cluster_items, item_map, map_to_guided, robustness, validate

pd.set_option("display.max_colwidth", 90)
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's defaults and lexicon; see analysis.genres
GUIDE = resolve(GUIDE, D.themes)
print(D.summary())
print(f"GUIDE = {GUIDE}")
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the region keys
KS = range(K_RANGE[0], K_RANGE[1] + 1)

# %% [markdown]
# ## Guided themes (seed words)
# Each item's theme is the guided theme whose seed words it mentions most (`其他` when none); the share of each
# plan's items per theme comes with a 95% Wilson interval and a test against the other plans (G², or Fisher's
# exact test for small counts), adjusted for the number of tests (Benjamini–Hochberg).

# %%
guided = classify_items(corpus, GUIDE)
guided = guided.merge(corpus.documents[["doc_id", GROUP]], on="doc_id").merge(corpus.items[["doc_id", "item_no", "section_no", "n_chars"]], on=["doc_id", "item_no"])
print(f"{len(guided)} items; {(guided.guided == '其他').sum()} match no seed word")
display(guided.guided.value_counts().rename("items").to_frame())

# %%
with skip_if_insufficient("the guided attention figure"):
    att_g = attention(guided, "guided", GROUP)
    fig = plot_attention(att_g, "guided", GROUP, group_labels=LAB, title="注意力分配（引导主题，种子词）")
    save(fig, "04_attention_guided", FIGURES_DIR, caption="Share of items per guided (seed-word) theme and plan, 95% Wilson intervals in the table; ▲/▼ significantly over/under the other plans (G² or Fisher, Benjamini–Hochberg adjusted p < 0.05).",
         source="04_themes.ipynb", data="items, themes.csv")
    display(fig)
    display(att_g[att_g.over != ""].sort_values("p")[[GROUP, "guided", "share", "share_rest", "ci_low", "ci_high", "p", "p_adj", "over"]].round(3))

# %% [markdown]
# ## Unsupervised themes (exploration)
# ### How many themes
# For each k: **stability** (adjusted Rand index between fits on pairs of independent 80% subsamples, on the
# items both contain), beside the same computed on items whose tokens were shuffled (grey: what noise reaches
# at that k); **coherence** (mean NPMI of each theme's ten top terms over items); **exclusivity** (share of a
# top term's weight that belongs to its theme); and **agreement with the sections** (AMI between the themes
# and each plan's own top-level sections, within the plan). Small k look stable and exclusive simply because
# two broad groups are easy to reproduce, so k below the number of sections of the most detailed plan are
# not eligible (shaded). The default is the eligible k with the largest sum of the four ranks; neighbouring
# k often score alike, which is why the results are shown over all k below.

# %%
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # an edge of K_RANGE is reported in the table
        result = cluster_items(corpus, k=K, method=METHOD, random_state=RANDOM_STATE, k_range=KS)
    print(f"{result.k} themes ({result.method}{'' if K is None else ', set by K'})")
except InsufficientDataError as exc:
    result = None
    print(f"Skipped themes: {exc}. (The guided themes above do not need this.)")

# %%
if result is not None and len(result.selection):
    display(result.selection.round(3))
    fig = plot_k_selection(result.selection)
    save(fig, "04_k_selection", FIGURES_DIR, caption="Criteria for the number of themes side by side: stability (mean ARI ± 1 SE between independent 80% subsamples; grey: shuffled items), NPMI coherence, exclusivity, within-plan AMI with the sections; shaded k below the resolution floor; red: default k (largest rank sum).",
         source="04_themes.ipynb", data="tokens, items")
    display(fig)

# %% [markdown]
# ### Themes
# Labels are the three most distinctive terms (c-TF-IDF), leaving out words found in most items; representative items have the highest weight.

# %%
if result is not None:
    display(result.themes)
    fig = plot_theme_terms(result.themes)
    save(fig, "04_theme_terms", FIGURES_DIR, caption="Top c-TF-IDF terms of each theme.", source="04_themes.ipynb", data="tokens, items")
    display(fig)

# %% [markdown]
# ### Attention allocation over the unsupervised themes
# Share of each plan's items in each theme with a 95% Wilson interval, tested against the other plans as above.

# %%
if result is not None:
    with skip_if_insufficient("the attention figure"):
        att = attention(result.items, "theme", GROUP)
        theme_names = dict(zip(result.themes.theme, result.themes.theme.astype(str) + " " + result.themes.label))
        fig = plot_attention(att, "theme", GROUP, labels=theme_names, group_labels=LAB)
        note = note_omitted(fig, sorted(set(corpus.doc_ids) - set(result.items.doc_id)), "无编号条目", LAB)
        save(fig, "04_attention_items", FIGURES_DIR,
             caption=f"Share of items per unsupervised theme (k = {result.k}) and plan; ▲/▼ significantly over/under the other plans "
                     f"(G² or Fisher, Benjamini–Hochberg adjusted p < 0.05). {note}",
             source="04_themes.ipynb", data="items")
        display(fig)
        display(att[att.over != ''].sort_values('p')[[GROUP, 'theme', 'share', 'share_rest', 'ci_low', 'ci_high', 'g2', 'p', 'p_adj', 'over']].round(3))
        display(attention(result.items, "theme", GROUP, weight="chars").pivot(index="theme", columns=GROUP, values="share").round(3))

# %% [markdown]
# ### Unsupervised themes against the guided ones
# Each unsupervised theme mapped onto the guided theme most of its items belong to.

# %%
if result is not None:
    display(map_to_guided(result, guided))

# %% [markdown]
# ## Robustness over k
# For every k in `K_RANGE`, each plan's share of items per guided theme through the unsupervised themes (each
# mapped onto its majority guided theme), beside the share the seed words give directly (diamonds). A result
# that holds at one k only is not a result. The table gives, per k, the agreement (AMI; NMI for comparison)
# of the themes with the guided themes, with the plans' sections, and with the plan of origin (should be near 0).

# %%
if result is not None:
    with skip_if_insufficient("robustness over k"):
        rob = robustness(corpus, KS, guided=guided, method=METHOD, by=GROUP, random_state=RANDOM_STATE, default=result.k)
        display(rob.summary.round(3))
        fig = plot_robustness(rob.shares, labels=LAB, default=result.k)
        save(fig, "04_robustness", FIGURES_DIR, caption="Each plan's share of items per guided theme through the unsupervised themes, for every k (lines), and from the seed words directly (diamonds); dotted: the default k.",
             source="04_themes.ipynb", data="items, themes.csv")
        display(fig)

# %% [markdown]
# ## Map of items

# %%
if result is not None:
    with skip_if_insufficient("the item map"):
        fig = plot_item_map(item_map(result))
        save(fig, "04_item_map", FIGURES_DIR, caption="Items projected on two SVD dimensions of their TF-IDF vectors; colour = theme, labels at theme centroids.",
             source="04_themes.ipynb", data="tokens, items")
        display(fig)

# %% [markdown]
# ## Validation
# Agreement of the themes with the plans' own sections (should be far above its permutation baseline and at
# least as high as the TF-IDF + KMeans baseline) and with the plan of origin (should be low: themes cut across
# cities), by adjusted mutual information (AMI) and adjusted Rand index (ARI), each against 500 permutations.
# Items without a section are left out of the comparison with sections (the warning says how many).

# %%
if result is not None:
    with skip_if_insufficient("validation"):
        display(validate(result, corpus).round(3))
