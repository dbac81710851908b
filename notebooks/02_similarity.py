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
RAW_DIR = None       # folder of plan files (None: data/raw)
FIGURES_DIR = None   # where figures go (None: figures/)
LABELS = "zh"        # how regions read in tables and figures: "zh", "zh+pinyin" or "pinyin"
MEASURES = ["tfidf_cosine", "char_cosine", "jaccard"]
PAIR = None       # two plans (doc_ids) to align item by item (None: the first two)
FOCUS = None      # plan whose unique items are listed (None: the first)
THRESHOLD = 0.3                            # minimum alignment score for a match

# %%
import numpy as np
import pandas as pd
from analysis import load_corpus
from analysis.errors import InsufficientDataError, skip_if_insufficient
from analysis.figures import note_omitted, region_labels, save
from analysis.plots import plot_dendrogram, plot_similarity_heatmap
from analysis.similarity import align_items, pairwise, similarity_matrix, unmatched_items

pd.set_option("display.max_colwidth", 40)
corpus = load_corpus(RAW_DIR)
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the keys
PAIR = PAIR or tuple(corpus.plan_ids[:2])
FOCUS = FOCUS or (corpus.plan_ids[0] if corpus.plan_ids else None)

# %% [markdown]
# ## Whole plans

# %%
matrices = {}
with skip_if_insufficient("document similarity"):
    matrices = {m: similarity_matrix(corpus, "document", m, labels=LAB) for m in MEASURES}
    for m, mat in matrices.items():
        print(m); display(mat.round(3))
    display(pd.concat({m: pairwise(mat).set_index(["a", "b"]).similarity for m, mat in matrices.items()}, axis=1).round(3))

# %%
if matrices:
    mat = matrices["tfidf_cosine"]
    fig = plot_similarity_heatmap(mat)
    save(fig, "02_similarity_documents", FIGURES_DIR,
         caption=f"Word TF-IDF cosine similarity of the plans; colour scale from the smallest to the largest off-diagonal value ({mat.values[~np.eye(len(mat), dtype=bool)].min():.2f}–{mat.values[~np.eye(len(mat), dtype=bool)].max():.2f}).",
         source="02_similarity.ipynb", data="tokens")
    display(fig)
    fig = plot_dendrogram(mat)
    save(fig, "02_dendrogram_documents", FIGURES_DIR, caption="Average-linkage clustering of the plans on 1 − TF-IDF cosine.",
         source="02_similarity.ipynb", data="tokens")
    display(fig)

# %% [markdown]
# ## Sections

# %%
with skip_if_insufficient("section similarity"):
    sections = similarity_matrix(corpus, "section", "tfidf_cosine", labels=LAB)
    fig = plot_similarity_heatmap(sections)
    note = note_omitted(fig, sorted(set(corpus.doc_ids) - set(sections.attrs["doc_ids"])), "无一级标题", LAB)
    save(fig, "02_similarity_sections", FIGURES_DIR, caption=f"Word TF-IDF cosine similarity of the plans' top-level sections. {note}",
         source="02_similarity.ipynb", data="tokens, sections")
    display(fig)
    # the most similar sections of different plans
    doc_of = dict(zip(sections.index, sections.attrs["doc_ids"]))
    pairs = pairwise(sections)
    display(pairs[pairs.a.map(doc_of) != pairs.b.map(doc_of)].head(10))

# %% [markdown]
# ## Items: alignment of two plans
# For every item of the first plan, its best match in the second (rapidfuzz string score and TF-IDF topic score).

# %%
with skip_if_insufficient("item alignment"):
    if len(PAIR) < 2:
        raise InsufficientDataError("item alignment needs two plans with numbered items")
    aligned = align_items(corpus, *PAIR, threshold=THRESHOLD)
    display(aligned[["path_a", "title_a", "path_b", "title_b", "string_score", "topic_score", "score", "matched"]].round(2))

# %%
with skip_if_insufficient("unmatched items"):
    if len(corpus.plan_ids) < 2:
        raise InsufficientDataError("unmatched items need two plans with numbered items")
    display(unmatched_items(corpus, FOCUS, threshold=THRESHOLD))
