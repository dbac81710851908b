"""Real-world evaluation on government work reports (政府工作报告) from the ``lawtext/gov`` corpus.

The texts are not in the repository. Check the corpus out (or extract a mirror) and pass its
folder::

    git clone https://github.com/lawtext/gov /tmp/gov   # or: git archive of a mirror
    python benchmarks/realworld_gov/evaluate.py /tmp/gov --label after [--n-prefecture 300]

Three checks, printed as Markdown and written to ``results_<label>.csv`` (no texts):

1. **Read by hand** (``expected.csv``): each report copied into a flat folder under a neutral
   name (``g01.md`` …), so that only the text speaks; region, year, level, speaker, parts
   present and number of priorities compared. ``-`` = not scored, empty = should be missing.
2. **Provincial folder as it is** (``政府工作报告-省自治区/<province>/<year>.md``, nested):
   region and year against the folder and file names, titles free of front matter, and the
   invariants (unique ``section_id``/``item_id`` per document, every item inside its
   section, every table offset inside the body).
3. **Prefecture reports in a flat folder** (``政府工作报告-其他地市``, a fixed sample copied
   as ``doc001.md`` …): year, region and level (against the folder names), at least five
   priorities, review part found.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVINCES = "政府工作报告-省自治区"
PREFECTURES = "政府工作报告-其他地市"


def _build(folder: Path):
    from analysis.corpus import build_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_corpus(folder, progress=False)


def _val(d: dict, key: str):
    v = d.get(key)
    if v is None or v != v or (isinstance(v, str) and not v.strip()):
        return None
    return v


def _stem_year(stem: str) -> int:
    """The year a file is named after (``2023``, ``2021-08`` for a second report that year)."""
    return int(stem[:4])


def _region_of(folder_name: str) -> tuple[str | None, str | None]:
    """Region and level a folder name states, read from the division list itself (GB/T 2260),
    independently of the code under test: the exact full name, else the name without 市."""
    import functools

    @functools.lru_cache(maxsize=1)
    def table() -> tuple[dict, dict]:
        path = HERE.parents[1] / "src" / "analysis" / "data" / "divisions.csv"
        rows = list(csv.DictReader(open(path, encoding="utf-8")))
        return {r["name"]: r for r in rows}, {r["short"]: r for r in rows if r["short"]}

    full, short = table()
    r = full.get(folder_name) or short.get(folder_name.removesuffix("市"))  # 那曲市 (那曲地区 in the list)
    return (r["short"] or r["name"], r["level"]) if r else (None, None)


def check_invariants(corpus) -> list[str]:
    """Problems with ids and offsets, one message each (empty: all hold)."""
    problems = []
    docs = corpus.documents.set_index("doc_id")
    for doc_id, secs in corpus.sections.groupby("doc_id"):
        dup = secs.section_id[secs.section_id.duplicated()].tolist()
        if dup:
            problems.append(f"{doc_id}: duplicate section_id {dup[:3]}")
    for doc_id, items in corpus.items.groupby("doc_id"):
        if items.item_no.duplicated().any():
            problems.append(f"{doc_id}: duplicate item_no")
        secs = corpus.sections[corpus.sections.doc_id == doc_id].sort_values("start")
        if secs.section_id.duplicated().any():
            continue  # already reported; spans are undefined
        # a section's span, computed here from the order of headings: up to the next heading
        # of the same or a higher level (or the end of the body)
        body_len = len(docs.body[doc_id])
        rows = list(secs.itertuples())
        span = {}
        for k, sec in enumerate(rows):
            nxt = next((r.start for r in rows[k + 1 :] if r.level <= sec.level), body_len)
            span[sec.section_id] = (sec.start, nxt)
        for it in items.itertuples():
            if isinstance(it.section_id, str):
                a, b = span.get(it.section_id, (None, None))
                if a is None or not (a <= it.start and it.end <= b):
                    problems.append(f"{doc_id}: item {it.item_no} outside section {it.section_id}")
    for name in ("sections", "items", "sentences", "blocks"):
        t = getattr(corpus, name)
        if len(t) == 0:
            continue
        n = t.doc_id.map(docs.body.str.len())
        bad = t[(t.start < 0) | (t.end > n) | (t.start > t.end)]
        if len(bad):
            problems.append(f"{name}: {len(bad)} rows with offsets outside the body")
    return problems


def hand_read(mirror: Path, label: str) -> tuple[list[dict], list[str]]:
    expected = list(csv.DictReader(open(HERE / "expected.csv", encoding="utf-8")))
    tmp = Path(tempfile.mkdtemp(prefix="gov_hand_"))
    names = {}
    for n, e in enumerate(expected, start=1):
        names[e["file"]] = f"g{n:02d}.md"
        shutil.copyfile(mirror / e["file"], tmp / names[e["file"]])
    corpus = _build(tmp)
    docs = {r["file"]: r for r in corpus.documents.to_dict("records")}
    items = corpus.items
    blocks = corpus.blocks
    rows = []
    for e in expected:
        name = names[e["file"]]
        d = docs.get(name, {})
        doc_id = d.get("doc_id")
        year = _val(d, "year")
        year = int(year) if year is not None else None
        region, level, speaker = _val(d, "region"), _val(d, "level"), _val(d, "speaker")
        parts = _val(d, "parts") or ""
        n_items = int((items.doc_id == doc_id).sum()) if doc_id else 0
        kinds = set(blocks.kind[blocks.doc_id == doc_id]) if doc_id else set()
        found = set(parts.split(",")) if parts else set()
        if "summary" in kinds:
            found.add("review")
        exp_parts = set(e["parts"].split(",")) if e["parts"] else set()
        # items after the first glossary or annex heading line, found in the body by its text
        # (independently of the parser's blocks): they are glossary or annex entries
        glossary_items = 0
        if doc_id and len(items):
            body = d.get("body") or ""
            hit = re.search(r"(?m)^\s*(?:名词解释|注释|名词注释|附件)", body)
            if hit:
                it = items[items.doc_id == doc_id]
                glossary_items = int((it.start >= hit.start()).sum())
        row = {
            "file": e["file"], "label": label, "status": d.get("status", "missing"),
            "region": region, "level": level, "year": year, "issued_date": _val(d, "issued_date"),
            "speaker": speaker, "office": _val(d, "office"), "parts": ",".join(sorted(found)),
            "n_items": n_items, "title": _val(d, "title"),
            "region_ok": (region or "") == e["region"],
            "region_invented": region is not None and region != e["region"],
            "level_ok": (level or "") == e["level"],
            "year_ok": year == (int(e["year"]) if e["year"] else None),
            "speaker_ok": None if e["speaker"] == "-" else (speaker or "") == e["speaker"],
            "parts_ok": found == exp_parts,
            "items_ok": abs(n_items - int(e["n_items"])) <= (0 if int(e["n_items"]) < 5 else 1),
            "glossary_items": glossary_items,
        }  # fmt: skip
        rows.append(row)
    problems = check_invariants(corpus)
    shutil.rmtree(tmp, ignore_errors=True)
    return rows, problems


def provincial(mirror: Path) -> dict:
    folder = mirror / PROVINCES
    t0 = time.perf_counter()
    corpus = _build(folder)
    secs = time.perf_counter() - t0
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    docs = {r["file"]: r for r in corpus.documents.to_dict("records")}
    region_ok = year_ok = title_clean = 0
    wrong = []
    for rel in files:
        d = docs.get(rel) or docs.get(Path(rel).name) or {}
        want_region, _ = _region_of(rel.split("/")[0])
        want_year = _stem_year(Path(rel).stem)
        r_ok = _val(d, "region") == want_region
        y = _val(d, "year")
        y_ok = y is not None and int(y) == want_year
        t = str(_val(d, "title") or "")
        title_clean += bool(d) and not t.startswith(("title:", "title：", "---")) and "source:" not in t
        region_ok += r_ok
        year_ok += y_ok
        if not (r_ok and y_ok):
            wrong.append(f"{rel}: region {_val(d, 'region')}, year {y}")
    conflicts = [
        f"{r['file']}: {r['metadata_conflicts']}"
        for r in docs.values()
        if isinstance(r.get("metadata_conflicts"), str) and r["metadata_conflicts"]
    ]
    return {
        "n_files": len(files), "n_docs": len(corpus.documents), "n_errors": len(corpus.errors),
        "region_ok": region_ok, "year_ok": year_ok, "title_clean": title_clean, "wrong": wrong,
        "conflicts": conflicts, "problems": check_invariants(corpus), "seconds": round(secs, 1),
        "n_recent": sum(1 for f in files if 2018 <= _stem_year(Path(f).stem) <= 2024),
    }  # fmt: skip


def provincial_flat(mirror: Path) -> dict:
    """The provincial reports of 2018–2024 copied flat as ``<province>_<year>.md`` (the text
    alone must give region and year; the file name is not read as metadata)."""
    folder = mirror / PROVINCES
    tmp = Path(tempfile.mkdtemp(prefix="gov_prov_"))
    truth = {}
    for p in sorted(folder.rglob("*.md")):
        if 2018 <= _stem_year(p.stem) <= 2024:
            name = f"p{len(truth) + 1:03d}.md"
            shutil.copyfile(p, tmp / name)
            truth[name] = (p.parent.name, _stem_year(p.stem))
    corpus = _build(tmp)
    docs = {r["file"]: r for r in corpus.documents.to_dict("records")}
    out = {"n": len(truth), "region_ok": 0, "year_ok": 0, "title_glued": 0, "wrong": []}
    for name, (prov, year) in truth.items():
        d = docs.get(name, {})
        y = _val(d, "year")
        r_ok = _val(d, "region") == _region_of(prov)[0]
        y_ok = y is not None and int(y) == year
        out["region_ok"] += r_ok
        out["year_ok"] += y_ok
        out["title_glued"] += str(_val(d, "title") or "").startswith("title")
        if not (r_ok and y_ok):
            out["wrong"].append(f"{prov}/{year}: region {_val(d, 'region')}, year {y}")
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def prefecture(mirror: Path, n: int, seed: int = 21) -> dict:
    folder = mirror / PREFECTURES
    files = sorted(p for p in folder.rglob("*.md"))
    if n and n < len(files):
        files = sorted(random.Random(seed).sample(files, n))
    tmp = Path(tempfile.mkdtemp(prefix="gov_flat_"))
    truth = {}
    for k, p in enumerate(files, start=1):
        name = f"doc{k:04d}.md"
        shutil.copyfile(p, tmp / name)
        truth[name] = (p.parent.name, _stem_year(p.stem))
    corpus = _build(tmp)
    docs = {r["file"]: r for r in corpus.documents.to_dict("records")}
    n_items = corpus.items.groupby("doc_id").size()
    review_docs = set(corpus.blocks.doc_id[corpus.blocks.kind == "summary"])
    year_ok = place_ok = place_wrong = five = review = 0
    wrong_place, wrong_year = [], []
    for name, (city, year) in truth.items():
        d = docs.get(name, {})
        want_region, want_level = _region_of(city)
        y = _val(d, "year")
        year_ok += y is not None and int(y) == year
        if not (y is not None and int(y) == year):
            wrong_year.append(f"{city}/{year}: {y}")
        region, level = _val(d, "region"), _val(d, "level")
        place_ok += region == want_region and level == want_level
        if region is not None and region != want_region:
            place_wrong += 1
            wrong_place.append(f"{city}/{year}: {region}")
        five += int(n_items.get(d.get("doc_id"), 0)) >= 5
        review += d.get("doc_id") in review_docs
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "n": len(truth), "year_ok": year_ok, "place_ok": place_ok, "place_wrong": place_wrong,
        "five_items": five, "review": review, "wrong_place": wrong_place, "wrong_year": wrong_year,
        "problems": check_invariants(corpus),
    }  # fmt: skip


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({a / b:.0%})" if b else "0/0"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mirror", help="checkout of lawtext/gov")
    ap.add_argument("--label", default="after")
    ap.add_argument("--n-prefecture", type=int, default=300, help="sample size (0: all)")
    ap.add_argument(
        "--skip", default="", help="comma-separated checks to skip: hand,province,flat,prefecture"
    )
    args = ap.parse_args(argv)
    mirror = Path(args.mirror)
    skip = set(filter(None, args.skip.split(",")))
    if "hand" not in skip:
        rows, problems = hand_read(mirror, args.label)
        with open(HERE / f"results_{args.label}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        n = len(rows)
        print(f"## Read by hand ({n} reports, flat folder, neutral names) — {args.label}\n")
        print("| measure | value |\n|---|---|")
        for key in ("region_ok", "level_ok", "year_ok", "speaker_ok", "parts_ok", "items_ok"):
            scored = [r[key] for r in rows if r[key] is not None]
            print(f"| {key} | {pct(sum(scored), len(scored))} |")
        both = sum(1 for r in rows if r["parts_ok"] and r["items_ok"])
        print(f"| parts and priorities right | {pct(both, n)} |")
        print(f"| region invented | {sum(r['region_invented'] for r in rows)} |")
        print(f"| glossary/annex entries among items | {sum(r['glossary_items'] for r in rows)} |")
        print(f"| invariant problems | {len(problems)} |\n")
        for r in rows:
            bad = [k for k in ("region_ok", "level_ok", "year_ok", "speaker_ok", "parts_ok", "items_ok")
                   if r[k] is False]  # fmt: skip
            if bad:
                print(f"- {r['file']}: {', '.join(bad)} (parts {r['parts']}, items {r['n_items']}, "
                      f"region {r['region']}, year {r['year']}, speaker {r['speaker']})")  # fmt: skip
        for p in problems[:10]:
            print(f"- invariant: {p}")
        print()
    if "province" not in skip:
        s = provincial(mirror)
        print(f"## Provincial folder, nested as published ({s['n_files']} reports) — {args.label}\n")
        print("| measure | value |\n|---|---|")
        print(
            f"| documents loaded | {s['n_docs']} of {s['n_files']} ({s['n_recent']} of 2018–2024); {s['n_errors']} errors |"
        )
        print(f"| region right (folder name) | {pct(s['region_ok'], s['n_files'])} |")
        print(f"| year right (file name) | {pct(s['year_ok'], s['n_files'])} |")
        print(f"| titles free of front matter | {pct(s['title_clean'], s['n_files'])} |")
        print(f"| text disagrees with path (reported) | {len(s['conflicts'])} |")
        print(f"| invariant problems | {len(s['problems'])} |")
        print(f"| build time | {s['seconds']} s |\n")
        for w in s["wrong"][:10]:
            print(f"- wrong: {w}")
        for c in s["conflicts"][:20]:
            print(f"- conflict: {c}")
        for p in s["problems"][:10]:
            print(f"- invariant: {p}")
        print()
    if "flat" not in skip:
        s = provincial_flat(mirror)
        print(f"## Provincial reports 2018–2024, flat folder, neutral names ({s['n']}) — {args.label}\n")
        print("| measure | value |\n|---|---|")
        print(f"| region right (from the text) | {pct(s['region_ok'], s['n'])} |")
        print(f"| year right (from the text) | {pct(s['year_ok'], s['n'])} |")
        print(f"| titles glued to front matter (title:…) | {s['title_glued']} |\n")
        for w in s["wrong"][:10]:
            print(f"- {w}")
        print()
    if "prefecture" not in skip:
        s = prefecture(mirror, args.n_prefecture)
        print(f"## Prefecture reports, flat folder, neutral names ({s['n']}, seed 21) — {args.label}\n")
        print("| measure | value |\n|---|---|")
        print(f"| year right | {pct(s['year_ok'], s['n'])} |")
        print(f"| region and level right | {pct(s['place_ok'], s['n'])} |")
        print(f"| region set but wrong | {s['place_wrong']} |")
        print(f"| at least 5 priorities | {pct(s['five_items'], s['n'])} |")
        print(f"| review part found | {pct(s['review'], s['n'])} |")
        print(f"| invariant problems | {len(s['problems'])} |\n")
        for w in s["wrong_year"][:15]:
            print(f"- year: {w}")
        for w in s["wrong_place"][:10]:
            print(f"- region: {w}")
        for p in s["problems"][:10]:
            print(f"- invariant: {p}")
    return 0


if __name__ == "__main__":
    import os

    # ANALYSIS_SRC: the src folder of another checkout (e.g. the code before this work)
    sys.path.insert(0, os.environ.get("ANALYSIS_SRC", str(HERE.parents[1] / "src")))
    sys.exit(main())
