"""Time of the cleaner (and the whole read → clean → parse of one file) on hostile long inputs.

    .venv/bin/python benchmarks/clean_scale.py [--mb 1 3 6] [--nav-lines 8000 32000] [--stage clean|parse]

Issue 20 point 6: the cleaner was quadratic in the edits of one line (a one-line plan of
6.8 MB took 55 s) and in the reader edits of one document (a web page of 32,000 navigation
lines, 44 s). Cases:

- ``one-line``: a plan with no line break at all, full of half-width commas in Chinese context
  (one ``punctuation_width`` edit every ~20 characters), of the given size in MB (UTF-8).
- ``nav``: a plan preceded by N short navigation lines that a reader removed (``html_navigation``
  pre-edits), as trafilatura leaves on a saved portal page.

Each case runs in this process, one after another; the time is wall clock on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import time

from analysis.clean import Edit, clean_text
from analysis.parse import parse_plan

SENTENCE = "深入学习贯彻党的二十大精神,组织团员青年开展主题教育,推动学习走深走实。"


def one_line(mb: float) -> str:
    n = int(mb * 2**20 / len(SENTENCE.encode("utf-8")))
    return "某市共青团2023年工作要点 一、加强思想引领 " + SENTENCE * n


def navigation(n_lines: int) -> tuple[str, list[Edit]]:
    nav = [f"栏目{i % 97}" for i in range(n_lines)]
    plan = ["某市共青团2023年工作要点", "一、加强思想引领"] + [f"{i}.{SENTENCE}" for i in range(1, 200)]
    lines = nav + plan
    text = "\n".join(lines)
    edits, pos = [], 0
    for ln in nav:
        edits.append(Edit(pos, pos + len(ln), "", "html_navigation", ln))
        pos += len(ln) + 1
    return text, edits


def run(label: str, text: str, edits, stage: str) -> None:
    t = time.perf_counter()
    r = clean_text(text, pre_edits=edits)
    t_clean = time.perf_counter() - t
    t_parse = float("nan")
    if stage == "parse":
        t = time.perf_counter()
        parse_plan(r.body, r.title_index)
        t_parse = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"| {label} | {len(text.encode('utf-8')) / 2**20:.1f} | {len(r.edits):,} | {t_clean:.1f} | "
        f"{t_parse:.1f} | {peak:,.0f} |",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, nargs="*", default=[1, 3, 6])
    ap.add_argument("--nav-lines", type=int, nargs="*", default=[8000, 32000])
    ap.add_argument("--stage", choices=["clean", "parse"], default="clean")
    args = ap.parse_args()
    print("| case | MB | edits | clean s | parse s | peak MB |\n|---|---:|---:|---:|---:|---:|")
    for mb in args.mb:
        run(f"one line, {mb:g} MB", one_line(mb), (), args.stage)
    for n in args.nav_lines:
        text, edits = navigation(n)
        run(f"{n:,} navigation lines", text, edits, args.stage)


if __name__ == "__main__":
    main()
