from nbgen import write_notebook

write_notebook(
    "notebooks/02_similarity.ipynb",
    [
        (
            "md",
            """
# 02 · How similar are the plans?

Similarity of whole plans, of their top-level sections and of their items, with three measures
(word TF-IDF cosine, character n-gram cosine, Jaccard of word sets), then item-by-item
alignment of two plans and the items unique to a plan.
""",
        ),
        (
            "params",
            """
# Parameters
RAW_DIR = None
FIGURES_DIR = None
LABELS = "zh"        # region labels in tables and figures: "zh", "zh+pinyin" or "pinyin"
MEASURES = ["tfidf_cosine", "char_cosine", "jaccard"]
PAIR = None       # two plans (doc_ids) to align item by item; None = the first two
FOCUS = None      # plan whose unique items are listed; None = the first
THRESHOLD = 0.3                            # minimum alignment score for a match
""",
        ),
        (
            "code",
            """
import pandas as pd
from analysis import load_corpus
from analysis.figures import label_regions
from analysis.figures import save
from analysis.plots import plot_dendrogram, plot_similarity_heatmap
from analysis.similarity import align_items, pairwise, similarity_matrix, unmatched_items

pd.set_option("display.max_colwidth", 40)
corpus = label_regions(load_corpus(RAW_DIR), LABELS)
PAIR = PAIR or tuple(corpus.plan_ids[:2])
FOCUS = FOCUS or corpus.plan_ids[0]
""",
        ),
        ("md", "## Whole plans"),
        (
            "code",
            """
matrices = {m: similarity_matrix(corpus, "document", m) for m in MEASURES}
for m, mat in matrices.items():
    print(m); display(mat.round(3))
""",
        ),
        (
            "code",
            """
pd.concat({m: pairwise(mat).set_index(["a", "b"]).similarity for m, mat in matrices.items()}, axis=1).round(3)
""",
        ),
        (
            "code",
            """
fig = plot_similarity_heatmap(matrices["tfidf_cosine"])
save(fig, "02_similarity_documents", FIGURES_DIR, caption="Word TF-IDF cosine similarity of the plans.",
     source="02_similarity.ipynb", data="tokens")
fig
""",
        ),
        (
            "code",
            """
fig = plot_dendrogram(matrices["tfidf_cosine"])
save(fig, "02_dendrogram_documents", FIGURES_DIR, caption="Average-linkage clustering of the plans on 1 − TF-IDF cosine.",
     source="02_similarity.ipynb", data="tokens")
fig
""",
        ),
        ("md", "## Sections"),
        (
            "code",
            """
sections = similarity_matrix(corpus, "section", "tfidf_cosine")
fig = plot_similarity_heatmap(sections)
save(fig, "02_similarity_sections", FIGURES_DIR, caption="Word TF-IDF cosine similarity of the plans' top-level sections.",
     source="02_similarity.ipynb", data="tokens, sections")
fig
""",
        ),
        ("code", "pairwise(sections).query('a.str[:2] != b.str[:2]').head(10)"),
        (
            "md",
            "## Items: alignment of two plans\nFor every item of the first plan, its best match in the second (rapidfuzz string score and TF-IDF topic score).",
        ),
        (
            "code",
            """
aligned = align_items(corpus, *PAIR, threshold=THRESHOLD)
aligned[["path_a", "title_a", "path_b", "title_b", "string_score", "topic_score", "score", "matched"]].round(2)
""",
        ),
        ("code", "unmatched_items(corpus, FOCUS, threshold=THRESHOLD)"),
    ],
)

write_notebook(
    "notebooks/03_text_reuse.ipynb",
    [
        (
            "md",
            """
# 03 · Text reuse: which passages were copied?

Passages shared verbatim or near-verbatim between plans (a clause inserted, a word swapped,
punctuation differing), found by character shingles and chained alignment, scored with
rapidfuzz. Political formulae that most plans repeat are reported separately as boilerplate.
""",
        ),
        (
            "params",
            """
# Parameters
RAW_DIR = None
FIGURES_DIR = None
LABELS = "zh"        # region labels in tables and figures: "zh", "zh+pinyin" or "pinyin"
MIN_CHARS = 20          # minimum passage length (characters, punctuation ignored)
MIN_SIMILARITY = 0.8    # minimum rapidfuzz Indel similarity
EXCLUDE_BLOCKS = ("cover", "trailer")   # cover notices and signatures are administrative templates; () compares everything
PAIR = None       # pair shown side by side in HTML; None = the pair with most reuse
""",
        ),
        (
            "code",
            """
from pathlib import Path

import pandas as pd
from analysis import load_corpus
from analysis.figures import label_regions
from analysis.figures import default_outdir, save
from analysis.plots import plot_reuse_network
from analysis.reuse import boilerplate_phrases, find_reuse, most_reused_pair, reuse_html, reuse_share

pd.set_option("display.max_colwidth", 70)
corpus = label_regions(load_corpus(RAW_DIR), LABELS)
""",
        ),
        (
            "md",
            "## Boilerplate\nPhrases shared by most plans (derived from the corpus) and the reviewable list in `src/analysis/data/boilerplate.txt`.",
        ),
        (
            "code",
            """
phrases = boilerplate_phrases(corpus)
phrases.head(20)
""",
        ),
        ("md", "## Reused passages"),
        (
            "code",
            """
reuse = find_reuse(corpus, min_chars=MIN_CHARS, min_similarity=MIN_SIMILARITY, phrases=phrases, exclude_blocks=EXCLUDE_BLOCKS)
print(f"{len(reuse)} passages (boilerplate excluded)")
PAIR = PAIR or most_reused_pair(reuse, corpus)
reuse[["doc_a", "doc_b", "block_a", "n_chars", "similarity", "earlier", "text_a", "text_b"]].round(3)
""",
        ),
        (
            "code",
            """
formulae = find_reuse(corpus, min_chars=MIN_CHARS, min_similarity=MIN_SIMILARITY, phrases=phrases, exclude_blocks=EXCLUDE_BLOCKS, boilerplate="only")
print(f"{len(formulae)} passages are mostly shared formulae (not counted as reuse)")
formulae[["doc_a", "doc_b", "n_chars", "boilerplate_share", "text_a"]].round(2).head(10)
""",
        ),
        ("md", "## How much of each plan is reused"),
        (
            "code",
            """
share = reuse_share(corpus, reuse)
share.pivot(index="doc_id", columns="other", values="share").round(3)
""",
        ),
        (
            "code",
            """
labels = dict(zip(corpus.documents.doc_id, corpus.documents.region))
fig = plot_reuse_network(share, labels)
save(fig, "03_reuse_network", FIGURES_DIR, caption="Share of each plan's characters in passages reused with another plan (boilerplate excluded).",
     source="03_text_reuse.ipynb", data="documents")
fig
""",
        ),
        (
            "md",
            "## Side by side\nThe two plans with reused passages highlighted (yellow) and shared formulae (grey).",
        ),
        (
            "code",
            """
path = Path(FIGURES_DIR or default_outdir()) / f"03_reuse_{PAIR[0]}_{PAIR[1]}.html"
reuse_html(corpus, find_reuse(corpus, min_chars=MIN_CHARS, min_similarity=MIN_SIMILARITY, phrases=phrases, exclude_blocks=EXCLUDE_BLOCKS, boilerplate="include"),
           *PAIR, path=path)
print("written", path)
""",
        ),
    ],
)
