"""Word segmentation for policy text: jieba plus a domain lexicon and terms found in the corpus.

A general dictionary splits the fixed vocabulary of League plans (两个确立, 青年大学习,
青马工程, 西部计划 …). :class:`Segmenter` wraps its own ``jieba.Tokenizer`` (no global
state) and adds, in this order:

1. the curated lexicon ``data/policy_lexicon.txt`` (``word freq pos``, UTF-8; BOM and CRLF
   tolerated);
2. names quoted in the corpus (“…”) and short cited titles (《…》);
3. frequent character sequences that jieba splits but that hold together
   (cohesion by pointwise mutual information, and free boundaries by left/right
   neighbour entropy; :func:`discover_terms`).

:meth:`Segmenter.report` lists every added term with its source and how often it
occurs, so a researcher can review the additions.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .patterns import CJK

if TYPE_CHECKING:
    import numpy as np

DATA = Path(__file__).with_name("data")
LEXICON = DATA / "policy_lexicon.txt"
#: A lexicon argument: one jieba user dictionary, several read in order, or None.
LexiconArg = str | Path | Sequence[str | Path] | None
STOPWORDS = DATA / "stopwords_zh.txt"
FILLER = DATA / "policy_filler.txt"
#: Blocks that are tokenised by default: the plan itself, not its cover notice or signature.
PLAN_BLOCKS = ("title", "preamble", "heading", "section_text", "item", "unstructured")

#: Plan text read for corpus terms (quoted names, cited titles, discovered terms); above it a
#: deterministic sample of whole plans is read (:func:`lexicon_sample`).
LEXICON_SAMPLE_CHARS = 2_000_000


_PUNCT = re.compile(r"^[\W_]+$")
_NUMERIC = re.compile(r"^[\d.,%％０-９]+$|^[一二三四五六七八九十百千万〇零两]+$")
#: Numbers whatever added them (a corpus term, the lexicon): digits with separators, a percent sign or a
#: unit of magnitude (10, 12345, 3.5%, 24万, 1.2亿), and Chinese numerals with such a unit (三千, 两万).
_ALWAYS_NUMERIC = re.compile(
    r"^[\d０-９][\d０-９.,，%％]*[万亿千百]?[%％]?$|^[一二三四五六七八九十〇零两]+[百千万亿]+$"
)
_QUOTED = re.compile(r"“([^“”，。、；：！？\s]{2,12})”")
_CITED = re.compile(r"《([^《》，。、；：！？\s]{2,12})》")
_EDGE = set("的和与及在是为了等对把将中上下也而并或其之以于从向次项届个名")


def read_wordlist(path: str | Path) -> list[str]:
    """Words from a list file: one per line (first field), ``#`` comments, BOM/CRLF tolerated.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.txt"
    >>> _ = p.write_bytes("\\ufeff# c\\r\\n青马工程 100 n\\r\\n\\r\\n河小青\\r\\n".encode("utf-8"))
    >>> read_wordlist(p)
    ['青马工程', '河小青']
    """
    text = Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    words = []
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words


def lexicon_paths(lexicon) -> tuple[Path, ...]:
    """The files of a lexicon given as one path, a sequence of paths (read in order) or None.

    >>> [p.name for p in lexicon_paths(LEXICON)], lexicon_paths(None)
    (['policy_lexicon.txt'], ())
    """
    if lexicon is None:
        return ()
    if isinstance(lexicon, (str, Path)):
        return (Path(lexicon),)
    return tuple(Path(p) for p in lexicon)


def read_lexicon(path) -> list[tuple[str, int | None, str | None]]:
    """Entries ``(word, freq, pos)`` of a jieba-style user dictionary (``word [freq] [pos]``).

    ``path`` may also be a sequence of such files: their entries in order.
    """
    if not isinstance(path, (str, Path)):
        return [e for p in lexicon_paths(path) for e in read_lexicon(p)]
    text = Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in text.split("\n"):
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        pos = (
            parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else None)
        )
        out.append((parts[0], freq, pos))
    return out


def load_stopwords() -> frozenset[str]:
    """The general Chinese stopword list (``data/stopwords_zh.txt``)."""
    return frozenset(read_wordlist(STOPWORDS))


def load_filler() -> frozenset[str]:
    """The policy filler-word list (``data/policy_filler.txt``), documented in that file."""
    return frozenset(read_wordlist(FILLER))


def quoted_terms(texts: Iterable[str]) -> Counter[str]:
    """Names in Chinese quotation marks “…” (2–12 characters, no punctuation inside)."""
    c: Counter[str] = Counter()
    for t in texts:
        c.update(_QUOTED.findall(t))
    return c


def cited_titles(texts: Iterable[str]) -> Counter[str]:
    """Short titles cited in 《…》 (2–12 characters)."""
    c: Counter[str] = Counter()
    for t in texts:
        c.update(_CITED.findall(t))
    return c


def discover_terms(
    texts: Sequence[str],
    *,
    min_len: int = 3,
    max_len: int = 6,
    min_count: int = 3,
    min_docs: int = 2,
    min_pmi: float = 6.0,
    min_entropy: float = 1.5,
    max_chars: int | None = 1_000_000,
) -> pd.DataFrame:
    """Candidate terms: frequent character sequences that hold together and stand free.

    Two passes: counts of all sequences, then documents and neighbours of the cohesive
    candidates only, so memory grows with the text, not with the distinct sequences. Over
    ``max_chars`` characters, a deterministic sample of whole texts (every k-th) is read:
    a term frequent enough to matter is in the sample.

    For each CJK character sequence ``w`` of ``min_len``–``max_len`` characters seen at
    least ``min_count`` times in ``min_docs`` texts:

    * cohesion = min over binary splits ``w = a + b`` of ``log2(p(w) / (p(a) p(b)))``
      (pointwise mutual information of the weakest split);
    * left/right entropy = Shannon entropy (bits) of the characters before/after ``w``
      (text boundaries count as distinct neighbours).

    Sequences with cohesion ≥ ``min_pmi`` and both entropies ≥ ``min_entropy`` are
    kept, except those starting or ending in a function character (的, 和, 在 …) and those
    contained in a longer kept candidate with the same count.

    Returns
    -------
    DataFrame
        ``term, count, n_docs, pmi, left_entropy, right_entropy``, by count.

    Notes
    -----
    Counting is done on integer arrays (numpy), never on strings: the windows that start at
    each position are sorted once by their characters packed into 64-bit keys, so that all the
    windows with the same first ``n`` characters are adjacent for every ``n``; a longer window
    than one key holds is sorted by the rank of its prefix plus its next characters. Only
    windows whose characters and prefix are frequent are sorted again, and strings are made
    for the cohesive candidates only. The table equals the plain scan of every substring
    (``tests/test_scale_paths.py::_reference_discover``), floats included: the logarithms
    and sums are taken with :func:`math.log2` and :func:`sum` in the scan's order.

    Examples
    --------
    >>> texts = ["开展护河行动，做好工作。", "组织护河行动。", "推广护河行动经验", "护河行动成效"]
    >>> discover_terms(texts, min_count=3, min_pmi=1, min_entropy=1).term.tolist()
    ['护河行动']
    """
    texts = list(texts)
    total = sum(len(t) for t in texts)
    if max_chars is not None and total > max_chars:
        # a deterministic sample of whole texts, spread over the corpus
        step = total / max_chars
        texts = [t for i, t in enumerate(texts) if int(i / step) != int((i - 1) / step) or i == 0]
    runs_by_doc = [re.findall(f"[{CJK}]+", t) for t in texts]
    runs = [run for rs in runs_by_doc for run in rs]
    n_chars = sum(map(len, runs))
    columns = ["term", "count", "n_docs", "pmi", "left_entropy", "right_entropy"]
    if n_chars == 0:
        return pd.DataFrame(columns=columns)
    import numpy as np

    joined = "\x00".join(runs)  # one string, runs separated by a character that is never CJK
    code = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    # pass 1: counts of the frequent windows and the cohesive candidates among them
    cands = _cohesive_windows(code, n_chars, min_len, max_len, min_count, min_pmi)
    if not cands:
        rows: list[tuple[str, int, int, float, float, float]] = []
    else:
        # pass 2: documents and neighbours of the candidates, at their occurrences
        run_doc = np.array([d for d, rs in enumerate(runs_by_doc) for _ in rs], dtype=np.int64)
        rows = _candidate_rows(code, joined, run_doc, cands, min_docs, min_entropy)
    df = pd.DataFrame(rows, columns=columns)
    # drop a candidate inside a longer one that occurs just as often (it is only ever a part)
    # (each longer term marks its own substrings: linear in the candidates, not quadratic)
    terms = df.set_index("term")["count"].to_dict()
    part_only = set()
    for o, cnt in terms.items():
        for n in range(min_len, len(o)):
            for i in range(len(o) - n + 1):
                w = o[i : i + n]
                if terms.get(w) == cnt:
                    part_only.add(w)
    df = df[~df.term.isin(part_only)]
    return df.sort_values(["count", "term"], ascending=[False, True], ignore_index=True)


def _cohesive_windows(
    code: np.ndarray, n_chars: int, min_len: int, max_len: int, min_count: int, min_pmi: float
) -> list[tuple[int, int, float, np.ndarray]]:
    """Pass 1 of :func:`discover_terms`: the frequent windows that hold together.

    Parameters
    ----------
    code : ndarray of int64
        Code points of the CJK runs joined by ``0``.
    n_chars : int
        Characters in the runs (the probability denominator).
    min_len, max_len, min_count, min_pmi
        As in :func:`discover_terms`.

    Returns
    -------
    list of tuple
        ``(length, count, pmi, positions)`` for each window of ``min_len``–``max_len``
        characters seen ``min_count`` times whose weakest split has a PMI ≥ ``min_pmi`` and
        that neither starts nor ends in a function character; ``positions`` (int64 array, in
        no particular order) are its occurrences.

    Notes
    -----
    Windows are identified by integer keys, exactly (no hashing): characters seen fewer than
    ``min_count`` times get id 0 like the separator (a window that holds one is rare), the
    others ids ``1..F`` of ``b`` bits. The positions are sorted by the key of their next ``m``
    ids (``m·b ≤ 63``); in that order the windows of each length ``n ≤ m`` with equal
    characters are adjacent, so one sort counts ``m`` lengths. Longer windows are keyed by the
    rank of their ``m``-prefix followed by their next ids, over the positions whose prefix is
    frequent only.
    """
    import numpy as np

    n_pos = len(code)
    floor = max(min_count, 1)  # a window that occurs has a count of at least 1
    seen = np.bincount(code)
    seen[0] = 0
    frequent = np.flatnonzero(seen >= floor)
    n_ids = len(frequent)
    if n_ids == 0 or max_len < 1:
        return []
    lut = np.zeros(len(seen), dtype=np.int64)
    lut[frequent] = np.arange(1, n_ids + 1)
    ids = np.zeros(n_pos + max_len + 1, dtype=np.int64)  # zero-padded past the end
    ids[:n_pos] = lut[code]
    # characters up to the next id 0 (the longest window at each position, up to max_len)
    at_zero = np.where(ids == 0, np.arange(len(ids)), len(ids))
    avail = np.minimum(np.minimum.accumulate(at_zero[::-1])[::-1][:n_pos] - np.arange(n_pos), max_len)
    avail = avail.astype(np.int32)
    edge = np.zeros(n_ids + 1, dtype=bool)
    edge[1:] = [chr(c) in _EDGE for c in frequent.tolist()]
    bits = n_ids.bit_length()
    cnt: dict[int, np.ndarray] = {}  # length -> count of the window at each position (0: none)
    out: list[tuple[int, int, float, np.ndarray]] = []
    done, rank, n_ranks = 0, None, 0
    while done < max_len:
        if done == 0:
            sel = np.flatnonzero(avail)
        else:
            sel = np.flatnonzero(cnt[done] >= floor)  # positions whose prefix is frequent
        if not len(sel):
            break
        rank_bits = n_ranks.bit_length()
        m = min(max_len - done, (63 - rank_bits) // bits)
        key = rank << (bits * m) if done else np.zeros(n_pos, dtype=np.int64)
        for j in range(m):  # the next m ids, packed (positions outside sel are never read)
            key |= ids[done + j : done + j + n_pos] << (bits * (m - 1 - j))
        key = key[sel]
        order = np.argsort(key)
        pos = sel[order]
        skey = key[order]
        room = avail[pos]
        start = np.empty(len(pos), dtype=bool)
        start[0] = True
        for n in range(done + 1, done + m + 1):
            ok = room >= n  # the window holds no id 0 (a group holds only such windows, or none)
            pref = skey >> (bits * (done + m - n))
            np.not_equal(pref[1:], pref[:-1], out=start[1:])
            heads = np.flatnonzero(start)
            gcnt = np.diff(np.append(heads, len(pos)))
            at = np.repeat(gcnt, gcnt)
            at[~ok] = 0
            cnt[n] = np.zeros(n_pos, dtype=np.int32)
            cnt[n][pos] = at
            if n >= min_len:
                out.extend(
                    _cohesive_groups(n, pos, heads, gcnt, ok, ids, edge, cnt, n_chars, min_count, min_pmi)
                )
        rank = np.zeros(n_pos, dtype=np.int64)
        rank[pos] = np.repeat(np.arange(len(heads)), gcnt)
        n_ranks = len(heads)
        done += m
    return out


def _cohesive_groups(
    n: int,
    pos: np.ndarray,
    heads: np.ndarray,
    gcnt: np.ndarray,
    ok: np.ndarray,
    ids: np.ndarray,
    edge: np.ndarray,
    cnt: dict[int, np.ndarray],
    n_chars: int,
    min_count: int,
    min_pmi: float,
) -> list[tuple[int, int, float, np.ndarray]]:
    """The cohesive candidates among the groups of equal windows of length ``n``.

    Parameters
    ----------
    n : int
        Window length.
    pos : ndarray
        Positions sorted by their window, so that equal windows are adjacent.
    heads, gcnt : ndarray
        Index in ``pos`` of the first window of each group, and the group's size.
    ok : ndarray of bool
        Whether the window at each entry of ``pos`` holds no id 0 (is a real window).
    ids, edge : ndarray
        Character id at each position (0: separator or rare), and whether an id is a function
        character.
    cnt : dict
        Count of the window of each shorter length at each position (every length ``< n``).
    n_chars, min_count, min_pmi
        As in :func:`_cohesive_windows`.

    Returns
    -------
    list of tuple
        ``(n, count, pmi, positions)`` as :func:`_cohesive_windows` gives them.
    """
    import numpy as np

    g = np.flatnonzero(ok[heads] & (gcnt >= min_count))
    rep = pos[heads[g]]
    g = g[~edge[ids[rep]] & ~edge[ids[rep + n - 1]]]
    if not len(g):
        return []
    if n < 2:  # a single character has no split: the plain scan fails on min() of nothing
        raise ValueError("min() arg is an empty sequence (min_len must be at least 2)")
    rep = pos[heads[g]]
    c = gcnt[g]
    pw = c / n_chars
    ratio = np.empty((len(g), n - 1))
    for k in range(1, n):  # p(w) / (p(a) p(b)), the same float operations as the plain scan
        ratio[:, k - 1] = pw / ((cnt[k][rep] / n_chars) * (cnt[n - k][rep + k] / n_chars))
    with np.errstate(divide="ignore"):
        near = np.flatnonzero(np.log2(ratio).min(axis=1) >= min_pmi - 1e-9)
    out = []
    for i, row in zip(near.tolist(), ratio[near].tolist()):
        pmi = min(map(math.log2, row))  # exact: math.log2, as the scan takes it
        if pmi >= min_pmi:
            h = int(heads[g[i]])
            out.append((n, int(c[i]), pmi, pos[h : h + int(c[i])]))
    return out


def _candidate_rows(
    code: np.ndarray,
    joined: str,
    run_doc: np.ndarray,
    cands: list[tuple[int, int, float, np.ndarray]],
    min_docs: int,
    min_entropy: float,
) -> list[tuple[str, int, int, float, float, float]]:
    """Pass 2 of :func:`discover_terms`: documents and neighbours of the candidates.

    Parameters
    ----------
    code : ndarray of int64
        Code points of the CJK runs joined by ``0``; ``joined`` is the same text as a string.
    run_doc : ndarray of int64
        Text of each run.
    cands : list of tuple
        ``(length, count, pmi, positions)`` from :func:`_cohesive_windows`.
    min_docs, min_entropy
        As in :func:`discover_terms`.

    Returns
    -------
    list of tuple
        ``(term, count, n_docs, pmi, left_entropy, right_entropy)`` of the candidates seen in
        ``min_docs`` texts with both entropies ≥ ``min_entropy``. The entropies are summed over
        the distinct neighbours in the order the plain scan meets them (by position; each text
        boundary a neighbour of its own), so the floats equal the scan's.
    """
    import numpy as np

    n_pos = len(code)
    n_c = len(cands)
    lens = np.array([n for n, _, _, _ in cands], dtype=np.int64)
    occ_c = np.repeat(np.arange(n_c, dtype=np.int64), [len(p) for _, _, _, p in cands])
    occ_p = np.concatenate([p for _, _, _, p in cands])
    if n_c * n_pos < 2**62:  # by candidate, then reading order: one sort of packed keys
        occ_c, occ_p = np.divmod(np.sort(occ_c * n_pos + occ_p), n_pos)
    else:
        order = np.lexsort((occ_p, occ_c))
        occ_c, occ_p = occ_c[order], occ_p[order]
    tot = np.bincount(occ_c, minlength=n_c)
    bounds = np.concatenate([[0], np.cumsum(tot)])
    # documents: within a candidate they come in reading order, so a new one is a change
    seps = np.concatenate([[0], np.cumsum(code == 0)])
    doc = run_doc[seps[occ_p]]
    new = np.ones(len(occ_p), dtype=bool)
    new[1:] = (occ_c[1:] != occ_c[:-1]) | (doc[1:] != doc[:-1])
    n_docs = np.bincount(occ_c[new], minlength=n_c)
    # neighbours: a character, or 0 at a text boundary (a neighbour of its own)
    before = np.where(occ_p > 0, code[np.maximum(occ_p - 1, 0)], 0)
    after_at = occ_p + lens[occ_c]
    after = np.where(after_at < n_pos, code[np.minimum(after_at, n_pos - 1)], 0)
    left = _entropies(occ_c, before, tot)
    right = _entropies(occ_c, after, tot)
    rows = []
    for i, (n, count, pmi, _) in enumerate(cands):
        if n_docs[i] < min_docs:
            continue
        le, re_ = left[i], right[i]
        if le < min_entropy or re_ < min_entropy:
            continue
        p0 = int(occ_p[bounds[i]])
        rows.append((joined[p0 : p0 + n], count, int(n_docs[i]), pmi, le, re_))
    return rows


def _entropies(occ_c: np.ndarray, keys: np.ndarray, tot: np.ndarray) -> list[float]:
    """Shannon entropy (bits) of the neighbours ``keys`` of each candidate.

    Parameters
    ----------
    occ_c : ndarray of int64
        Candidate of each occurrence; occurrences grouped by candidate, in reading order.
    keys : ndarray of int64
        The neighbour's code point, or 0 at a text boundary (a distinct neighbour each time).
    tot : ndarray of int64
        Occurrences of each candidate.

    Returns
    -------
    list of float
        ``-sum(v/t * log2(v/t))`` over the distinct neighbours in order of first occurrence, as
        the plain scan sums its ``Counter``: the same floats, the same order.
    """
    import numpy as np

    n = len(keys)
    v = np.zeros(n, dtype=np.int64)  # at each first occurrence of a neighbour: its count
    v[keys == 0] = 1
    chars = np.flatnonzero(keys != 0)
    if len(chars):
        k = keys[chars]
        present = np.zeros(int(k.max()) + 1, dtype=bool)
        present[k] = True
        pair = occ_c[chars] * int(present.sum()) + (np.cumsum(present) - 1)[k]
        o = np.argsort(pair, kind="stable")  # equal pairs in reading order
        ps = pair[o]
        head = np.flatnonzero(np.concatenate([[True], ps[1:] != ps[:-1]]))
        v[chars[o[head]]] = np.diff(np.append(head, len(ps)))
    first = np.flatnonzero(v)
    c = occ_c[first]
    p = v[first] / tot[c]
    s = np.sort(p)
    u = s[np.concatenate([[True], s[1:] != s[:-1]])]
    terms = (p * np.array([math.log2(x) for x in u.tolist()])[np.searchsorted(u, p)]).tolist()
    starts = np.searchsorted(c, np.arange(len(tot))).tolist() + [len(terms)]
    return [-sum(terms[a:b]) for a, b in zip(starts[:-1], starts[1:])]


ENGINES = ("auto", "jieba", "rjieba")

#: The tokenizers of the last segmenter built in this process, by what they are made of
#: (engine, lexicon entries, extra terms): building the same segmenter again (a second
#: ``from_corpus``, ``corpus.segmenter``, a worker task) takes them instead of loading jieba-rs's
#: dictionary again (~0.1 s) and re-adding every word. Never changed once built.
_BUILT: dict[tuple, tuple] = {}


@functools.lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's main dictionary, read once per process: ``(freq, total, tags)``.

    Every :class:`Segmenter` copies ``freq`` instead of loading the dictionary again, and
    part-of-speech tags come from ``tags`` (the dictionary's third column) instead of
    ``jieba.posseg``, which re-reads the dictionary and is about 4× slower than ``lcut``.
    The three are kept in one marshal file beside jieba's own cache (keyed by jieba's version
    and its dictionary file), read in about half the time of jieba's cache plus the tags.
    """
    import marshal

    import jieba

    jieba.setLogLevel(60)
    source = Path(jieba.__file__).with_name("dict.txt")
    try:
        st = source.stat()
        key = f"{jieba.__version__}-{st.st_size}-{st.st_mtime_ns}"
    except OSError:
        key = None
    cache = (
        Path(tempfile.gettempdir())
        / f"analysis-jieba-{hashlib.sha256(str(key).encode()).hexdigest()[:16]}.marshal"
    )
    if key is not None:
        try:
            freq, total, tags, seen = marshal.loads(cache.read_bytes())
            if seen == key and isinstance(freq, dict) and isinstance(tags, dict):
                return freq, total, tags
        except (OSError, EOFError, ValueError, TypeError):
            pass  # no cache yet, or a damaged one: read the dictionary
    tk = jieba.Tokenizer()
    tk.initialize()
    with tk.get_dict_file() as fh:
        text = fh.read().decode("utf-8")
    tags = dict(re.findall(r"^(\S+) \S+ (\S+)\s*$", text, re.M))  # word freq tag
    freq, total = dict(tk.FREQ), tk.total
    if key is not None:
        with contextlib.suppress(OSError):
            tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps((freq, total, tags, key)))
            os.replace(tmp, cache)
    return freq, total, tags


def rjieba_available() -> bool:
    """Whether the Rust engine (``rjieba``, a binding to jieba-rs) can be imported."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def _fallback_tag(word: str) -> str:
    if _NUMERIC.match(word):
        return "m"
    if re.fullmatch(r"[A-Za-z]+", word):
        return "eng"
    return "x"


@dataclass
class Segmenter:
    """A jieba tokenizer with the policy lexicon and extra terms; no shared global state.

    Parameters
    ----------
    lexicon : path, sequence of paths, or None
        jieba user dictionary (``word [freq] [pos]``); default ``data/policy_lexicon.txt``.
        Several files are read in order (the genre defaults add ``data/lexicon_gov.txt`` for
        government work reports, see :mod:`analysis.genres`).
    extra_terms : dict, optional
        ``{term: source}`` added after the lexicon (quoted names, discovered terms …).
    hmm : bool, default True
        jieba's HMM for unknown words.
    engine : {"auto", "jieba", "rjieba"}, default "auto"
        ``"rjieba"`` segments with jieba-rs (same dictionary and algorithm, several times
        faster); ``"jieba"`` with jieba itself, the reference. ``"auto"`` takes rjieba
        where it is installed. Both give one cut used everywhere (tokens, discovery, KWIC);
        part-of-speech tags are looked up in jieba's dictionary (``"x"`` for other words).

    Examples
    --------
    >>> seg = Segmenter()
    >>> [t for t, *_ in seg.cut("深刻领悟“两个确立”的决定性意义，深化青年大学习行动")]
    ['深刻', '领悟', '“', '两个确立', '”', '的', '决定性', '意义', '，', '深化', '青年大学习', '行动']
    """

    lexicon: LexiconArg = LEXICON
    extra_terms: dict[str, str] = field(default_factory=dict)
    hmm: bool = True
    engine: str = "auto"

    def __post_init__(self) -> None:
        import jieba

        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {self.engine!r}")
        if self.engine == "auto":
            self.engine = "rjieba" if rjieba_available() else "jieba"
        entries = read_lexicon(self.lexicon) if self.lexicon is not None else []
        # what the tokenizers are made of: the same words in the same order give the same tokenizers
        key = (self.engine, tuple(entries), tuple(sorted(self.extra_terms.items())))
        built = _BUILT.get(key)
        if built is not None:  # shared: the tokenizers are never changed after construction
            self._tk, self._rs, self._tags, terms, self._rs_words = built
            self.terms: dict[str, str] = dict(terms)
            return
        freq, total, tags = _base_dictionary()
        self._tags = dict(tags)
        # the jieba tokenizer is kept in both cases: the reference, and for suggest_freq
        self._tk = jieba.Tokenizer()
        self._tk.FREQ, self._tk.total, self._tk.initialized = dict(freq), total, True
        self._rs = None
        self._rs_words: list[tuple[str, int, str]] = []  # the words given to jieba-rs, in order
        if self.engine == "rjieba":
            import rjieba

            self._rs = rjieba.Jieba()
        self.terms = {}
        for word, freq_, pos in entries:
            self._add(word, "lexicon", freq_, pos)
        for term, source in sorted(self.extra_terms.items()):
            if term not in self.terms:
                self._add(term, source, None, "n")
        _BUILT.clear()  # one kept: its dictionary copies weigh tens of MB
        _BUILT[key] = (self._tk, self._rs, self._tags, dict(self.terms), self._rs_words)

    def _add(self, word: str, source: str, freq: int | None, pos: str | None) -> None:
        self._tk.add_word(word, freq, pos)
        # make sure the word survives as one token even next to strong neighbours
        self._tk.suggest_freq(word, tune=True)
        if self._rs is not None:  # the same word with the same frequency in jieba-rs
            self._rs.add_word(word, int(self._tk.FREQ[word]), pos or "n")
            self._rs_words.append((word, int(self._tk.FREQ[word]), pos or "n"))
        self._tags[word] = pos or self._tags.get(word) or "n"
        self.terms[word] = source

    @classmethod
    def from_corpus(
        cls,
        corpus,
        *,
        discover: bool = True,
        lexicon: LexiconArg = LEXICON,
        sample_chars: int | None = LEXICON_SAMPLE_CHARS,
        **kwargs,
    ) -> Segmenter:
        """A segmenter with the lexicon plus quoted names, cited titles and discovered terms of ``corpus``.

        The corpus terms come from the plans of :func:`lexicon_sample` (all of them up to
        ``sample_chars`` characters of plan text; above, a deterministic sample of whole plans,
        chosen by a hash of their ids), so that a parallel build can fix the lexicon before
        segmenting (:func:`analysis.corpus.build_corpus` with ``tokens=True``) and give the
        same tokens as this sequential path.
        """
        texts = _plan_text_map(corpus)
        chosen = lexicon_sample({d: len(t) for d, t in texts.items()}, sample_chars)
        return cls.from_texts([texts[d] for d in chosen], discover=discover, lexicon=lexicon, **kwargs)

    @classmethod
    def from_texts(
        cls, texts: Sequence[str], *, discover: bool = True, lexicon: LexiconArg = LEXICON, **kwargs
    ) -> Segmenter:
        """A segmenter with the lexicon plus quoted names, cited titles and discovered terms of ``texts``.

        Examples
        --------
        >>> seg = Segmenter.from_texts(["开展“护河行动”。", "推广“护河行动”经验。"], discover=False)
        >>> seg.terms["护河行动"], seg.tokens("护河行动")
        ('quoted', ['护河行动'])
        """
        texts = list(texts)
        extra: dict[str, str] = {}
        known = [w for w, _, _ in read_lexicon(lexicon)] if lexicon is not None else []

        def hides_known(t: str) -> bool:  # a name that would swallow a lexicon term
            return any(k in t and k != t for k in known)

        for t in sorted(quoted_terms(texts)):
            if re.fullmatch(f"[{CJK}0-9A-Za-z]+", t) and not hides_known(t):
                extra[t] = "quoted"
        for t in sorted(cited_titles(texts)):
            if not hides_known(t):
                extra.setdefault(t, "cited")
        if discover:
            probe = cls(lexicon=lexicon, extra_terms=extra, **kwargs)  # the same engine and cut
            for t in discover_terms(texts).term:
                # only terms that jieba fragments (a piece of one character), not
                # ordinary compounds of two dictionary words (深入实施)
                pieces = probe.tokens(t)
                if t not in probe.terms and len(pieces) > 1 and min(map(len, pieces)) == 1:
                    extra.setdefault(t, "discovered")
        return cls(lexicon=lexicon, extra_terms=extra, **kwargs)

    def params(self) -> dict:
        """Keyword arguments that rebuild this segmenter elsewhere (a worker process, a Dask worker)."""
        return {"lexicon": self.lexicon, "hmm": self.hmm, "engine": self.engine,
                "extra_terms": {t: src for t, src in self.terms.items() if src != "lexicon"}}  # fmt: skip

    def cut_spec(self) -> dict:
        """What a worker needs to cut text exactly as this segmenter does (:func:`worker_segmenter`).

        With jieba-rs, the words given to it with their frequencies and tags, in order: a worker
        replays them on a fresh ``rjieba.Jieba()`` without reading jieba's Python dictionary or
        tuning frequencies again. With jieba, :meth:`params` (the worker builds the segmenter).
        """
        if self._rs is None:
            return self.params()
        return {"cut_only": True, "hmm": self.hmm, "words": list(self._rs_words)}

    def tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` (the one cut: :meth:`cut` gives the same words)."""
        if self._rs is not None:
            return self._rs.cut(text, self.hmm)
        return self._tk.lcut(text, HMM=self.hmm)

    def cut(self, text: str) -> list[tuple[str, str, int, int]]:
        """``(token, pos, start, end)`` for every token of ``text``, whitespace included."""
        out = []
        pos = 0
        tags = self._tags
        for word in self.tokens(text):
            end = pos + len(word)
            out.append((word, tags.get(word) or _fallback_tag(word), pos, end))
            pos = end
        if pos != len(text):  # never expected: the cut covers every character
            raise RuntimeError("segmentation lost characters")
        return out

    def fingerprint(self) -> str:
        h = hashlib.sha256(repr((sorted(self.terms.items()), self.hmm, self.engine)).encode())
        return h.hexdigest()[:16]

    def report(self, corpus=None) -> pd.DataFrame:
        """Every added term with its source and, given a corpus, its number of occurrences."""
        df = pd.DataFrame(sorted(self.terms.items()), columns=["term", "source"])
        if corpus is not None:
            text = "\n".join(_plan_texts(corpus))
            df["count"] = [text.count(t) for t in df.term]
            df["hit"] = df["count"] > 0
        return df


def _plan_texts(corpus) -> list[str]:
    b = corpus.blocks
    b = b[b.kind.isin(PLAN_BLOCKS)]
    return b.groupby("doc_id", sort=True).text.agg("\n".join).tolist()


def _plan_text_map(corpus) -> dict[str, str]:
    """``{doc_id: plan text}`` (plan blocks joined by line breaks), by doc_id."""
    b = corpus.blocks
    b = b[b.kind.isin(PLAN_BLOCKS)]
    return b.groupby("doc_id", sort=True).text.agg("\n".join).to_dict()


def _sample_key(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8")).hexdigest()


def lexicon_sample(sizes: dict[str, int], max_chars: int | None = LEXICON_SAMPLE_CHARS) -> list[str]:
    """The plans whose text gives the corpus terms: all, or a deterministic sample of whole plans.

    Plans are taken in the order of a hash of their ``doc_id`` (SHA-256: spread over regions,
    years and folders, and independent of which other files are in the folder) until
    ``max_chars`` characters are reached. ``sizes`` maps each doc_id to its characters of plan
    text. Returns the chosen doc_ids, sorted.

    Examples
    --------
    >>> lexicon_sample({"a": 10, "b": 10, "c": 10}, None)
    ['a', 'b', 'c']
    >>> len(lexicon_sample({"a": 10, "b": 10, "c": 10}, 15))
    2
    """
    if max_chars is None or sum(sizes.values()) <= max_chars:
        return sorted(sizes)
    chosen, total = [], 0
    for d in sorted(sizes, key=_sample_key):
        if total >= max_chars:
            break
        chosen.append(d)
        total += sizes[d]
    return sorted(chosen)


_WORKER: dict = {}


def _init_worker(params: dict) -> None:
    """Build the segmenter once per worker process, from its parameters (see :func:`worker_segmenter`)."""
    worker_segmenter(params)


def _params_key(params: dict) -> str:
    return hashlib.sha256(repr(sorted((k, repr(v)) for k, v in params.items())).encode()).hexdigest()


class _Cutter:
    """jieba-rs with the words of a :meth:`Segmenter.cut_spec` replayed: the same ``tokens``."""

    def __init__(self, spec: dict) -> None:
        import rjieba

        self.hmm = spec["hmm"]
        self._rs = rjieba.Jieba()
        for word, freq, pos in spec["words"]:
            self._rs.add_word(word, freq, pos)

    def tokens(self, text: str) -> list[str]:
        return self._rs.cut(text, self.hmm)


def worker_segmenter(params: dict) -> Segmenter | _Cutter:
    """The segmenter for ``params`` (:meth:`Segmenter.params` or :meth:`Segmenter.cut_spec`) in
    this process, built once and kept while the parameters hold."""
    key = _params_key(params)
    if _WORKER.get("key") != key:
        seg = _Cutter(params) if params.get("cut_only") else Segmenter(**params)
        _WORKER["seg"], _WORKER["key"] = seg, key
    return _WORKER["seg"]


def _segment_on_worker(job: tuple[dict, list[tuple]]) -> dict:
    """Segment blocks with a segmenter built from ``params`` once per worker process."""
    params, blocks = job
    return segment_blocks(worker_segmenter(params), blocks)


def _segment_blocks(blocks: list[tuple]) -> dict:
    return segment_blocks(_WORKER["seg"], blocks)


def segment_blocks(seg: Segmenter, blocks: list[tuple]) -> dict:
    """Tokens of ``(doc_id, kind, section_id, item_no, start, text)`` blocks, in order, compactly.

    Returns ``{"meta": [(doc_id, kind, section_id, item_no)] per block with tokens, "n": tokens
    per such block, "vocab": distinct tokens, "codes": int32 index into vocab per token,
    "start"/"end": int64 offsets}``; whitespace tokens are dropped. Each distinct word travels
    once per batch (from a worker process or a Dask worker), and :func:`merge_columns` joins the
    batches; :func:`tokens_frame` makes the table.

    The words of all blocks are cut into one list; codes, lengths and offsets are then computed
    with numpy (the vocabulary in order of first appearance, as a token-by-token loop would give).

    Parameters
    ----------
    seg : Segmenter
    blocks : list of tuple
        ``(doc_id, kind, section_id, item_no, start, text)``; ``start`` is the offset of ``text``.

    Returns
    -------
    dict
        The columns described above.

    Examples
    --------
    >>> out = segment_blocks(Segmenter(), [("d", "item", "1", 1, 10, "开展 青年大学习")])
    >>> out["vocab"], out["codes"].tolist(), out["start"].tolist(), out["end"].tolist(), out["n"]
    (['开展', '青年大学习'], [0, 1], [10, 13], [12, 18], [2])
    """
    import numpy as np

    if not isinstance(blocks, list):
        blocks = list(blocks)
    cut = seg.tokens
    words: list[str] = []
    sizes: list[int] = []
    for block in blocks:
        toks = cut(block[5])
        words += toks
        sizes.append(len(toks))
    # every distinct word (whitespace included) in order of first appearance, and its code per token
    index = {w: i for i, w in enumerate(dict.fromkeys(words))}
    every = list(index)
    all_codes = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    word_len = np.fromiter(map(len, every), dtype=np.int64, count=len(every))
    lengths = word_len[all_codes]
    size = np.array(sizes, dtype=np.int64)
    first = np.cumsum(size) - size  # index of the first token of each block
    offset = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offset[1:])  # characters before each token in the concatenated blocks
    text_len = np.fromiter((len(b[5]) for b in blocks), dtype=np.int64, count=len(blocks))
    if not np.array_equal(offset[first + size] - offset[first], text_len):
        raise RuntimeError("segmentation lost characters")  # never expected: the cut covers every character
    block_start = np.fromiter((b[4] for b in blocks), dtype=np.int64, count=len(blocks))
    starts = offset[:-1] + np.repeat(block_start - offset[first], size)
    # whitespace tokens dropped; the other words renumbered in the same order
    solid = np.fromiter((bool(w.strip()) for w in every), dtype=bool, count=len(every))
    keep = solid[all_codes]
    renumber = np.cumsum(solid, dtype=np.int64) - 1
    kept = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept[1:])
    per_block = (kept[first + size] - kept[first]).tolist()
    meta = [(b[0], b[1], b[2], b[3]) for b, k in zip(blocks, per_block) if k]
    start_a = starts[keep]
    return {
        "meta": meta,
        "n": [k for k in per_block if k],
        "vocab": [w for w, s in zip(every, solid.tolist()) if s],
        "codes": renumber[all_codes[keep]].astype(np.int32),
        "start": start_a,
        "end": start_a + lengths[keep],
    }


def merge_columns(parts: Iterable[dict]) -> dict:
    """Join batches of :func:`segment_blocks`, in order, into one vocabulary."""
    import numpy as np

    vocab: dict[str, int] = {}
    out = {"meta": [], "n": [], "codes": [], "start": [], "end": []}
    for part in parts:
        lut = np.array([vocab.setdefault(w, len(vocab)) for w in part["vocab"]], dtype=np.int32)
        out["codes"].append(lut[part["codes"]] if len(part["codes"]) else part["codes"])
        out["meta"] += part["meta"]
        out["n"] += part["n"]
        out["start"].append(part["start"])
        out["end"].append(part["end"])
    for c in ("codes", "start", "end"):
        out[c] = (
            np.concatenate(out[c]) if out[c] else np.zeros(0, dtype=np.int32 if c == "codes" else np.int64)
        )
    out["vocab"] = list(vocab)
    return out


def _spread(values: list, rows: np.ndarray, dtype: str | None = None) -> pd.Series | np.ndarray:
    """``values`` (one per block or word) typed as pandas types a column of them, taken at ``rows``.

    The type is inferred on the distinct entries (each is used by at least one row), which
    gives the type the full column would get; strings are then taken in Arrow, not converted row by row.
    """
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    s = pd.Series(arr)
    if dtype is not None:
        s = s.astype(dtype)
    if isinstance(s.dtype, np.dtype):  # numpy-backed (object): the frame infers it as before
        return s.to_numpy()[rows]
    return s.array.take(rows)


def _positions(doc_ids: list, n: np.ndarray) -> np.ndarray | None:
    """Position of each token within its document when every document's blocks are contiguous, else None."""
    codes, uniques = pd.factorize(pd.Series(doc_ids, dtype=object), use_na_sentinel=True)
    if len(codes) and (codes < 0).any():
        return None
    runs = int(np.count_nonzero(codes[1:] != codes[:-1])) + 1 if len(codes) else 0
    if runs != len(uniques):
        return None
    new_doc = np.ones(len(codes), dtype=bool)
    new_doc[1:] = codes[1:] != codes[:-1]
    block_first = np.cumsum(n) - n  # first token of each block
    doc_of_block = np.cumsum(new_doc) - 1
    doc_first = block_first[new_doc]  # first token of each document
    total = int(n.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(doc_first[doc_of_block], n)


def tokens_frame(merged: dict, seg: Segmenter) -> pd.DataFrame:
    """The tokens table from :func:`merge_columns`: position, part of speech and flags added.

    Tags and flags are computed once per distinct token, and block columns once per block,
    and spread to the rows (the same values and types as a row-by-row computation, far faster
    on millions of rows).

    Parameters
    ----------
    merged : dict
        The columns of :func:`merge_columns` (or of one :func:`segment_blocks` batch).
    seg : Segmenter
        The segmenter that made them (tags and terms).

    Returns
    -------
    DataFrame
        See :func:`tokens_table`.
    """
    vocab_l = list(merged["vocab"])
    codes = np.asarray(merged["codes"])
    n = np.asarray(merged["n"], dtype=np.int64)
    meta = list(zip(*merged["meta"])) if merged["meta"] else [(), (), (), ()]
    used = n > 0  # every block of segment_blocks has tokens; others give no rows
    if not used.all():
        meta = [[v for v, u in zip(col, used.tolist()) if u] for col in meta]
        n = n[used]
    block_of = np.repeat(np.arange(len(n)), n)  # the block of each row
    tags = seg._tags
    pos = [tags.get(w) or _fallback_tag(w) for w in vocab_l]
    cols = {
        "doc_id": _spread(list(meta[0]), block_of),
        "block": _spread(list(meta[1]), block_of),
        "section_id": _spread(list(meta[2]), block_of),
        "item_no": _spread(list(meta[3]), block_of, "Int64"),
        "position": None,
        "token": _spread(vocab_l, codes),
        "pos": _spread(pos, codes),
        "start": np.asarray(merged["start"], dtype=np.int64),
        "end": np.asarray(merged["end"], dtype=np.int64),
    }
    position = _positions(list(meta[0]), n)
    if position is None:  # documents interleaved: count within each document as groupby does
        doc = pd.Series(cols["doc_id"])
        position = doc.groupby(doc, sort=False).cumcount().astype("int64").to_numpy()
    cols["position"] = position
    stop, filler = load_stopwords(), load_filler()
    from .places import place_names

    vocab = np.empty(len(vocab_l), dtype=object)
    vocab[:] = vocab_l
    u = pd.Series(vocab, dtype=object)
    flags = {
        "punct": u.str.match(_PUNCT.pattern),
        "numeric": numeric_flags(u, seg.terms.keys()),
        "stop": u.isin(stop),
        "filler": u.isin(filler),
        "placeholder": u.str.fullmatch(r"[xX×*]+"),
        "place": u.isin(place_names()),  # a division name (GB/T 2260 list): 重庆, 固原市, 涪城 …
    }
    for name, flag in flags.items():
        cols[name] = np.asarray(flag, dtype=bool)[codes] if len(vocab) else np.zeros(len(codes), dtype=bool)
    df = pd.DataFrame(cols)
    return df


def plan_blocks(blocks: pd.DataFrame, kinds: Sequence[str] = PLAN_BLOCKS) -> list[tuple]:
    """``(doc_id, kind, section_id, item_no, start, text)`` of the blocks to tokenise, by doc_id then start."""
    b = blocks[blocks.kind.isin(kinds)].sort_values(["doc_id", "start"], kind="stable")
    return list(zip(b.doc_id, b.kind, b.section_id, b.item_no, b.start, b.text))


def tokens_table(
    corpus,
    segmenter: Segmenter | None = None,
    *,
    blocks: Sequence[str] = PLAN_BLOCKS,
    n_jobs: int | None = None,
    engine: str = "local",
    scheduler=None,
) -> pd.DataFrame:
    """One row per token of the plans' text.

    Parameters
    ----------
    corpus : Corpus
    segmenter : Segmenter, optional
        Default :meth:`Segmenter.from_corpus` on this corpus.
    blocks : sequence of str
        Block kinds to tokenise; by default the plan (cover notice and signature left out).
    n_jobs : int, optional
        Processes that segment documents in parallel; default all cores for corpora of
        more than 200 plans, else one. The table is the same whatever ``n_jobs``.
    engine : {"local", "dask"}, default "local"
        ``"dask"`` segments on a Dask cluster (``scheduler``: address or client; see
        :func:`analysis.engine.map_documents`); each worker builds the segmenter once.

    Returns
    -------
    DataFrame
        ``doc_id, block, section_id, item_no, position, token, pos, start, end`` (offsets
        into ``documents.body``) and flags ``punct, numeric, stop, filler, placeholder, place``. Whitespace
        tokens are dropped; ``position`` counts the remaining tokens within each plan.
    """
    import os

    seg = segmenter or Segmenter.from_corpus(corpus)
    work = plan_blocks(corpus.blocks, blocks)
    n_docs = len({w[0] for w in work})
    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if n_docs > 200 else 1
    params = seg.cut_spec()  # workers replay the words: no dictionary to read or tune
    if engine != "local":
        from .engine import map_documents

        size = max(1, len(work) // 64)
        chunks = [(params, work[i : i + size]) for i in range(0, len(work), size)]
        parts = map_documents(_segment_on_worker, chunks, engine=engine, scheduler=scheduler)
    elif n_jobs > 1 and len(work) > 1:
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, len(work) // (n_jobs * 4))
        chunks = [work[i : i + size] for i in range(0, len(work), size)]
        with ProcessPoolExecutor(n_jobs, initializer=_init_worker, initargs=(params,)) as ex:
            parts = list(ex.map(_segment_blocks, chunks))
    else:
        parts = [segment_blocks(seg, work)]
    return tokens_frame(merge_columns(parts), seg)


def numeric_flags(tokens: pd.Series, terms=()) -> pd.Series:
    """Flag numbers: digits (10, 12345, 3.5%, 24万) always, whatever added the token.

    Chinese numerals alone (十四五, 两) are numeric unless they are a known term (``terms``:
    the lexicon and corpus terms), because 十四五 names a plan period; with a unit of
    magnitude (三千, 两万) they are always numeric.

    Examples
    --------
    >>> numeric_flags(pd.Series(["10", "12345", "24万", "十四五", "三千", "青年", "5G"]), {"10", "十四五"}).tolist()
    [True, True, True, False, True, False, False]
    """
    always = tokens.str.match(_ALWAYS_NUMERIC.pattern)
    return (always | (tokens.str.match(_NUMERIC.pattern) & ~tokens.isin(set(terms)))).astype(bool)


TOKENS_VERSION = (
    "6"  # 6: corpus terms from a sample of plans above 2M characters (was 5: digit tokens numeric)
)


def tokens_fingerprint(corpus_fingerprint: str, lexicon=LEXICON) -> str:
    """Cache key of the tokens table: the corpus, the word lists, the tokenizer's version and code.

    ``lexicon`` is the segmenter's (one path or several).
    """
    from .corpus import _code_version

    h = hashlib.sha256((TOKENS_VERSION + _code_version("segment") + corpus_fingerprint).encode())
    for path in (*lexicon_paths(lexicon), STOPWORDS, FILLER, DATA / "divisions.csv"):
        h.update(path.read_bytes())
    return h.hexdigest()
