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
# # 02 · How similar are the plans?
#
# Similarity of whole plans, of their top-level sections and of their items, with three measures
# (word TF-IDF cosine, character n-gram cosine, Jaccard of word sets), then item-by-item
# alignment of two plans and the items unique to a plan.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None
FIGURES_DIR = None
LABELS = "zh"        # region labels in tables and figures: "zh", "zh+pinyin" or "pinyin"
MEASURES = ["tfidf_cosine", "char_cosine", "jaccard"]
PAIR = None       # two plans (doc_ids) to align item by item; None = the first two
FOCUS = None      # plan whose unique items are listed; None = the first
THRESHOLD = 0.3                            # minimum alignment score for a match

# %%
import pandas as pd
from analysis import load_corpus
from analysis.figures import label_regions, save
from analysis.plots import plot_dendrogram, plot_similarity_heatmap
from analysis.similarity import align_items, pairwise, similarity_matrix, unmatched_items

pd.set_option("display.max_colwidth", 40)
corpus = label_regions(load_corpus(RAW_DIR), LABELS)
PAIR = PAIR or tuple(corpus.plan_ids[:2])
FOCUS = FOCUS or corpus.plan_ids[0]

# %% [markdown]
# ## Whole plans

# %%
matrices = {m: similarity_matrix(corpus, "document", m) for m in MEASURES}
for m, mat in matrices.items():
    print(m); display(mat.round(3))

# %%
pd.concat({m: pairwise(mat).set_index(["a", "b"]).similarity for m, mat in matrices.items()}, axis=1).round(3)

# %%
fig = plot_similarity_heatmap(matrices["tfidf_cosine"])
save(fig, "02_similarity_documents", FIGURES_DIR, caption="Word TF-IDF cosine similarity of the plans.",
     source="02_similarity.ipynb", data="tokens")
fig

# %%
fig = plot_dendrogram(matrices["tfidf_cosine"])
save(fig, "02_dendrogram_documents", FIGURES_DIR, caption="Average-linkage clustering of the plans on 1 − TF-IDF cosine.",
     source="02_similarity.ipynb", data="tokens")
fig

# %% [markdown]
# ## Sections

# %%
sections = similarity_matrix(corpus, "section", "tfidf_cosine")
fig = plot_similarity_heatmap(sections)
save(fig, "02_similarity_sections", FIGURES_DIR, caption="Word TF-IDF cosine similarity of the plans' top-level sections.",
     source="02_similarity.ipynb", data="tokens, sections")
fig

# %%
pairwise(sections).query('a.str[:2] != b.str[:2]').head(10)

# %% [markdown]
# ## Items: alignment of two plans
# For every item of the first plan, its best match in the second (rapidfuzz string score and TF-IDF topic score).

# %%
aligned = align_items(corpus, *PAIR, threshold=THRESHOLD)
aligned[["path_a", "title_a", "path_b", "title_b", "string_score", "topic_score", "score", "matched"]].round(2)

# %%
unmatched_items(corpus, FOCUS, threshold=THRESHOLD)
