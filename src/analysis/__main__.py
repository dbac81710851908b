"""Command line: ``python -m analysis build``, ``run`` and ``cache``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .corpus import (
    CorpusWarning,
    build_corpus,
    default_cache_dir,
    default_raw_dir,
    fingerprint,
    save_corpus,
)


def _build(args: argparse.Namespace) -> int:
    return _build_corpus(args)[0]


def _build_corpus(args: argparse.Namespace):
    raw = Path(args.raw) if args.raw else default_raw_dir()
    out = Path(args.out) if args.out else default_cache_dir(raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        corpus = build_corpus(
            raw,
            progress=True if args.progress else None,
            engine="dask" if getattr(args, "scheduler", None) else "local",
            scheduler=getattr(args, "scheduler", None),
            path_template=getattr(args, "path_template", None),
        )
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    corpus.fingerprint, corpus.cache_dir = fingerprint(raw), out
    save_corpus(corpus, out, corpus.fingerprint)
    if getattr(args, "scheduler", None):
        corpus._cache["engine"] = ("dask", args.scheduler)
    if len(corpus.documents):
        n_tokens = len(corpus.tokens)  # segments and caches tokens.parquet
        print(
            f"Segmented {n_tokens} tokens; {len(corpus.segmenter.terms)} lexicon/corpus terms added to jieba."
        )
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(corpus.summary().to_string(index=False) if len(corpus.documents) else "(no plans)")
    status = corpus.errors["status"] if len(corpus.errors) else []
    n_rejected = int(sum(1 for x in status if x == "rejected"))
    n_skipped = int(sum(1 for x in status if x == "skipped"))
    print(
        f"\n{len(corpus.documents)} plans parsed from {raw} (sub-folders included); "
        f"{n_rejected} file(s) rejected, {n_skipped} entr{'y' if n_skipped == 1 else 'ies'} skipped "
        "(reasons in errors.parquet)."
    )
    print(
        f"Tables written to {out}/ ({', '.join(t + '.parquet' for t in ('documents', 'sections', 'items', 'sentences', 'blocks', 'removed', 'errors'))})."
    )
    if len(corpus.documents) == 0:
        print(f"error: no plan could be parsed from {raw}", file=sys.stderr)
        return 1, corpus
    return 0, corpus


def run_outputs(raw: str | Path | None, out: str | Path | None) -> dict[str, Path | None]:
    """Where ``run`` writes: ``tables``, ``figures`` and ``reports`` folders.

    With ``out``, all three under it. Without, the default corpus writes to the project's
    ``data/processed``, ``figures/`` and ``reports/``; any other folder writes beside its
    cache (``<cache>/figures``, ``<cache>/reports``), never over the default outputs.
    """
    if out is not None:
        out = Path(out)
        return {"tables": out / "tables", "figures": out / "figures", "reports": out / "reports"}
    if raw is None or Path(raw).resolve() == default_raw_dir().resolve():
        return {"tables": None, "figures": None, "reports": None}
    cache = default_cache_dir(raw)
    return {"tables": None, "figures": cache / "figures", "reports": cache / "reports"}


def _run(args: argparse.Namespace) -> int:
    from .suite import run_suite

    where = run_outputs(args.raw, args.out)
    build_args = argparse.Namespace(raw=args.raw, out=where["tables"], progress=False)
    _, corpus = _build_corpus(build_args)
    if len(corpus.documents) == 0:
        print(
            f"No plan could be loaded from {args.raw or default_raw_dir()}, so there is nothing to analyse; "
            "no notebook was run and no figure or report was changed.",
            file=sys.stderr,
        )
        return 1
    results = run_suite(
        notebooks_dir=args.notebooks,
        reports_dir=args.reports or where["reports"],
        raw_dir=args.raw,
        figures_dir=where["figures"],
        timeout=args.timeout,
    )
    failed = [r for r in results if not r["ok"]]
    return 1 if failed else 0


def _cache(args: argparse.Namespace) -> int:
    import pandas as pd

    from .corpus import clear_caches, list_caches, user_cache_root

    if args.action == "clear":
        gone = clear_caches(stale_only=not args.all)
        what = "all caches" if args.all else "caches whose plans folder no longer exists"
        print(f"Deleted {len(gone)} of {what} under {user_cache_root() / 'corpora'}.")
        for d in gone:
            print(f"  {d}")
        return 0
    table = list_caches()
    print(
        f"Corpus caches under {user_cache_root() / 'corpora'} (the project's own: {default_cache_dir(default_raw_dir())})"
    )
    if table.empty:
        print("(none)")
    else:
        with pd.option_context("display.width", 200, "display.max_colwidth", 80):
            print(table.to_string(index=False))
        print(
            f"\n{len(table)} cache(s), {table.megabytes.sum():.1f} MB; stale: {int((~table.source_exists).sum())}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse the plans into parquet tables")
    b.add_argument("--raw", help="folder of plan files (default: data/raw)")
    b.add_argument(
        "--out",
        help="output folder (default: data/processed for data/raw; the user cache directory for any other --raw)",
    )
    b.add_argument("--progress", action="store_true", help="always show a progress bar")
    b.add_argument("--scheduler", help="parse and segment on this Dask scheduler (e.g. tcp://10.0.0.5:8786)")
    b.add_argument(
        "--path-template",
        help='how file paths name metadata, e.g. "{collection}/{region}/{year}.md" (folder names that are '
        "exactly a division or a year are used without one)",
    )
    b.set_defaults(func=_build)
    r = sub.add_parser("run", help="build the corpus, execute every notebook, write figures and reports")
    r.add_argument("--raw", help="folder of plan files (default: data/raw)")
    r.add_argument(
        "--out",
        help="folder for tables/, figures/ and reports/ (default: the project's for data/raw; "
        "beside the folder's cache for any other --raw)",
    )
    r.add_argument("--notebooks", default=None, help="notebook folder (default: notebooks/)")
    r.add_argument("--reports", default=None, help="folder for executed HTML copies (default: reports/)")
    r.add_argument("--timeout", type=int, default=900, help="seconds allowed per notebook cell")
    r.set_defaults(func=_run)
    c = sub.add_parser("cache", help="list or clear the caches of plan folders other than data/raw")
    c.add_argument("action", choices=["list", "clear"], help="list the caches, or delete them")
    c.add_argument("--all", action="store_true", help="with clear: delete every cache, not only stale ones")
    c.set_defaults(func=_cache)
    args = parser.parse_args(argv)
    from .corpus import AnalysisError

    try:
        return args.func(args)
    except (AnalysisError, FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
