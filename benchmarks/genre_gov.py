"""Genre defaults on real government work reports: guided themes, formulae and lexicon, gov set vs League set.

Reads a folder of reports (e.g. the 31 provincial-level reports of 2023, ``<region>/2023.md``, from a
checkout of the public repository ``lawtext/gov``; never committed here) and writes a markdown table:
per region, the share of items the guided themes leave in 其他 and the share of the largest theme,
with the government guide (``themes_gov.csv``) and with the Youth League guide (``themes.csv``); the
reports holding each formula of ``boilerplate_gov.txt``; the lexicon terms kept whole; and times as
ratios to a plain ``jieba.lcut`` pass over the same text in the same process, with peak memory.

    python -m analysis run --raw /tmp/genre/r31 --out /tmp/genre/run     # optional: the whole suite, no -p
    python benchmarks/genre_gov.py /tmp/genre/r31 --run /tmp/genre/run --out benchmarks/genre_gov.md
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.corpus import CorpusWarning, build_corpus
from analysis.genres import genre_defaults, shipped_sets
from analysis.reuse import Skeleton, boilerplate_phrases, read_phrases
from analysis.segment import Segmenter, read_lexicon
from analysis.themes import classify_items, read_guide


def md(df: pd.DataFrame, index: bool = False) -> str:
    """A markdown table (no tabulate dependency)."""
    if index:
        df = df.reset_index()
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(map(str, row)) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def other_by_hand(texts: pd.Series, guide: Path) -> pd.Series:
    """Independent check: an item is 其他 exactly when no seed word of any theme occurs in it."""
    seeds = [s for row in read_guide(guide).seeds for s in row]
    return texts.map(lambda t: not any(s in t for s in seeds))


def per_region(corpus, guide: Path, tag: str) -> pd.DataFrame:
    g = classify_items(corpus, guide).merge(corpus.documents[["doc_id", "region"]], on="doc_id")
    texts = corpus.items.set_index(["doc_id", "item_no"]).text
    by_hand = other_by_hand(texts.loc[list(zip(g.doc_id, g.item_no))].reset_index(drop=True), guide)
    mismatch = int(((g.guided == "其他").to_numpy() != by_hand.to_numpy()).sum())
    if mismatch:
        raise SystemExit(f"{tag}: {mismatch} items differ from the by-hand 其他 check")
    rows = []
    for region, r in g.groupby("region"):
        vc = r.guided.value_counts()
        rows.append({"region": region, "items": len(r), f"其他 {tag}": (r.guided == "其他").mean(),
                     f"top {tag}": f"{vc.index[0]} {vc.iloc[0] / len(r):.0%}"})  # fmt: skip
    total = g.guided.value_counts(normalize=True)
    return pd.DataFrame(rows), total


def suite_section(run: Path) -> list[str]:
    """Which defaults each notebook of a ``run`` used (from its HTML report), and the run's summary."""
    import html
    import re

    rows = []
    for f in sorted((run / "reports").glob("*.html")):
        text = html.unescape(f.read_text(encoding="utf-8"))
        used = re.search(r"Defaults: '([^']+)'", text)
        resolved = re.findall(r"^((?:KWIC_TERM|TERMS|GUIDE|BOILERPLATE_LIST) = .+?)$", text, flags=re.M)
        resolved += re.findall(r"^\d+ plans; (dictionary: [^<\n]+)$", text, flags=re.M)
        shown = "; ".join(re.sub(r"/\S*/src/", "", r) for r in resolved)
        rows.append(
            {"notebook": f.stem, "defaults": used.group(1) if used else "(none printed)", "resolved": shown}
        )
    out = ["## The whole suite: `python -m analysis run --raw <folder> --out <run>` with no -p", ""]
    out += [md(pd.DataFrame(rows)), ""]
    log = run / "run.log"
    if log.is_file():
        summary = [
            ln.rstrip()
            for ln in log.read_text(encoding="utf-8").splitlines()
            if re.match(r"\s+(ok|FAILED) ", ln)
        ]
        out += [
            "Wall-clock seconds per notebook (shared 2-core machine; a check that each succeeds, not a benchmark):",
            "",
        ]
        out += ["```", *summary, "```", ""]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="folder of reports (<region>/<year>.md)")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("genre_gov.md"))
    ap.add_argument(
        "--run",
        type=Path,
        help="the --out folder of `python -m analysis run --raw FOLDER --out RUN` (no -p): which set each "
        "notebook used, from its HTML report, and the run's summary from RUN/run.log if there",
    )
    args = ap.parse_args()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        corpus = build_corpus(args.folder)
    if caught:
        print(f"{len(caught)} file(s) set aside while building (see corpus.errors)")
    d = genre_defaults(corpus)
    sets = shipped_sets()
    gov, cyl = sets["gov"], sets["cyl"]

    t0 = time.perf_counter()
    a, tot_gov = per_region(corpus, gov.themes, "gov")
    t_classify = time.perf_counter() - t0
    b, tot_cyl = per_region(corpus, cyl.themes, "cyl")
    table = a.merge(b.drop(columns="items"), on="region")
    table = table[["region", "items", "其他 gov", "其他 cyl", "top gov", "top cyl"]]

    # formulae: reports holding each reviewed phrase (skeleton match, as reuse does)
    skels = [Skeleton.of(b).text for b in corpus.documents.body]
    formulae = pd.DataFrame(
        [(p, sum(p in s for s in skels)) for p in read_phrases(gov.boilerplate)],
        columns=["phrase", "reports"],
    )
    t0 = time.perf_counter()
    phrases = boilerplate_phrases(corpus, file=gov.boilerplate)
    t_phrases = time.perf_counter() - t0

    # lexicon: tokens of the gov additions, segmented with each lexicon; times against plain jieba
    import jieba

    text = "\n".join(corpus.documents.body)
    tk = jieba.Tokenizer()
    tk.initialize()
    t0 = time.perf_counter()
    tk.lcut(text)
    t_jieba = time.perf_counter() - t0
    added = [w for w, _, _ in read_lexicon(gov.lexicon[-1])]
    counts, times = {}, {}
    for name, lex in (("cyl", cyl.lexicon), ("gov", gov.lexicon)):
        seg = Segmenter(lexicon=lex, engine="jieba")
        t0 = time.perf_counter()
        toks = pd.Series(seg.tokens(text))
        times[name] = time.perf_counter() - t0
        counts[name] = toks[toks.isin(added)].value_counts()
    whole = pd.DataFrame({"cyl lexicon": counts["cyl"], "gov lexicon": counts["gov"]}).fillna(0).astype(int)
    whole = whole.sort_values("gov lexicon", ascending=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    fmt = table.copy()
    for c in ("其他 gov", "其他 cyl"):
        fmt[c] = fmt[c].map(lambda v: f"{v:.0%}")
    n_items = int(table["items"].sum())
    lines = [
        f"# Genre defaults on {len(corpus.documents)} government work reports ({args.folder.name})",
        "",
        f"Written by `benchmarks/genre_gov.py`. Defaults chosen for this corpus: **{d.name}** — {d.reason}",
        "",
        "## Guided themes: share of items in 其他, gov guide (`themes_gov.csv`) vs League guide (`themes.csv`)",
        "",
        "Items are the reports' numbered priorities （一）…; `top` is the largest theme and its share of the",
        "region's items. 其他 checked against an independent test (no seed word of any theme in the item): 0 differ.",
        "",
        md(fmt),
        "",
        f"All {n_items} items: 其他 {tot_gov.get('其他', 0):.1%} with the gov guide, "
        f"{tot_cyl.get('其他', 0):.1%} with the League guide. Largest theme: {tot_gov.index[0]} "
        f"{tot_gov.iloc[0]:.0%} (gov), {tot_cyl.index[0]} {tot_cyl.iloc[0]:.0%} (League).",
        "",
        "Items per theme, all reports:",
        "",
        md(
            pd.DataFrame({"gov guide": (tot_gov * n_items).round().astype(int)}).rename_axis("theme"),
            index=True,
        ),
        "",
        md(
            pd.DataFrame({"League guide": (tot_cyl * n_items).round().astype(int)}).rename_axis("theme"),
            index=True,
        ),
        "",
        "## Formulae of `boilerplate_gov.txt`: reports holding each (punctuation ignored)",
        "",
        md(formulae),
        "",
        f"`boilerplate_phrases` with this file: {len(phrases)} phrases "
        f"({int((phrases.source == 'file').sum())} from the file).",
        "",
        "## Lexicon additions (`lexicon_gov.txt`): tokens of those terms, each lexicon",
        "",
        md(whole.head(25).rename_axis("term"), index=True),
        "",
        f"{int((whole['gov lexicon'] > 0).sum())} of {len(added)} added terms occur as tokens with the gov lexicon, "
        f"{int((whole['cyl lexicon'] > 0).sum())} with the League lexicon.",
        "",
        "## Time (ratio to one plain `jieba.lcut` pass over the same text, same process) and memory",
        "",
        f"- plain jieba.lcut over {len(text):,} characters: 1.00 ({t_jieba:.2f} s on a shared 2-core machine)",
        f"- Segmenter.tokens with the League lexicon: {times['cyl'] / t_jieba:.2f}; "
        f"with the gov lexicon: {times['gov'] / t_jieba:.2f}",
        f"- classify_items with the gov guide: {t_classify / t_jieba:.2f}; "
        f"boilerplate_phrases with boilerplate_gov.txt: {t_phrases / t_jieba:.2f}",
        f"- peak memory (ru_maxrss): {peak:.0f} MB",
        "",
    ]
    if args.run:
        lines += suite_section(args.run)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
