"""Reuse and passage families on real government work reports, as ratios to a plain jieba pass.

Reads a checkout of the public repository ``lawtext/gov`` (its texts are never committed
here: only the numbers), copies one set of reports into a scratch folder with a manifest,
builds (or loads from its cache) the corpus, then in one process per set:

1. ``_find_reuse(corpus, boilerplate="include", exclude_blocks=("cover", "trailer", "summary"))``
   (pair passages and the common passages of ``max_df``, as ``passage_families`` reads them);
2. ``passage_families(corpus, reuse, common=common)``;
3. one plain ``jieba.lcut`` pass (a fresh ``jieba.Tokenizer()``, default mode) over the
   bodies of the same reports, one call per report, last so its memory does not count in
   the stages before it.

Each stage reports seconds, the ratio to the jieba pass and the peak resident memory of the
process after it (``ru_maxrss``; the alignment worker processes, forked, are reported apart).

    PYTHONPATH=src .venv/bin/python benchmarks/reuse_gov.py /tmp/gov --set cities
    PYTHONPATH=src .venv/bin/python benchmarks/reuse_gov.py /tmp/gov --set provinces all --memory-limit 4GB

Sets: ``cities`` (政府工作报告-主要城市, 886 reports), ``provinces`` (政府工作报告-省自治区),
``all`` (every 政府工作报告-* folder, ~3,000 reports). Results are merged by set into
``--results`` (JSON, numbers only) and written as a table to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

SETS = {
    "cities": ["政府工作报告-主要城市"],
    "provinces": ["政府工作报告-省自治区"],
    "all": ["政府工作报告-国务院", "政府工作报告-省自治区", "政府工作报告-主要城市", "政府工作报告-其他地市"],
}
LEVEL = {"政府工作报告-国务院": "central", "政府工作报告-省自治区": "province",
         "政府工作报告-主要城市": "prefecture", "政府工作报告-其他地市": "prefecture"}  # fmt: skip
BLOCKS = ("cover", "trailer", "summary")
HERE = Path(__file__).resolve().parent


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far (MB) of this process (or of its largest child)."""
    return resource.getrusage(who).ru_maxrss / 1024


def stage_files(gov: Path, name: str, raw: Path) -> int:
    """Copy the reports of set ``name`` into the flat folder ``raw`` with a manifest; the number of files."""
    if (raw / "manifest.csv").is_file():
        return len(pd.read_csv(raw / "manifest.csv"))
    raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for folder in SETS[name]:
        for f in sorted((gov / folder).rglob("*.md")):
            rel = f.relative_to(gov / folder)
            region = rel.parts[0] if len(rel.parts) > 1 else "国务院"
            year = re.match(r"\d{4}", f.stem)
            stem = "_".join([folder.split("-")[-1], *rel.with_suffix("").parts])
            target = f"{stem}.md"
            shutil.copyfile(f, raw / target)
            rows.append({"file": target, "region": region, "level": LEVEL[folder],
                         "year": int(year.group()) if year else ""})  # fmt: skip
    pd.DataFrame(rows).to_csv(raw / "manifest.csv", index=False)
    return len(rows)


def run_set(gov: Path, name: str, workdir: Path, memory_limit: str | None) -> dict:
    """Load the corpus of one set, time reuse, families and jieba; return the figures."""
    import jieba

    from analysis import load_corpus
    from analysis.diffusion import passage_families
    from analysis.reuse import _find_reuse

    warnings.simplefilter("ignore")
    raw = workdir / name / "raw"
    n_files = stage_files(gov, name, raw)
    t = time.perf_counter()
    corpus = load_corpus(raw, cache_dir=workdir / name / "cache", progress=False)
    _ = corpus.blocks
    load_s = time.perf_counter() - t
    bodies = corpus.documents.body.tolist()
    out = {"set": name, "files": n_files, "reports": len(bodies), "chars": sum(map(len, bodies)),
           "load_s": round(load_s, 1), "peak_mb_corpus": round(peak_mb())}  # fmt: skip
    t = time.perf_counter()
    reuse, common = _find_reuse(corpus, boilerplate="include", exclude_blocks=BLOCKS, memory_limit=memory_limit,
                                progress=True)  # fmt: skip
    out["reuse_s"] = time.perf_counter() - t
    out["peak_mb_reuse"] = round(peak_mb())
    aside = reuse.attrs.get("set_aside", {})
    out.update(pair_rows=len(reuse), formula_rows=int(reuse.boilerplate.sum()),
               pairs=int(reuse[["doc_a", "doc_b"]].drop_duplicates().shape[0]),
               common_passages=int(common.passage.nunique()) if len(common) else 0, common_rows=len(common),
               grouped_seeds=int(aside.get("grouped_seeds", 0)), joined_seeds=int(aside.get("joined_seeds", 0)),
               chunks=int(aside.get("chunks", 0)), max_df_limit=float(aside.get("limit", 0)))  # fmt: skip
    t = time.perf_counter()
    fam = passage_families(corpus, reuse, common=common, progress=True)
    out["families_s"] = time.perf_counter() - t
    out["peak_mb_families"] = round(peak_mb())
    f = fam.families
    out.update(families=len(f), formula_families=int(f.boilerplate.sum()) if len(f) else 0,
               members=len(fam.members), largest_family=int(f["size"].max()) if len(f) else 0,
               inherited=int((fam.members.drop_duplicates(["family", "doc_id"]).relation == "inherited").sum()))  # fmt: skip
    del fam, reuse, common
    tk = jieba.Tokenizer()
    tk.initialize()
    t = time.perf_counter()
    for b in bodies:
        tk.lcut(b)
    out["jieba_s"] = time.perf_counter() - t
    out["reuse_ratio"] = round(out["reuse_s"] / out["jieba_s"], 2)
    out["families_ratio"] = round(out["families_s"] / out["jieba_s"], 2)
    for key in ("reuse_s", "families_s", "jieba_s"):
        out[key] = round(out[key], 1)
    out["peak_mb"] = round(peak_mb())
    out["peak_mb_workers"] = round(peak_mb(resource.RUSAGE_CHILDREN))
    out["memory_limit"] = memory_limit
    out["cpus"] = os.cpu_count()
    out["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return out


def table(results: dict) -> str:
    """The Markdown table of the results, one column per set."""
    rows = [
        ("reports (files)", lambda r: f"{r['reports']:,} ({r['files']:,})"),
        ("characters", lambda r: f"{r['chars']:,}"),
        ("jieba.lcut pass, s", lambda r: r["jieba_s"]),
        ("find_reuse, s", lambda r: r["reuse_s"]),
        ("**find_reuse / jieba**", lambda r: f"**{r['reuse_ratio']}×**"),
        ("max_df (plans)", lambda r: f"{r['max_df_limit']:g}"),
        ("memory_limit / chunks", lambda r: f"{r['memory_limit']} / {r['chunks']}"),
        ("seed rows joined", lambda r: f"{r['joined_seeds']:,}"),
        ("seed pairs inside one common passage (not paired)", lambda r: f"{r['grouped_seeds']:,}"),
        ("pair rows (formulae among them)", lambda r: f"{r['pair_rows']:,} ({r['formula_rows']:,})"),
        ("pairs of reports with a pair row", lambda r: f"{r['pairs']:,}"),
        ("common passages (plan spans)", lambda r: f"{r['common_passages']:,} ({r['common_rows']:,})"),
        ("passage_families, s", lambda r: r["families_s"]),
        ("**passage_families / jieba**", lambda r: f"**{r['families_ratio']}×**"),
        ("families (of formulae) / members", lambda r: f"{r['families']:,} ({r['formula_families']:,}) / "
                                                      f"{r['members']:,}"),
        ("largest family (reports); members inherited", lambda r: f"{r['largest_family']:,}; {r['inherited']:,}"),
        ("peak MB: corpus loaded", lambda r: f"{r['peak_mb_corpus']:,}"),
        ("peak MB: after find_reuse", lambda r: f"{r['peak_mb_reuse']:,}"),
        ("peak MB: after passage_families", lambda r: f"{r['peak_mb_families']:,}"),
        ("peak MB: alignment workers (largest)", lambda r: f"{r['peak_mb_workers']:,}"),
        ("run", lambda r: r["date"]),
    ]  # fmt: skip
    names = [s for s in SETS if s in results]
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, fn in rows:
        lines.append(f"| {label} | " + " | ".join(str(fn(results[s])) for s in names) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gov", type=Path, help="checkout of lawtext/gov (read only)")
    ap.add_argument("--set", nargs="+", default=["cities"], choices=list(SETS))
    ap.add_argument(
        "--workdir", type=Path, default=Path("/tmp/scale-reuse/gov"), help="scratch (texts, cache)"
    )
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--results", type=Path, default=HERE / "reuse_gov.json")
    ap.add_argument("--out", type=Path, default=HERE / "reuse_gov.md")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one set in this process
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_set(args.gov, args.one, args.workdir, args.memory_limit)))
        return
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    for name in args.set:
        cmd = [sys.executable, __file__, str(args.gov), "--one", name, "--workdir", str(args.workdir),
               "--memory-limit", args.memory_limit]  # fmt: skip
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)  # progress bars go to stderr
        if done.returncode:
            raise SystemExit(f"set {name}: exit {done.returncode}")
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(results[name], flush=True)
        args.results.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    text = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    head, mark = text.split("<!-- table -->")[0] if "<!-- table -->" in text else "", "<!-- table -->"
    tail = text.split("<!-- /table -->")[1] if "<!-- /table -->" in text else "\n"
    args.out.write_text(f"{head}{mark}\n{table(results)}<!-- /table -->{tail}", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
