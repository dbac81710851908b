"""Default number of themes: time, chosen k and validity on the seeds (issue 19 §1).

    PYTHONPATH=src .venv/bin/python benchmarks/themes_k.py                  # the seeds, random states 0–4
    PYTHONPATH=src .venv/bin/python benchmarks/themes_k.py --raw PATH --states 0   # another folder (time, k only)

For each random state: wall-clock and CPU seconds of ``cluster_items(corpus)`` (the default:
``select_k`` over k = 3…12) and the chosen k. On the seeds, for every k in 2…12: NMI and AMI of
the themes with the plans' top-level sections coded into seven macro-areas (the coding below, by
hand from the 26 headings) and with the city. Machines are shared: read CPU seconds.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from analysis import load_corpus
from analysis.themes import cluster_items, item_documents

# seven macro-areas of the seeds' top-level sections, in section order
# ideo 思想引领 · dev 服务大局/建功 · serve 服务青年/急难愁盼 · grass 基层组织 · reform 改革 ·
# self 从严治团/自身建设 · congress 团代会/少代会
MACRO = {
    "beijing_2023": "ideo dev serve grass self congress",
    "chongqing_2023": "ideo dev serve reform self",
    "guyuan_2023": "ideo dev serve self",
    "mianyang_2023": "ideo dev grass serve reform self",
    "sichuan_2021": "ideo dev grass reform self",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", default=None)
    ap.add_argument("--states", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    args = ap.parse_args()
    corpus = load_corpus(args.raw)
    print("| random state | chosen k | wall s | CPU s |\n|---:|---:|---:|---:|")
    for rs in args.states:
        t, c = time.time(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            r = cluster_items(corpus, random_state=rs)
        print(f"| {rs} | {r.k} | {time.time() - t:.1f} | {time.process_time() - c:.1f} |")
    if args.raw is not None:
        return
    items = item_documents(corpus)
    macro = np.array([MACRO[d].split()[int(s) - 1] for d, s in zip(items.doc_id, items.section_no)])
    rows = []
    for k in range(2, 13):
        th = cluster_items(corpus, k=k).items.theme.to_numpy()
        rows.append({
            "k": k,
            "NMI macro": normalized_mutual_info_score(macro, th),
            "AMI macro": adjusted_mutual_info_score(macro, th),
            "NMI city": normalized_mutual_info_score(items.doc_id, th),
            "AMI city": adjusted_mutual_info_score(items.doc_id, th),
        })  # fmt: skip
    table = pd.DataFrame(rows).round(3)
    print("\n| " + " | ".join(table.columns) + " |\n|" + "---:|" * table.shape[1])
    for r in table.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in r) + " |")


if __name__ == "__main__":
    main()
