"""Dictionary attention panels: how often each plan names each policy area, by region and year.

Research on government work reports measures *attention allocation* (Jones & Baumgartner 2005) with a
dictionary of terms per policy area (数字经济, 大数据, 人工智能 … for the digital economy; 生态, 绿色,
低碳 … for ecology) counted per 10,000 characters, by province or city and year, then plotted and
exported to Stata or R (dictionary methods: Grimmer & Stewart 2013). This module builds that panel:

- :func:`dictionary_rates` counts a dictionary in every plan, pools the plans of each group and gives
  the rate with an interval that takes the *plan* as the unit (not the character);
- :func:`read_dictionary` / :func:`shipped_dictionary` / :func:`dictionary_for` read a dictionary
  (``{category: [terms]}``, a CSV ``category,term`` or a YAML mapping); two editable ones ship in
  ``analysis/data``: ``dictionary_gov.csv`` (government work reports) and ``dictionary_cyl.csv``
  (Youth League plans);
- :func:`panel_wide` and :func:`export_panel` give the long and the wide table as CSV and Parquet.

Counting rules (``match="text"``): the terms of a category are matched as substrings, left to right,
the *longest term first* at each position, without overlaps, so 生态环境保护 counts once in a category
holding 生态, 生态环境 and 环境保护. Each category is counted on its own: a passage may count for two
categories when both list a term in it. A term split by whitespace (a hard line break) is not
counted; text blocks are joined with a line break so no match spans two blocks. Rates are per 10,000
non-whitespace characters. ``match="tokens"`` counts tokens of ``corpus.tokens`` equal to a term
(per 10,000 non-punctuation tokens): compounds the segmenter splits (数字经济 → 数字/经济) are then
missed, which is why substrings are the default.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError, InsufficientDataError

DATA = Path(__file__).parent / "data"
#: Dictionaries shipped with the package, by name (files ``data/dictionary_<name>.csv``).
SHIPPED = {"gov": DATA / "dictionary_gov.csv", "cyl": DATA / "dictionary_cyl.csv"}
COLUMNS = ("category", "count", "total", "rate", "ci_low", "ci_high", "n_docs")
_WS = re.compile(r"\s")


class DictionaryError(AnalysisError, ValueError):
    """A dictionary that cannot be used; the message names the file or the category."""


# --------------------------------------------------------------------------- dictionaries


def _clean(dictionary: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cat, terms in dictionary.items():
        cat = str(cat).strip()
        if isinstance(terms, str):
            terms = [terms]
        kept = [t for t in dict.fromkeys(str(t).strip() for t in terms or ()) if t]
        bad = [t for t in kept if _WS.search(t)]
        if bad:
            raise DictionaryError(f"category {cat!r}: terms may not contain whitespace ({bad[0]!r})")
        if not cat:
            raise DictionaryError("a dictionary category has an empty name")
        if kept:
            out.setdefault(cat, [])
            out[cat].extend(t for t in kept if t not in out[cat])
    if not out:
        raise DictionaryError("the dictionary has no terms")
    return out


def read_dictionary(path: str | Path) -> dict[str, list[str]]:
    """Read a dictionary file: CSV with columns ``category,term`` or YAML ``{category: [terms]}``.

    Blank lines and lines starting with ``#`` are skipped; a UTF-8 BOM is tolerated; terms keep
    their order (first occurrence) and duplicates within a category are dropped.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (header ``category,term``) or ``.yaml``/``.yml``.

    Returns
    -------
    dict
        ``{category: [term, ...]}`` in file order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("category,term\\n生态,生态\\n生态,绿色\\n创新,创新\\n", encoding="utf-8")
    >>> read_dictionary(p)
    {'生态': ['生态', '绿色'], '创新': ['创新']}
    """
    path = Path(path)
    if not path.is_file():
        raise DictionaryError(f"{path}: no such dictionary file")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text)
        if isinstance(data, list):  # [{category: …, term: …}, …]
            merged: dict[str, list[str]] = {}
            for row in data:
                merged.setdefault(str(row["category"]), []).append(str(row["term"]))
            data = merged
        if not isinstance(data, Mapping):
            raise DictionaryError(f"{path}: a YAML dictionary maps each category to a list of terms")
        return _clean(data)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(lines))
    if not rows or not {"category", "term"} <= set(rows[0]):
        raise DictionaryError(f"{path}: a CSV dictionary needs the columns category,term")
    merged = {}
    for row in rows:
        merged.setdefault((row["category"] or "").strip(), []).append(row["term"] or "")
    return _clean(merged)


def shipped_dictionary(name: str = "gov") -> dict[str, list[str]]:
    """A dictionary shipped with the package: ``"gov"`` (government work reports) or ``"cyl"`` (Youth League).

    Examples
    --------
    >>> d = shipped_dictionary("gov")
    >>> "数字经济" in d["数字经济"] and len(d) >= 6
    True
    """
    if name not in SHIPPED:
        raise DictionaryError(f"no shipped dictionary {name!r}; choose one of {sorted(SHIPPED)}")
    return read_dictionary(SHIPPED[name])


_GOV = re.compile(r"政府工作报告|各位代表")


def dictionary_for(corpus) -> tuple[str, dict[str, list[str]]]:
    """The shipped dictionary that fits the corpus: ``"gov"`` when most plans are government work reports.

    A plan counts as a government work report when its title says 政府工作报告 or its text
    opens the address with 各位代表; otherwise the Youth League dictionary is used.

    Returns
    -------
    (name, dictionary)
    """
    docs = corpus.documents
    if len(docs) == 0:
        return "cyl", shipped_dictionary("cyl")
    heads = docs.title.fillna("").astype(str) + docs.body.astype(str).str.slice(0, 3000)
    gov = heads.str.contains(_GOV).mean() > 0.5
    name = "gov" if gov else "cyl"
    return name, shipped_dictionary(name)


def as_dictionary(dictionary) -> dict[str, list[str]]:
    """A dictionary from a mapping, a file (:func:`read_dictionary`) or a shipped name (``"gov"``, ``"cyl"``)."""
    if isinstance(dictionary, (str, Path)):
        if str(dictionary) in SHIPPED:
            return shipped_dictionary(str(dictionary))
        return read_dictionary(dictionary)
    if isinstance(dictionary, Mapping):
        return _clean(dictionary)
    raise DictionaryError("a dictionary is a {category: [terms]} mapping, a file path or 'gov'/'cyl'")


# --------------------------------------------------------------------------- counting


def _pattern(terms: Sequence[str]) -> re.Pattern:
    """One alternation, longest term first: at each position the longest term wins."""
    ordered = sorted(terms, key=lambda t: (-len(t), t))
    return re.compile("|".join(re.escape(t) for t in ordered))


def count_terms(text: str, terms: Sequence[str]) -> int:
    """Non-overlapping occurrences of any of ``terms`` in ``text``, longest term first.

    Scanning left to right, the longest term that starts at a position is taken and the
    scan resumes after it (leftmost-longest matching).

    Examples
    --------
    >>> count_terms("加强生态环境保护，建设生态文明", ["生态", "生态环境"])
    2
    >>> count_terms("生态环境", ["生态", "环境"])
    2
    """
    if not terms or not text:
        return 0
    return sum(1 for _ in _pattern(terms).finditer(text))


def _texts(corpus, part) -> pd.Series:
    """Text to count in per plan: the body, or the blocks of the chosen part/kind joined by line breaks."""
    docs = corpus.documents
    if part is None:
        return pd.Series(docs.body.astype(str).to_numpy(), index=docs.doc_id.to_numpy())
    parts = [part] if isinstance(part, str) else list(part)
    b = corpus.blocks
    known = set(b.kind.dropna()) | (set(b.part.dropna()) if "part" in b else set())
    sel = b.kind.isin(parts)
    if "part" in b:
        sel |= b.part.isin(parts)
    if not sel.any() and not set(parts) & known:
        raise InsufficientDataError(
            f"no block of part or kind {parts} in this corpus; it has {sorted(map(str, known))}"
        )
    b = b[sel].sort_values(["doc_id", "start"], kind="stable")
    joined = b.groupby("doc_id", sort=False).text.agg("\n".join)
    return joined.reindex(docs.doc_id.to_numpy()).fillna("")


def _count_chunk(task: tuple[dict[str, list[str]], list[tuple[str, str]]]) -> list[tuple]:
    """``(doc_id, category, count, total)`` for a batch of ``(doc_id, text)``: runs on any worker."""
    dictionary, texts = task
    pats = {c: _pattern(t) for c, t in dictionary.items()}
    rows = []
    for doc, text in texts:
        total = len(text) - len(_WS.findall(text))
        for cat, pat in pats.items():
            rows.append((doc, cat, sum(1 for _ in pat.finditer(text)), total))
    return rows


def plan_counts(
    corpus,
    dictionary,
    *,
    part: str | Sequence[str] | None = None,
    match: str = "text",
    engine: str = "local",
    scheduler=None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Counts per plan and category: ``doc_id, category, count, total``.

    ``total`` is the plan's non-whitespace characters in the counted text (``match="text"``)
    or its non-punctuation tokens (``match="tokens"``). See :func:`dictionary_rates`.

    Counting is per plan and streams: texts are counted one plan at a time (``n_jobs``
    processes, or a Dask cluster with ``engine="dask"``), tokens through per-plan counts of
    the tokens table; the corpus is never joined into one string.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> plan_counts(load_corpus(), {"生态": ["生态", "绿色"]}).head(2).values.tolist()
    [['beijing_2023', '生态', 3, 6233], ['chongqing_2023', '生态', 4, 7084]]
    """
    dictionary = as_dictionary(dictionary)
    columns = ["doc_id", "category", "count", "total"]
    if match == "text":
        texts = _texts(corpus, part)
        pairs = list(zip(texts.index, texts.to_numpy()))
        size = max(1, min(200, -(-len(pairs) // max(1, 4 * n_jobs))))
        tasks = [(dictionary, pairs[i : i + size]) for i in range(0, len(pairs), size)]
        if engine != "local":
            from .engine import map_documents

            parts = map_documents(_count_chunk, tasks, engine=engine, scheduler=scheduler)
        elif n_jobs > 1 and len(tasks) > 1:
            from .engine import document_pool

            with document_pool("local", n_jobs=n_jobs) as pool:
                parts = list(pool.map(_count_chunk, tasks))
        else:
            parts = map(_count_chunk, tasks)
        rows = [r for part_rows in parts for r in part_rows]
        # documents first, then categories in dictionary order (the rows of each document are together)
        out = pd.DataFrame(rows, columns=columns)
    elif match == "tokens":
        tok = corpus.tokens
        tok = tok[~tok.punct.astype(bool)]
        if part is not None:
            tok = _tokens_in_part(corpus, tok, part)
        docs = corpus.documents.doc_id
        totals = tok.groupby("doc_id").size().reindex(docs.to_numpy(), fill_value=0)
        frames = []
        for cat, terms in dictionary.items():
            hits = tok.doc_id[tok.token.isin(terms)].value_counts().reindex(docs.to_numpy(), fill_value=0)
            frames.append(pd.DataFrame({"doc_id": docs.to_numpy(), "category": cat,
                                        "count": hits.to_numpy(), "total": totals.to_numpy()}))  # fmt: skip
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    else:
        raise ValueError(f"match must be 'text' or 'tokens', not {match!r}")
    out["count"], out["total"] = out["count"].astype("int64"), out["total"].astype("int64")
    return out


def _tokens_in_part(corpus, tok: pd.DataFrame, part) -> pd.DataFrame:
    """Tokens whose start lies in a block of the chosen part or kind."""
    parts = [part] if isinstance(part, str) else list(part)
    b = corpus.blocks
    sel = b.kind.isin(parts)
    if "part" in b:
        sel |= b.part.isin(parts)
    b = b[sel]
    keep = np.zeros(len(tok), dtype=bool)
    pos = tok.groupby("doc_id", sort=False).indices if len(tok) else {}  # positions of each plan's tokens
    starts = tok.start.to_numpy()
    for doc, g in b.groupby("doc_id", sort=False):
        idx = pos.get(doc)
        if idx is None:
            continue
        bs, be = g.start.to_numpy(), g.end.to_numpy()
        order = np.argsort(bs, kind="stable")
        bs, be = bs[order], be[order]
        s = starts[idx]
        j = np.searchsorted(bs, s, side="right") - 1  # the last block starting at or before the token
        keep[idx] = (j >= 0) & (s < be[np.clip(j, 0, None)])
    return tok[keep]


# --------------------------------------------------------------------------- intervals


def quasi_poisson_interval(counts, totals, confidence: float = 0.95) -> tuple[float, float, float]:
    """Rate of a group of plans with a quasi-Poisson interval: the plan is the unit.

    The rate is ``sum(counts) / sum(totals)``. Counts of one plan are not independent
    characters: a plan that cares about ecology says 生态 again and again, so plans vary
    far more than a Poisson model allows. The dispersion ``phi`` is Pearson's X² over the
    plans divided by ``n - 1`` (at least 1, never narrower than Poisson), and the interval is
    ``exp(log r ± t_{n-1} sqrt(phi / C))`` (McCullagh & Nelder 1989, §4.5). With a zero
    count the lower bound is 0 and the upper the exact Poisson bound. With one plan, or no
    text, it is NaN: one plan says nothing about how plans vary.

    Returns
    -------
    (rate, low, high)
        Per unit of ``totals`` (multiply by 10,000 for a rate per 10,000).

    Examples
    --------
    >>> r, lo, hi = quasi_poisson_interval([10, 30, 20], [1000, 1000, 1000])
    >>> round(r, 4), bool(lo < r < hi)
    (0.02, True)
    >>> quasi_poisson_interval([5], [1000])[1]
    nan
    """
    from scipy.special import stdtrit  # the t quantile (scipy.stats is slow to import)

    c = np.asarray(counts, dtype=float)
    t = np.asarray(totals, dtype=float)
    keep = t > 0
    c, t = c[keep], t[keep]
    n, C, T = len(c), c.sum(), t.sum()
    if T == 0:
        return float("nan"), float("nan"), float("nan")
    r = float(C / T)
    if n < 2:
        return r, float("nan"), float("nan")
    alpha = 1 - confidence
    if C == 0:
        return 0.0, 0.0, float(-np.log(alpha / 2) / T)  # exact Poisson upper bound for a zero count
    mu = t * r
    phi = max(1.0, float(((c - mu) ** 2 / mu).sum() / (n - 1)))
    half = stdtrit(n - 1, 1 - alpha / 2) * np.sqrt(phi / C)
    return r, float(r * np.exp(-half)), float(r * np.exp(half))


def bootstrap_interval(
    counts, totals, confidence: float = 0.95, *, n_boot: int = 2000, random_state: int = 0
) -> tuple[float, float, float]:
    """Rate of a group of plans with a percentile bootstrap over plans (resampled with replacement).

    Returns ``(rate, low, high)`` per unit of ``totals``; NaN bounds with one plan. With few
    plans (under about 10) percentile intervals are too narrow; prefer the quasi-Poisson interval.

    Examples
    --------
    >>> r, lo, hi = bootstrap_interval([10, 30, 20, 25], [1000, 1000, 1000, 900])
    >>> bool(lo <= r <= hi)
    True
    """
    c = np.asarray(counts, dtype=float)
    t = np.asarray(totals, dtype=float)
    keep = t > 0
    c, t = c[keep], t[keep]
    if t.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    r = float(c.sum() / t.sum())
    if len(c) < 2:
        return r, float("nan"), float("nan")
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, len(c), size=(n_boot, len(c)))
    boot = c[idx].sum(1) / t[idx].sum(1)
    alpha = 1 - confidence
    lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return r, float(lo), float(hi)


# --------------------------------------------------------------------------- the panel


def dictionary_rates(
    corpus,
    dictionary,
    by: Sequence[str] | str = ("region", "year"),
    part: str | Sequence[str] | None = None,
    match: str = "text",
    per: int = 10_000,
    confidence: float = 0.95,
    *,
    interval: str = "quasi-poisson",
    n_boot: int = 2000,
    random_state: int = 0,
    engine: str = "local",
    scheduler=None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Attention to each dictionary category, per group of plans (a region × year panel).

    Parameters
    ----------
    corpus : Corpus
    dictionary : dict, str or Path
        ``{category: [terms]}``, a dictionary file (:func:`read_dictionary`) or the name of
        a shipped one (``"gov"``, ``"cyl"``).
    by : sequence of str, default ("region", "year")
        Columns of ``corpus.documents``; ``("doc_id",)`` gives one row per plan. Plans with a
        missing value form their own group (NaN), none is dropped.
    part : str or sequence of str, optional
        Count only in the blocks of this part (``blocks.part``: ``"plan"``, ``"summary"``) or
        kind (``blocks.kind``: ``"item"``, ``"heading"`` …); default the whole body.
    match : {"text", "tokens"}, default "text"
        ``"text"``: non-overlapping substrings, longest term first (so 生态环境 is not also
        counted as 生态), per ``per`` non-whitespace characters. ``"tokens"``: tokens equal to a
        term, per ``per`` non-punctuation tokens (misses compounds the segmenter splits).
    per : int, default 10_000
    confidence : float, default 0.95
    interval : {"quasi-poisson", "bootstrap"}, default "quasi-poisson"
        How the interval treats the plan as the unit (characters of one plan are not
        independent): :func:`quasi_poisson_interval` (dispersion estimated from the plans of
        the group, t quantile with ``n - 1`` degrees of freedom) or :func:`bootstrap_interval`
        (percentile bootstrap over plans, ``n_boot`` resamples, ``random_state``). With one plan
        in a group the interval is NaN: a single plan gives no estimate of how plans vary
        (and per-plan rows, ``by=("doc_id",)``, always have NaN intervals).
    engine, scheduler, n_jobs
        Where plans are counted (``match="text"``): in this process, in ``n_jobs`` processes, or
        on a Dask cluster (``engine="dask"``, ``scheduler`` an address such as
        ``"tcp://host:8786"`` or a client); the numbers are the same (see :func:`plan_counts`).

    Returns
    -------
    DataFrame
        One row per group and category: the ``by`` columns, ``category, count, total, rate,
        ci_low, ci_high, n_docs`` (plans of the group with text to count). ``rate`` is
        ``per * count / total`` (the pooled rate; longer plans weigh more). ``attrs`` record
        ``by, part, match, per, confidence, interval, dictionary``.

    Raises
    ------
    InsufficientDataError
        When the corpus has no plans.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> c = load_corpus()
    >>> r = dictionary_rates(c, {"生态": ["生态", "绿色"]}, by=("doc_id",))
    >>> list(r.columns)
    ['doc_id', 'category', 'count', 'total', 'rate', 'ci_low', 'ci_high', 'n_docs']
    """
    by = [by] if isinstance(by, str) else list(by)
    if interval not in ("quasi-poisson", "bootstrap"):
        raise ValueError(f"interval must be 'quasi-poisson' or 'bootstrap', not {interval!r}")
    docs = corpus.documents
    if len(docs) == 0:
        raise InsufficientDataError("a dictionary panel needs at least one plan; this corpus has none")
    missing = [c for c in by if c not in docs.columns]
    if missing:
        raise KeyError(f"no column {missing[0]!r} in corpus.documents; choose from {list(docs.columns)}")
    dictionary = as_dictionary(dictionary)
    counts = plan_counts(corpus, dictionary, part=part, match=match, engine=engine, scheduler=scheduler,
                         n_jobs=n_jobs)  # fmt: skip
    keys = docs[["doc_id", *[c for c in by if c != "doc_id"]]]
    counts = counts.merge(keys, on="doc_id", how="left")
    order = {c: i for i, c in enumerate(dictionary)}
    rows = []
    for key, g in counts.groupby([*by, "category"], dropna=False, sort=False):
        cat = key[-1]
        if interval == "bootstrap":
            r, lo, hi = bootstrap_interval(
                g["count"], g["total"], confidence, n_boot=n_boot, random_state=random_state
            )
        else:
            r, lo, hi = quasi_poisson_interval(g["count"], g["total"], confidence)
        rows.append((*key[:-1], cat, int(g["count"].sum()), int(g["total"].sum()), r * per, lo * per,
                     hi * per, int((g["total"] > 0).sum())))  # fmt: skip
    out = pd.DataFrame(rows, columns=[*by, *COLUMNS])
    out["_o"] = out.category.map(order)
    out = out.sort_values([*by, "_o"], kind="stable", na_position="last").drop(columns="_o")
    out = out.reset_index(drop=True)
    out.attrs.update(by=tuple(by), part=part, match=match, per=per, confidence=confidence,
                     interval=interval, dictionary=dictionary)  # fmt: skip
    return out


# --------------------------------------------------------------------------- export


def _year_name(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return "NA" if pd.isna(v) else str(v)


def panel_wide(rates: pd.DataFrame, value: str = "rate", *, columns: str | None = None) -> pd.DataFrame:
    """The panel in wide form: one row per category and group, one column per year.

    Parameters
    ----------
    rates : DataFrame
        From :func:`dictionary_rates`.
    value : str, default "rate"
        Which column fills the cells (``rate``, ``count``, ``ci_low`` …).
    columns : str, optional
        The ``by`` column spread over columns; default ``"year"`` if grouped by year, else the last.

    Returns
    -------
    DataFrame
        ``category``, the other ``by`` columns, then ``<value>_<year>`` columns (names that are
        valid in Stata and R). Cells without a plan are NaN.

    Examples
    --------
    >>> r = pd.DataFrame({"region": ["甲", "甲", "乙"], "year": [2022, 2023, 2023], "category": "生态",
    ...                   "rate": [1.0, 2.0, 3.0]})
    >>> panel_wide(r)
      category region  rate_2022  rate_2023
    0       生态      乙        NaN        3.0
    1       生态      甲        1.0        2.0
    """
    by = list(rates.attrs.get("by") or [c for c in rates.columns if c not in COLUMNS])
    if columns is None:
        columns = "year" if "year" in by else by[-1]
    index = ["category", *[c for c in by if c != columns]]
    keyed = rates.assign(_col=rates[columns].map(lambda v: f"{value}_{_year_name(v)}"))
    # set_index + unstack keeps groups whose key is missing (pivot_table would drop them)
    wide = keyed.set_index([*index, "_col"])[value].unstack("_col")
    ordered = sorted(wide.columns, key=lambda s: (s.endswith("_NA"), s))
    wide = wide[ordered].reset_index()
    wide.columns.name = None
    cats = list(dict.fromkeys(rates.category))
    wide["_o"] = wide.category.map({c: i for i, c in enumerate(cats)})
    wide = wide.sort_values(["_o", *index[1:]], kind="stable", na_position="last")
    wide = wide.drop(columns="_o").reset_index(drop=True)
    return wide


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Types that survive CSV: integers without gaps as int64, else float64; text as object."""
    out = df.copy()
    out.attrs = {}
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.astype(bool)
        elif pd.api.types.is_integer_dtype(s) or (
            pd.api.types.is_float_dtype(s) and s.notna().all() and col in ("year",) and (s % 1 == 0).all()
        ):
            out[col] = s.astype("float64") if s.isna().any() else s.astype("int64")
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.astype("float64")
        else:
            out[col] = s.map(
                lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            )
            out[col] = out[col].astype(object)
    return out


def export_panel(rates: pd.DataFrame, path: str | Path, value: str = "rate") -> list[Path]:
    """Write the panel in long and wide form, as CSV (UTF-8 without BOM) and Parquet.

    Files: ``<stem>_long.csv``, ``<stem>_long.parquet``, ``<stem>_wide.csv``,
    ``<stem>_wide.parquet`` next to ``path`` (its suffix is ignored). Column names are ASCII
    identifiers (``rate_2023``) that Stata and R accept; missing values are empty cells in CSV;
    ``pd.read_csv`` and ``pd.read_parquet`` give back the same table (integers as int64, rates as
    float64, text as str). R: ``read.csv(f, encoding = "UTF-8")`` or ``arrow::read_parquet``;
    Stata: ``import delimited f, encoding(utf-8)``.

    Returns
    -------
    list of Path
        The four files written.
    """
    path = Path(path)
    stem = path.with_suffix("") if path.suffix else path
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for form, table in (("long", rates), ("wide", panel_wide(rates, value))):
        table = _plain(table)
        csv_path = stem.parent / f"{stem.name}_{form}.csv"
        table.to_csv(csv_path, index=False, encoding="utf-8", lineterminator="\n")
        pq_path = stem.parent / f"{stem.name}_{form}.parquet"
        table.to_parquet(pq_path, index=False)
        written += [csv_path, pq_path]
    return written
