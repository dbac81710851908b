"""Reuse at scale: ``find_reuse`` on N generated plans, as a ratio to a plain jieba pass.

    PYTHONPATH=src .venv/bin/python benchmarks/reuse_scale.py --plans 100 1000
    PYTHONPATH=src .venv/bin/python benchmarks/reuse_scale.py --plans 1000 --n-jobs 1   # one core
    PYTHONPATH=src .venv/bin/python benchmarks/reuse_scale.py --plans 1000 --max-df 100  # cap in plans

Each size runs in a fresh subprocess (so its peak memory is its own) and:

1. writes N plans of about 4,000 characters with real heading structure (一、 / （一） / 1.),
   sentences recombined from a policy vocabulary, political formulae (深入学习贯彻习近平新时代
   中国特色社会主义思想 …) in most plans, and passages of 40–120 characters **planted** in 2–6
   plans each, at recorded places;
2. builds the corpus (not timed) and times one plain ``jieba.lcut`` pass over the same text;
3. times ``find_reuse(corpus, boilerplate="include")`` (boilerplate flagged in the same call;
   ``--n-jobs`` and ``--max-df`` are passed on);
4. reports the ratio, the recall of the planted passages (each planted pair of plans counts
   once: found when one passage covers the planted span in both plans, give or take two
   characters at either end) and the peak resident memory of the process.

Machines are shared and noisy: read the ratios, not the seconds.
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
    "牢牢把握共青团的政治性、先进性、群众性",
]
WORDS = (
    "青年 团员 少先队 志愿服务 乡村振兴 就业 创业 思想引领 基层组织 网络 宣传 文化 体育 心理健康 "
    "权益 维护 学校 社区 企业 非公 新兴领域 统筹 推进 深化 落实 完善 机制 平台 品牌 活动 阵地 "
    "队伍 建设 培训 骨干 实践 服务 发展 城市 农村 留守儿童 困难 帮扶 科技 创新 人才 交流 合作 "
    "安全 法治 生态 环保 文明 健康 教育 改革 考核 评价 数字化 智慧团建 青年之家 红领巾 关爱"
).split()
SLACK = 2  # characters a found passage may fall short of a planted one at either end


def sentence(rng: random.Random) -> str:
    """A random clause of 5–11 policy words, ending in 。"""
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11))) + "。"


def generate(folder: Path, n: int, seed: int = 0, chars: int = 4000) -> list[dict]:
    """Write ``n`` plans to ``folder``; return the planted passages (text and plans holding it)."""
    rng = random.Random(seed)
    passages = []
    for p in range(max(3, n // 2)):
        text = "".join(sentence(rng) for _ in range(6))[: rng.randint(40, 120)].rstrip("。") + "。"
        holders = sorted(rng.sample(range(n), min(n, rng.randint(2, 6))))
        passages.append({"id": p, "text": text, "plans": [f"plan_{h:05d}" for h in holders]})
    planted: dict[int, list[str]] = {}
    for p in passages:
        for h in p["plans"]:
            planted.setdefault(int(h[5:]), []).append(p["text"])
    for i in range(n):
        formulae = [f for f in FORMULAE if rng.random() < 0.9]
        lines = [f"共青团某地{i}委员会{2015 + i % 10}年工作要点", "总体要求：" + "，".join(formulae) + "。"]
        extra = list(planted.get(i, []))
        size, item, section = sum(map(len, lines)), 0, 0
        while size < chars:
            lines.append(f"{CN[section % 10]}、{rng.choice(WORDS)}{rng.choice(WORDS)}工作")
            for sub in range(rng.randint(2, 3)):
                lines.append(f"（{CN[sub]}）{rng.choice(WORDS)}{rng.choice(WORDS)}")
                for _ in range(rng.randint(2, 4)):
                    item += 1
                    body = "".join(sentence(rng) for _ in range(rng.randint(2, 5)))
                    if extra and rng.random() < 0.3:
                        body += extra.pop()
                    if rng.random() < 0.15:
                        body += rng.choice(FORMULAE) + "。"
                    lines.append(f"{item}.{body}")
                    size += len(lines[-1])
            section += 1
        for text in extra:  # passages not placed yet go in a last item
            item += 1
            lines.append(f"{item}.{text}")
        (folder / f"plan_{i:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return passages


def recall(corpus, reuse, passages: list[dict]) -> float:
    """Share of planted (passage, pair of plans) found: one passage covers both planted spans."""
    spans: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
    for r in reuse.itertuples():
        spans.setdefault((r.doc_a, r.doc_b), []).append((r.start_a, r.end_a, r.start_b, r.end_b))
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    hit = total = 0
    for p in passages:
        core = p["text"].rstrip("。")
        where = {d: bodies[d].find(core) for d in p["plans"]}
        for i, a in enumerate(p["plans"]):
            for b in p["plans"][i + 1 :]:
                total += 1
                sa, sb = where[a], where[b]
                ea, eb = sa + len(core), sb + len(core)
                hit += any(
                    s0 <= sa + SLACK and e0 >= ea - SLACK and s1 <= sb + SLACK and e1 >= eb - SLACK
                    for s0, e0, s1, e1 in spans.get((a, b), [])
                )
    return hit / total if total else float("nan")


def peak_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(n: int, workdir: Path, n_jobs: int | None = None, max_df: float | int | str = "auto") -> dict:
    """Generate, build, time jieba and ``find_reuse`` on ``n`` plans; return the figures."""
    import jieba

    from analysis import load_corpus
    from analysis.reuse import find_reuse

    warnings.simplefilter("ignore")
    raw = workdir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    passages = generate(raw, n)
    corpus = load_corpus(raw, cache_dir=workdir / "cache")
    _ = corpus.blocks
    text = "".join(corpus.documents.body)
    tk = jieba.Tokenizer()
    tk.initialize()
    t = time.perf_counter()
    tk.lcut(text)
    base = time.perf_counter() - t
    before = peak_mb()
    t = time.perf_counter()
    found = find_reuse(corpus, boilerplate="include", n_jobs=n_jobs, max_df=max_df)
    dt = time.perf_counter() - t
    return {
        "plans": n,
        "n_jobs": n_jobs or "all",
        "max_df": max_df,
        "chars": len(text),
        "jieba_s": round(base, 2),
        "reuse_s": round(dt, 2),
        "ratio": round(dt / base, 2),
        "passages": len(found),
        "boilerplate": int(found.boilerplate.sum()),
        "recall": round(recall(corpus, found, passages), 4),
        "peak_mb_before": round(before),
        "peak_mb": round(peak_mb()),
    }


def main() -> None:
    """Run each size in a subprocess and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--out", default=None, help="JSON report")
    ap.add_argument("--n-jobs", type=int, default=None, help="alignment processes (default: all cores)")
    ap.add_argument(
        "--max-df", default="auto", help='find_reuse max_df: "auto", a share (0.5) or plans (100)'
    )
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size here
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        max_df = (
            args.max_df
            if args.max_df == "auto"
            else (float(args.max_df) if "." in args.max_df else int(args.max_df))
        )
        print(json.dumps(run_size(args.one, Path(args.workdir), args.n_jobs, max_df)))
        return
    reports = []
    for n in args.plans:
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--workdir", tmp, "--max-df", args.max_df]
                + (["--n-jobs", str(args.n_jobs)] if args.n_jobs else []),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.stderr.write(done.stderr[-3000:])
                raise SystemExit(done.returncode)
            reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(reports[-1], flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(reports, indent=1), encoding="utf-8")
    cols = ["plans", "n_jobs", "max_df", "chars", "jieba.lcut s", "find_reuse s", "ratio", "passages",
            "boilerplate", "recall", "peak MB"]  # fmt: skip
    print("\n| " + " | ".join(cols) + " |\n|" + "---:|" * len(cols))
    for r in reports:
        cells = [f"{r['plans']:,}", r["n_jobs"], r["max_df"], f"{r['chars']:,}", r["jieba_s"], r["reuse_s"],
                 f"**{r['ratio']}×**", f"{r['passages']:,}", f"{r['boilerplate']:,}", r["recall"], f"{r['peak_mb']:,}"]  # fmt: skip
        print("| " + " | ".join(map(str, cells)) + " |")


if __name__ == "__main__":
    main()
