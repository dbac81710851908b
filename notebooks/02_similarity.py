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
N_BOOT = 200         # bootstrap replicates (items resampled within each plan): top-pair share, dendrogram support
N_PERM = 200         # shuffles of items between plans: the baseline a pair is compared with
INTERVAL = "jackknife"  # interval of each pair: "jackknife" (delete-one-item) or "bootstrap" (bias-shifted percentile)
MASKS = [None, "boilerplate", "filler", ("boilerplate", "filler")]  # sensitivity variants
DEFAULTS = None      # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)

# %%
import numpy as np
import pandas as pd
from analysis import load_corpus
from analysis.errors import InsufficientDataError, skip_if_insufficient
from analysis.figures import note_omitted, region_labels, save
from analysis.genres import use_genre_defaults
from analysis.plots import plot_dendrogram, plot_similarity_heatmap
from analysis.similarity import (align_items, pairwise, plan_identity, similarity_intervals, similarity_matrix,
                                 unmatched_items)

pd.set_option("display.max_colwidth", 40)
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's lexicon (tokens of the word measures); see analysis.genres
print(D.summary())
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

# %% [markdown]
# ## How sure are these numbers?
# Each pair's similarity with a 95% interval (which items a plan happens to contain: delete-one-item jackknife), the
# **baseline** of the same pair when items are shuffled between plans (what random mixes of the corpus's items would
# score) and a permutation p against it, and how often the pair comes first when items are resampled (`top_share`).
# A pair whose p is large cannot be told from a random mix of items.

# %%
intervals = None
with skip_if_insufficient("similarity intervals"):
    intervals = similarity_intervals(corpus, n_boot=N_BOOT, n_perm=N_PERM, interval=INTERVAL, labels=LAB)
    display(intervals.drop(columns=["doc_a", "doc_b"]).round(3))

# %%
if matrices:
    mat = matrices["tfidf_cosine"]
    fig = plot_similarity_heatmap(mat, intervals=intervals)
    save(fig, "02_similarity_documents", FIGURES_DIR,
         caption=f"Word TF-IDF cosine similarity of the plans with 95% intervals (delete-one-item jackknife); ≈ marks pairs not different "
                 f"from items shuffled between plans (permutation p ≥ 0.05); colour scale from the smallest to the largest off-diagonal value "
                 f"({mat.values[~np.eye(len(mat), dtype=bool)].min():.2f}–{mat.values[~np.eye(len(mat), dtype=bool)].max():.2f}).",
         source="02_similarity.ipynb", data="tokens")
    display(fig)

# %% [markdown]
# ## Does the corpus tell plans apart at all?
# Split each plan's items at random into two halves: if similarity measures what is particular to a plan, a half is closer
# to its own other half than to halves of other plans, by more than when items are shuffled between plans.

# %%
with skip_if_insufficient("the plan-identity diagnostic"):
    identity = plan_identity(corpus)
    print(identity.verdict + ".")
    display(identity.table.round(3))

# %% [markdown]
# ## Sensitivity: boilerplate and filler
# The same intervals with the shared formulae (boilerplate phrases) and/or the policy filler words left out. Shared
# formulae raise every pair's similarity; what matters is whether the order of the pairs holds.

# %%
with skip_if_insufficient("the sensitivity analysis"):
    variants = {str(m or "none"): similarity_intervals(corpus, n_boot=20, n_perm=N_PERM, interval=INTERVAL, mask=m, labels=LAB)
                .set_index(["label_a", "label_b"]) for m in MASKS}
    sens = pd.concat({k: v.similarity for k, v in variants.items()}, axis=1)
    display(sens.round(3))
    print("Spearman rank correlation of the pairs with the unmasked order:")
    display(sens.corr(method="spearman").iloc[0].round(2))

# %% [markdown]
# ## Clustering
# A dendrogram of a handful of plans invites a reading (who clusters with whom) that the data cannot carry: it is drawn
# from 10 plans on, with the share of bootstrap replicates that reproduce each cluster at its node.

# %%
with skip_if_insufficient("the dendrogram"):
    if not matrices or intervals is None:
        raise InsufficientDataError("the dendrogram needs the similarity matrix and its intervals")
    fig = plot_dendrogram(matrices["tfidf_cosine"], replicates=intervals.attrs["boot"])
    save(fig, "02_dendrogram_documents", FIGURES_DIR,
         caption=f"Average-linkage clustering of the plans on 1 − TF-IDF cosine; numbers: share of {N_BOOT} item-bootstrap replicates reproducing each cluster.",
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
