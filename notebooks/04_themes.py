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

# %% tags=["parameters"]
# Parameters
RAW_DIR = None
FIGURES_DIR = None
LABELS = "zh"        # region labels in tables and figures: "zh", "zh+pinyin" or "pinyin"
K = None             # number of themes; None = chosen by stability under subsampling
METHOD = "nmf"       # "nmf", "lda" or "kmeans"
RANDOM_STATE = 0
GROUP = "region"

# %%
import pandas as pd
from analysis import load_corpus
from analysis.figures import label_regions, save
from analysis.plots import plot_attention, plot_item_map, plot_theme_terms
from analysis.themes import attention, classify_items, cluster_items, item_map, map_to_guided, validate

pd.set_option("display.max_colwidth", 90)
corpus = label_regions(load_corpus(RAW_DIR), LABELS)
result = cluster_items(corpus, k=K, method=METHOD, random_state=RANDOM_STATE)
print(f"{result.k} themes ({result.method})")
result.selection.round(3)

# %% [markdown]
# ## Themes
# Labels are the three most distinctive terms (c-TF-IDF), leaving out words found in most items; representative items have the highest weight.

# %%
result.themes

# %%
fig = plot_theme_terms(result.themes)
save(fig, "04_theme_terms", FIGURES_DIR, caption="Top c-TF-IDF terms of each theme.", source="04_themes.ipynb", data="tokens, items")
fig

# %% [markdown]
# ## Attention allocation
# Share of each plan's items in each theme, with a bootstrap 95% interval and a G² test against the other plans.

# %%
att = attention(result.items, "theme", GROUP)
labels = dict(zip(result.themes.theme, result.themes.theme.astype(str) + " " + result.themes.label))
fig = plot_attention(att, "theme", GROUP, labels=labels)
save(fig, "04_attention_items", FIGURES_DIR, caption="Share of items per theme and plan; ▲/▼ significantly over/under the other plans (G², p < 0.05).",
     source="04_themes.ipynb", data="items")
fig

# %%
att[att.over != ''].sort_values('p')[[GROUP, 'theme', 'share', 'share_rest', 'ci_low', 'ci_high', 'g2', 'p', 'over']].round(3)

# %%
att_chars = attention(result.items, "theme", GROUP, weight="chars")
att_chars.pivot(index="theme", columns=GROUP, values="share").round(3)

# %% [markdown]
# ## Guided themes
# Seed words per theme from `themes.csv`; the unsupervised themes mapped onto them.

# %%
guided = classify_items(corpus)
guided = guided.merge(result.items[["doc_id", "item_no", GROUP, "n_chars"]], on=["doc_id", "item_no"])
guided.guided.value_counts()

# %%
map_to_guided(result, guided)

# %%
att_g = attention(guided, "guided", GROUP)
fig = plot_attention(att_g, "guided", GROUP, title="注意力分配（引导主题）")
save(fig, "04_attention_guided", FIGURES_DIR, caption="Share of items per guided (seed-word) theme and plan.",
     source="04_themes.ipynb", data="items, themes.csv")
fig

# %% [markdown]
# ## Map of items

# %%
fig = plot_item_map(item_map(result))
save(fig, "04_item_map", FIGURES_DIR, caption="Items projected on two SVD dimensions of their TF-IDF vectors; colour = theme, marker = plan.",
     source="04_themes.ipynb", data="tokens, items")
fig

# %% [markdown]
# ## Validation
# Agreement of themes with the plans' own sections (should be well above a random permutation and the TF-IDF + KMeans baseline), with the plan of origin (should be low: themes cut across cities), and stability across seeds and subsamples.

# %%
validate(result, corpus).round(3)
