"""Command line: ``python -m analysis build``, ``run`` and ``cache``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

from .corpus import (
    APP_NAME,
    AnalysisError,
    CorpusWarning,
    _sha256,
    build_corpus,
    default_cache_dir,
    default_raw_dir,
    fingerprint,
    save_corpus,
)


def _build(args: argparse.Namespace) -> int:
    return _build_corpus(args)[0]


class OutputError(AnalysisError):
    """An output folder the tool will not write into; the message says why and what to do."""


#: Written in a ``run --out`` folder: the files the tool wrote there, with their SHA-256.
RUN_MARKER = ".analysis-run.json"
_RUN_PARTS = ("tables", "figures", "reports")


def _owned(out: Path) -> dict[str, str] | None:
    """The files a ``run --out`` folder's marker lists (relative path → SHA-256); None without a marker."""
    marker = out / RUN_MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
        files = info["files"]
        if info.get("tool") != APP_NAME or not isinstance(files, dict):
            return None
        return {str(k): str(v) for k, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _outputs(out: Path) -> list[Path]:
    return sorted(f for part in _RUN_PARTS for f in (out / part).rglob("*") if f.is_file() or f.is_symlink())


def check_run_out(out: str | Path, *, force: bool = False) -> Path:
    """Check that ``run --out`` may write into ``out``; return it resolved.

    The tool writes only ``tables/``, ``figures/`` and ``reports/`` in the folder, and
    deletes or overwrites only files it wrote there itself, as listed with their SHA-256 in
    :data:`RUN_MARKER`. So it refuses: the project root (or a folder holding it, or any
    folder with a ``pyproject.toml`` or ``.git``); a file; a non-empty folder it did not make
    (no marker), unless ``force``; and, even with ``force``, a folder whose ``tables/``,
    ``figures/`` or ``reports/`` hold a file it did not write (or that changed since).

    Raises
    ------
    OutputError
        Saying which rule and what to do.
    """
    from .corpus import project_root

    given = Path(out)
    out = given.resolve()
    root = project_root().resolve()
    if out == root or out in root.parents or (out / "pyproject.toml").exists() or (out / ".git").exists():
        raise OutputError(
            f"--out {given}: refusing to write into a project folder ({out}); give a new folder for the outputs"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {given}: is a file, not a folder")
    if not out.exists():
        return out
    owned = _owned(out)
    if owned is None and any(out.iterdir()) and not force:
        raise OutputError(
            f"--out {given}: the folder is not empty and was not made by this tool; give a new or empty "
            "folder, or add --force to write tables/, figures/ and reports/ beside its files (no file the "
            "tool did not write is deleted or overwritten)"
        )
    owned = owned or {}
    foreign = [
        f for f in _outputs(out)
        if f.is_symlink() or owned.get(f.relative_to(out).as_posix()) != _sha256(f)
    ]  # fmt: skip
    if foreign:
        shown = ", ".join(str(f.relative_to(out)) for f in foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise OutputError(
            f"--out {given}: {len(foreign)} file(s) in its tables/, figures/ or reports/ were not written by this "
            f"tool (or changed since): {shown}; move them, or choose another folder"
        )
    return out


def record_run_out(out: Path) -> None:
    """Write :data:`RUN_MARKER`: every file now in ``out``'s tables/, figures/ and reports/, hashed."""
    files = {f.relative_to(out).as_posix(): _sha256(f) for f in _outputs(out) if not f.is_symlink()}
    info = {"tool": APP_NAME, "note": "files written by `python -m analysis run`", "files": files}
    tmp = out / f".{RUN_MARKER}.tmp"
    tmp.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out / RUN_MARKER)


def _build_corpus(args: argparse.Namespace):
    raw = Path(args.raw) if args.raw else default_raw_dir()
    out = Path(args.out) if args.out else default_cache_dir(raw)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file, not a folder (give the folder for the tables)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        corpus = build_corpus(
            raw,
            progress=True if args.progress else None,
            engine="dask" if getattr(args, "scheduler", None) else "local",
            scheduler=getattr(args, "scheduler", None),
            path_template=getattr(args, "path_template", None),
            tokens=bool(getattr(args, "scheduler", None)),  # on Dask: segmented in the same pass
        )
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    # the fingerprint of the bytes parsed: a later load reuses these tables only if the files
    # are still those bytes (a file rewritten during the build is parsed again next time)
    corpus.fingerprint = corpus._cache.get("parsed_fingerprint") or fingerprint(raw)
    corpus.cache_dir = out
    save_corpus(corpus, out, corpus.fingerprint)
    if getattr(args, "scheduler", None):
        corpus._cache["engine"] = ("dask", args.scheduler)
    if len(corpus.documents):
        from .genres import use_genre_defaults

        # the genre's lexicon, so that the tokens cached here are those the notebooks use
        print(use_genre_defaults(corpus, getattr(args, "defaults", None)).summary())
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
    out = check_run_out(args.out, force=args.force) if args.out else None
    where = run_outputs(args.raw, out)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        record_run_out(out)
    defaults = dict(args.parameters or []).get("DEFAULTS")
    build_args = argparse.Namespace(raw=args.raw, out=where["tables"], progress=False, defaults=defaults)
    try:
        return _run_with(args, where, build_args)
    finally:
        if out is not None:
            record_run_out(out)


def _run_with(args: argparse.Namespace, where: dict, build_args: argparse.Namespace) -> int:
    from .suite import run_suite

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
        parameters=dict(args.parameters or []),
        jobs=args.jobs,
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
        stale = int(table.source_exists.map(lambda v: v is not None and not pd.isna(v) and not v).sum())
        unknown = int(table.source_exists.isna().sum())
        print(
            f"\n{len(table)} cache(s), {table.megabytes.sum():.1f} MB; stale: {stale}"
            + (f"; source unknown (kept unless --all): {unknown}" if unknown else "")
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
    b.add_argument(
        "--defaults",
        help='set of genre defaults whose lexicon segments the tokens: "gov", "cyl" or a .toml file '
        "(default: the one most documents' genre calls for; see analysis.genres)",
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
    r.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="notebooks executed at once, each in its own kernel (default 2; 1 for very large corpora)",
    )
    r.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        type=str,
        help="a notebook parameter, as papermill takes it (repeatable; e.g. -p KWIC_TERM 数字经济 -p K 8); "
        "values are read as Python literals where they parse (numbers, True, None, tuples), else as text; "
        "-p DEFAULTS gov|cyl|file.toml forces a set of genre defaults (default: from the documents' genre)",
    )
    r.add_argument(
        "--force",
        action="store_true",
        help="with --out: write into a non-empty folder the tool did not make (its own files are never touched)",
    )
    r.set_defaults(func=_run)
    c = sub.add_parser("cache", help="list or clear the caches of plan folders other than data/raw")
    c.add_argument("action", choices=["list", "clear"], help="list the caches, or delete them")
    c.add_argument("--all", action="store_true", help="with clear: delete every cache, not only stale ones")
    c.set_defaults(func=_cache)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (AnalysisError, OSError) as exc:  # bad input or an unusable path: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
