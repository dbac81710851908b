"""The tokens table's own cost: segment_blocks + merge_columns + tokens_frame, and building a Segmenter.

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/segment_tables.py --plans 1000

Generates ``--plans`` plans (:func:`scale.generate`) in a temporary folder, builds the corpus
(not timed), then times, best of 3, as ratios to one plain ``jieba.lcut`` pass over the same
text in the same process: the bare cut of every plan block (``Segmenter.tokens``), the three
stages as ``build_corpus(tokens=True)`` runs them (one ``segment_blocks`` per plan, then one
merge and one table), and building a segmenter with 100 extra terms again (and with other terms).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path


def best(fn, k: int = 3) -> float:
    """The shortest of ``k`` timings of ``fn()``, seconds."""
    times = []
    for _ in range(k):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import jieba
    from scale import generate

    from analysis.corpus import build_corpus
    from analysis.segment import Segmenter, merge_columns, plan_blocks, segment_blocks, tokens_frame

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=1000)
    n = ap.parse_args().plans
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, n)
        text = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
        corpus = build_corpus(folder, progress=False)
    seg = Segmenter.from_corpus(corpus)
    work = plan_blocks(corpus.blocks)
    by_doc: dict[str, list] = {}
    for w in work:
        by_doc.setdefault(w[0], []).append(w)
    docs = sorted(by_doc)
    tk = jieba.Tokenizer()
    tk.initialize()
    base = best(lambda: tk.lcut(text))
    print(f"{n} plans, {len(text):,} characters; jieba.lcut pass {base:.2f} s (= 1.00)")
    cut = best(lambda: [seg.tokens(b[5]) for b in work])
    state: dict = {}

    def segment() -> None:
        state["parts"] = [segment_blocks(seg, by_doc[d]) for d in docs]

    def merge() -> None:
        state["merged"] = merge_columns(state["parts"])

    def table() -> None:
        state["table"] = tokens_frame(state["merged"], seg)

    stages = {"segment_blocks": best(segment), "merge_columns": best(merge), "tokens_frame": best(table)}
    total = sum(stages.values())
    print(f"  bare cut ({seg.engine})       {cut / base:.3f}")
    for name, t in stages.items():
        print(f"  {name:<22} {t / base:.3f}")
    print(f"  all three              {total / base:.3f}  ({len(state['table']):,} rows)")
    print(f"  beyond the bare cut    {(total - cut) / base:.3f}")
    extra = {f"测试词语{i}号": "discovered" for i in range(100)}
    Segmenter(extra_terms=extra)
    again = best(lambda: Segmenter(extra_terms=extra))
    other = best(lambda: Segmenter(extra_terms={**extra, f"其他词语{time.perf_counter_ns()}": "quoted"}))
    print(f"Segmenter, 100 extra terms: again {again:.4f} s, with other terms {other:.3f} s")


if __name__ == "__main__":
    main()
