"""Benchmarks, reported as ratios to a plain ``jieba.lcut`` pass over the same text in the same run.

    .venv/bin/python benchmarks/bench.py [--sizes 5 20 50 100]

Machines here are shared and noisy, so the absolute seconds matter less than the ratios.
Synthetic corpora of N plans are made by sampling seed items (with a few characters changed in
each copy), so that they contain realistic amounts of shared and near-verbatim text.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import jieba

from analysis import build_corpus, load_corpus
from analysis.reuse import find_reuse
from analysis.segment import Segmenter, tokens_table


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def synthetic_corpus(folder: Path, n: int, seed: int = 0) -> None:
    seeds = load_corpus()
    items = seeds.items.text.tolist()
    headings = seeds.sections[seeds.sections.level == 1].title.tolist()
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x9FA0, 13)]
    for i in range(n):
        lines = [f"某地{i}共青团2023年工作要点", "总体思路是：团结奋斗。"]
        k = 0
        for cn in "一二三四五":
            lines.append(f"{cn}、{rng.choice(headings)}")
            for _ in range(rng.randint(3, 6)):
                k += 1
                text = rng.choice(items).split(".", 1)[-1].split("、", 1)[-1]
                chars = list(text)
                for _ in range(max(1, len(chars) // 60)):  # a few local edits per copied item
                    chars[rng.randrange(len(chars))] = rng.choice(alphabet)
                lines.append(f"{k}.{''.join(chars)}")
        (folder / f"plan_{i:04d}.txt").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 50, 100])
    args = ap.parse_args()
    tk = jieba.Tokenizer()
    tk.initialize()
    print("| plans | chars | jieba.lcut s | parse × | tokens × | reuse × | passages |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        tmp = Path(tempfile.mkdtemp())
        synthetic_corpus(tmp, n)
        corpus, t_parse = timed(build_corpus, tmp)
        text = "\n".join(corpus.documents.body)
        _, t_jieba = timed(tk.lcut, text)
        seg, t_seg_init = timed(Segmenter.from_corpus, corpus)
        _, t_tok = timed(tokens_table, corpus, seg)
        reuse, t_reuse = timed(find_reuse, corpus)
        print(f"| {n} | {len(text):,} | {t_jieba:.2f} | {t_parse / t_jieba:.2f} | "
              f"{(t_seg_init + t_tok) / t_jieba:.2f} | {t_reuse / t_jieba:.2f} | {len(reuse):,} |")  # fmt: skip
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
