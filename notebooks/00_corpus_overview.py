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
# # 00 · Corpus overview
#
# What is in the corpus, how each plan is structured, and what the cleaner changed.
# Everything here comes from `analysis` (`load_corpus`, `section_profile`, `Corpus.audit`, `Corpus.verify`);
# the notebook only sets parameters and shows results.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None       # folder of plan files (None: the repository's data/raw)
FIGURES_DIR = None   # where figures go (None: figures/)
LABELS = "zh"        # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
DEFAULTS = None      # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)

# %%
import pandas as pd
from analysis import load_corpus
from analysis.errors import skip_if_insufficient
from analysis.figures import note_omitted, region_labels, save
from analysis.genres import use_genre_defaults
from analysis.plots import plot_cleaning_audit, plot_section_profile
from analysis.structure import section_profile

pd.set_option("display.max_colwidth", 60)
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's defaults (terms, themes, formulae, lexicon); see analysis.genres
print(D.summary())
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the region keys
corpus

# %% [markdown]
# ## The plans
# One row per plan. `anonymised` marks copies with placeholders (xx); `truncated` marks a plan whose last item is cut off.

# %%
corpus.summary()

# %%
corpus.documents[['doc_id', 'issuer', 'title', 'metadata_source', 'encoding', 'source_file']]

# %% [markdown]
# Files that could not be loaded (with the reason) are listed here rather than silently skipped:

# %%
corpus.errors

# %% [markdown]
# ## Structure
# Top-level sections, their items and characters. Items are the lowest numbered (or `——` bulleted) units.

# %%
profile = section_profile(corpus)
profile

# %%
from analysis.figures import save_pages
from analysis.plots import paged

with skip_if_insufficient("the section profile"):
    # one page up to 32 plans (A4); more are split into pages 00_section_profile_p1, _p2 … on one scale
    figs = paged(plot_section_profile, profile, "doc_id", labels=LAB,
                 xmax=profile.groupby("doc_id").n_chars.sum().max())
    note = note_omitted(figs[0], sorted(set(corpus.doc_ids) - set(profile.doc_id)), "无编号部分", LAB)
    save_pages(figs, "00_section_profile", FIGURES_DIR,
               caption=f"Characters per top-level section of each plan (numbers: section and item count, where they fit). {note}",
               source="00_corpus_overview.ipynb", data="sections, items")
    for fig in figs:
        display(fig)

# %%
corpus.items[['doc_id', 'item_no', 'path', 'title', 'n_chars', 'truncated']].head(10)

# %% [markdown]
# ## Cleaning audit
# Every change the cleaner made is in `corpus.removed` with its reason; nothing disappears without a trace.

# %%
audit = corpus.audit()
with skip_if_insufficient("the cleaning audit figure"):
    # plans in rows above 8 plans; pages of 40 plans, on one colour scale
    figs = paged(plot_cleaning_audit, audit, "doc_id", labels=LAB,
                 max_count=audit.groupby(["doc_id", "kind"]).n.sum().max())
    save_pages(figs, "00_cleaning_audit", FIGURES_DIR,
               caption="Cleaning changes by kind and plan (whitespace normalisation not shown).",
               source="00_corpus_overview.ipynb", data="removed")
    for fig in figs:
        display(fig)

# %%
removed = corpus.removed[corpus.removed.kind != "whitespace"]
removed.groupby("kind").head(2)[["doc_id", "kind", "text", "replacement", "context"]]

# %% [markdown]
# ## Lossless check
# The raw text of every plan is rebuilt from the cleaned body plus the removal log, and every non-whitespace character of the body sits in exactly one block.

# %%
check = corpus.verify()
assert check.raw_restored.all() and (check.uncovered == 0).all() and (check.overlap == 0).all()
check
