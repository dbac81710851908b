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
RAW_DIR = None                 # folder of plan files (None: data/raw)
FIGURES_DIR = None             # where figures go (None: figures/)
LABELS = "zh"                  # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
GROUP = "region"               # a column of corpus.documents
TARGET = None                  # keyness target: a value of GROUP, e.g. 重庆 (None: the first group)
REFERENCE = None               # reference group(s) (None: all other groups)
CORRECTION = "bh"              # multiple-testing correction: "bh", "bonferroni" or "none"
EXCLUDE = ("punct", "numeric", "stop", "filler", "placeholder", "single_char")
KEY_EXCLUDE = EXCLUDE + ("place",)  # keyness also leaves out place names, before testing
KEY_UNIT = "token"             # keyness counts "token" (exact binomial) or "item" (share of items using the term)
KEY_N = 15                     # terms per side in the keyness figure
MAX_KEY_FIGURES = 12           # figures of the all-groups keyness (one per group, at most this many)
TOP_N = 12
DEFAULTS = None                # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)
KWIC_TERM = None               # keyword-in-context term (None: from the defaults; 青马工程 for League plans, 营商环境 for reports)
DISPERSION_TERMS = None        # terms of the dispersion plot (None: from the defaults)

# %%
import pandas as pd
from analysis import load_corpus
from analysis.errors import skip_if_insufficient
from analysis.figures import note_omitted, region_labels, save
from analysis.genres import resolve, use_genre_defaults
from analysis.collocations import collocations
from analysis.entities import cited_documents, programmes, shared, targets
from analysis.keywords import dispersion_positions, frequency, keyness, keyness_all
from analysis.kwic import kwic
from analysis.plots import plot_dispersion, plot_keyness, plot_shared_matrix, plot_top_terms

pd.set_option("display.max_colwidth", 80)
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's defaults and lexicon; see analysis.genres
KWIC_TERM = resolve(KWIC_TERM, D.kwic_term)
DISPERSION_TERMS = resolve(DISPERSION_TERMS, D.dispersion_terms)
print(D.summary())
print(f"KWIC_TERM = {KWIC_TERM!r}; DISPERSION_TERMS = {DISPERSION_TERMS}")
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the region keys
groups = corpus.documents[GROUP].dropna().unique().tolist()
TARGET = TARGET or (groups[0] if groups else None)
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
from analysis.figures import pages, save_pages
from analysis.plots import paged, plot_keyness_grid

with skip_if_insufficient("the top-terms figure"):
    # 12 groups a page (A4): 01_top_terms, or 01_top_terms_p1, _p2 … for more
    figs = paged(plot_top_terms, freq, GROUP, by=GROUP, n=TOP_N, labels=LAB)
    save_pages(figs, "01_top_terms", FIGURES_DIR, caption=f"Top {TOP_N} terms per {GROUP}, per 10,000 tokens; excluded: {', '.join(EXCLUDE)}.",
               source="01_keywords.ipynb", data="tokens")
    for fig in figs:
        display(fig)

# %% [markdown]
# ## Keyness
# Effect size first: each term's **log ratio** (Hardie 2014; 1 = twice as frequent in the target) with its 95% interval,
# the top terms on each side ranked by the end of the interval nearest zero (strong *and* reliable). Interval and
# significance mark come from one statistic: with `KEY_UNIT = "token"` the exact conditional binomial test of the rate
# ratio and its Clopper–Pearson interval; with `"item"` the share of numbered items using the term (Egbert & Biber 2019),
# which a term repeated in one item cannot fool. Place names are left out before testing; terms whose count is too small
# ever to be significant are screened out of the family (Tarone), and the rest are corrected together (Benjamini–Hochberg
# by default). Tokens of one plan are not independent (Kilgarriff 2005), so read `items_target` and `docs_reference`
# (how widely a term is used) next to the counts. G² is kept in the table for comparison with other tools.

# %%
with skip_if_insufficient("keyness"):
    key = keyness(corpus, by=GROUP, target=TARGET, reference=REFERENCE, exclude=KEY_EXCLUDE, unit=KEY_UNIT,
                  correction=CORRECTION)
    print(f"{int(key.significant.sum())} of {key.attrs['n_tests']} testable terms significant after {CORRECTION} correction "
          f"({key.attrs['n_terms']} terms; a term needs {key.attrs['min_testable_count']} occurrences to be testable)")
    display(key[["term", "count_target", "count_reference", "log_ratio", "log_ratio_low", "log_ratio_high",
                 "items_target", "n_items_target", "docs_reference", "n_docs_reference", "p_test", "p_adj",
                 "significant"]].head(20).round(3))
    fig = plot_keyness(key, n=KEY_N, labels=LAB)
    save(fig, f"01_keyness_{TARGET}", FIGURES_DIR,
         caption=f"Keywords of {LAB.text(TARGET)} against {REFERENCE or 'the other plans'}: log ratio with 95% interval "
                 f"({KEY_UNIT} level), top {KEY_N} per side ranked by the interval's end nearest zero; filled dots significant after "
                 f"{CORRECTION} correction, crosses screened out (too rare to be significant); place names left out.",
         source="01_keywords.ipynb", data="tokens")
    display(fig)

# %% [markdown]
# ### Every plan against the rest, one family of tests
# Reporting all groups at once tests every (group, term) pair, so the screening and the correction run over all of them
# together (`keyness_all`), not group by group.

# %%
with skip_if_insufficient("keyness of every group"):
    key_all = keyness_all(corpus, by=GROUP, exclude=KEY_EXCLUDE, unit=KEY_UNIT, correction=CORRECTION)
    print(f"{int(key_all.significant.sum())} significant of {key_all.attrs['n_tests']} testable (group, term) pairs")
    display(key_all.groupby(GROUP).agg(terms=("term", "size"), testable=("testable", "sum"),
                                       significant=("significant", "sum")))
    # every group, small multiples (8 a page): 01_keyness_grid, or 01_keyness_grid_p1, _p2 …
    figs = paged(plot_keyness_grid, key_all, GROUP, by=GROUP, labels=LAB)
    save_pages(figs, "01_keyness_grid", FIGURES_DIR,
               caption=f"Keywords of every {GROUP} against the others (top 8 per {GROUP}), corrected in one family "
                       f"({key_all.attrs['n_tests']} tests); log ratio with 95% interval, filled dots significant.",
               source="01_keywords.ipynb", data="tokens")
    for fig in figs:
        display(fig)
    # and a full figure (both sides, item counts) per group, up to MAX_KEY_FIGURES
    all_groups = list(key_all[GROUP].unique())
    if len(all_groups) > MAX_KEY_FIGURES:
        left = all_groups[MAX_KEY_FIGURES:]
        print(f"Full keyness figures for the first {MAX_KEY_FIGURES} of {len(all_groups)} groups; {len(left)} left out "
              f"({'、'.join(map(LAB.text, left))}): every group is in the 01_keyness_grid pages above; "
              f"set MAX_KEY_FIGURES = {len(all_groups)} for all, or TARGET = <group> for one.")
    for g in all_groups[:MAX_KEY_FIGURES]:
        fig = plot_keyness(key_all[key_all[GROUP] == g], n=KEY_N, labels=LAB)
        save(fig, f"01_keyness_all_{g}", FIGURES_DIR,
             caption=f"Keywords of {LAB.text(g)} against the other plans, corrected in one family with every other group "
                     f"({key_all.attrs['n_tests']} tests); log ratio with 95% interval, filled dots significant.",
             source="01_keywords.ipynb", data="tokens")
        display(fig)

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
# a panel per term (5 a page), a row per plan (40 a page): 01_dispersion, or 01_dispersion_p1, _p2 …
plan_pages = pages(sorted(pos.doc_id.unique()), 40) if len(pos) else [[]]
figs = [plot_dispersion(pos, t, labels=LAB, docs=d or None) for d in plan_pages for t in pages(DISPERSION_TERMS, 5)]
note = note_omitted(figs[0], sorted(set(corpus.doc_ids) - set(corpus.items.doc_id)), "无编号条目", LAB)
save_pages(figs, "01_dispersion", FIGURES_DIR, caption=f"Occurrences of chosen terms along each plan's item sequence. {note}",
           source="01_keywords.ipynb", data="documents, items")
for fig in figs:
    display(fig)

# %% [markdown]
# ## Programmes, cited documents, quantitative targets

# %%
prog = programmes(corpus)
prog_shared = shared(prog, "name", by=GROUP)
prog_shared.head(15)

# %%
prog_shared[prog_shared.unique_to.notna()].groupby('unique_to').head(3)[['name', 'unique_to']]

# %%
with skip_if_insufficient("the shared-programmes figure"):
    # 36 groups a page (A4): 01_shared_programmes, or 01_shared_programmes_p1, _p2 …
    meta = {"name", "n_groups", "total", "groups", "unique_to"}
    figs = [plot_shared_matrix(prog_shared, "name", n=30, labels=LAB, groups=g)
            for g in pages([c for c in prog_shared.columns if c not in meta], 36)]
    save_pages(figs, "01_shared_programmes", FIGURES_DIR, caption="Programme and brand names (“…”) shared by several plans; slogans and formulae left out.",
               source="01_keywords.ipynb", data="documents")
    for fig in figs:
        display(fig)

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
if len(groups) >= 2:
    display(keyness_picker(corpus, by=GROUP, exclude=KEY_EXCLUDE))
