"""Genre-aware defaults: one editable set of defaults per kind of document, picked from the corpus.

The notebooks were written for Communist Youth League work plans (共青团工作要点): their default
terms (青马工程, 从严治团 …), guided themes, boilerplate formulae and lexicon are the League's. On
government work reports (政府工作报告) those defaults find little. So each kind of document has a
set of defaults in a TOML file under ``analysis/data/genres/``:

``gov.toml``
    government work reports: KWIC term 营商环境, themes ``themes_gov.csv`` (经济发展, 科技创新,
    数字经济, 生态环保, 民生社会, 改革开放, 乡村振兴, 城乡建设, 政府建设, 安全稳定), formulae
    ``boilerplate_gov.txt`` (各位代表, 请予审议 …), lexicon additions ``lexicon_gov.txt``
    (数字经济, 营商环境, 新质生产力 …) and ``dictionary_gov.csv``;
``cyl.toml``
    Youth League plans: the defaults the notebooks always had.

:func:`genre_defaults` picks the set whose ``genres`` hold most documents of the corpus (the
``genre`` column, :func:`analysis.parse.genre_of`) and says why in one sentence (with the counts
when the corpus is mixed); a name (``"gov"``), a TOML file or a :class:`GenreDefaults` forces
one. Every notebook has a parameter ``DEFAULTS = None`` for this (``python -m analysis run -p
DEFAULTS gov``, or ``-p DEFAULTS my.toml``), and its own parameters (``KWIC_TERM`` …) still win
over the set when they are given.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import AnalysisError

DATA = Path(__file__).parent / "data"
#: Folder of the shipped sets (one ``NAME.toml`` each).
GENRES_DIR = DATA / "genres"
#: The set used when no document's genre belongs to any set (the project's original defaults).
FALLBACK = "cyl"
#: Genre given to a document without one whose title or opening says 政府工作报告 or 各位代表.
_GOV_HINTS = ("政府工作报告", "各位代表")

_TEXT_KEYS = ("name", "description", "kwic_term")
_LIST_KEYS = ("genres", "dispersion_terms", "trend_terms")
_FILE_KEYS = ("themes", "boilerplate", "dictionary")


class DefaultsError(AnalysisError):
    """A defaults file that cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class GenreDefaults:
    """One set of defaults (read from a TOML file by :func:`read_defaults`).

    Attributes
    ----------
    name, description : str
        Short name (``"gov"``) and what the set is for.
    genres : tuple of str
        Values of ``corpus.documents["genre"]`` the set is meant for.
    kwic_term : str
        Notebook 01's keyword-in-context term.
    dispersion_terms, trend_terms : tuple of str
        Notebook 01's dispersion terms; notebook 05's terms followed over the years.
    themes, boilerplate, dictionary : Path
        Seed-word guide (notebook 04), formulae list (03, 05), attention dictionary (06).
    lexicon : tuple of Path
        jieba user dictionaries, read in order (every notebook's tokens).
    source : Path
        The TOML file.
    reason : str
        Why this set was used (one sentence; set by :func:`genre_defaults`).
    counts : dict
        Documents per set name (``"unknown"``: genre in no set), when chosen from a corpus.
    """

    name: str
    description: str
    genres: tuple[str, ...]
    kwic_term: str
    dispersion_terms: tuple[str, ...]
    trend_terms: tuple[str, ...]
    themes: Path
    boilerplate: Path
    lexicon: tuple[Path, ...]
    dictionary: Path
    source: Path
    reason: str = ""
    counts: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line for a notebook: which set, from which file, and why."""
        src = Path(self.source)
        with contextlib.suppress(ValueError):  # a shipped set: the path inside the package
            src = Path("analysis") / src.resolve().relative_to(DATA.parent)
        return f"Defaults: '{self.name}', {self.description} ({src.as_posix()}). {self.reason}".strip()


def read_defaults(path: str | Path) -> GenreDefaults:
    """Read a set of defaults from a TOML file; file names in it are relative to its folder.

    Raises
    ------
    DefaultsError
        The file is missing or not TOML, a key is missing or of the wrong type, or a file it
        names does not exist; the message names the file and the key.

    Examples
    --------
    >>> d = read_defaults(GENRES_DIR / "gov.toml")
    >>> d.name, d.kwic_term, d.themes.name, [p.name for p in d.lexicon]
    ('gov', '营商环境', 'themes_gov.csv', ['policy_lexicon.txt', 'lexicon_gov.txt'])
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DefaultsError(f"defaults file {path}: no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DefaultsError(f"defaults file {path}: cannot be read as TOML ({exc})") from None
    missing = [k for k in (*_TEXT_KEYS, *_LIST_KEYS, *_FILE_KEYS, "lexicon") if k not in raw]
    if missing:
        raise DefaultsError(f"defaults file {path}: missing key(s) {', '.join(missing)}")
    for k in _TEXT_KEYS:
        if not isinstance(raw[k], str) or not raw[k].strip():
            raise DefaultsError(f"defaults file {path}: {k} must be a non-empty string")
    for k in _LIST_KEYS:
        v = raw[k]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise DefaultsError(f"defaults file {path}: {k} must be a list of strings")
    lexicon = raw["lexicon"] if isinstance(raw["lexicon"], list) else [raw["lexicon"]]

    def resolve(key: str, name) -> Path:
        if not isinstance(name, str) or not name.strip():
            raise DefaultsError(f"defaults file {path}: {key} must be a file name")
        p = Path(name)
        p = p if p.is_absolute() else (path.parent / p)
        if not p.is_file():
            raise DefaultsError(f"defaults file {path}: {key} = {name!r}: no such file ({p})")
        return Path(p.resolve())

    return GenreDefaults(
        name=raw["name"].strip(),
        description=raw["description"].strip(),
        genres=tuple(raw["genres"]),
        kwic_term=raw["kwic_term"].strip(),
        dispersion_terms=tuple(raw["dispersion_terms"]),
        trend_terms=tuple(raw["trend_terms"]),
        themes=resolve("themes", raw["themes"]),
        boilerplate=resolve("boilerplate", raw["boilerplate"]),
        lexicon=tuple(resolve("lexicon", x) for x in lexicon),
        dictionary=resolve("dictionary", raw["dictionary"]),
        source=path,
    )


def shipped_sets(folder: str | Path = GENRES_DIR) -> dict[str, GenreDefaults]:
    """The sets of a folder of ``*.toml`` files (default the shipped ones), by name, in name order.

    >>> sorted(shipped_sets())
    ['cyl', 'gov']
    """
    sets = {}
    for path in sorted(Path(folder).glob("*.toml")):
        d = read_defaults(path)
        if d.name in sets:
            raise DefaultsError(
                f"defaults file {path}: name {d.name!r} is also that of {sets[d.name].source}"
            )
        sets[d.name] = d
    return sets


def document_genres(corpus) -> pd.Series:
    """Each document's genre: the ``genre`` column, else 政府工作报告 when its title or opening says so.

    A document whose genre is missing or ``"other"`` but whose title or first 3,000 characters
    say 政府工作报告 or 各位代表 (the address that opens every report) counts as a government
    work report, as :func:`analysis.panels.dictionary_for` decides.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> document_genres(load_corpus()).value_counts().to_dict()
    {'工作要点': 5}
    """
    docs = corpus.documents
    genre = docs["genre"] if "genre" in docs else pd.Series([None] * len(docs), index=docs.index)
    genre = genre.astype(object).where(genre.notna(), None)
    heads = docs.get("title", pd.Series("", index=docs.index)).fillna("").astype(str) + docs.get(
        "body", pd.Series("", index=docs.index)
    ).fillna("").astype(str).str.slice(0, 3000)
    hinted = heads.map(lambda t: any(h in t for h in _GOV_HINTS)).astype(bool)
    unknown = genre.isna() | (genre == "other")
    return genre.where(~(unknown & hinted), "政府工作报告").set_axis(docs.doc_id.tolist())


def genre_defaults(
    corpus, defaults: str | Path | GenreDefaults | None = None, *, sets: dict | None = None
) -> GenreDefaults:
    """The set of defaults for a corpus: the one most of its documents belong to, or the one asked for.

    Parameters
    ----------
    corpus : Corpus
    defaults : None, str, Path or GenreDefaults
        None picks by majority genre; a set's name (``"gov"``, ``"cyl"``) or a TOML file
        (:func:`read_defaults`) forces that set.
    sets : dict, optional
        ``{name: GenreDefaults}`` to choose among (default :func:`shipped_sets`).

    Returns
    -------
    GenreDefaults
        With ``reason``: one sentence saying why, with the counts when documents of more than
        one set (or of no known genre) are in the corpus; and ``counts``.

    Notes
    -----
    Each document counts for the set whose ``genres`` list its genre
    (:func:`document_genres`); documents of no set's genre are counted as ``unknown`` and do
    not vote. The set with most documents wins (a tie goes to the first name in order, and is
    said); with no vote at all, :data:`FALLBACK`. A mixed corpus gets one set, not one per
    document: split it (``corpus.subset``) to analyse each kind with its own defaults.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> d = genre_defaults(load_corpus())
    >>> d.name, d.reason
    ('cyl', 'All 5 documents are of its genres (工作要点 5).')
    >>> genre_defaults(load_corpus(), "gov").reason
    "Forced: defaults 'gov' asked for."
    """
    sets = shipped_sets() if sets is None else sets
    if isinstance(defaults, GenreDefaults):
        return _with(defaults, "Forced: the defaults given.", {})
    if defaults is not None:
        key = str(defaults)
        if key in sets:
            return _with(sets[key], f"Forced: defaults '{key}' asked for.", {})
        path = Path(key)
        if path.suffix.lower() != ".toml" and not path.is_file():
            raise DefaultsError(f"defaults {key!r}: neither a set ({', '.join(sets)}) nor a .toml file")
        return _with(read_defaults(path), f"Forced: defaults file {path}.", {})
    of_genre = {g: name for name, d in sets.items() for g in d.genres}
    genres = document_genres(corpus)
    votes = genres.map(lambda g: of_genre.get(g, "unknown") if g is not None else "unknown")
    counts = {name: int((votes == name).sum()) for name in sets}
    unknown = int((votes == "unknown").sum())
    counts = {k: v for k, v in counts.items() if v}
    if unknown:
        counts["unknown"] = unknown
    n = len(genres)
    if not any(k != "unknown" for k in counts):
        d = sets.get(FALLBACK) or next(iter(sets.values()))
        why = (
            f"No document's genre belongs to a set ({n} of unknown genre: "
            f"{_genre_list(genres)}); using the fallback '{d.name}'."
            if n
            else f"The corpus is empty; using the fallback '{d.name}'."
        )
        return _with(d, why, counts)
    ranked = sorted((k for k in counts if k != "unknown"), key=lambda k: (-counts[k], k))
    best = ranked[0]
    if len(counts) == 1:
        why = f"{f'All {n} documents are' if n > 1 else 'The one document is'} of its genres ({_genre_list(genres)})."
    else:
        parts = ", ".join(f"{counts[k]} {k}" for k in ranked) + (
            f", {unknown} of unknown genre" if unknown else ""
        )
        tie = len(ranked) > 1 and counts[ranked[1]] == counts[best]
        how = "a tie, broken by name" if tie else "the majority"
        other = next((k for k in ranked if k != best), None) or next((k for k in sets if k != best), best)
        why = (
            f"Mixed corpus ({parts} of {n} documents): using '{best}' ({how}) for all; "
            f"force another set with -p DEFAULTS {other}."
        )
    return _with(sets[best], why, counts)


def use_genre_defaults(corpus, defaults: str | Path | GenreDefaults | None = None) -> GenreDefaults:
    """:func:`genre_defaults`, and segment ``corpus`` with the set's lexicon (``corpus.use_lexicon``)
    and set aside the set's formulae by default (``corpus.use_formulae``: reuse, diffusion,
    uptake and the similarity masks).

    This is what every notebook calls after loading the corpus. Tokens already made with
    another lexicon are dropped and made again (and cached per lexicon).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> c = load_corpus()
    >>> use_genre_defaults(c).name, [p.name for p in c.lexicon]
    ('cyl', ['policy_lexicon.txt'])
    """
    d = genre_defaults(corpus, defaults)
    corpus.use_lexicon(d.lexicon)
    corpus.use_formulae(d.boilerplate)
    return d


def _with(d: GenreDefaults, reason: str, counts: dict) -> GenreDefaults:
    from dataclasses import replace

    return replace(d, reason=reason, counts=dict(counts))


def _genre_list(genres: pd.Series, n: int = 3) -> str:
    vc = genres.fillna("none").value_counts()
    shown = ", ".join(f"{g} {c}" for g, c in vc.head(n).items())
    return shown + (" …" if len(vc) > n else "")


def resolve(value, default):
    """A notebook parameter's value: ``value`` unless it is None, else ``default``.

    Sequences from a set come back as lists (what the notebooks always had).

    >>> resolve(None, ("数字经济", "营商环境")), resolve("青马工程", "营商环境")
    (['数字经济', '营商环境'], '青马工程')
    """
    if value is not None:
        return value
    return list(default) if isinstance(default, Sequence) and not isinstance(default, str) else default
