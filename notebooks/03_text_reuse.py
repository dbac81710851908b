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
# # 03 · Text reuse: which passages were copied?
#
# Passages shared verbatim or near-verbatim between plans (a clause inserted, a word swapped,
# punctuation differing), found by character shingles and chained alignment, scored with
# rapidfuzz. Short political formulae that most plans repeat are reported separately as
# boilerplate; long passages copied into most plans (a template handed down) are not formulae:
# they are reported once each as **common passages**. A passage is found when two copies share
# runs of at least 9 characters and reach the minimum length and similarity; a text rewritten
# clause by clause is not found. No passage runs across an excluded block (a cover notice, a
# review of last year).

# %% tags=["parameters"]
# Parameters
RAW_DIR = None       # folder of plan files (None: data/raw)
FIGURES_DIR = None   # where figures and the HTML page go (None: figures/)
LABELS = "zh"        # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
MIN_CHARS = 20          # minimum passage length (characters, punctuation ignored)
MIN_SIMILARITY = 0.8    # minimum rapidfuzz Indel similarity
EXCLUDE_BLOCKS = ("cover", "trailer", "summary")   # cover notices, signatures and last year's summary; () compares everything
PAIR = None       # pair shown side by side in HTML (None: the pair with most reuse)
DEFAULTS = None      # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)
BOILERPLATE_LIST = None  # reviewed formulae, one per line (None: from the defaults; boilerplate.txt or boilerplate_gov.txt)

# %%
from pathlib import Path

import pandas as pd
from analysis import load_corpus
from analysis.errors import skip_if_insufficient
from analysis.figures import default_outdir, region_labels, safe_name, save
from analysis.genres import resolve, use_genre_defaults
from analysis.plots import plot_reuse_network
from analysis.html import Table
from analysis.reuse import boilerplate_phrases, common_passages, find_reuse, most_reused_pair, reuse_html, reuse_share

pd.set_option("display.max_colwidth", 70)
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's defaults and lexicon; see analysis.genres
BOILERPLATE_LIST = resolve(BOILERPLATE_LIST, D.boilerplate)
corpus.use_formulae(BOILERPLATE_LIST)  # every step below sets these formulae aside
print(D.summary())
print(f"BOILERPLATE_LIST = {BOILERPLATE_LIST}")
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the keys

# %% [markdown]
# ## Boilerplate
# Phrases shared by most plans (derived from the corpus) and the reviewable list `BOILERPLATE_LIST`
# (`src/analysis/data/boilerplate.txt` for Youth League plans, `boilerplate_gov.txt` for government work reports).

# %%
phrases = boilerplate_phrases(corpus, file=BOILERPLATE_LIST)
phrases.head(20)

# %% [markdown]
# ## Reused passages

# %%
# one search; passages made mostly of shared formulae are flagged in `boilerplate`
passages = find_reuse(corpus, min_chars=MIN_CHARS, min_similarity=MIN_SIMILARITY, phrases=phrases,
                      exclude_blocks=EXCLUDE_BLOCKS, boilerplate="include")
reuse = passages[~passages.boilerplate].reset_index(drop=True)
print(f"{len(reuse)} passages (boilerplate excluded)")
PAIR = PAIR or most_reused_pair(reuse, corpus)
Table(reuse[["doc_a", "doc_b", "block_a", "n_chars", "similarity", "earlier", "text_a", "text_b"]].round(3))

# %%
formulae = passages[passages.boilerplate]
print(f"{len(formulae)} passages are mostly shared formulae (not counted as reuse)")
Table(formulae[["doc_a", "doc_b", "n_chars", "boilerplate_share", "text_a"]].round(2).head(10))

# %% [markdown]
# ## Passages in most plans
# Text found in more than 20 plans of a corpus of 50 plans or more is not paired plan by plan (that
# work grows with the square of the corpus); it is grouped once across plans here, as a common passage
# with its member list. Below 50 plans every passage is paired above and this table is empty.

# %%
common = common_passages(corpus, min_chars=MIN_CHARS, exclude_blocks=EXCLUDE_BLOCKS, phrases=phrases)
if common.empty:
    print("No passage is set aside as common to most plans (every shared passage is paired above).")
else:
    print(f"{common.passage.nunique()} passages common to most plans ({int(common.boilerplate.sum())} rows are formulae)")
    display(common.groupby("passage").agg(n_docs=("n_docs", "first"), n_chars=("n_chars", "median"),
                                          formula=("boilerplate", "first"), text=("text", "first")).head(15))

# %% [markdown]
# ## How much of each plan is reused

# %%
share = reuse_share(corpus, reuse, common[~common.boilerplate])
share.pivot(index="doc_id", columns="other", values="share").round(3)

# %%
from analysis.plots import MAX_NETWORK_PLANS

with skip_if_insufficient("the reuse network"):
    # a network up to MAX_NETWORK_PLANS (12) plans; above, a plans × plans matrix ordered by clustering
    fig = plot_reuse_network(share, LAB)
    n_plans = share.doc_id.nunique()
    drawn = (f"drawn as a {n_plans} × {n_plans} matrix (rows: the plan whose characters are counted; ordered so that plans "
             f"reusing each other sit together; bars: share reused with any plan), since more than {MAX_NETWORK_PLANS} plans "
             "make a network unreadable" if n_plans > MAX_NETWORK_PLANS else "drawn as a network (edge width: share)")
    save(fig, "03_reuse_network", FIGURES_DIR, caption=f"Share of each plan's characters in passages reused with another plan (boilerplate excluded), {drawn}.",
         source="03_text_reuse.ipynb", data="documents")
    display(fig)

# %% [markdown]
# ## Side by side
# The reused passages of one pair of plans, aligned one per row with their context and the differences
# marked, then both full texts with reused passages in yellow and shared formulae in grey.

# %%
path = Path(FIGURES_DIR or default_outdir()) / (safe_name(f"03_reuse_{PAIR[0]}_{PAIR[1]}" if PAIR else "03_reuse") + ".html")
if PAIR:
    reuse_html(corpus, passages, *PAIR, path=path)
    print("written", path)
else:
    print("Fewer than two plans: no pair to show side by side.")

# %% [markdown]
# ## Explore (JupyterLab)
# Pick two plans and step through their aligned passages. In a headless run this shows as text; the
# HTML page above holds the same alignment.

# %%
from analysis.widgets import reuse_browser

reuse_browser(corpus, passages)
