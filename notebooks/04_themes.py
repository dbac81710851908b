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
# Which policy areas each plan spends its attention on. Items are clustered into themes
# (NMF on TF-IDF of domain tokens, by default; LDA and KMeans behind the same function),
# labelled by their c-TF-IDF terms, checked against a seed-word classification you can edit
# (`src/analysis/data/themes.csv`), and validated against the plans' own section structure.
#
# The number of themes is chosen by **stability**: pairs of independent 80% subsamples of the items are
# fitted separately and compared on the items they share (adjusted Rand index); the smallest k within one
# standard error of the most stable k is taken. Set `K` to override it.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None       # folder of plan files (None: data/raw)
FIGURES_DIR = None   # where figures go (None: figures/)
LABELS = "zh"        # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
K = None             # number of themes (None: chosen by subsample-pair stability, one-SE rule)
K_RANGE = (2, 12)    # smallest and largest k tried when K is None
METHOD = "nmf"       # "nmf", "lda" or "kmeans"
RANDOM_STATE = 0
GROUP = "region"

# %%
import pandas as pd
from analysis import load_corpus
from analysis.errors import InsufficientDataError
from analysis.figures import note_omitted, region_labels, save
from analysis.plots import plot_attention, plot_item_map, plot_k_selection, plot_theme_terms
from analysis.themes import attention, classify_items, cluster_items, item_map, map_to_guided, validate

pd.set_option("display.max_colwidth", 90)
corpus = load_corpus(RAW_DIR)
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the region keys
try:
    result = cluster_items(corpus, k=K, method=METHOD, random_state=RANDOM_STATE,
                           k_range=range(K_RANGE[0], K_RANGE[1] + 1))
    print(f"{result.k} themes ({result.method})")
except InsufficientDataError as exc:
    result = None
    print(f"Skipped themes: {exc}. The rest of this notebook needs themes and shows nothing.")

# %% [markdown]
# ## Themes
# Labels are the three most distinctive terms (c-TF-IDF), leaving out words found in most items; representative items have the highest weight.

# %%
if result is not None and len(result.selection):
    display(result.selection.round(3))
    fig = plot_k_selection(result.selection)
    save(fig, "04_k_selection", FIGURES_DIR, caption="Choice of the number of themes: mean ARI ± 1 SE between independent 80% subsamples; one-standard-error rule.",
         source="04_themes.ipynb", data="tokens, items")
    display(fig)

# %%
if result is not None:
    display(result.themes)
    fig = plot_theme_terms(result.themes)
    save(fig, "04_theme_terms", FIGURES_DIR, caption="Top c-TF-IDF terms of each theme.", source="04_themes.ipynb", data="tokens, items")
    display(fig)

# %% [markdown]
# ## Attention allocation
# Share of each plan's items in each theme with a 95% Wilson interval, and a test against the other plans
# (G², or Fisher's exact test for small counts) adjusted for the number of tests (Benjamini–Hochberg).

# %%
if result is not None:
    att = attention(result.items, "theme", GROUP)
    theme_names = dict(zip(result.themes.theme, result.themes.theme.astype(str) + " " + result.themes.label))
    fig = plot_attention(att, "theme", GROUP, labels=theme_names, group_labels=LAB)
    note = note_omitted(fig, sorted(set(corpus.doc_ids) - set(result.items.doc_id)), "无编号条目", LAB)
    save(fig, "04_attention_items", FIGURES_DIR,
         caption="Share of items per theme and plan; ▲/▼ significantly over/under the other plans "
                 f"(G² or Fisher, Benjamini–Hochberg adjusted p < 0.05). {note}",
         source="04_themes.ipynb", data="items")
    display(fig)
    display(att[att.over != ''].sort_values('p')[[GROUP, 'theme', 'share', 'share_rest', 'ci_low', 'ci_high', 'g2', 'p', 'p_adj', 'over']].round(3))

# %%
if result is not None:
    att_chars = attention(result.items, "theme", GROUP, weight="chars")
    display(att_chars.pivot(index="theme", columns=GROUP, values="share").round(3))

# %% [markdown]
# ## Guided themes
# Seed words per theme from `themes.csv`; the unsupervised themes mapped onto them.

# %%
if result is not None:
    guided = classify_items(corpus)
    guided = guided.merge(result.items[["doc_id", "item_no", GROUP, "n_chars"]], on=["doc_id", "item_no"])
    display(guided.guided.value_counts())
    display(map_to_guided(result, guided))

# %%
if result is not None:
    att_g = attention(guided, "guided", GROUP)
    fig = plot_attention(att_g, "guided", GROUP, group_labels=LAB, title="注意力分配（引导主题）")
    save(fig, "04_attention_guided", FIGURES_DIR, caption="Share of items per guided (seed-word) theme and plan; ▲/▼ as above (Benjamini–Hochberg).",
         source="04_themes.ipynb", data="items, themes.csv")
    display(fig)

# %% [markdown]
# ## Map of items

# %%
if result is not None:
    fig = plot_item_map(item_map(result))
    save(fig, "04_item_map", FIGURES_DIR, caption="Items projected on two SVD dimensions of their TF-IDF vectors; colour = theme, labels at theme centroids.",
         source="04_themes.ipynb", data="tokens, items")
    display(fig)

# %% [markdown]
# ## Validation
# Agreement of the themes with the plans' own sections (should be far above its permutation baseline and at
# least as high as the TF-IDF + KMeans baseline) and with the plan of origin (should be low: themes cut across
# cities), by adjusted mutual information (AMI) and adjusted Rand index (ARI), each against 500 permutations.

# %%
if result is not None:
    display(validate(result, corpus).round(3))
