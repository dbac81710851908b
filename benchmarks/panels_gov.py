"""Attention panel on real government work reports: 31 provincial-level regions × several years.

Reads the reports of the provinces and autonomous regions and of the four municipalities
(北京, 上海, 天津, 重庆, filed under 主要城市) from a checkout of the public repository
``lawtext/gov`` (never committed here), builds a corpus in a temporary folder, and writes the
panel (long and wide CSV/Parquet), the heatmaps and the small multiples, and a summary with
substring vs token counts.

    python benchmarks/panels_gov.py /path/to/gov --years 2018-2024 --out /tmp/panel_gov
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
from analysis.figures import save
from analysis.panels import dictionary_rates, export_panel, shipped_dictionary
from analysis.plots import plot_attention_panel

MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def gov_folder(gov: Path, years: range, dest: Path) -> Path:
    """Copy the provincial-level reports of ``years`` into ``dest`` with a manifest."""
    files = [f for f in sorted((gov / "政府工作报告-省自治区").glob("*/*.md"))]
    files += [f for m in MUNICIPALITIES for f in sorted((gov / "政府工作报告-主要城市" / m).glob("*.md"))]
    rows = []
    for f in files:
        if not f.stem.isdigit() or int(f.stem) not in years:
            continue
        name = f"{f.parent.name}_{f.stem}.md"
        shutil.copy(f, dest / name)
        rows.append({"file": name, "region": f.parent.name, "province": f.parent.name, "level": "province",
                     "year": int(f.stem)})  # fmt: skip
    pd.DataFrame(rows).to_csv(dest / "manifest.csv", index=False)
    return dest


def naive_count(text: str, terms) -> int:
    """An independent count: walk the text, try the terms longest first at each position, skip what matched."""
    ordered = sorted(set(terms), key=len, reverse=True)
    first = {t[0] for t in ordered}
    i = n = 0
    while i < len(text):
        if text[i] in first:
            hit = next((t for t in ordered if text.startswith(t, i)), None)
            if hit:
                n, i = n + 1, i + len(hit)
                continue
        i += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gov", type=Path, help="checkout of lawtext/gov")
    ap.add_argument("--years", default="2018-2024")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    a, b = (int(x) for x in args.years.split("-"))
    tmp = gov_folder(args.gov, range(a, b + 1), Path(tempfile.mkdtemp()))
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = build_corpus(tmp)
    t_build = time.perf_counter() - t
    d = shipped_dictionary("gov")
    t = time.perf_counter()
    rates = dictionary_rates(corpus, d, by=("region", "year"))
    t_rates = time.perf_counter() - t
    per_plan = dictionary_rates(corpus, d, by=("doc_id",))
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    mismatches = sum(
        int(r.count != naive_count(bodies[r.doc_id], d[r.category])) for r in per_plan.itertuples()
    )
    args.out.mkdir(parents=True, exist_ok=True)
    files = export_panel(rates, args.out / "panel_gov")
    figs = args.out / "figures"
    for cat in ("数字经济", "生态"):
        save(plot_attention_panel(rates, cat), f"panel_heatmap_{cat}", figs, close=True)
        save(plot_attention_panel(rates, cat, kind="lines"), f"panel_lines_{cat}", figs, close=True)
    save(plot_attention_panel(rates), "panel_heatmap_all", figs, close=True)
    by_year = dictionary_rates(corpus, d, by=("year",)).assign(
        region=f"{corpus.documents.region.nunique()} 地区合计"
    )
    save(plot_attention_panel(by_year, kind="lines"), "panel_lines_by_year", figs, close=True)
    by_year.to_csv(args.out / "by_year.csv", index=False)
    t = time.perf_counter()
    tok = dictionary_rates(corpus, d, by=("doc_id",), match="tokens")
    t_tok = time.perf_counter() - t
    share = (tok.groupby("category")["count"].sum() / per_plan.groupby("category")["count"].sum()).round(3)
    n = len(corpus.documents)
    by_all = dictionary_rates(corpus, d, by=("level",))
    by_all = by_all.set_index("category")[["count", "total", "rate", "ci_low", "ci_high", "n_docs"]].round(2)
    by_all["cells"] = rates.groupby("category", sort=False).size()
    lines = [
        f"# Attention panel on {n} provincial-level government work reports, {a}–{b}", "",
        f"- regions: {corpus.documents.region.nunique()}, years: {corpus.documents.year.nunique()}",
        f"- build corpus: {t_build:.1f} s; dictionary_rates (text, region × year): {t_rates:.2f} s; "
        f"tokens (incl. segmentation): {t_tok:.1f} s",
        f"- files: {', '.join(p.name for p in files)}",
        f"- (plan, category) counts differing from an independent longest-first scan of the body: {mismatches} "
        f"of {len(per_plan)}", "",
        "Token counts as a share of substring counts, by category:", "",
        "```", share.to_frame("tokens / substrings").to_string(), "```", "",
        "Rate per 10,000 characters by category over all reports (quasi-Poisson 95% interval, reports as unit),",
        "and cells of the region × year panel (one report each: no interval):", "",
        "```", by_all.to_string(), "```", "",
        "Rate by year, all regions pooled (quasi-Poisson 95% interval over the reports of the year):", "",
        "```", by_year.pivot(index="year", columns="category", values="rate").round(1).to_string(), "```",
        "```", (by_year.ci_high - by_year.ci_low).groupby(by_year.category, sort=False).median().round(1)
        .to_frame("median interval width").to_string(), "```",
    ]  # fmt: skip
    (args.out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
