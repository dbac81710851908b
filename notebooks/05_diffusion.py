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
# # 05 · Diffusion: which passages travel between plans, and in which direction
#
# Reused passages (notebook 03) are grouped into **passage families**: a passage that five plans share is one
# family with five members, not ten pairs (as passim clusters reprinted passages). Families never chain through
# short political formulae.
#
# **Direction comes from the text, not from dates or levels.** Plans are passed down layer by layer and the
# common source (the central plan, a congress report) is rarely in the folder, so two plans holding the same
# passage may each have copied it from that unseen source. Each family gets a **consensus text** (the majority
# reading: the reconstructed common source, as LobbyBack does), and a plan is said to have **inherited** a passage
# from another only when it carries that plan's own changes against the consensus (shared innovations, as in
# stemmatology), or the other plan is marked as a source (`role = source` in `manifest.csv`; central plans are
# sources), and the other plan could have come first (an earlier date, or a line of authority: the centre over
# all, a province over its own cities, never across provinces) and its copy contains what was inherited.
# Everything else is **co-derived**: shared, with no evidence of who took it from whom.
#
# Then: what a city takes from its province's plan, priority by priority, and how attention to terms changes
# over the years.

# %% tags=["parameters"]
# Parameters
RAW_DIR = None           # folder of plan files (None: data/raw)
FIGURES_DIR = None       # where figures go (None: figures/)
LABELS = "zh"            # how regions read in figures: "zh", "zh+pinyin" or "pinyin"
PLANS = None             # doc_ids to compare (None: every plan)
MIN_FAMILY_SIZE = 2      # minimum number of plans sharing a passage
BOILERPLATE = False      # True adds families of shared political formulae (flagged) to the tables
CITY = None              # city plan for the province → city uptake (None: the first plan with a provincial plan)
DEFAULTS = None          # set of defaults: "gov", "cyl" or a .toml file (None: the one most documents' genre calls for)
TERMS = None             # terms followed over the years (None: from the defaults; 青年, 志愿服务 … for League plans)
BOILERPLATE_LIST = None  # reviewed formulae, one per line (None: from the defaults; boilerplate.txt or boilerplate_gov.txt)

# %%
import pandas as pd
from analysis import load_corpus
from analysis.diffusion import diffusion_edges, flow_table, passage_families, plan_order, province_of, uptake
from analysis.stats import rates_by_year
from analysis.errors import skip_if_insufficient
from analysis.figures import region_labels, save
from analysis.genres import resolve, use_genre_defaults
from analysis.reuse import boilerplate_phrases
from analysis.plots import plot_diffusion, plot_trend, plot_uptake

pd.set_option("display.max_colwidth", 60)
corpus = load_corpus(RAW_DIR)
D = use_genre_defaults(corpus, DEFAULTS)  # the genre's defaults and lexicon; see analysis.genres
TERMS = resolve(TERMS, D.trend_terms)
BOILERPLATE_LIST = resolve(BOILERPLATE_LIST, D.boilerplate)
corpus.use_formulae(BOILERPLATE_LIST)  # every step below sets these formulae aside
print(D.summary())
print(f"TERMS = {TERMS}; BOILERPLATE_LIST = {BOILERPLATE_LIST}")
if PLANS:
    corpus = corpus.subset(list(PLANS))
LAB = region_labels(corpus, LABELS)  # display labels; analyses keep taking the keys
print(f"{len(corpus.documents)} plans")

# %% [markdown]
# ## Passage families

# %%
families = passage_families(corpus, min_size=MIN_FAMILY_SIZE, boilerplate="include" if BOILERPLATE else "exclude",
                             phrases=boilerplate_phrases(corpus, file=BOILERPLATE_LIST))
fams = families.families
print(f"{len(fams)} families of passages shared by {MIN_FAMILY_SIZE} or more plans; "
      f"{int(fams.n_inherited.sum())} members inherited with textual evidence, {int(fams.n_coderived.sum())} co-derived")
fams[["family", "kind", "size", "anchor", "n_inherited", "n_coderived", "first_date", "levels", "text"]].head(15)

# %%
# members of the largest families: each plan's own changes against the consensus, and the evidence for a parent
top = fams.sort_values(["size", "family"], ascending=[False, True]).family.head(3)
families.members[families.members.family.isin(top)].sort_values(["family", "date"])[
    ["family", "doc_id", "date", "level", "relation", "parent", "basis", "n_evidence", "added", "removed", "changed", "text"]].round(3)

# %% [markdown]
# ## Direction and flow

# %%
edges = diffusion_edges(families, include_boilerplate=BOILERPLATE)
with skip_if_insufficient("the diffusion figure"):
    fig = plot_diffusion(plan_order(corpus), edges, LAB)
    save(fig, "05_diffusion", FIGURES_DIR, caption="Arrows: inheritance the text supports (shared innovations against the family consensus, or a marked source), labelled with the evidence; dashed: co-derived passages, direction unknown; line width = characters. Dates and levels only order candidates.",
         source="05_diffusion.ipynb", data="families")
    display(fig)

# %%
# share of each plan inherited (by parent), co-derived with other plans, and its own
flow = flow_table(corpus, families, include_boilerplate=BOILERPLATE)
flow.assign(column=flow.relation.where(flow.source.isna(), "from " + flow.source.fillna(""))).pivot_table(
    index="doc_id", columns="column", values="share", aggfunc="sum", fill_value=0).round(3)

# %% [markdown]
# ## What a city takes from its province
# The units are each plan's priorities: its items, or its sections where they hold no items (a government work
# report's （一）…); glossaries, annexes and reviews are never compared. Each provincial priority is taken up
# (half or more of it reused), adapted (some reuse or a closely similar city priority) or absent; each city
# priority comes from the province, is shared with another plan, or is new.

# %%
city = CITY or next((d for d in corpus.doc_ids if province_of(corpus, d)), None)
if city is None:
    print("No plan in this corpus has its provincial plan in the corpus too (set `province` in manifest.csv); uptake skipped.")
else:
    up = uptake(corpus, city)
    print(f"{LAB.text(city)} read against {LAB.text(province_of(corpus, city))}")
    display(up.groupby(["side", "unit", "status"]).size().rename("priorities").to_frame())
    fig = plot_uptake(up, LAB)
    save(fig, "05_uptake", FIGURES_DIR, caption="Province priorities taken up / adapted / absent in the city plan, and city priorities from the province / shared / new, by section.",
         source="05_diffusion.ipynb", data="items")
    display(fig)

# %% [markdown]
# ## Change over time
# The plan is the unit: each plan's rate per 10,000 tokens (points), the yearly rate with a 95% quasi-Poisson
# interval, and a quasi-Poisson regression of each plan's count on its year with its tokens as exposure (rate
# ratio per year with its interval; Benjamini–Hochberg over the terms). Tokens of one plan are not independent
# draws, so pooling them by year would find trends that are differences between plans. Fewer than three plans
# in a year (or a single year) is too thin, and the step is skipped with the reason.

# %%
with skip_if_insufficient("change over time"):
    trends = rates_by_year(corpus.tokens, corpus, "token", list(TERMS))
    display(trends.tests.round(3))
    display(trends.years.round(2))
    fig = plot_trend(trends, labels=LAB)
    save(fig, "05_trend", FIGURES_DIR, caption="Term rates per 10,000 tokens: each plan (points), each year with a 95% quasi-Poisson interval (plan as unit); titles: rate ratio per year with 95% interval and BH-adjusted p.",
         source="05_diffusion.ipynb", data="tokens")
    display(fig)
