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
# # 06 · Attention panel: how much each plan says about each policy area, by region and year
#
# A dictionary lists the terms of each policy area (数字经济: 数字经济, 大数据, 人工智能 …; 生态: 生态, 绿色,
# 低碳 …). Each plan's text is searched for them as substrings, **longest term first and without overlaps** (生态环境
# counts once, not also as 生态), and the count is divided by the plan's characters (per 10,000, whitespace not
# counted). Plans of a region and year are pooled; the interval treats **the plan as the unit** (quasi-Poisson: how
# much plans of a group differ from each other), so a group with one plan has no interval. This is the attention
# measure of the policy-agenda literature (Jones & Baumgartner 2005), built as a dictionary method (Grimmer &
# Stewart 2013): it counts words, it does not read them (a negated or quoted term counts too).
#
# The dictionaries are editable CSV files (`category,term`): `analysis/data/dictionary_gov.csv` for government work
# reports and `dictionary_cyl.csv` for Youth League plans; `DICTIONARY = None` picks the one that fits the corpus.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None             # folder of plan files (None: data/raw)
FIGURES_DIR = None         # where figures go (None: figures/)
LABELS = "zh"              # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
DEFAULTS = None            # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)
DICTIONARY = None          # dictionary file (category,term CSV or YAML), "gov" or "cyl" (None: from the defaults)
BY = ("region", "year")    # columns of corpus.documents that make the panel's groups
PART = None                # count only in this part or block kind ("plan", "summary", "item" …; None: whole text)
MATCH = "text"             # "text": substrings per 10,000 characters; "tokens": tokens per 10,000 tokens
EXPORT_DIR = None          # folder for the panel as CSV and Parquet, long and wide (None: no export)

# %%
import pandas as pd
from analysis import load_corpus
from analysis.errors import skip_if_insufficient
from analysis.figures import region_labels, save
from analysis.genres import resolve, use_genre_defaults
from analysis.panels import as_dictionary, dictionary_rates, export_panel, panel_wide
from analysis.plots import plot_attention_panel

pd.set_option("display.max_colwidth", 80)
BY_COLS = [c.strip() for c in BY.split(",")] if isinstance(BY, str) else list(BY)  # "-p BY region,year" works too
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's defaults and lexicon; see analysis.genres
print(D.summary())
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the keys
dictionary = as_dictionary(resolve(DICTIONARY, D.dictionary))
print(f"{len(corpus.documents)} plans; dictionary: {DICTIONARY or D.dictionary.name}")
pd.DataFrame({"category": list(dictionary), "terms": [len(t) for t in dictionary.values()],
              "examples": ["、".join(t[:8]) for t in dictionary.values()]})

# %% [markdown]
# ## Each plan
# Counts per plan and category, with the rate per 10,000 characters (no interval: one plan).

# %%
per_plan = None
with skip_if_insufficient("the per-plan counts"):
    per_plan = dictionary_rates(corpus, dictionary, by=("doc_id",), part=PART, match=MATCH)
    display(per_plan.pivot(index="doc_id", columns="category", values="rate")[list(dictionary)].round(1))

# %% [markdown]
# ## The panel
# One row per group and category: `count`, `total` (characters or tokens), `rate`, the interval and `n_docs`.

# %%
rates = None
with skip_if_insufficient("the attention panel"):
    rates = dictionary_rates(corpus, dictionary, by=BY_COLS, part=PART, match=MATCH)
    print(f"{len(rates)} rows; {int((rates.n_docs < 2).sum())} of them rest on a single plan and have no interval")
    display(rates.head(20).round(2))

# %%
if rates is not None and {"region", "year"} <= set(BY_COLS):
    fig = plot_attention_panel(rates, labels=LAB)
    save(fig, "06_panel_heatmap", FIGURES_DIR, caption="Dictionary categories per 10,000 characters (longest-first, non-overlapping substring counts) by region and year; grey: no plan. One colour scale per category.",
         source="06_attention_panel.ipynb", data="documents")
    display(fig)
    if rates.groupby("region", dropna=False).year.nunique().max() >= 2:
        fig = plot_attention_panel(rates, kind="lines", labels=LAB)
        save(fig, "06_panel_lines", FIGURES_DIR, caption="The same rates as lines per region, with quasi-Poisson intervals over plans where a region and year hold two or more plans.",
             source="06_attention_panel.ipynb", data="documents")
        display(fig)
    else:
        print("No region has plans of two or more years: the lines per region are left out (the heatmap shows every rate).")
elif rates is not None:
    print(f"The panel figures need BY to hold region and year; BY = {BY}. The table above is the result.")

# %% [markdown]
# ## All regions pooled, by year
# With one report per region and year (government work reports) no cell has an interval; pooled over the regions,
# each year has one, from how much the year's plans differ.

# %%
by_year = None
if per_plan is not None and corpus.documents.year.notna().any():
    by_year = dictionary_rates(corpus, dictionary, by=("year",), part=PART, match=MATCH)
    display(by_year.round(2))
if by_year is not None and (by_year.n_docs >= 2).any():
    pooled = by_year.assign(region=f"{corpus.documents.region.nunique()} 个地区合计")
    fig = plot_attention_panel(pooled, kind="lines", title="各类词的出现率，所有地区合计（95% 区间，拟泊松，以计划为单位）")
    save(fig, "06_panel_by_year", FIGURES_DIR, caption="Dictionary categories per 10,000 characters by year, all regions pooled, with quasi-Poisson 95% intervals over the plans of the year (none for a year with one plan).",
         source="06_attention_panel.ipynb", data="documents")
    display(fig)

# %% [markdown]
# ## Substrings or tokens?
# The segmenter splits many compounds (数字经济 → 数字/经济), so exact-token counts find fewer matches than
# substrings. The share below says how much a token count would miss, per category.

# %%
if per_plan is not None and MATCH == "text":
    tok = dictionary_rates(corpus, dictionary, by=("doc_id",), part=PART, match="tokens")
    both = per_plan.groupby("category", sort=False)["count"].sum().to_frame("substrings")
    both["tokens"] = tok.groupby("category", sort=False)["count"].sum()
    both["tokens / substrings"] = (both.tokens / both.substrings.where(both.substrings > 0)).round(2)
    display(both)

# %% [markdown]
# ## Export
# Long form (one row per group and category) and wide form (one row per category and region, a column per year:
# `rate_2023`), as CSV (UTF-8, no BOM) and Parquet, for pandas, R (`read.csv`, `arrow::read_parquet`) and Stata
# (`import delimited`).

# %%
if rates is not None and EXPORT_DIR:
    for path in export_panel(rates, f"{EXPORT_DIR}/attention_panel"):
        print(path)
elif rates is not None:
    print("Set EXPORT_DIR to write the panel as CSV and Parquet. The wide form looks like this:")
    display(panel_wide(rates).head(10).round(2))
