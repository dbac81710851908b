"""Scale benchmark: 100 / 1,000 / 10,000 generated plans, each stage as a ratio to plain jieba.

    .venv/bin/python benchmarks/scale.py --plans 100 1000 --out benchmarks/scale.json
    .venv/bin/python benchmarks/scale.py --plans 10000 --stages build,tokens,reuse

``build+tokens`` is the one parallel pass (``load_corpus(tokens=True)``: read, clean, parse and
segment in each worker); ``build`` then ``tokens`` the two-step path. Plans are generated with real heading structure (一、 / 1.), sentences recombined from a
policy vocabulary (so plans differ), shared political formulae in most plans, and passages of
40–120 characters **planted** in 2–6 plans each at recorded places. Each size runs in a fresh
subprocess, so its peak memory (ru_maxrss) is its own. Every time is divided by one plain
``jieba.lcut`` pass over the same text in the same process. Machines are shared and noisy:
read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

CN = "一二三四五六七八九十"
FORMULAE = [
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "全面贯彻落实党的二十大精神",
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "深刻领悟“两个确立”的决定性意义",
    "坚持党建带团建，全面从严治团",
]
WORDS = (
    "青年 团员 少先队 志愿服务 乡村振兴 就业 创业 思想引领 基层组织 网络 宣传 文化 体育 心理健康 "
    "权益 维护 学校 社区 企业 非公 新兴领域 统筹 推进 深化 落实 完善 机制 平台 品牌 活动 阵地 "
    "队伍 建设 培训 骨干 实践 服务 发展 城市 农村 留守儿童 困难 帮扶 科技 创新 人才 交流 合作 "
    "安全 法治 生态 环保 文明 健康 教育 改革 考核 评价 数字化 智慧团建 青年之家 红领巾 关爱"
).split()


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11))) + "。"


def generate(folder: Path, n: int, seed: int = 0) -> list[dict]:
    """Write ``n`` plans to ``folder``; return the planted passages (text and the plans holding it)."""
    rng = random.Random(seed)
    n_passages = max(3, n // 2)
    passages = []
    for p in range(n_passages):
        text = "".join(sentence(rng) for _ in range(rng.randint(3, 6)))[: rng.randint(40, 120)]
        holders = sorted(rng.sample(range(n), min(n, rng.randint(2, 6))))
        passages.append({"id": p, "text": text, "plans": [f"plan_{h:05d}" for h in holders]})
    planted: dict[int, list[str]] = {}
    for p in passages:
        for h in p["plans"]:
            planted.setdefault(int(h[5:]), []).append(p["text"])
    for i in range(n):
        lines = [
            f"共青团某地{i}委员会{2015 + i % 10}年工作要点",
            "总体要求：" + "，".join(rng.sample(FORMULAE, 3)) + "。",
        ]
        extra = list(planted.get(i, []))
        item = 0
        for s in range(rng.randint(4, 6)):
            lines.append(f"{CN[s]}、{rng.choice(WORDS)}{rng.choice(WORDS)}工作")
            for _ in range(rng.randint(4, 7)):
                item += 1
                body = "".join(sentence(rng) for _ in range(rng.randint(3, 7)))
                if extra and rng.random() < 0.5:
                    body += extra.pop()
                lines.append(f"{item}.{body}")
        for text in extra:  # passages not placed yet go in a last item
            item += 1
            lines.append(f"{item}.{text}")
        (folder / f"plan_{i:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return passages


def recall(reuse, passages: list[dict]) -> float:
    """Share of planted (passage, plan pair) occurrences covered by a found passage."""
    found = {}
    for r in reuse.itertuples():
        found.setdefault((r.doc_a, r.doc_b), []).append(r.text_a + "\n" + r.text_b)
    hit = total = 0
    core = lambda t: t[5:-5]  # noqa: E731  (ends may blend with neighbours)
    for p in passages:
        for i, a in enumerate(p["plans"]):
            for b in p["plans"][i + 1 :]:
                total += 1
                hit += any(core(p["text"]) in t for t in found.get((a, b), []))
    return hit / total if total else float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(n: int, stages: list[str], workdir: Path) -> dict:
    import jieba

    from analysis import load_corpus

    warnings.simplefilter("ignore")
    raw, cache = workdir / "raw", workdir / "cache"
    raw.mkdir(parents=True, exist_ok=True)
    passages = generate(raw, n)
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(raw.glob("*.txt")))
    tk = jieba.Tokenizer()
    tk.initialize()
    t = time.perf_counter()
    tk.lcut(text)
    base = time.perf_counter() - t
    report = {"plans": n, "chars": len(text), "jieba_seconds": round(base, 2), "stages": {}}

    def stage(name, fn):
        if name not in stages:
            return None
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        report["stages"][name] = {
            "seconds": round(dt, 2),
            "ratio": round(dt / base, 2),
            "peak_mb": round(peak_mb()),
        }
        print(
            f"  {n:>6} plans  {name:<10} {dt:8.1f}s  {dt / base:7.2f}×  peak {peak_mb():,.0f} MB", flush=True
        )
        return out

    build = lambda: load_corpus(raw, cache_dir=cache, tokens=False)  # noqa: E731
    corpus = stage("build", build) or build()
    stage("load", lambda: load_corpus(raw, cache_dir=cache))
    stage("tokens", lambda: corpus.tokens)
    # read, clean, parse and segment in one parallel pass (lexicon from a sample of plans)
    stage("build+tokens", lambda: load_corpus(raw, cache_dir=workdir / "cache1", tokens=True).tokens)
    if "keyness" in stages:
        from analysis.keywords import frequency, keyness

        stage(
            "keyness",
            lambda: (frequency(corpus, by="doc_id"), keyness(corpus, by="doc_id", target=corpus.doc_ids[0])),
        )
    if "similarity" in stages:
        from analysis.similarity import similarity_matrix

        stage("similarity", lambda: similarity_matrix(corpus, "document", "tfidf_cosine"))
    if "topk" in stages:
        from analysis.similarity import similarity_topk

        stage("topk", lambda: similarity_topk(corpus, k=10))
    if "reuse" in stages:
        from analysis.reuse import find_reuse

        found = stage("reuse", lambda: find_reuse(corpus, boilerplate="include"))
        report["stages"]["reuse"]["passages"] = len(found)
        report["stages"]["reuse"]["recall"] = round(recall(found, passages), 4)
    if "themes" in stages:
        from analysis.themes import cluster_items

        stage("themes", lambda: cluster_items(corpus, k=8))
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--stages", default="build,load,tokens,build+tokens,keyness,similarity,topk,reuse,themes")
    ap.add_argument("--out", default=None, help="JSON report")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size here
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    stages = args.stages.split(",")
    if args.one:
        print(json.dumps(run_size(args.one, stages, Path(args.workdir))))
        return
    reports = []
    for n in args.plans:
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--stages", args.stages, "--workdir", tmp],
                capture_output=True, text=True,
            )  # fmt: skip
            sys.stderr.write(done.stderr[-2000:] if done.returncode else "")
            lines = done.stdout.strip().splitlines()
            print("\n".join(lines[:-1]))
            reports.append(json.loads(lines[-1]))
    if args.out:
        Path(args.out).write_text(json.dumps(reports, indent=1, ensure_ascii=False), encoding="utf-8")
    print("\n| plans | chars | jieba s | " + " | ".join(stages) + " | reuse recall | peak MB |")
    print("|---:|---:|---:|" + "---:|" * len(stages) + "---:|---:|")
    for r in reports:
        cells = [f"{r['stages'][s]['ratio']}×" if s in r["stages"] else "–" for s in stages]
        rec = r["stages"].get("reuse", {}).get("recall", "–")
        peak = max((v["peak_mb"] for v in r["stages"].values()), default=0)
        print(
            f"| {r['plans']:,} | {r['chars']:,} | {r['jieba_seconds']} | "
            + " | ".join(cells)
            + f" | {rec} | {peak:,} |"
        )


if __name__ == "__main__":
    main()
