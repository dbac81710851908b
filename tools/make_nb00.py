from nbgen import write_notebook

write_notebook(
    "notebooks/00_corpus_overview.ipynb",
    [
        (
            "md",
            """
# 00 · Corpus overview

What is in the corpus, how each plan is structured, and what the cleaner changed.
Everything here comes from `analysis` (`load_corpus`, `section_profile`, `Corpus.audit`, `Corpus.verify`);
the notebook only sets parameters and shows results.
""",
        ),
        (
            "params",
            """
# Parameters
RAW_DIR = None       # folder of plan files; None = the repository's data/raw
FIGURES_DIR = None
LABELS = "zh"        # region labels in tables and figures: "zh", "zh+pinyin" or "pinyin"
""",
        ),
        (
            "code",
            """
import pandas as pd
from analysis import load_corpus
from analysis.figures import label_regions
from analysis.figures import save
from analysis.plots import plot_cleaning_audit, plot_section_profile
from analysis.structure import section_profile

pd.set_option("display.max_colwidth", 60)
corpus = label_regions(load_corpus(RAW_DIR), LABELS)
corpus
""",
        ),
        (
            "md",
            "## The plans\nOne row per plan. `anonymised` marks copies with placeholders (xx); `truncated` marks a plan whose last item is cut off.",
        ),
        ("code", "corpus.summary()"),
        (
            "code",
            "corpus.documents[['doc_id', 'issuer', 'title', 'metadata_source', 'encoding', 'source_file']]",
        ),
        (
            "md",
            "Files that could not be loaded (with the reason) are listed here rather than silently skipped:",
        ),
        ("code", "corpus.errors"),
        (
            "md",
            "## Structure\nTop-level sections, their items and characters. Items are the lowest numbered (or `——` bulleted) units.",
        ),
        (
            "code",
            """
profile = section_profile(corpus)
profile
""",
        ),
        (
            "code",
            """
fig = plot_section_profile(profile)
save(fig, "00_section_profile", FIGURES_DIR,
     caption="Characters per top-level section of each plan (numbers: section and item count).",
     source="00_corpus_overview.ipynb", data="sections, items")
fig
""",
        ),
        ("code", "corpus.items[['doc_id', 'item_no', 'path', 'title', 'n_chars', 'truncated']].head(10)"),
        (
            "md",
            "## Cleaning audit\nEvery change the cleaner made is in `corpus.removed` with its reason; nothing disappears without a trace.",
        ),
        (
            "code",
            """
audit = corpus.audit()
fig = plot_cleaning_audit(audit)
save(fig, "00_cleaning_audit", FIGURES_DIR,
     caption="Cleaning changes by kind and plan (whitespace normalisation not shown).",
     source="00_corpus_overview.ipynb", data="removed")
fig
""",
        ),
        (
            "code",
            """
removed = corpus.removed[corpus.removed.kind != "whitespace"]
removed.groupby("kind").head(2)[["doc_id", "kind", "text", "replacement", "context"]]
""",
        ),
        (
            "md",
            "## Lossless check\nThe raw text of every plan is rebuilt from the cleaned body plus the removal log, and every non-whitespace character of the body sits in exactly one block.",
        ),
        (
            "code",
            """
check = corpus.verify()
assert check.raw_restored.all() and (check.uncovered == 0).all() and (check.overlap == 0).all()
check
""",
        ),
    ],
)
