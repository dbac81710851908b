"""The corpus: plan files parsed into tidy pandas tables, cached as parquet."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .clean import Edit, clean_text, restore_raw
from .errors import AnalysisError, InsufficientDataError, ManifestError  # noqa: F401 (re-exported)
from .io import DecodedFile, PlanReadError, file_digest, list_plan_files, read_plan_file, scan_folder
from .parse import parse_plan
from .patterns import parse_date
from .places import infer_place


def _code_version(*modules: str) -> str:
    """Hash of the source of the modules that make the tables: a change to any rebuilds the caches."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in modules:
        path = here / f"{name}.py"
        if path.is_file():
            h.update(name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


#: Derived from the code that reads, cleans and parses plans, so caches never outlive it.
PARSER_VERSION = _code_version("io", "readers", "clean", "parse", "patterns", "metadata", "places", "corpus")
#: Columns of ``corpus.errors``: ``status`` is "rejected" (could not be loaded) or "skipped".
ERROR_COLUMNS = ["file", "path", "status", "reason"]
TABLES = ("documents", "sections", "items", "sentences", "blocks", "removed", "errors")
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "file", "region", "region_pinyin", "province", "level", "year", "issuer", "title",
    "doc_number", "issued_date", "source_file", "notes", "role",
)  # fmt: skip


def project_root() -> Path:
    """The repository root (the folder holding ``data/``), or the working directory."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "data" / "raw").is_dir() and (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd()


def default_raw_dir() -> Path:
    return project_root() / "data" / "raw"


def default_processed_dir() -> Path:
    return project_root() / "data" / "processed"


class CorpusWarning(UserWarning):
    """A plan file could not be read or parsed as a plan; the message says which and why."""


@dataclass
class Corpus:
    """Parsed plans as tidy DataFrames.

    Attributes
    ----------
    documents : DataFrame
        One row per plan: ``doc_id, region, level, year, issuer, title,
        doc_number, issued_date, source_file, body`` plus status and flags.
    sections, items, sentences, blocks : DataFrame
        Structure; every table carries ``doc_id`` and ``start``/``end``
        offsets into ``documents.body``.
    removed : DataFrame
        Every change the cleaner made (``doc_id, kind, text, replacement,
        reason`` and raw/body positions), including whitespace normalisation,
        so that the raw text can be restored exactly (:meth:`raw_text`).
    errors : DataFrame
        Files that could not be loaded, with the reason.
    """

    documents: pd.DataFrame
    sections: pd.DataFrame
    items: pd.DataFrame
    sentences: pd.DataFrame
    blocks: pd.DataFrame
    removed: pd.DataFrame
    errors: pd.DataFrame
    source: Path | None = None
    cache_dir: Path | None = None
    fingerprint: str | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (
            f"Corpus({len(self.documents)} plans, {len(self.sections)} sections, "
            f"{len(self.items)} items, {len(self.sentences)} sentences, "
            f"{len(self.errors)} errors; source={self.source})"
        )

    @property
    def lexicon(self) -> tuple[Path, ...]:
        """The jieba user dictionaries of the segmenter, in order (default ``data/policy_lexicon.txt``)."""
        if "parent" in self._cache:
            return self._cache["parent"][0].lexicon
        from .segment import LEXICON

        return self._cache.get("lexicon", (LEXICON.resolve(),))

    @property
    def formulae(self) -> Path:
        """The reviewed list of formulae (boilerplate) that reuse, diffusion and the similarity
        masks set aside with the corpus's own: ``data/boilerplate.txt`` unless
        :meth:`use_formulae` (or :func:`analysis.genres.use_genre_defaults`) chose another."""
        if "parent" in self._cache:
            return self._cache["parent"][0].formulae
        from .reuse import BOILERPLATE_FILE

        return self._cache.get("formulae", BOILERPLATE_FILE)

    def use_formulae(self, path) -> Corpus:
        """Set aside the formulae of this list (one per line) by default; returns self.

        Examples
        --------
        >>> from analysis.reuse import BOILERPLATE_FILE
        >>> c = load_corpus()
        >>> c.use_formulae(BOILERPLATE_FILE.with_name("boilerplate_gov.txt")).formulae.name
        'boilerplate_gov.txt'
        """
        path = Path(path).resolve()
        if not path.is_file():
            raise AnalysisError(f"formulae list {path}: no such file")
        if "parent" in self._cache:
            self._cache["parent"][0].use_formulae(path)
        else:
            self._cache["formulae"] = path
        return self

    def use_lexicon(self, lexicon) -> Corpus:
        """Segment with these user dictionaries (one path or several, read in order); returns self.

        Tokens and segmenter are dropped only when the files differ from the current ones; the
        token cache on disk is keyed by the lexicon's bytes, so each lexicon has its own tokens.
        A subset passes the lexicon to the corpus it was taken from.

        Examples
        --------
        >>> from analysis.segment import LEXICON
        >>> c = load_corpus()
        >>> [p.name for p in c.use_lexicon([LEXICON, LEXICON.with_name("lexicon_gov.txt")]).lexicon]
        ['policy_lexicon.txt', 'lexicon_gov.txt']
        """
        from .segment import lexicon_paths

        paths = tuple(p.resolve() for p in lexicon_paths(lexicon))
        for path in paths:
            if not path.is_file():
                raise AnalysisError(f"lexicon {path}: no such file")
        if "parent" in self._cache:
            parent = self._cache["parent"][0]
            if parent.lexicon != paths:
                self._cache.pop("tokens", None)
                self._cache.pop("segmenter", None)
            parent.use_lexicon(paths)
            return self
        if self.lexicon != paths:
            self._cache["lexicon"] = paths
            self._cache.pop("tokens", None)
            self._cache.pop("segmenter", None)
        return self

    @property
    def segmenter(self):
        """The :class:`analysis.segment.Segmenter` for this corpus (lexicon + quoted + discovered terms)."""
        if "segmenter" not in self._cache and "parent" in self._cache:
            self._cache["segmenter"] = self._cache["parent"][0].segmenter
        if "segmenter" not in self._cache:
            from .segment import LEXICON, Segmenter

            lexicon = self.lexicon
            self._cache["segmenter"] = Segmenter.from_corpus(
                self, lexicon=LEXICON if lexicon == (LEXICON.resolve(),) else lexicon
            )  # the default as it always was (same Segmenter.lexicon, same token cache key)
        return self._cache["segmenter"]

    @property
    def tokens(self) -> pd.DataFrame:
        """Tokens of the plans (see :func:`analysis.segment.tokens_table`), cached as parquet."""
        if "tokens" not in self._cache and "parent" in self._cache:
            parent, keep = self._cache["parent"]
            tok = parent.tokens
            self._cache["tokens"] = tok[tok.doc_id.isin(keep)].reset_index(drop=True)
        if "tokens" not in self._cache:
            self._cache["tokens"] = self._load_tokens()
        return self._cache["tokens"]

    def _load_tokens(self) -> pd.DataFrame:
        from .segment import tokens_fingerprint, tokens_table

        key = tokens_fingerprint(self.fingerprint, self.lexicon) if self.fingerprint else None
        path = Path(self.cache_dir) / "tokens.parquet" if self.cache_dir else None
        meta = path.with_suffix(".json") if path else None
        if key and path and meta.is_file():
            with contextlib.suppress(OSError), cache_lock(path.parent, shared=True):
                try:
                    info = json.loads(meta.read_text(encoding="utf-8"))
                    if info.get("fingerprint") == key:
                        if _sha256(path) != info.get("sha256"):
                            raise ValueError("tokens.parquet does not match its hash")
                        return pd.read_parquet(path)
                except Exception as exc:  # damaged token cache: segment again
                    warnings.warn(
                        f"{path}: token cache unusable ({exc}); rebuilding", CacheWarning, stacklevel=2
                    )
        engine, scheduler = self._cache.get("engine", ("local", None))
        df = tokens_table(self, self.segmenter, engine=engine, scheduler=scheduler)
        return self._store_tokens(df)

    def _store_tokens(self, df: pd.DataFrame) -> pd.DataFrame:
        """Write the tokens to the cache (when there is one) and return them as read back."""
        if not (self.fingerprint and self.cache_dir):
            return df
        path = Path(self.cache_dir) / "tokens.parquet"
        try:
            with cache_lock(path.parent):
                df = _write_tokens(df, path.parent, self.fingerprint, self.lexicon)
        except OSError as exc:  # disk full, read-only: keep the tokens in memory, say so once
            _cache_failed(path.parent, exc)
            self.cache_dir = None
        return df

    @property
    def plan_ids(self) -> list[str]:
        """Ids of the documents structured as plans (``status == "ok"``), in order."""
        return self.documents.loc[self.documents.status == "ok", "doc_id"].tolist()

    @property
    def doc_ids(self) -> list[str]:
        return self.documents["doc_id"].tolist()

    def body(self, doc_id: str) -> str:
        """Cleaned text of one plan."""
        return self.documents.set_index("doc_id").at[doc_id, "body"]

    def raw_text(self, doc_id: str) -> str:
        """The decoded raw text, rebuilt from ``body`` and the ``removed`` log."""
        rem = self.removed[self.removed["doc_id"] == doc_id].sort_values("raw_start")
        edits = [
            Edit(int(r.raw_start), int(r.raw_end), r.replacement, r.kind, r.text) for r in rem.itertuples()
        ]
        return restore_raw(self.body(doc_id), edits, rem["body_pos"].astype(int).tolist())

    def verify(self) -> pd.DataFrame:
        """Check losslessness per plan.

        Returns one row per plan with ``raw_restored`` (the raw file, decoded,
        equals the text rebuilt from ``body`` and ``removed``; None when the
        file is no longer there), ``uncovered`` and ``overlap`` (non-whitespace
        body characters in no block / in more than one block; both should be 0).
        """
        rows = []
        for doc in self.documents.itertuples():
            cover = [0] * len(doc.body)
            for b in self.blocks[self.blocks.doc_id == doc.doc_id].itertuples():
                for i in range(b.start, b.end):
                    cover[i] += 1
            uncovered = sum(1 for c, ch in zip(cover, doc.body) if c == 0 and not ch.isspace())
            overlap = sum(1 for c in cover if c > 1)
            path = Path(self.source or "") / doc.file
            restored = None
            if path.is_file():
                try:
                    restored = read_plan_file(path).text == self.raw_text(doc.doc_id)
                except PlanReadError:
                    restored = False
            rows.append(
                {"doc_id": doc.doc_id, "raw_restored": restored, "uncovered": uncovered, "overlap": overlap}
            )
        return pd.DataFrame(rows, columns=["doc_id", "raw_restored", "uncovered", "overlap"])

    def audit(self) -> pd.DataFrame:
        """Count of cleaning changes per document and kind (whitespace left out)."""
        r = self.removed[self.removed["kind"] != "whitespace"]
        out = r.groupby(["doc_id", "kind", "reason"], as_index=False).agg(
            n=("text", "size"), chars=("text", lambda s: int(s.str.len().sum()))
        )
        return out.sort_values(["doc_id", "n"], ascending=[True, False], ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """One line per plan: region, year, sections, items, characters, flags."""
        d = self.documents
        cols = ["doc_id", "region", "level", "year", "doc_number", "issued_date",
                "n_sections", "n_items", "n_chars", "status", "anonymised", "truncated"]  # fmt: skip
        return d[cols].reset_index(drop=True)

    def subset(self, doc_ids: list[str]) -> Corpus:
        """A corpus restricted to some plans (tables filtered, same offsets).

        The subset shares this corpus's segmenter and takes its tokens from this corpus's
        tokens (cached or not), so it is never segmented again.
        """
        keep = set(doc_ids)
        tables = {
            t: getattr(self, t)[getattr(self, t)["doc_id"].isin(keep)].reset_index(drop=True)
            for t in TABLES
            if t != "errors"
        }
        sub = Corpus(**tables, errors=self.errors, source=self.source)
        sub._cache["parent"] = (self, keep)
        return sub


def _manifest_year(value: str, where: str) -> str:
    v = value.strip()
    if not v:
        return ""
    if re.fullmatch(r"(?:19|20)\d{2}(?:\.0+)?", v):
        return str(int(float(v)))
    from .patterns import cn_to_int

    n = cn_to_int(v.removesuffix("年")) if re.fullmatch(r"[〇零一二三四五六七八九]{4}年?", v) else None
    if n and 1900 <= n <= 2099:
        return str(n)
    raise ManifestError(f"{where}, column 'year': {value!r} is not a year (write e.g. 2023)")


#: The ``level`` values a manifest may give (those :func:`analysis.places.infer_place` infers).
LEVELS = ("central", "province", "municipality", "prefecture", "county", "school", "township")
#: Longest value a manifest cell may hold (a longer one is a damaged file, not metadata).
MAX_MANIFEST_FIELD = 10_000


def _manifest_date(value: str, where: str) -> str:
    """A manifest's ``issued_date``: empty, or a real date written ``YYYY-MM-DD``.

    >>> _manifest_date("2023-02-10", "m")
    '2023-02-10'
    >>> _manifest_date("2023-02-30", "m")
    Traceback (most recent call last):
    ...
    analysis.errors.ManifestError: m, column 'issued_date': '2023-02-30' is not a date written YYYY-MM-DD (e.g. 2023-02-10)
    """
    import datetime

    v = value.strip()
    if not v:
        return ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return datetime.date.fromisoformat(v).isoformat()
    except ValueError:
        pass
    raise ManifestError(
        f"{where}, column 'issued_date': {value!r} is not a date written YYYY-MM-DD (e.g. 2023-02-10)"
    )


def _read_manifest(folder: Path, digests: dict | None = None) -> pd.DataFrame | None:
    """Read and check ``manifest.csv``: encoding, header, strict CSV, duplicates, vocabularies.

    The CSV is read strictly: a quote left open (which would swallow the rows after it), a
    value over :data:`MAX_MANIFEST_FIELD` characters, more fields than columns, a ``year``
    that is not a year, a ``level`` outside :data:`LEVELS` or an ``issued_date`` that is not
    ``YYYY-MM-DD`` are errors. File names are compared after Unicode NFC normalisation (a
    name typed on macOS, NFD, matches the same name in NFC). A ``manifest.csv`` that is a
    symbolic link is not followed. ``digests``, if given, receives the digest of the bytes
    read under ``"manifest.csv"``.

    Raises
    ------
    ManifestError
        Naming the file, the row (as numbered in a spreadsheet, header = 1) and the column.
    """
    import csv
    import io as _io

    from .io import _decode, _digest_of

    path = folder / MANIFEST
    if path.is_symlink():
        if digests is not None:
            digests[MANIFEST] = "<symbolic link>"
        raise ManifestError(
            f"{path}: is a symbolic link; not followed (it may point outside the folder): copy the file in"
        )
    if not path.is_file():
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    if digests is not None:
        digests[MANIFEST] = _digest_of(data)
    if not data.strip():
        warnings.warn(
            f"{path}: empty manifest; metadata is inferred from the texts", CorpusWarning, stacklevel=3
        )
        return None
    try:
        text, _, _ = _decode(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot decode ({exc}); save it as UTF-8") from exc
    reader = csv.reader(_io.StringIO(text.lstrip("\ufeff")), strict=True)
    rows, lines = [], []
    old_limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_MANIFEST_FIELD)
        while True:
            start = reader.line_num + 1
            try:
                r = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                what = (
                    f"a value longer than {MAX_MANIFEST_FIELD:,} characters"
                    if "field larger" in str(exc)
                    else "a quote opened and never closed"
                    if "end of data" in str(exc)
                    else str(exc)
                )
                raise ManifestError(f"{path}, line {start}: {what}; not a well-formed CSV") from None
            if any(c.strip() for c in r):
                rows.append(r)
                lines.append(start)
    finally:
        csv.field_size_limit(old_limit)
    header = [h.strip() for h in rows[0]] if rows else []
    if "file" not in header:
        raise ManifestError(f"{path}: row 1 (header) needs a 'file' column; found {header[:12]}")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise ManifestError(f"{path}, row 1 (header): column(s) {repeated} named more than once")
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        warnings.warn(f"{path}: columns {unknown} are not used (known: {', '.join(MANIFEST_COLUMNS)})",
                      CorpusWarning, stacklevel=3)  # fmt: skip
    records, seen = [], {}
    for n, r in enumerate(rows[1:], start=2):
        if len(r) > len(header):
            raise ManifestError(
                f"{path}, row {n}: {len(r)} fields for {len(header)} columns (a comma inside a value? quote it)"
            )
        for col, cell in zip(header, r):
            tail = cell.split("\n", 1)[1] if "\n" in cell else ""
            if "," in tail or "\n" in cell and col == "file":
                raise ManifestError(
                    f"{path}, row {n} (line {lines[n - 1]}), column {col!r}: the value runs over several "
                    "lines that look like rows: a quote left open swallowed them"
                )
        rec = dict(zip(header, [c.strip() for c in r] + [""] * (len(header) - len(r))))
        rec["file"] = unicodedata.normalize("NFC", rec["file"])
        if not rec["file"]:
            raise ManifestError(f"{path}, row {n}, column 'file': empty")
        if rec["file"] in seen:
            raise ManifestError(
                f"{path}, row {n}, column 'file': {rec['file']!r} already listed in row {seen[rec['file']]}"
            )
        seen[rec["file"]] = n
        if "year" in rec:
            rec["year"] = _manifest_year(rec["year"], f"{path}, row {n}")
        if rec.get("level") and rec["level"] not in LEVELS:
            raise ManifestError(
                f"{path}, row {n}, column 'level': {rec['level']!r} is not one of {', '.join(LEVELS)}"
            )
        if "issued_date" in rec:
            rec["issued_date"] = _manifest_date(rec["issued_date"], f"{path}, row {n}")
        records.append(rec)
    return pd.DataFrame(records, columns=header).set_index("file")


def _doc_id(path: Path | str) -> str:
    """A readable id from a file's path relative to the corpus folder (folders joined by ``_``).

    >>> _doc_id("beijing_2023.txt"), _doc_id("政府工作报告-省自治区/四川省/2023.md")
    ('beijing_2023', '政府工作报告-省自治区_四川省_2023')
    """
    p = Path(path)
    parts = [*p.parent.parts, p.stem] if str(p.parent) not in ("", ".") else [p.stem]
    stem = "_".join(parts)
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", stem).strip("_")
    return stem or "doc"


def _text_place(meta: dict):
    """Region and level from a plan's text: a report's own statement, else the issuer, else the title."""
    place = infer_place(meta.get("place_text")) if meta.get("place_text") else None
    if place is not None and place.region is not None:
        return place, "text"
    place = infer_place(meta.get("issuer"))
    if place.region is None and meta.get("title"):
        from_title = infer_place(meta["title"])
        place = from_title if from_title.region or place.level is None else place
    return place, ("text" if place.region else None)


def _apply_path_meta(doc: dict, path_meta: dict, meta: dict) -> list[str]:
    """Path metadata over the text's, with its source; disagreements returned as messages."""
    conflicts = []
    if "region" in path_meta:
        if doc["region"] is not None and doc["region"] != path_meta["region"]:
            conflicts.append(f"region: path says {path_meta['region']}, text says {doc['region']}")
        if doc["level"] is not None and path_meta.get("level") and doc["level"] != path_meta["level"]:
            if doc["region"] == path_meta["region"]:
                conflicts.append(f"level: path says {path_meta['level']}, text says {doc['level']}")
        for k in ("region", "province", "level", "division_code"):
            doc[k] = path_meta.get(k)
        doc["region_source"] = "path"
    if "year" in path_meta:
        if doc["year"] is not None and int(doc["year"]) != path_meta["year"]:
            where = meta.get("year_source") or "text"
            conflicts.append(f"year: path says {path_meta['year']}, text ({where}) says {doc['year']}")
        doc["year"] = path_meta["year"]
        doc["year_source"] = "path"
    return conflicts


def parse_file(
    path: Path,
    doc_id: str,
    manifest_row: dict | None = None,
    *,
    rel: str | None = None,
    path_meta: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """Read, clean and parse one plan file into table fragments.

    ``rel`` is the file's path relative to the corpus folder (its ``file``); ``path_meta``
    the metadata its path gives (:func:`analysis.metadata.path_metadata`), which wins over
    the text's (disagreements go to ``metadata_conflicts``); a manifest row wins over both.

    Raises
    ------
    PlanReadError
        If the file cannot be read (see :func:`analysis.io.read_plan_file`).
    """
    return parse_decoded(read_plan_file(path), doc_id, manifest_row, rel=rel, path_meta=path_meta)


def parse_decoded(
    decoded: DecodedFile,
    doc_id: str,
    manifest_row: dict | None = None,
    *,
    rel: str | None = None,
    path_meta: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """Clean and parse a file already read (see :func:`parse_file`)."""
    columns = parse_columns(decoded, doc_id, manifest_row, rel=rel, path_meta=path_meta)
    return {
        t: pd.DataFrame(cols) if t == "documents" else pd.DataFrame(cols, dtype=object)
        for t, cols in columns.items()
    }


def parse_columns(
    decoded: DecodedFile,
    doc_id: str,
    manifest_row: dict | None = None,
    *,
    rel: str | None = None,
    path_meta: dict | None = None,
) -> dict[str, dict[str, list]]:
    """The tables of one plan as columns of plain lists: ``{table: {column: values}}``.

    What :func:`parse_decoded` returns, before any DataFrame is made: a build gathers these
    lists over all plans and types each column once (:func:`tables_from_columns`), which is
    several times cheaper than a DataFrame per plan and per table. Same columns and values.
    """
    path = decoded.path
    if decoded.invalid_bytes:
        shown = ", ".join(f"{b.hex(' ')} at {p}" for p, b in decoded.invalid_bytes[:5])
        warnings.warn(
            f"{path}: {len(decoded.invalid_bytes)} invalid byte sequence(s) replaced ({shown}); "
            "recorded in `removed` as invalid_bytes",
            CorpusWarning,
            stacklevel=3,
        )
    cleaned = clean_text(decoded.text, pre_edits=decoded.edits)
    bold = {b for e, b in zip(cleaned.edits, cleaned.body_positions) if e.kind == "markdown_bold"}
    joins = {b for e, b in zip(cleaned.edits, cleaned.body_positions) if e.kind == "page_break_join"}
    plan = parse_plan(cleaned.body, cleaned.title_index, bold, joins)
    meta = dict(plan.meta)
    fm_title = re.sub(r"\s+", "", cleaned.front_matter.get("title", ""))
    if fm_title and not meta.get("title"):
        meta["title"] = fm_title
    if fm_title and (
        meta.get("year") is None or (meta.get("year_source") == "plan_heading" and parse_date(fm_title))
    ):  # front matter: 2018年政府工作报告, 某市政府工作报告（2021年12月28日）
        date = parse_date(fm_title)
        y = re.search(r"((?:19|20)\d{2})\s*年", fm_title)
        if date:
            meta["year"] = int(date[:4]) + (
                1 if date[5:7] in ("11", "12") and meta.get("genre") == "政府工作报告" else 0
            )
        elif y:
            meta["year"] = int(y.group(1))
        if meta.get("year") is not None:
            meta["year_source"] = "front_matter"
    place, region_source = _text_place(meta)
    region, level = place.region, place.level
    rel = rel or path.name
    doc = {
        "doc_id": doc_id,
        "region": region,
        "region_pinyin": None,
        "province": place.province,
        "division_code": place.code,
        "level": level,
        "year": meta.get("year"),
        "issuer": meta.get("issuer"),
        "title": meta.get("title"),
        "doc_number": meta.get("doc_number"),
        "issued_date": meta.get("issued_date"),
        "source_file": rel,
        "file": rel,
        "notes": None,
        "role": None,
        "metadata_source": "text",
        "region_source": region_source,
        "year_source": meta.get("year_source"),
        "genre": meta.get("genre"),
        "speaker": meta.get("speaker"),
        "office": meta.get("office"),
        "source_url": cleaned.front_matter.get("source"),
    }
    inferred = dict(doc)
    conflicts = list(meta.get("conflicts", []))
    if path_meta:
        conflicts += _apply_path_meta(doc, path_meta, meta)
        if conflicts:
            warnings.warn(f"{path}: " + "; ".join(conflicts), CorpusWarning, stacklevel=3)
    if manifest_row:
        for key in MANIFEST_COLUMNS:
            value = manifest_row.get(key, "")
            if key != "file" and value not in ("", None):
                doc[key] = int(value) if key == "year" else value
                if key in ("region", "year"):
                    doc[f"{key}_source"] = "manifest"
        doc["metadata_source"] = "manifest"
    n_top = sum(1 for s in plan.sections if s["level"] == 1)
    doc.update(
        {
            "body": cleaned.body,
            "status": plan.status,
            "anonymised": bool(cleaned.flags["anonymised"]),
            "n_placeholders": int(cleaned.flags["n_placeholders"]),
            "truncated": bool(meta["truncated"])
            if "truncated" in meta
            else any(i["truncated"] for i in plan.items),
            "has_cover": any(b["kind"] == "cover" for b in plan.blocks),
            "encoding": decoded.encoding,
            "source_format": decoded.source_format,
            "newline": {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}[decoded.newline],
            "n_chars": len(re.sub(r"\s", "", cleaned.body)),
            "n_sections": n_top,
            "n_items": len(plan.items),
            "n_removed": sum(1 for e in cleaned.edits if e.kind != "whitespace"),
            "metadata_conflicts": "; ".join(conflicts) or None,
            "parts": ",".join(meta.get("parts", [])) or None,
            "has_summary": bool(meta.get("has_summary", False)),
            "n_subdocs": int(meta.get("n_subdocs", 1)),
            "inferred_region": inferred["region"],
            "inferred_year": inferred["year"],
            "inferred_doc_number": inferred["doc_number"],
            "inferred_issued_date": inferred["issued_date"],
        }
    )
    if doc["year"] is not None:
        doc["year"] = int(doc["year"])

    def frame(rows: list[dict], order: list[str], counter: str | None = None) -> dict[str, list]:
        n = len(rows)
        data: dict[str, list] = {"doc_id": [doc_id] * n}
        if counter:
            data[counter] = list(range(1, n + 1))
        for col in order:
            data[col] = [r.get(col) for r in rows]
        return data

    sections = frame(plan.sections, ["section_id", "section_no", "level", "rank", "marker", "number",
                                     "title", "parent_id", "path", "start", "end", "span_end", "part", "subdoc"])  # fmt: skip
    items = frame(plan.items, ["item_no", "section_no", "section_id", "path", "marker", "number",
                               "title", "text", "start", "end", "n_chars", "truncated", "part", "subdoc"])  # fmt: skip
    sentences = frame(
        plan.sentences,
        ["block", "section_id", "item_no", "start", "end", "text", "part", "subdoc"],
        "sent_no",
    )
    blocks = frame(plan.blocks, ["kind", "section_id", "item_no", "start", "end", "text", "part", "subdoc"],
                   "block_no")  # fmt: skip
    removed_rows = []
    for e, bpos in zip(cleaned.edits, cleaned.body_positions):
        ctx = cleaned.body[max(0, bpos - 12) : bpos] + "‸" + cleaned.body[bpos : bpos + 12]
        removed_rows.append(
            {
                "kind": e.kind,
                "text": e.original,
                "replacement": e.replacement,
                "reason": e.reason,
                "raw_start": e.start,
                "raw_end": e.end,
                "body_pos": bpos,
                "context": ctx,
            }  # fmt: skip
        )
    removed = frame(removed_rows, ["kind", "text", "replacement", "reason", "raw_start", "raw_end",
                                   "body_pos", "context"])  # fmt: skip
    return {
        "documents": {k: [v] for k, v in doc.items()},
        "sections": sections,
        "items": items,
        "sentences": sentences,
        "blocks": blocks,
        "removed": removed,
    }


def _parse_job(job: tuple) -> tuple:
    """Parse one file: ``("ok", columns, digest)`` or ``("rejected", (message, reason), digest)``.

    ``columns`` is :func:`parse_columns`'s ``{table: {column: values}}``; ``digest`` is
    :func:`analysis.io.file_digest` of the very bytes parsed (runs anywhere).
    """
    path, doc_id, row, rel, path_meta = job
    try:
        decoded = read_plan_file(path)
    except PlanReadError as exc:
        return "rejected", (str(exc), exc.reason), exc.digest or file_digest(path)
    return "ok", parse_columns(decoded, doc_id, row, rel=rel, path_meta=path_meta), decoded.digest


def _parse_quietly(job: tuple) -> tuple:
    """:func:`_parse_job` with its warnings returned (``[(category, message)]``) to be raised by the caller."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _parse_job(job)
    return (*out, [(w.category, str(w.message)) for w in caught])


def _plan_blocks(columns: dict) -> list[tuple]:
    """``(doc_id, kind, section_id, item_no, start, text)`` of a plan's blocks to segment, by start
    (what :func:`analysis.segment.plan_blocks` gives for this plan from the corpus table)."""
    from .segment import PLAN_BLOCKS

    b = columns["blocks"]
    rows = zip(b["doc_id"], b["kind"], b["section_id"], b["item_no"], b["start"], b["text"])
    return sorted((r for r in rows if r[1] in PLAN_BLOCKS), key=lambda r: r[4])  # stable


def _plan_text(columns: dict) -> str | None:
    """A plan's text as :func:`analysis.segment._plan_text_map` joins it (None without plan blocks)."""
    from .segment import PLAN_BLOCKS

    b = columns["blocks"]
    texts = [t for k, t in zip(b["kind"], b["text"]) if k in PLAN_BLOCKS]
    return "\n".join(texts) if texts else None


def _batch_tables(parsed: list[tuple[int, dict]]) -> dict:
    """The tables of some parsed plans as Arrow tables: ``{table: pyarrow.Table}``.

    ``parsed`` holds ``(job index, columns)`` of plans parsed in one worker; each row gets the
    index in a column ``_job`` so that :func:`_join_batches` puts batches back in the order of the
    files. Typing the columns here moves that work from the parent to the workers, and Arrow
    tables travel back far faster than lists of strings.
    """
    import pyarrow as pa

    gathered: dict[str, dict[str, list]] = {}
    for i, cols in parsed:
        for t, table in cols.items():
            g = gathered.setdefault(t, {"_job": []})
            g["_job"].extend([i] * len(next(iter(table.values()))))
            for c, values in table.items():
                g.setdefault(c, []).extend(values)
    return {
        t: pa.Table.from_arrays([pa.array(v, from_pandas=True) for v in g.values()], names=list(g))
        for t, g in gathered.items()
    }


def _join_batches(batches: list[dict], name: str) -> pd.DataFrame:
    """One corpus table from the Arrow batches of :func:`_batch_tables`, rows in file order.

    Equal to :func:`tables_from_columns` of all the plans' columns (tested): a column typed
    null in a batch where it had no value takes the type of the others.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [b[name] for b in batches if name in b and b[name].num_rows]
    if not parts:
        return empty_table(name)
    table = pa.concat_tables(parts, promote_options="permissive")
    table = table.take(pc.sort_indices(table, [("_job", "ascending")]))  # stable: a plan keeps its order
    return table.drop_columns(["_job"]).to_pandas()


def _summaries(parsed: list[tuple[int, tuple]]) -> tuple[list[tuple], dict]:
    """Per file ``(status, document status or (message, reason), digest, warnings)``, and the
    batch's tables (:func:`_batch_tables`)."""
    out, ok = [], []
    for i, (status, result, digest, caught) in parsed:
        if status == "ok":
            ok.append((i, result))
            result = result["documents"]["status"][0]
        out.append((status, result, digest, caught))
    return out, _batch_tables(ok)


def _parse_batch(items: list[tuple[int, tuple]]) -> tuple[list[tuple], dict]:
    """Parse files (the lexicon sample of a one-pass build): per file its summary
    (:func:`_summaries`) with the plan's text and blocks to segment, and the batch's tables."""
    parsed = [(i, _parse_quietly(job)) for i, job in items]
    summaries, tables = _summaries(parsed)
    extra = [(_plan_text(r[1]), _plan_blocks(r[1])) if r[0] == "ok" else (None, None) for _, r in parsed]
    return [(*s, *e) for s, e in zip(summaries, extra)], tables


def _parse_many(items: list[tuple[int, tuple]]) -> tuple[list[tuple], dict]:
    """Parse files: per file its summary, and the batch's tables (:func:`_summaries`)."""
    return _summaries([(i, _parse_quietly(job)) for i, job in items])


def _parse_segment_batch(task: tuple) -> tuple[list[tuple], dict, dict]:
    """Read, clean, parse and segment files in one worker, with one fixed lexicon.

    ``task`` is ``(segmenter params, items)``; an item is ``("file", (index, job))`` (parse,
    then segment) or ``("blocks", blocks)`` (a file parsed already: segment only). The params
    (:meth:`analysis.segment.Segmenter.cut_spec`) may also be the path of a file where the
    caller will write them (:func:`_wait_for_lexicon`): the worker parses its files while the
    lexicon is being made, then segments them. Returns ``(per item its summary or None,
    the batch's tables, token columns)``: the tokens of the whole batch
    (:func:`analysis.segment.segment_blocks`), plan by plan in the order of their doc_id.
    """
    from .segment import segment_blocks, worker_segmenter

    params, items = task
    parsed, blocks = [], []
    for kind, payload in items:
        if kind == "blocks":
            blocks.append(payload)
            continue
        i, job = payload
        out = _parse_quietly(job)
        parsed.append((i, out))
        if out[0] == "ok":
            blocks.append(_plan_blocks(out[1]))
    summaries, tables = _summaries(parsed)
    it = iter(summaries)
    per_item = [next(it) if kind == "file" else None for kind, _ in items]
    if isinstance(params, str):
        params = _wait_for_lexicon(params)
    seg = worker_segmenter(params)
    blocks.sort(key=lambda b: b[0][0] if b else "")
    return per_item, tables, segment_blocks(seg, [b for bs in blocks for b in bs])


def _wait_for_lexicon(path: str) -> dict:
    """The segmenter params the parent writes to ``path`` (pickle), once it has made them."""
    import pickle
    import time

    while not os.path.exists(path):
        if os.path.exists(path + ".abort"):
            raise RuntimeError("the lexicon could not be made; see the error of the build")
        time.sleep(0.02)
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, -(-len(items) // n))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _tokens_in_doc_order(parts: list[dict]) -> dict:
    """:func:`analysis.segment.merge_columns` of batches, with the plans put in doc_id order.

    Each batch holds whole plans in doc_id order, but batches cover interleaved doc_ids (the
    sample is taken by a hash of them): blocks are sorted by doc_id (stable: a plan's blocks
    keep their order) and every token follows its block.
    """
    import numpy as np

    from .segment import merge_columns

    merged = merge_columns(parts)
    docs = np.empty(len(merged["meta"]), dtype=object)
    docs[:] = [m[0] for m in merged["meta"]]
    order = np.argsort(docs, kind="stable")
    if not len(order) or (order == np.arange(len(order))).all():
        return merged
    n = np.asarray(merged["n"], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(n)[:-1]])  # each block's first token, before
    n_new = n[order]
    first_new = np.concatenate([[0], np.cumsum(n_new)[:-1]])
    perm = np.repeat(first[order] - first_new, n_new) + np.arange(int(n.sum()))
    return {
        "meta": [merged["meta"][i] for i in order],
        "n": n_new.tolist(),
        "vocab": merged["vocab"],
        **{c: merged[c][perm] for c in ("codes", "start", "end")},
    }


def _one_pass(jobs: list[tuple], *, engine: str, scheduler, n_jobs: int, show: bool, sample_chars):
    """Parse and segment every file in one pass over the workers; see :func:`build_corpus`.

    1. The plans of the lexicon sample (:func:`analysis.segment.lexicon_sample`: by a hash of
       their doc_id, up to ``sample_chars`` characters) are parsed first, in parallel, and the
       segmenter is made from them (:meth:`analysis.segment.Segmenter.from_texts`), exactly as
       :meth:`~analysis.segment.Segmenter.from_corpus` makes it from the finished corpus.
    2. Every other file is read, cleaned, parsed and segmented in the same worker with that
       fixed lexicon; the sample's plans are only segmented.

    Returns ``(per job its summary (:func:`_summaries`), the tables in batches
    (:func:`_batch_tables`), token columns in doc_id order, segmenter)``.
    """
    import logging
    import time

    from tqdm.auto import tqdm

    from .segment import _sample_key

    log = logging.getLogger(__name__)
    t0 = time.perf_counter()
    order = sorted(range(len(jobs)), key=lambda i: _sample_key(jobs[i][1]))
    bar = tqdm(total=len(jobs), desc="Parsing and segmenting", unit="file", disable=not show)
    # where the lexicon is handed to local workers (removed only once the pool has shut down:
    # a worker waiting for it must find it, or the abort marker)
    tmp = tempfile.mkdtemp(prefix="analysis-lexicon-") if engine == "local" and n_jobs > 1 else None
    try:
        return _one_pass_in(jobs, engine, scheduler, n_jobs, sample_chars, order, bar, tmp, t0, log)
    finally:
        bar.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _one_pass_in(jobs, engine, scheduler, n_jobs, sample_chars, order, bar, tmp, t0, log):
    """The body of :func:`_one_pass` (``tmp``: a folder to hand the lexicon to local workers, or None)."""
    import time

    from .engine import document_pool
    from .segment import Segmenter, _base_dictionary, lexicon_sample, rjieba_available

    n = len(jobs)
    results: list = [None] * n
    sizes: dict[str, int] = {}
    sample_texts: dict[str, str] = {}
    sample_blocks: dict[int, list] = {}
    batches: list[dict] = []
    warm = False
    with document_pool(engine, scheduler, n_jobs) as pool:
        # 1. the lexicon sample, in hash order, in batches sized by the files' bytes (~3 per character)
        pos, done = 0, False
        while not done:
            batch, est = [], 0
            budget = (
                float("inf") if sample_chars is None else max(sample_chars * 1.1 - sum(sizes.values()), 1)
            )
            while pos < n and est < budget:
                i = order[pos]
                batch.append(i)
                pos += 1
                with contextlib.suppress(OSError, TypeError):
                    est += Path(jobs[i][0]).stat().st_size / 3
            chunks = _chunks(batch, pool.workers * 2)
            mapped = pool.map(_parse_batch, [[(i, jobs[i]) for i in c] for c in chunks])
            if not warm:  # while the workers parse: jieba's dictionary, needed here for the lexicon
                _base_dictionary()  # (workers only replay the lexicon's words: Segmenter.cut_spec)
                rjieba_available()
                warm = True
            for chunk, (res, tables) in zip(chunks, mapped):
                batches.append(tables)
                for i, (status, result, digest, caught, text, blocks) in zip(chunk, res):
                    results[i] = (status, result, digest, caught)
                    if text is not None:
                        sample_texts[jobs[i][1]] = text
                        sizes[jobs[i][1]] = len(text)
                    if blocks is not None:
                        sample_blocks[i] = blocks
                bar.update(len(chunk) / 2)
            total = sum(sizes.values())
            done = pos >= n or (sample_chars is not None and total >= sample_chars)
        log.info("one pass: %d files, lexicon sample parsed (%d) in %.1fs", n, pos, time.perf_counter() - t0)
        files = [(i, ("file", (i, jobs[i]))) for i in range(n) if results[i] is None]
        file_chunks = _chunks(files, pool.workers * 4)
        # 2. with a process pool, the other files are handed out now: each worker reads, cleans
        #    and parses its files while the lexicon is made here, then segments them with it
        overlap = tmp is not None and pool.workers > 1 and bool(files)
        lexicon_path = os.path.join(tmp, "params.pkl") if overlap else None
        pending = (
            pool.map(_parse_segment_batch, [(lexicon_path, [it for _, it in c]) for c in file_chunks])
            if overlap
            else None
        )
        try:
            chosen = lexicon_sample(sizes, sample_chars)
            seg = Segmenter.from_texts([sample_texts[d] for d in chosen])
            params = seg.cut_spec()
        except BaseException:
            if lexicon_path:
                Path(lexicon_path + ".abort").touch()
            raise
        if lexicon_path:
            import pickle

            with open(lexicon_path + ".tmp", "wb") as fh:
                pickle.dump(params, fh)
            os.replace(lexicon_path + ".tmp", lexicon_path)
        log.info("one pass: lexicon of %d terms at %.1fs", len(seg.terms), time.perf_counter() - t0)
        if pending is None:
            pending = pool.map(_parse_segment_batch, [(params, [it for _, it in c]) for c in file_chunks])
        # the sample's plans, parsed already: segmented only
        sample = [(i, ("blocks", sample_blocks[i])) for i in sorted(sample_blocks)]
        sample_chunks = _chunks(sample, pool.workers * 2)
        later = pool.map(_parse_segment_batch, [(params, [it for _, it in c]) for c in sample_chunks])
        parts = []
        for chunks, res_iter in ((file_chunks, pending), (sample_chunks, later)):
            for chunk, (res, tables, cols) in zip(chunks, res_iter):
                batches.append(tables)
                for (i, (kind, _)), result in zip(chunk, res):
                    if kind == "file":
                        results[i] = result
                        bar.update(1)
                    else:
                        bar.update(0.5)
                parts.append(cols)
    log.info("one pass: parsed and segmented at %.1fs", time.perf_counter() - t0)
    return results, batches, _tokens_in_doc_order(parts), seg


def _default_jobs(n_files: int) -> int:
    """Worker processes for a build: all cores above 200 files (below, starting them costs more)."""
    return (os.cpu_count() or 1) if n_files > 200 else 1


def _parse_in_processes(jobs: list[tuple], n_jobs: int, show: bool) -> tuple[list[tuple], list[dict]]:
    """:func:`_parse_job` over ``jobs`` in ``n_jobs`` processes: per file ``(status, document
    status or (message, reason), digest)`` in order, and the tables in batches
    (:func:`_batch_tables`); each file's warnings are raised here, in the order of the files."""
    from tqdm.auto import tqdm

    from .engine import document_pool

    out, batches = [], []
    with (
        document_pool("local", None, n_jobs) as pool,
        tqdm(total=len(jobs), desc="Parsing plans", unit="file", disable=not show) as bar,
    ):
        for res, tables in pool.map(_parse_many, _chunks(list(enumerate(jobs)), n_jobs * 8)):
            batches.append(tables)
            for status, result, digest, caught in res:
                for category, message in caught:
                    warnings.warn(message, category, stacklevel=4)
                out.append((status, result, digest))
            bar.update(len(res))
    return out, batches


def build_corpus(
    raw_dir: str | Path | None = None,
    *,
    progress: bool | None = None,
    engine: str = "local",
    scheduler=None,
    path_template: str | None = None,
    tokens: bool = False,
    n_jobs: int | None = None,
    sample_chars: int | None = None,
) -> Corpus:
    """Parse every plan file in a folder and its sub-folders (no cache).

    Parameters
    ----------
    raw_dir : path, optional
        Folder of plans (read recursively; see :func:`analysis.io.scan_folder`); default
        the repository's ``data/raw``. A ``manifest.csv`` there (column ``file``, the path
        relative to the folder, plus any of :data:`MANIFEST_COLUMNS`) overrides inferred
        metadata; without one, metadata comes from the path (folder names that are exactly a
        division or a year; see :func:`analysis.metadata.path_metadata`) and from each
        plan's text.
    path_template : str, optional
        How paths name metadata, e.g. ``"{collection}/{region}/{year}.md"``.
    progress : bool, optional
        Show a progress bar; by default only for 20 files or more.
    engine : {"local", "dask"}, default "local"
        Where files are read and parsed: in this process, or on Dask
        (:func:`analysis.engine.map_documents`); the tables are the same.
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``, the cluster to use (address or client).
    tokens : bool, default False
        Also segment, in the same pass: each worker reads, cleans, parses *and* segments its
        files, with one lexicon fixed beforehand from a deterministic sample of plans
        (:func:`analysis.segment.lexicon_sample`, parsed first). ``corpus.tokens`` and
        ``corpus.segmenter`` are then ready, and equal to what the sequential path gives
        (``build_corpus`` then ``corpus.tokens``).
    n_jobs : int, optional
        With ``engine="local"``: processes that read and parse (and with ``tokens=True``
        segment) the files; default all cores above 200 files, else one (this process). The
        tables do not depend on it.
    sample_chars : int, optional
        Characters of plan text read for the corpus terms; default
        :data:`analysis.segment.LEXICON_SAMPLE_CHARS`.

    Returns
    -------
    Corpus
        Files that cannot be read are listed in ``errors`` and reported with a
        :class:`CorpusWarning`; the rest of the corpus still loads.

    Examples
    --------
    >>> c = build_corpus(default_raw_dir())
    >>> c.items.loc[0, ["doc_id", "path", "title"]].tolist()
    ['beijing_2023', '一/1', '深入学习宣传贯彻党的二十大精神']
    """
    from tqdm.auto import tqdm

    folder = Path(raw_dir) if raw_dir is not None else default_raw_dir()
    files, skipped = scan_folder(folder)
    digests: dict[str, str] = {}
    manifest = _read_manifest(folder, digests)
    columns: dict[str, dict[str, list]] = {t: {} for t in TABLES if t != "errors"}
    errors = []
    seen: set[str] = set()
    show = progress if progress is not None else len(files) >= 20
    jobs = []
    from .metadata import path_metadata

    for path in files:
        rel = path.relative_to(folder).as_posix()
        doc_id = _doc_id(rel)
        while doc_id in seen:
            doc_id += "_"
        seen.add(doc_id)
        key = unicodedata.normalize("NFC", rel)
        if manifest is None or key not in manifest.index:
            key = unicodedata.normalize("NFC", path.name)
        row = manifest.loc[key].to_dict() if manifest is not None and key in manifest.index else None
        jobs.append((path, doc_id, row, rel, path_metadata(rel, path_template)))
    token_cols, seg, batches = None, None, []
    if tokens:
        from .segment import LEXICON_SAMPLE_CHARS

        if n_jobs is None:
            n_jobs = _default_jobs(len(jobs))
        done, batches, token_cols, seg = _one_pass(
            jobs, engine=engine, scheduler=scheduler, n_jobs=n_jobs, show=show,
            sample_chars=LEXICON_SAMPLE_CHARS if sample_chars is None else sample_chars,
        )  # fmt: skip
        results = []
        for status, result, digest, caught in done:
            for category, message in caught:
                warnings.warn(message, category, stacklevel=3)
            results.append((status, result, digest))
    elif engine == "local" and (n_jobs or _default_jobs(len(jobs))) > 1:
        results, batches = _parse_in_processes(jobs, n_jobs or _default_jobs(len(jobs)), show)
    elif engine == "local":
        results = (_parse_job(j) for j in tqdm(jobs, desc="Parsing plans", unit="file", disable=not show))
    else:
        from .engine import map_documents

        results = map_documents(_parse_job, jobs, engine=engine, scheduler=scheduler)
    parsed: list[tuple[str, str]] = []
    for (path, _doc, _row, rel, _meta), (status, result, digest) in zip(jobs, results):
        parsed.append((rel, digest))
        if status != "ok":
            message, reason = result
            errors.append({"file": rel, "path": str(path), "status": "rejected", "reason": reason})
            warnings.warn(message, CorpusWarning, stacklevel=2)
            continue
        doc_status = result if isinstance(result, str) else result["documents"]["status"][0]
        if doc_status != "ok":
            warnings.warn(
                f"{path}: not structured as a plan (no headings or items); loaded as one block",
                CorpusWarning,
                stacklevel=2,
            )
        if isinstance(result, str):  # its tables came in a batch
            continue
        for t, cols in result.items():
            gathered = columns[t]
            for c, values in cols.items():
                gathered.setdefault(c, []).extend(values)
    if MANIFEST in digests:
        parsed.append((MANIFEST, digests[MANIFEST]))
    if manifest is not None:
        listed = {unicodedata.normalize("NFC", p.name) for p in files}
        listed |= {unicodedata.normalize("NFC", p.relative_to(folder).as_posix()) for p in files}
        missing = sorted(set(manifest.index) - listed)
        for name in missing:
            errors.append(
                {"file": name, "path": str(folder / name), "status": "rejected",
                 "reason": "listed in manifest.csv but not found"}
            )  # fmt: skip
            warnings.warn(
                f"{folder / name}: listed in manifest.csv but not found", CorpusWarning, stacklevel=2
            )
    if batches:
        tables = {t: _join_batches(batches, t) for t in columns}
    else:
        tables = {t: tables_from_columns(cols, t) for t, cols in columns.items()}
    if "year" in tables["documents"]:
        tables["documents"]["year"] = tables["documents"]["year"].astype("Int64")
    if skipped:
        warnings.warn(
            f"{folder}: {len(skipped)} entr{'y' if len(skipped) == 1 else 'ies'} skipped ("
            + "; ".join(f"{r['file']}: {r['reason']}" for r in skipped[:5])
            + (" …" if len(skipped) > 5 else "")
            + "); see corpus.errors",
            CorpusWarning,
            stacklevel=2,
        )
    tables["errors"] = pd.DataFrame(errors + skipped, columns=ERROR_COLUMNS)
    corpus = Corpus(**tables, source=folder)
    corpus._cache["parsed_fingerprint"] = _combine(parsed)  # of the bytes parsed, not re-read
    if tokens:
        from .segment import tokens_frame

        corpus._cache["tokens"] = tokens_frame(token_cols, seg)
        corpus._cache["segmenter"] = seg
    return corpus


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, pd.DataFrame]:
    """Empty tables with the full schema: the tables of a tiny bundled plan, with no rows."""
    import pyarrow as pa

    fragments = parse_file(Path(__file__).parent / "data" / "schema_plan.txt", "schema")
    return {
        t: pa.Table.from_pandas(df.iloc[0:0], preserve_index=False).to_pandas() for t, df in fragments.items()
    }


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with every column of ``name`` (documents, sections, items, sentences, blocks, removed).

    >>> list(empty_table("items").columns[:4]), len(empty_table("items"))
    (['doc_id', 'item_no', 'section_no', 'section_id'], 0)
    """
    if name == "errors":
        return pd.DataFrame(columns=ERROR_COLUMNS)
    return _schema()[name].copy()


def tables_from_columns(columns: dict[str, list], name: str | None = None) -> pd.DataFrame:
    """A corpus table from columns of plain lists (:func:`parse_columns`, gathered over plans).

    Each column is typed once by Arrow (as the cache stores it), so that a fresh table and one
    read back from the cache have the same dtypes; the result equals :func:`_concat` of the
    plans' DataFrames (tested). No rows: the empty table of ``name`` with every column.
    """
    import pyarrow as pa

    if not columns or not len(next(iter(columns.values()))):
        return empty_table(name) if name else pd.DataFrame(columns=list(columns))
    arrays = [pa.array(values, from_pandas=True) for values in columns.values()]
    return pa.Table.from_arrays(arrays, names=list(columns)).to_pandas()


def _concat(frames: list[pd.DataFrame], name: str | None = None) -> pd.DataFrame:
    """Concatenate, then round-trip through Arrow so fresh and cached tables have equal dtypes."""
    import pyarrow as pa

    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_table(name) if name else pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return pa.Table.from_pandas(df, preserve_index=False).to_pandas()


def _combine(entries: list[tuple[str, str]]) -> str:
    h = hashlib.sha256(PARSER_VERSION.encode())
    for name, digest in entries:
        h.update(os.fsencode(name) + b"\0" + digest.encode() + b"\0")
    return h.hexdigest()


def _manifest_entry(folder: Path) -> str | None:
    """Digest of ``manifest.csv`` as :func:`fingerprint` records it (a symbolic link is not followed)."""
    path = folder / MANIFEST
    if path.is_symlink():
        return "<symbolic link>"
    return file_digest(path) if path.is_file() else None


def fingerprint(raw_dir: str | Path) -> str:
    """Hash of the plan files, the manifest and the parser version.

    Each file counts by :func:`analysis.io.file_digest` (SHA-256 of its bytes; a file over
    the size limit by its size, without reading it). :func:`build_corpus` makes the same hash
    of the bytes it actually parsed (``corpus._cache["parsed_fingerprint"]``); a cache is
    written only when the two agree, so a file rewritten during a build is never cached.
    """
    folder = Path(raw_dir)
    entries = [(p.relative_to(folder).as_posix(), file_digest(p)) for p in list_plan_files(folder)]
    manifest = _manifest_entry(folder)
    if manifest is not None:
        entries.append((MANIFEST, manifest))
    return _combine(entries)


def _with_template(fp: str, path_template: str | None) -> str:
    """A fingerprint that also depends on the path template (its metadata is in the tables)."""
    if not path_template:
        return fp
    return hashlib.sha256((fp + "\0" + path_template).encode()).hexdigest()


class CacheWarning(UserWarning):
    """A cache could not be used (damaged, incomplete, from other code) and is being rebuilt."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextlib.contextmanager
def cache_lock(folder: str | Path, *, shared: bool = False):
    """An inter-process lock on a cache folder (``.lock``): one writer, or many readers.

    Uses ``fcntl.flock`` where it exists (POSIX); elsewhere it does nothing. A reader of a
    read-only cache (no ``.lock`` can be opened) reads without the lock; the hashes in
    ``build.json`` still guard what it reads. A writer that cannot lock raises ``OSError``.
    """
    folder = Path(folder)
    if not shared:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; writes are still atomic per file
        yield
        return
    try:
        fh = open(folder / ".lock", "a+")  # noqa: SIM115 - closed below
    except OSError:
        if not shared:
            raise
        # a read-only cache: read it without the lock (every table is checked against its hash)
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, flushed to disk, then renamed into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _remove_stale_tmp(folder: Path) -> list[Path]:
    """Delete temporary files a killed writer left (call under the exclusive lock: no writer runs)."""
    gone = []
    for tmp in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            gone.append(tmp)
    return gone


def _write_tokens(df: pd.DataFrame, out: Path, fp: str, lexicon=None) -> pd.DataFrame:
    """``tokens.parquet`` and ``tokens.json`` (its cache key, with the lexicon the tokens were
    made with, and hash); call under the exclusive lock. Returns the table as a later load
    reads it (``pd.read_parquet``): the Arrow table written, made a DataFrame in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .segment import tokens_fingerprint

    path = out / "tokens.parquet"
    table = pa.Table.from_pandas(df, preserve_index=False)  # what DataFrame.to_parquet writes
    _write_atomic(path, lambda tmp: pq.write_table(table, tmp))
    key = tokens_fingerprint(fp) if lexicon is None else tokens_fingerprint(fp, lexicon)
    info = {"fingerprint": key, "sha256": _sha256(path)}
    _write_atomic(path.with_suffix(".json"), lambda tmp: tmp.write_text(json.dumps(info), encoding="utf-8"))
    return table.to_pandas()


def save_corpus(corpus: Corpus, out_dir: str | Path, fp: str | None = None) -> list[Path]:
    """Write every table to ``out_dir`` as parquet, then ``build.json`` with a SHA-256 per table.

    Each file is written to a temporary name and renamed into place, under an exclusive lock,
    and ``build.json`` is written last: a build killed at any point leaves either the old
    cache or a cache whose hashes do not match, which :func:`load_corpus` rebuilds. Tokens
    segmented in the same pass as the build (``build_corpus(..., tokens=True)``) are written
    too, as ``tokens.parquet`` with their cache key.
    """
    from concurrent.futures import ThreadPoolExecutor

    out = Path(out_dir)
    written = []

    def write(t: str) -> str:
        path = out / f"{t}.parquet"
        _write_atomic(path, lambda tmp: getattr(corpus, t).to_parquet(tmp, index=False))
        return _sha256(path)

    tokens = fp and "tokens" in corpus._cache and "parent" not in corpus._cache
    # the files are written side by side in threads (Arrow writes parquet without the GIL)
    with cache_lock(out), ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as ex:
        _remove_stale_tmp(out)
        tok = ex.submit(_write_tokens, corpus._cache["tokens"], out, fp, corpus.lexicon) if tokens else None
        hashes = dict(zip(TABLES, ex.map(write, TABLES)))
        written += [out / f"{t}.parquet" for t in TABLES]
        info = {
            "fingerprint": fp,
            "parser_version": PARSER_VERSION,
            "source": str(Path(corpus.source).resolve()) if corpus.source is not None else "",
            "sha256": hashes,
        }
        _write_atomic(
            out / "build.json", lambda tmp: tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
        )
        if tok is not None:
            # the table as a later load reads it: fresh and cached tokens are the same table
            corpus._cache["tokens"] = tok.result()
            written.append(out / "tokens.parquet")
    return written


def _read_cached(out: Path, fp: str) -> Corpus | None:
    """The cached corpus if its fingerprint and every table's hash match; None to rebuild."""
    info_path = out / "build.json"
    if not info_path.is_file():
        return None
    with cache_lock(out, shared=True):
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
            if info.get("fingerprint") != fp:
                return None
            hashes = info["sha256"]
            tables = {}
            for t in TABLES:
                path = out / f"{t}.parquet"
                if _sha256(path) != hashes[t]:
                    raise ValueError(f"{path.name} does not match its hash in build.json")
                tables[t] = pd.read_parquet(path)
        except Exception as exc:  # any damage (missing file, truncated parquet, bad JSON): rebuild
            warnings.warn(
                f"{out}: cache unusable ({type(exc).__name__}: {exc}); rebuilding", CacheWarning, stacklevel=3
            )
            return None
    return Corpus(**tables, source=Path(info.get("source", "")), cache_dir=out, fingerprint=fp)


CACHE_ENV = "ANALYSIS_CACHE_DIR"
APP_NAME = "cyl-plans-analysis"


def user_cache_root() -> Path:
    """Where caches of folders other than the project's ``data/raw`` live.

    ``$ANALYSIS_CACHE_DIR`` when set, else the per-user cache directory of the
    platform (``~/.cache/cyl-plans-analysis`` on Linux, ``~/Library/Caches/…`` on
    macOS, ``%LOCALAPPDATA%\\…\\Cache`` on Windows), from :mod:`platformdirs`.
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def _is_project_default(folder: Path) -> bool:
    root = project_root()
    return (root / "pyproject.toml").is_file() and folder.resolve() == default_raw_dir().resolve()


def default_cache_dir(raw_dir: str | Path) -> Path:
    """Where the tables of ``raw_dir`` are cached.

    ``data/processed`` for the project's own ``data/raw``; for any other folder
    ``<user cache>/corpora/<folder>-<hash>`` (see :func:`user_cache_root`), so caches
    of other folders never pile up in the repository or in the working directory.

    Examples
    --------
    >>> import os
    >>> os.environ["ANALYSIS_CACHE_DIR"] = "/tmp/plans-cache"
    >>> default_cache_dir("/home/me/plans").parent
    PosixPath('/tmp/plans-cache/corpora')
    >>> default_cache_dir("/home/me/plans").name.startswith("plans-")
    True
    >>> del os.environ["ANALYSIS_CACHE_DIR"]
    """
    folder = Path(raw_dir)
    if _is_project_default(folder):
        return default_processed_dir()
    tag = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:8]
    return user_cache_root() / "corpora" / f"{folder.name}-{tag}"


def list_caches(root: str | Path | None = None) -> pd.DataFrame:
    """The corpus caches under the user cache directory, one row each.

    Columns: ``cache`` (folder), ``source`` (the plans folder it was built from),
    ``source_exists``, ``n_files``, ``megabytes``, ``built`` (time of ``build.json``).

    Examples
    --------
    >>> import tempfile
    >>> list_caches(tempfile.mkdtemp()).columns.tolist()
    ['cache', 'source', 'source_exists', 'n_files', 'megabytes', 'built']
    """
    base = (Path(root) if root is not None else user_cache_root()) / "corpora"
    rows = []
    for d in sorted(base.iterdir()) if base.is_dir() else []:
        if not d.is_dir() or d.is_symlink():
            continue
        info = {}
        try:
            info = json.loads((d / "build.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        files = [f for f in d.rglob("*") if f.is_file()]
        src = str(info.get("source", "")) if isinstance(info, dict) else ""
        built = (d / "build.json").stat().st_mtime if (d / "build.json").is_file() else None
        # only an absolute source can be checked from any working directory; a relative one
        # (written by older versions) or none is unknown, never taken for gone
        known = bool(src) and Path(src).is_absolute()
        rows.append(
            {
                "cache": str(d),
                "source": src,
                "source_exists": (Path(src).is_dir() if known else None),
                "n_files": len(files),
                "megabytes": round(sum(f.stat().st_size for f in files) / 1e6, 2),
                "built": pd.Timestamp(built, unit="s").floor("s") if built else pd.NaT,
            }
        )
    return pd.DataFrame(rows, columns=["cache", "source", "source_exists", "n_files", "megabytes", "built"])


def clear_caches(root: str | Path | None = None, *, stale_only: bool = True) -> list[Path]:
    """Delete corpus caches under the user cache directory; return the folders deleted.

    With ``stale_only`` (default), only caches whose source folder, recorded as an absolute
    path, no longer exists; a cache whose source is unknown or relative (older versions) is
    kept, whatever the working directory. Otherwise (``--all``) all of them. Only folders
    under ``<root>/corpora`` are touched, never the project's ``data/processed``.
    """
    import shutil

    table = list_caches(root)
    base = ((Path(root) if root is not None else user_cache_root()) / "corpora").resolve()
    gone = []
    for row in table.itertuples():
        d = Path(row.cache)
        gone_source = (
            row.source_exists is not None and not pd.isna(row.source_exists) and not row.source_exists
        )
        if stale_only and not gone_source:
            continue
        if d.resolve().parent != base:  # never follow a path out of the cache root
            continue
        with cache_lock(d):
            shutil.rmtree(d, ignore_errors=True)
        gone.append(d)
    return gone


def load_corpus(
    raw_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    progress: bool | None = None,
    engine: str = "local",
    scheduler=None,
    path_template: str | None = None,
    tokens: bool | None = None,
    n_jobs: int | None = None,
) -> Corpus:
    """Load a corpus of plans, reusing the parquet cache while the files are unchanged.

    Parameters
    ----------
    raw_dir : path, optional
        Folder of plans; default the repository's ``data/raw``.
    cache_dir : path, optional
        Where the parquet tables live; default ``data/processed`` for the
        project's own corpus and ``<user cache>/corpora/<folder>-<hash>`` for any
        other folder (see :func:`default_cache_dir`; ``python -m analysis cache list``
        shows them). The cache is rebuilt when any file, the manifest or the parser
        version changes.
    use_cache : bool, default True
        False parses afresh and writes nothing.
    path_template : str, optional
        How file paths name metadata (``"{collection}/{region}/{year}.md"``); see
        :func:`build_corpus`. Sub-folders are always read.
    engine, scheduler
        ``engine="dask"`` parses and segments on a Dask cluster (``scheduler``: its
        address, e.g. ``"tcp://10.0.0.5:8786"``, or a ``distributed.Client``); the tables
        are the same as with the default ``"local"``.
    tokens : bool, optional
        When the tables are built (no usable cache), segment in the same parallel pass
        (:func:`build_corpus` with ``tokens=True``) and cache ``tokens.parquet`` too. Default:
        with ``engine="dask"``, and locally for more than 200 files on more than one core (the
        one pass measured 0.6× a plain jieba pass on 1,000 generated plans against 0.75× for
        the two steps, ``benchmarks/README.md``); otherwise the tokens are made when
        ``corpus.tokens`` is first used. The tokens are the same either way.
    n_jobs : int, optional
        Worker processes that read and parse (and, in the one pass, segment) the files when the
        tables are built; default all cores above 200 files, else this process alone.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> c = load_corpus()
    >>> c.summary()[["doc_id", "n_sections", "n_items"]]
               doc_id  n_sections  n_items
    0    beijing_2023           6       24
    1  chongqing_2023           5       22
    2     guyuan_2023           4       20
    3   mianyang_2023           6       22
    4    sichuan_2021           5       39
    """
    folder = Path(raw_dir) if raw_dir is not None else default_raw_dir()
    corpus = _load(folder, cache_dir, use_cache, progress, engine, scheduler, path_template, tokens, n_jobs)
    corpus._cache["engine"] = (engine, scheduler)
    return corpus


def _cache_failed(cache_dir, exc: OSError, stacklevel: int = 3) -> None:
    warnings.warn(
        f"{cache_dir}: cache cannot be used ({exc.strerror or exc}); the corpus is kept in memory only",
        CacheWarning,
        stacklevel=stacklevel,
    )


def _load(
    folder: Path,
    cache_dir,
    use_cache: bool,
    progress,
    engine: str,
    scheduler,
    path_template=None,
    tokens: bool | None = None,
    n_jobs: int | None = None,
) -> Corpus:
    if tokens is None:  # measured (benchmarks/README.md): the one pass wins wherever it runs in parallel
        tokens = engine == "dask" or _default_jobs(len(scan_folder(folder)[0])) > 1
    build = functools.partial(build_corpus, path_template=path_template, tokens=tokens, n_jobs=n_jobs)
    if not use_cache:
        return build(folder, progress=progress, engine=engine, scheduler=scheduler)
    if cache_dir is None:
        cache_dir = default_cache_dir(folder)
    fp = _with_template(fingerprint(folder), path_template)
    try:
        cached = _read_cached(Path(cache_dir), fp)
    except OSError as exc:  # cannot lock or read the cache folder at all: work in memory
        _cache_failed(cache_dir, exc)
        return build(folder, progress=progress, engine=engine, scheduler=scheduler)
    if cached is not None:
        for e in cached.errors.itertuples():
            warnings.warn(f"{e.path}: {e.reason}", CorpusWarning, stacklevel=2)
        return cached
    corpus = build(folder, progress=progress, engine=engine, scheduler=scheduler)
    if _with_template(corpus._cache.get("parsed_fingerprint") or "", path_template) != fp:
        # the bytes parsed are not the bytes fingerprinted: a file changed while it was read
        warnings.warn(
            f"{folder}: files changed during the build; tables not cached", CacheWarning, stacklevel=3
        )
        return corpus
    try:
        save_corpus(corpus, cache_dir, fp)
    except OSError as exc:  # cannot create, read-only, disk full: the corpus is still good
        _cache_failed(cache_dir, exc)
        return corpus
    corpus.cache_dir, corpus.fingerprint = Path(cache_dir), fp
    return corpus
