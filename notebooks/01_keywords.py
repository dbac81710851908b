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
# # 01 · Keywords and policy terminology
#
# What each plan talks about, and what it talks about more than the others.
# Segmentation uses jieba with a policy lexicon plus terms found in the corpus (quoted names,
# cited titles, new-word discovery); stopwords and policy filler words are **flags** on the
# tokens table, excluded by a parameter you can change, never silently.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None                 # folder of plan files; None = data/raw
FIGURES_DIR = None             # None = figures/
LABELS = "zh"                  # region labels in tables and figures: "zh", "zh+pinyin" or "pinyin"
GROUP = "region"               # a column of corpus.documents
TARGET = None                  # keyness target group; None = the first group
REFERENCE = None               # None = all other groups; or a group value / list
EXCLUDE = ("punct", "numeric", "stop", "filler", "placeholder", "single_char")
TOP_N = 12
KWIC_TERM = "青马工程"
DISPERSION_TERMS = ["乡村振兴", "志愿服务", "青马工程", "从严治团", "少先队"]

# %%
import pandas as pd
from analysis import load_corpus
from analysis.figures import label_regions, save
from analysis.collocations import collocations
from analysis.entities import cited_documents, programmes, shared, targets
from analysis.keywords import dispersion_positions, frequency, keyness
from analysis.kwic import kwic
from analysis.plots import plot_dispersion, plot_keyness, plot_shared_matrix, plot_top_terms

pd.set_option("display.max_colwidth", 80)
corpus = label_regions(load_corpus(RAW_DIR), LABELS)
TARGET = TARGET or corpus.documents[GROUP].iloc[0]
tokens = corpus.tokens
print(f"{len(tokens):,} tokens in {tokens.doc_id.nunique()} plans")

# %% [markdown]
# ## Segmentation review
# Terms added to jieba, by source, with their frequency in the corpus. Review the `discovered` ones.

# %%
report = corpus.segmenter.report(corpus)
report.groupby("source").agg(terms=("term", "size"), hit=("hit", "sum"))

# %%
report[report.source.isin(['discovered'])].sort_values('count', ascending=False)

# %% [markdown]
# ## Frequency
# Counts, rate per 10,000 tokens (after exclusions), document frequency and Gries' DP (0 = even across items).

# %%
freq = frequency(corpus, by=GROUP, exclude=EXCLUDE, n=30)
freq.groupby(GROUP).head(5)

# %%
fig = plot_top_terms(freq, by=GROUP, n=TOP_N)
save(fig, "01_top_terms", FIGURES_DIR, caption=f"Top {TOP_N} terms per {GROUP}, per 10,000 tokens; excluded: {', '.join(EXCLUDE)}.",
     source="01_keywords.ipynb", data="tokens")
fig

# %% [markdown]
# ## Keyness
# Log-likelihood G² (Dunning 1993), Yates-corrected χ², p-value and log ratio (Hardie 2014); both counts and corpus sizes are in the table so every value can be checked by hand.

# %%
key = keyness(corpus, by=GROUP, target=TARGET, reference=REFERENCE, exclude=EXCLUDE)
key.head(15)

# %%
fig = plot_keyness(key)
save(fig, f"01_keyness_{TARGET}", FIGURES_DIR, caption=f"Keywords of {TARGET} against {REFERENCE or 'the other plans'} (G², p < 0.05).",
     source="01_keywords.ipynb", data="tokens")
fig

# %% [markdown]
# ## Keyword in context

# %%
kwic(corpus, KWIC_TERM, window=18)[['doc_id', 'path', 'left', 'match', 'right']]

# %% [markdown]
# ## Collocations
# Two- and three-token sequences that occur together more than chance (G², PMI).

# %%
collocations(corpus, size=(2, 3), min_count=3).head(25)

# %% [markdown]
# ## Dispersion of chosen terms along each plan

# %%
pos = dispersion_positions(corpus, DISPERSION_TERMS)
fig = plot_dispersion(pos, DISPERSION_TERMS)
save(fig, "01_dispersion", FIGURES_DIR, caption="Occurrences of chosen terms along each plan's item sequence.",
     source="01_keywords.ipynb", data="documents, items")
fig

# %% [markdown]
# ## Programmes, cited documents, quantitative targets

# %%
prog = programmes(corpus)
prog_shared = shared(prog, "name", by=GROUP)
prog_shared.head(15)

# %%
prog_shared[prog_shared.unique_to.notna()].groupby('unique_to').head(3)[['name', 'unique_to']]

# %%
fig = plot_shared_matrix(prog_shared, "name", n=30)
save(fig, "01_shared_programmes", FIGURES_DIR, caption="Programme and brand names (“…”) shared by several plans.",
     source="01_keywords.ipynb", data="documents")
fig

# %%
shared(cited_documents(corpus), 'title', by=GROUP).head(10)

# %%
targets(corpus)[['doc_id', 'path', 'number', 'unit', 'qualifier', 'clause']]

# %% [markdown]
# ## Explore (JupyterLab)
# Type a term to see its concordance lines with their section path, or pick a keyness target.
# In a headless run these show as text; the static tables above hold the results.

# %%
from analysis.widgets import keyness_picker, kwic_box

kwic_box(corpus, value=KWIC_TERM)

# %%
keyness_picker(corpus, by=GROUP, exclude=EXCLUDE)
