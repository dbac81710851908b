"""Real-world evaluation: the parser on real plan pages against values read by hand.

The page texts are not in the repository (they are other people's texts): save each page's
text as ``pages/<file>`` (the ``file`` column of ``expected.csv``; the ``url`` column says
where it came from), then run::

    python benchmarks/realworld/evaluate.py [PAGES_DIR] [--label after]

It builds the corpus from the folder, compares each page with ``expected.csv`` and writes
``results_<label>.csv`` (the parser's values, no texts) and prints a Markdown summary.
In ``expected.csv`` a ``-`` means "not scored" and an empty cell means "should be missing".
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _norm(text) -> str:
    """Compare titles without whitespace and character width (（2篇） = (2篇))."""
    import unicodedata

    return (
        unicodedata.normalize("NFKC", re.sub(r"\s+", "", str(text)))
        if text is not None and text == text
        else ""
    )


def evaluate(pages: Path, label: str) -> list[dict]:
    from analysis.corpus import build_corpus

    expected = list(csv.DictReader(open(HERE / "expected.csv", encoding="utf-8")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = build_corpus(pages)
    docs = {r["source_file"]: r for r in corpus.documents.to_dict("records")}
    rows = []
    for e in expected:
        d = docs.get(e["file"], {})
        status = d.get("status", "missing")
        n_sec, n_items = int(d.get("n_sections", 0) or 0), int(d.get("n_items", 0) or 0)
        year = d.get("year")
        year = None if year is None or year != year else int(year)
        region = d.get("region")
        region = None if region is None or region != region or not str(region).strip() else str(region)
        if e["n_sections"] == "0" and e["n_items"] == "0":
            structure = status != "ok" or (n_sec == 0 and n_items == 0)
        else:
            structure = status == "ok"
            if e["n_sections"] != "-":
                structure &= n_sec == int(e["n_sections"])
            if e["n_items"] != "-":
                structure &= abs(n_items - int(e["n_items"])) <= 1
        year_ok = None if e["year"] == "-" else (year is None if e["year"] == "" else year == int(e["year"]))
        title_ok = None if e["title"] == "-" else _norm(d.get("title")) == _norm(e["title"])
        level = d.get("level") if isinstance(d.get("level"), str) else None
        level_ok = None if e["level"] == "-" else (level or "") == e["level"]
        invented = region is not None and region != e["region"]
        has_summary = bool(d.get("has_summary", False))
        summary_ok = None if e["has_summary"] == "-" else has_summary == (e["has_summary"] == "1")
        rows.append(
            {
                "file": e["file"], "label": label, "status": status, "n_sections": n_sec, "n_items": n_items,
                "title": d.get("title"), "year": year, "region": region, "level": level,
                "has_summary": has_summary, "structure_ok": structure, "year_ok": year_ok,
                "title_ok": title_ok, "level_ok": level_ok, "region_invented": invented,
                "summary_ok": summary_ok,
            }
        )  # fmt: skip
    return rows


def summary(rows: list[dict]) -> dict[str, str]:
    def share(key: str) -> str:
        scored = [r[key] for r in rows if r[key] is not None]
        return f"{sum(scored)}/{len(scored)} ({sum(scored) / len(scored):.0%})" if scored else "–"

    both = [r for r in rows if r["year_ok"] is not None]
    ok_both = sum(1 for r in both if r["structure_ok"] and r["year_ok"])
    return {
        "pages": str(len(rows)),
        "structure right": share("structure_ok"),
        "year right": share("year_ok"),
        "structure and year right": f"{ok_both}/{len(both)} ({ok_both / len(both):.0%})",
        "title right": share("title_ok"),
        "level right": share("level_ok"),
        "summary part detected": share("summary_ok"),
        "invented region": str(sum(r["region_invented"] for r in rows)),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("pages", nargs="?", default=str(HERE / "pages"))
    p.add_argument("--label", default="after")
    args = p.parse_args(argv)
    pages = Path(args.pages)
    if not pages.is_dir():
        sys.exit(f"no pages folder at {pages}: save the pages listed in expected.csv there first")
    rows = evaluate(pages, args.label)
    out = HERE / f"results_{args.label}.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"| measure | {args.label} |\n|---|---|")
    for k, v in summary(rows).items():
        print(f"| {k} | {v} |")
    print(f"\nper-page results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
