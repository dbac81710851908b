"""Scale on real text: the government work reports of a ``lawtext/gov`` checkout, stage by stage.

    .venv/bin/python benchmarks/scale_gov.py /tmp/gov --set cities      # 886 major-city reports
    .venv/bin/python benchmarks/scale_gov.py /tmp/gov --set all --out benchmarks/scale_gov.md

Sets: ``cities`` (政府工作报告-主要城市), ``provinces`` (政府工作报告-省自治区), ``all`` (every
``政府工作报告-*`` folder, ~3,000 reports; hard-linked into a scratch folder, since the corpus
reader does not follow symbolic links). Only numbers are written, never the texts.

Every time is divided by one plain ``jieba.lcut`` pass (a ``jieba.Tokenizer()``, default mode,
one call per report) over the same texts in the same process, as in ``benchmarks/scale.py``.
Stages: ``build+tokens`` = ``load_corpus(tokens=True)`` without a cache (read, clean, parse and
segment in one parallel pass over all cores, lexicon from a sample; tables and tokens written to
parquet); optionally (``--sequential cities``) the same pass without the cache (``build_corpus(tokens=True)``)
and the two-step path: ``build_corpus`` on one core, then
``tokens_table``; ``similarity`` = ``similarity_topk(k=10)`` (sparse, row blocks);
``themes`` = ``cluster_items(k=10)`` (MiniBatchNMF above 50,000 items); ``panel`` =
``dictionary_rates(corpus, "gov", by=("province", "year"), n_jobs=2)``. Peak memory: this process's
ru_maxrss after each stage (cumulative) and the largest worker process's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

SETS = {
    "cities": ["政府工作报告-主要城市"],
    "provinces": ["政府工作报告-省自治区"],
    "all": ["政府工作报告-主要城市", "政府工作报告-其他地市", "政府工作报告-国务院", "政府工作报告-省自治区"],
}


def peak_mb() -> tuple[int, int]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(me), round(kids)


def folder_for(gov: Path, which: str, scratch: Path) -> Path:
    names = SETS[which]
    if len(names) == 1:
        return gov / names[0]
    dest = scratch / f"gov_{which}"
    if not dest.is_dir():
        tmp = scratch / f".gov_{which}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for n in names:
            try:  # hard links: no copy of 150 MB, and /tmp/gov is not modified
                subprocess.run(["cp", "-al", str(gov / n), str(tmp / n)], check=True, capture_output=True)
            except subprocess.CalledProcessError:
                shutil.copytree(gov / n, tmp / n)
        tmp.rename(dest)
    return dest


def run(folder: Path, stages: list[str], sequential: bool) -> dict:
    import jieba

    from analysis.corpus import list_plan_files

    warnings.simplefilter("ignore")
    files = list_plan_files(folder)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    tk = jieba.Tokenizer()
    tk.initialize()
    t = time.perf_counter()
    for text in texts:
        tk.lcut(text)
    base = time.perf_counter() - t
    rep = {"files": len(files), "chars": sum(map(len, texts)), "jieba_seconds": round(base, 1), "stages": {}}
    del texts

    def stage(name, fn):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        me, kids = peak_mb()
        rep["stages"][name] = {"seconds": round(dt, 1), "ratio": round(dt / base, 2), "peak_mb": me,
                               "worker_peak_mb": kids}  # fmt: skip
        print(f"  {name:<14} {dt:8.1f}s  {dt / base:6.2f}×  peak {me:,} MB (workers {kids:,} MB)", flush=True)
        return out

    with tempfile.TemporaryDirectory(dir=os.environ.get("SCALE_TMP")) as tmp:
        from analysis import load_corpus

        if sequential:
            from analysis import build_corpus
            from analysis.segment import Segmenter, tokens_table

            c = stage("build (seq)", lambda: build_corpus(folder))
            stage("tokens (seq)", lambda: tokens_table(c, Segmenter.from_corpus(c)))
            del c
            # the one pass without the cache (no fingerprint, no parquet): comparable with the two above
            stage("one pass, no cache", lambda: build_corpus(folder, tokens=True).tokens)
        corpus = stage("build+tokens", lambda: load_corpus(folder, cache_dir=Path(tmp) / "c", tokens=True))
        tok = corpus.tokens
        rep.update(plans=len(corpus.documents), items=len(corpus.items), tokens=len(tok),
                   terms=len(corpus.segmenter.terms))  # fmt: skip
        if "similarity" in stages:
            from analysis.similarity import similarity_topk

            top = stage("similarity", lambda: similarity_topk(corpus, k=10))
            rep["stages"]["similarity"]["pairs"] = len(top)
        if "themes" in stages:
            from analysis.themes import cluster_items

            res = stage("themes", lambda: cluster_items(corpus, k=10))
            rep["stages"]["themes"]["items"] = len(res.items)
        if "panel" in stages:
            from analysis.panels import dictionary_rates

            panel = stage("panel", lambda: dictionary_rates(corpus, "gov", by=("province", "year"), n_jobs=2))
            rep["stages"]["panel"]["rows"] = len(panel)
    return rep


def table(reports: list[dict]) -> str:
    names = list(dict.fromkeys(s for r in reports for s in r["stages"]))
    head = (
        "| set | reports | chars | tokens | jieba s | " + " | ".join(names) + " | peak MB (main / worker) |"
    )
    lines = [head, "|---|---:|---:|---:|---:|" + "---:|" * len(names) + "---:|"]
    for r in reports:
        cells = [f"{r['stages'][s]['ratio']}×" if s in r["stages"] else "–" for s in names]
        peak = max(v["peak_mb"] for v in r["stages"].values())
        kids = max(v["worker_peak_mb"] for v in r["stages"].values())
        lines.append(f"| {r['set']} | {r['plans']:,} | {r['chars']:,} | {r['tokens']:,} | {r['jieba_seconds']} | "
                     + " | ".join(cells) + f" | {peak:,} / {kids:,} |")  # fmt: skip
    lines.append("")
    lines.append("Peak MB after each stage (main process, cumulative):")
    lines.append("")
    for r in reports:
        lines.append(f"- {r['set']}: " + ", ".join(f"{s} {v['peak_mb']:,}" for s, v in r["stages"].items()))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gov", help="a checkout of lawtext/gov")
    ap.add_argument("--set", dest="sets", action="append", choices=sorted(SETS))
    ap.add_argument("--stages", default="similarity,themes,panel")
    ap.add_argument(
        "--sequential", default="", help="sets (comma-separated) where the sequential path is timed too"
    )
    ap.add_argument("--scratch", default="/tmp/scale-build")
    ap.add_argument("--out", help="markdown report")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    stages = args.stages.split(",") if args.stages else []
    if args.one:
        rep = run(Path(args.one), stages, bool(args.sequential))
        print(json.dumps(rep))
        return
    reports = []
    for which in args.sets or ["cities"]:
        folder = folder_for(Path(args.gov), which, Path(args.scratch))
        print(f"{which}: {folder}", flush=True)
        cmd = [sys.executable, __file__, args.gov, "--one", str(folder), "--stages", ",".join(stages)]
        done = subprocess.run(
            cmd + (["--sequential", "1"] if which in args.sequential.split(",") else []),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(done.stderr[-3000:])
        lines = done.stdout.strip().splitlines()
        print("\n".join(lines[:-1]), flush=True)
        rep = json.loads(lines[-1])
        rep["set"] = which
        reports.append(rep)
    md = table(reports)
    print(md)
    if args.out:
        head = (f"# Scale on real reports (`benchmarks/scale_gov.py`)\n\nMeasured {datetime.date.today()} on a "
                f"shared 2-core machine ({os.cpu_count()} cores seen), rjieba installed; ratios to one plain "
                "single-core `jieba.lcut` pass over the same texts.\n\n")  # fmt: skip
        Path(args.out).write_text(head + md + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
