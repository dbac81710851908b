"""Peak memory of building the tables of the whole ``lawtext/gov`` corpus (about 3,000 reports).

Run under ``/usr/bin/time -v`` and read "Maximum resident set size"::

    /usr/bin/time -v python benchmarks/realworld_gov/memory.py /tmp/gov [--tokens]

It builds the corpus from the report folders (``政府工作报告-*``, nested) with
:func:`analysis.corpus.build_corpus` and prints the table sizes; ``--tokens`` also segments
(the tokens table, as ``python -m analysis build`` does).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mirror")
    ap.add_argument("--tokens", action="store_true")
    args = ap.parse_args(argv)
    from analysis.corpus import CorpusWarning, build_corpus

    mirror = Path(args.mirror)
    # only the report folders: link them into one folder (symlinks at the top are not followed,
    # so copy the tree by hard links where possible)
    tmp = Path(tempfile.mkdtemp(prefix="gov_all_"))
    for d in sorted(mirror.glob("政府工作报告-*")):
        shutil.copytree(d, tmp / d.name, copy_function=os.link if _same_fs(d, tmp) else shutil.copy2)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = build_corpus(tmp, progress=False)
    secs = time.perf_counter() - t0
    sizes = {
        t: len(getattr(corpus, t))
        for t in ("documents", "sections", "items", "sentences", "blocks", "removed", "errors")
    }
    print(f"built in {secs:.0f} s: {sizes}")
    print(f"characters in bodies: {int(corpus.documents.body.str.len().sum()):,}")
    if args.tokens:
        t0 = time.perf_counter()
        print(f"tokens: {len(corpus.tokens):,} in {time.perf_counter() - t0:.0f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak resident (getrusage): {peak:.2f} GB")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _same_fs(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


if __name__ == "__main__":
    sys.path.insert(0, os.environ.get("ANALYSIS_SRC", str(HERE.parents[1] / "src")))
    sys.exit(main())
