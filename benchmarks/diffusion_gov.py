"""Diffusion on real government work reports: do families chain, do shares stay consistent?

Reads the provincial reports of one year from a checkout of the public repository
``lawtext/gov`` (never committed here), builds a corpus in a temporary folder, and reports:
families and their sizes, whether any family holds every report, how many members are
claimed as inherited (and on what evidence), the longest passage span against its length
(a span bridging an excluded block would be far longer than its characters), and whether
any plan's inherited + co-derived share exceeds its reused share.

    python benchmarks/diffusion_gov.py /path/to/gov --year 2023 [--out benchmarks/diffusion_gov.md]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.corpus import build_corpus
from analysis.diffusion import diffusion_edges, flow_table, passage_families
from analysis.genres import use_genre_defaults
from analysis.reuse import _find_reuse, reuse_share

BLOCKS = ("cover", "trailer", "summary")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gov", type=Path, help="checkout of lawtext/gov")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    files = sorted((args.gov / "政府工作报告-省自治区").glob(f"*/{args.year}.md"))
    tmp = Path(tempfile.mkdtemp())
    rows = []
    for f in files:
        name = f"{f.parent.name}_{args.year}.md"
        shutil.copy(f, tmp / name)
        rows.append({"file": name, "region": f.parent.name, "province": f.parent.name, "level": "province",
                     "year": args.year})  # fmt: skip
    pd.DataFrame(rows).to_csv(tmp / "manifest.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = build_corpus(tmp)
        use_genre_defaults(corpus)  # as notebook 05 does: the reports' formulae list (boilerplate_gov.txt)
    t = time.perf_counter()
    reuse, common = _find_reuse(corpus, boilerplate="include", exclude_blocks=BLOCKS)
    fam = passage_families(corpus, reuse, common=common)
    seconds = time.perf_counter() - t
    edges = diffusion_edges(fam)
    flow = flow_table(corpus, fam)
    shared = reuse_share(
        corpus, reuse[~reuse.boilerplate], common[~common.boilerplate] if len(common) else None
    )
    shared = shared[shared.other == "any"].set_index("doc_id").share
    taken = flow[flow.relation != "own"].groupby("doc_id").share.sum()
    over = int((taken > shared.reindex(taken.index).fillna(0) + 1e-9).sum())
    mem = fam.members.drop_duplicates(["family", "doc_id"])
    span = reuse.assign(span=reuse.end_a - reuse.start_a)
    ratio = (span.span / span.n_chars.clip(lower=1)).max() if len(span) else 0
    n = len(corpus.documents)
    lines = [
        f"# Diffusion on {n} provincial government work reports of {args.year}",
        "",
        "Formulae set aside with the reports' reviewed list (`use_genre_defaults`, as notebook 05 does);",
        "families cut into coherent groups (`passage_families(min_share=0.5)`). Without the reports' list",
        "one family holds all 27 reports: the opening 现在，我代表省人民政府，向大会报告工作，请予审议….",
        "",
        "| measure | value |",
        "|---|---|",
        f"| reports | {n} |",
        f"| pair passages (formulae flagged) | {len(reuse)} ({int(reuse.boilerplate.sum())} formulae) |",
        f"| families (formulae excluded) | {len(fam.families)} |",
        f"| largest family (reports) | {int(fam.families['size'].max()) if len(fam.families) else 0} |",
        f"| families holding every report | {int((fam.families['size'] == n).sum()) if len(fam.families) else 0} |",
        f"| members inherited / co-derived / source | {int((mem.relation == 'inherited').sum())} / "
        f"{int((mem.relation == 'co-derived').sum())} / {int((mem.relation == 'source').sum())} |",
        f"| directed edges (all on shared innovations) | {int((edges.relation == 'inherited').sum())} |",
        f"| longest span / its characters (bridging check) | {ratio:.2f} |",
        f"| plans whose inherited + co-derived share exceeds the reused share | {over} |",
        f"| reuse + families, seconds | {seconds:.1f} |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
