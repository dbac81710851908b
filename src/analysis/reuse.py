"""Text reuse between plans: which passages were copied, near-verbatim, from which.

The method follows passim and R's textreuse, adapted to unsegmented Chinese:

1. **Skeleton.** Each body is reduced to its letters, digits and CJK characters
   (punctuation and whitespace dropped), with a map back to body offsets, so "，" vs ","
   or a line break never hides reuse.
2. **Candidates.** An inverted index of character ``k``-shingles (default 8) finds the
   positions two plans share; no sentence is compared with every other sentence, and only
   pairs of plans that share a shingle are looked at. Shingles in more than ``max_df``
   plans are not used as seeds: their runs form **common passages**, each reported once with
   its member list (:func:`common_passages`), and seeds whose two copies lie in one common
   passage are not paired. The self-join is built in chunks of plans sized to
   ``memory_limit`` and streamed through the alignment.
3. **Chaining.** Shared shingles are chained along the alignment diagonal, allowing gaps
   of up to ``max_gap`` characters on either side, so a passage with a clause inserted, a
   word swapped or a clause dropped stays one passage, across sentence boundaries.
4. **Scoring.** Each chain's two spans are compared with rapidfuzz (Indel similarity on
   the skeletons); passages of at least ``min_chars`` characters and ``min_similarity`` are
   kept.
5. **Boilerplate.** Phrases found in most plans (derived from the corpus,
   :func:`boilerplate_phrases`) plus the reviewable list ``data/boilerplate.txt`` mark
   passages that are shared political formulae rather than evidence of copying; they are
   reported separately.

:func:`find_reuse` runs these as named steps, each a function of its own:
:func:`shingle_index` (64-bit shingle hashes in sorted numpy arrays: the inverted index),
:func:`candidate_pairs` (a self-join of the index on the hash; seeds common to most plans
and seeds that cannot be chained dropped before pairing), :func:`align_pairs` (chain,
extend, score; in worker processes for many pairs), :func:`passage_table` (body offsets and
texts), :func:`resolve_nesting` (nested passages, from sorted arrays) and
:func:`flag_boilerplate` (shares in boilerplate phrases); block kinds and issue dates are
looked up once per plan. Work grows with the number of shared passages, not with the
square of the corpus (``benchmarks/reuse_scale.md``).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from .segment import DATA

BOILERPLATE_FILE = DATA / "boilerplate.txt"
#: From this many plans on, ``max_df="auto"`` sets aside seeds found in more than :data:`AUTO_MAX_DF` plans.
AUTO_MAX_DF_PLANS = 50
#: Plans a shingle may occur in and still seed pairs under ``max_df="auto"`` (from 50 plans on).
AUTO_MAX_DF = 20
#: Default ``memory_limit`` of :func:`find_reuse`: the pairing join is built in chunks that fit in it.
DEFAULT_MEMORY_LIMIT = "4GB"
#: Below this much room under the memory limit, the join is built one plan at a time (with a notice).
MIN_FREE_BYTES = 64 * 10**6
#: Longest run of common text (skeleton characters) read as a formula rather than a copied passage.
FORMULA_MAX_CHARS = 40
_KEEP_RANGES = [
    (0x30, 0x39),
    (0x41, 0x5A),
    (0x61, 0x7A),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
]


@dataclass
class Skeleton:
    """Significant characters of a text and their offsets in the original.

    ``breaks`` are the skeleton positions where text left out of the comparison (an
    excluded block) lies between a character and the one before it: no passage may span one.

    Examples
    --------
    >>> sk = Skeleton.of("青年，志愿。总结。服务", spans=[(0, 6), (9, 11)])
    >>> sk.text, sk.breaks.tolist()
    ('青年志愿服务', [4])
    """

    text: str
    offsets: np.ndarray
    breaks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def of(cls, body: str, spans: Sequence[tuple[int, int]] | None = None) -> Skeleton:
        """Skeleton of ``body``, or of the parts of it inside ``spans`` (start, end)."""
        codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
        keep = np.zeros(len(codes), dtype=bool)
        for lo, hi in _KEEP_RANGES:
            keep |= (codes >= lo) & (codes <= hi)
        breaks = np.zeros(0, dtype=np.int64)
        if spans is not None:
            allowed = np.zeros(len(body), dtype=bool)
            for s, e in spans:
                allowed[s:e] = True
            left_out = np.r_[0, np.cumsum(keep & ~allowed)]  # significant characters excluded so far
            keep &= allowed
            pos = np.flatnonzero(keep)
            if len(pos) > 1:
                breaks = (np.flatnonzero(left_out[pos[1:]] != left_out[pos[:-1]]) + 1).astype(np.int64)
        else:
            pos = np.flatnonzero(keep)
        text = codes[pos].astype("<u4").tobytes().decode("utf-32-le")
        return cls(text, pos.astype(np.int64), breaks)

    def body_span(self, s: int, e: int) -> tuple[int, int]:
        """Body offsets covering skeleton characters ``s`` … ``e - 1``."""
        return int(self.offsets[s]), int(self.offsets[e - 1]) + 1


_BASE = np.uint64(0x100000001B3)  # FNV prime: codepoints mixed into a 64-bit polynomial hash


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """64-bit hashes of every ``k``-character shingle of ``text`` (position i → text[i:i+k]).

    A polynomial hash of the codepoints in wrapping ``uint64`` arithmetic: deterministic
    across processes (not Python's salted ``hash``) and vectorised. Equal shingles get equal
    hashes; the alignment that follows compares the text itself, so a collision can only add
    a candidate, never a passage.

    Examples
    --------
    >>> h = shingle_hashes("青年青年青年", 2)
    >>> len(h), bool(h[0] == h[2] == h[4]), bool(h[0] != h[1])
    (5, True, True)
    """
    n = len(text) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _BASE + codes[j : j + n] + np.uint64(1)
    return h


@dataclass
class ShingleIndex:
    """Every shingle of every plan: ``hash``, ``doc`` (index into ``docs``) and ``pos``, sorted by hash.

    Rows are sorted by ``(hash, doc, pos)``, so the plans sharing a shingle are one run of
    rows: the inverted index, in three numpy arrays (no dictionary of strings).
    """

    docs: list[str]
    hash: np.ndarray
    doc: np.ndarray
    pos: np.ndarray
    k: int = 8

    def doc_freq(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct hashes and the number of plans each occurs in.

        Examples
        --------
        >>> ix = shingle_index({"a": "青年工作青年", "b": "青年志愿"}, 2)
        >>> uniq, n = ix.doc_freq()
        >>> int(n[uniq == shingle_hashes("青年", 2)[0]][0]), int(n.max())
        (2, 2)
        """
        h, d = self.hash, self.doc
        if len(h) == 0:
            return h, np.zeros(0, dtype=np.int64)
        first = np.r_[True, h[1:] != h[:-1]]  # rows are sorted by (hash, doc)
        new_doc = first | np.r_[True, d[1:] != d[:-1]]
        return h[first], np.bincount(np.cumsum(first) - 1, weights=new_doc).astype(np.int64)


def _hash_job(job: tuple[str, int]) -> np.ndarray:
    return shingle_hashes(*job)


def shingle_index(
    texts: dict[str, str], k: int, *, engine: str = "local", scheduler: object = None
) -> ShingleIndex:
    """Step 1: the inverted index of ``k``-shingles over ``texts`` (doc → skeleton text).

    Each text's shingles are hashed to 64-bit integers (:func:`shingle_hashes`) and all
    rows are sorted by hash. With ``engine="dask"`` the shingles of each document are
    hashed on the cluster (:func:`analysis.engine.map_documents`); the index is the same.

    Examples
    --------
    >>> ix = shingle_index({"b": "青年志愿", "a": "志愿服务"}, 2)
    >>> ix.docs, len(ix.hash)
    (['a', 'b'], 6)
    """
    from .engine import map_documents

    docs = sorted(texts)
    hashes = map_documents(_hash_job, [(texts[d], k) for d in docs], engine=engine, scheduler=scheduler)
    hs, ds, ps = [], [], []
    for i, h in enumerate(hashes):
        hs.append(h)
        ds.append(np.full(len(h), i, dtype=np.int32))
        ps.append(np.arange(len(h), dtype=np.int32))
    h = np.concatenate(hs) if hs else np.zeros(0, dtype=np.uint64)
    d = np.concatenate(ds) if ds else np.zeros(0, dtype=np.int32)
    p = np.concatenate(ps) if ps else np.zeros(0, dtype=np.int32)
    # rows come ordered by (doc, pos): a stable sort on the hash orders them by (hash, doc, pos)
    order = np.argsort(h, kind="stable")
    return ShingleIndex(docs, h[order], d[order], p[order], k)


#: Largest number of rows of temporary arrays built at once (bounds their memory).
_JOIN_CHUNK = 4_000_000
#: Bytes of working memory per seed row of a chunk (the join, the chaining filter, the sort by pair).
BYTES_PER_SEED = 160
#: Seed rows of a chunk below which the work is not split further for the progress bar alone.
PROGRESS_CHUNK_SEEDS = 1_000_000
#: Fewest seed rows in a chunk, whatever the memory limit (one plan's seeds are never split).
MIN_CHUNK_SEEDS = 1


def parse_memory(value: int | float | str | None) -> int | None:
    """Bytes of a memory size: an int (bytes) or a string such as ``"4GB"``, ``"512 MB"``, ``"2GiB"``.

    Examples
    --------
    >>> parse_memory("4GB"), parse_memory("512 MiB"), parse_memory(1000), parse_memory(None)
    (4000000000, 536870912, 1000, None)
    """
    if value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if value <= 0:
            raise ValueError(f"memory_limit must be positive, got {value!r}")
        return int(value)
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)\s*", str(value), flags=re.IGNORECASE)
    if not m:
        raise ValueError(f"memory_limit {value!r} is not a size such as 4GB, 512MB or a number of bytes")
    unit = m.group(2).lower().rstrip("b")
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12,
             "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}[unit]  # fmt: skip
    return int(float(m.group(1)) * scale)


def _rss_bytes() -> int:
    """Resident memory of this process now (0 where ``/proc`` is not available)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096)
    except (OSError, ValueError, IndexError):
        return 0


class _SeedPlan:
    """The rows of a shingle index used as seeds, and for each the rows of later plans it pairs with.

    Rows of shingles found in 2 … ``limit`` plans are kept (sorted by hash, then plan); a
    kept row pairs with the kept rows of its hash that belong to a later plan:
    ``right_lo[i] … right_lo[i] + n_right[i] - 1``. :meth:`chunks` splits the plans into
    ranges whose seed rows fit a budget, so the self-join is built a range at a time.
    ``passage`` (per skeleton position) marks the common passages each position lies in:
    a seed whose two copies lie in one common passage is not paired.
    """

    def __init__(self, index: ShingleIndex, limit: float, passage_at: np.ndarray | None = None) -> None:
        h, doc = index.hash, index.doc
        self.index, self.docs, self.n_docs = index, index.docs, len(index.docs)
        self.counts = np.bincount(doc, minlength=self.n_docs).astype(np.int64)
        self.base = np.r_[0, np.cumsum(self.counts)[:-1]].astype(np.int64)
        self.passage_at = passage_at
        if len(h) < 2:
            self.rows = np.zeros(0, dtype=np.int64)
        else:
            first = np.r_[True, h[1:] != h[:-1]]
            group = np.cumsum(first) - 1
            new_doc = first | np.r_[True, doc[1:] != doc[:-1]]
            n_docs = np.bincount(group, weights=new_doc).astype(np.int64)
            keep = (n_docs[group] >= 2) & (n_docs[group] <= limit)
            del n_docs, new_doc, first
            self.rows = np.flatnonzero(keep)
            g = group[self.rows]
            del group
        self.keep = keep if len(h) >= 2 else np.zeros(len(h), dtype=bool)
        rows = self.rows
        if len(rows) == 0:
            self.doc = self.pos = np.zeros(0, dtype=np.int32)
            self.right_lo = self.n_right = np.zeros(0, dtype=np.int64)
        else:
            d = doc[rows]
            new_g = np.r_[True, g[1:] != g[:-1]]
            g_end = np.r_[np.flatnonzero(new_g)[1:], len(g)]
            g_end = g_end[np.cumsum(new_g) - 1]  # end of each row's group (kept rows)
            new_d = new_g | np.r_[True, d[1:] != d[:-1]]
            d_end = np.r_[np.flatnonzero(new_d)[1:], len(g)]
            self.right_lo = d_end[np.cumsum(new_d) - 1]  # first kept row of a later plan
            self.n_right = g_end - self.right_lo
            del g, new_g, g_end, new_d, d_end
            self.doc, self.pos = d.astype(np.int32), index.pos[rows].astype(np.int32)
        # rows of each plan (kept rows sorted by plan, then position in the hash order)
        self.by_doc = np.argsort(self.doc, kind="stable")
        self.doc_bounds = np.searchsorted(self.doc[self.by_doc], np.arange(self.n_docs + 1))
        self.seeds_per_doc = np.bincount(self.doc, weights=self.n_right, minlength=self.n_docs).astype(
            np.int64
        )

    @property
    def n_seeds(self) -> int:
        """Seed rows of the whole self-join (before any filter)."""
        return int(self.seeds_per_doc.sum())

    def chunks(self, budget: int) -> list[tuple[int, int]]:
        """Ranges ``(lo, hi)`` of plans (as ``doc_a``) whose seed rows stay within ``budget`` (or one plan)."""
        out, lo = [], 0
        cum = np.r_[0, np.cumsum(self.seeds_per_doc)]
        while lo < self.n_docs:
            hi = int(np.searchsorted(cum, cum[lo] + max(budget, 1), side="right")) - 1
            hi = min(max(hi, lo + 1), self.n_docs)
            out.append((lo, hi))
            lo = hi
        return out

    def join(self, lo: int, hi: int) -> tuple[np.ndarray, ...]:
        """Seeds ``(doc_a, doc_b, pos_a, pos_b)`` with ``lo <= doc_a < hi``, ``doc_a < doc_b``."""
        left = self.by_doc[self.doc_bounds[lo] : self.doc_bounds[hi]]
        cnt = self.n_right[left]
        total = int(cnt.sum())
        start = np.repeat(self.right_lo[left] - (np.cumsum(cnt) - cnt), cnt)
        right = start + np.arange(total, dtype=np.int64)
        del start
        li = np.repeat(left, cnt)
        return self.doc[li], self.doc[right], self.pos[li], self.pos[right]

    def same_passage(self, da, db, pa, pb) -> np.ndarray:
        """Seeds whose two copies lie in one common passage (reported there, not paired)."""
        if self.passage_at is None:
            return np.zeros(len(da), dtype=bool)
        out = np.zeros(len(da), dtype=bool)
        for c in range(0, len(da), _JOIN_CHUNK):
            s = slice(c, c + _JOIN_CHUNK)
            x = self.passage_at[self.base[da[s]] + pa[s]]
            out[s] = (x >= 0) & (x == self.passage_at[self.base[db[s]] + pb[s]])
        return out

    def prepare(self) -> None:
        """Hash and use of every shingle by position (for :meth:`next_shared`), built once from the index."""
        if hasattr(self, "_hpos"):
            return
        ix = self.index
        at = self.base[ix.doc] + ix.pos
        self._hpos = np.empty(len(at), dtype=np.uint64)
        self._hpos[at] = ix.hash
        self._used = np.zeros(len(at), dtype=bool)
        self._used[at] = self.keep
        del self.keep  # only needed here

    def next_shared(self, da, db, pa, pb) -> np.ndarray:
        """Seeds whose next or previous shingle is a seed of the same pair too (a run of shared text).

        Looked up by position, without sorting the seeds: the shingle after ``(pa, pb)`` is a
        seed when both plans have the same hash at ``pa + 1`` and ``pb + 1`` and that hash is used.
        """
        self.prepare()
        hpos, used, counts, base = self._hpos, self._used, self.counts, self.base
        out = np.zeros(len(pa), dtype=bool)
        last = len(hpos) - 1
        for c in range(0, len(pa), _JOIN_CHUNK):  # in chunks: the temporary arrays stay small
            a, b = da[c : c + _JOIN_CHUNK], db[c : c + _JOIN_CHUNK]
            x, y = pa[c : c + _JOIN_CHUNK].astype(np.int64), pb[c : c + _JOIN_CHUNK].astype(np.int64)
            ga, gb = base[a] + x, base[b] + y
            found = np.zeros(len(x), dtype=bool)
            for step, ok in ((1, (x + 1 < counts[a]) & (y + 1 < counts[b])), (-1, (x >= 1) & (y >= 1))):
                na, nb = np.clip(ga + step, 0, last), np.clip(gb + step, 0, last)
                found |= ok & (hpos[na] == hpos[nb]) & used[na]
            out[c : c + _JOIN_CHUNK] = found
        return out

    def candidates(self, lo: int, hi: int, min_seeds: int = 1, k: int | None = None,
                   max_gap: int | None = None) -> tuple[CandidatePairs, int, int]:  # fmt: skip
        """Candidate pairs with ``lo <= doc_a < hi`` (see :func:`candidate_pairs`), seed rows joined, and
        seed rows set aside because both copies lie in one common passage."""
        docs = self.docs
        z = np.zeros(0, dtype=np.int32)
        empty = CandidatePairs(docs, z, z, z, z, np.zeros(1, dtype=np.int64))
        da, db, pa, pb = self.join(lo, hi)
        joined = len(da)
        grouped = 0
        if joined and self.passage_at is not None:
            inside = self.same_passage(da, db, pa, pb)
            grouped = int(inside.sum())
            if grouped:
                ok = ~inside
                da, db, pa, pb = da[ok], db[ok], pa[ok], pb[ok]
        if len(da) == 0:
            return empty, joined, grouped
        pair = da.astype(np.int64) * len(docs) + db
        if max_gap is not None:
            ok = _linked(pair, pa, pb, max_gap + (k or 0), max_gap, self.next_shared(da, db, pa, pb))
            da, db, pa, pb, pair = da[ok], db[ok], pa[ok], pb[ok], pair[ok]
        if len(pa) == 0:
            return empty, joined, grouped
        top = int(max(pa.max(initial=0), pb.max(initial=0))) + 1
        order = _argsort_rows((pair, len(docs) ** 2), (pa.astype(np.int64), top), (pb.astype(np.int64), top))
        da, db, pa, pb, pair = da[order], db[order], pa[order], pb[order], pair[order]
        del order
        bounds = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1], True])
        big = np.diff(bounds) >= min_seeds
        if not big.all():  # drop the rows of pairs with too few seeds
            rows = np.repeat(big, np.diff(bounds))
            da, db, pa, pb = da[rows], db[rows], pa[rows], pb[rows]
            bounds = np.r_[0, np.cumsum(np.diff(bounds)[big])]
        starts = bounds[:-1]
        return CandidatePairs(docs, da[starts], db[starts], pa, pb, bounds.astype(np.int64)), joined, grouped


def _sort_key(*columns: tuple[np.ndarray, int]) -> np.ndarray | None:
    """One int64 key ordering rows like ``np.lexsort`` on ``columns`` (most significant first).

    Each column comes with an exclusive upper bound of its (non-negative) values; None when
    the bounds do not fit in 62 bits together.
    """
    total = 1
    for _, bound in columns:
        total *= max(int(bound), 1)
    if total >= 2**62:
        return None
    key = np.zeros(len(columns[0][0]), dtype=np.int64)
    for col, bound in columns:
        key = key * max(int(bound), 1) + col
    return key


def _argsort_rows(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """Stable order of rows by ``columns`` (most significant first; see :func:`_sort_key`)."""
    key = _sort_key(*columns)
    if key is None:
        return np.lexsort([c for c, _ in columns[::-1]])
    return np.argsort(key, kind="stable")


def _linked(
    pair: np.ndarray,
    pa: np.ndarray,
    pb: np.ndarray,
    window: int,
    max_gap: int,
    linked: np.ndarray | None = None,
) -> np.ndarray:
    """Which seeds have a neighbour they could be chained with (the test :func:`_chain` applies).

    A neighbour is another seed of the same pair at most ``window`` characters before or
    after on both sides (``0 < Δa, Δb <= window``) and off its diagonal by at most
    ``max_gap`` (``|Δb − Δa| <= max_gap``). A seed without one can only be a chain of its own.
    ``linked`` marks seeds already known to have one (e.g. the next shingle is shared too);
    the others are compared with the seeds of their pair within ``window``, from sorted arrays.
    """
    n = len(pa)
    linked = np.zeros(n, dtype=bool) if linked is None else linked.copy()
    if n < 2 or linked.all():
        return linked
    top = int(max(pa.max(), pb.max())) + 1
    n_pairs = int(pair.max()) + 1
    # the others: compare with every seed of the pair within ``window`` on side a
    key = _sort_key((pair, n_pairs), (pa.astype(np.int64) + window, top + 2 * window))
    if key is None:
        raise OverflowError("too many plans or too long plans for the seed index")
    order = np.argsort(key, kind="stable")
    skey, sa_, sb_ = key[order], pa[order], pb[order]
    del key
    rest = np.flatnonzero(~linked[order])  # positions in sorted order: the queries come sorted
    for c in range(0, len(rest), _JOIN_CHUNK // 8):
        q = rest[c : c + _JOIN_CHUNK // 8]
        lo = np.searchsorted(skey, skey[q] - window, side="left")
        hi = np.searchsorted(skey, skey[q] + window, side="right")
        cnt = hi - lo
        qi = np.repeat(q, cnt)
        t = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(cnt.sum())
        da = sa_[t].astype(np.int64) - sa_[qi]
        db = sb_[t].astype(np.int64) - sb_[qi]
        db = np.where(da > 0, db, -db)
        da = np.abs(da)
        ok = (da > 0) & (db > 0) & (db <= window) & (np.abs(db - da) <= max_gap)
        linked[order[qi[ok]]] = True
    return linked


class CandidatePairs(Mapping):
    """Seeds per pair of plans, held in arrays: a read-only mapping ``(doc_a, doc_b)`` → seeds.

    ``doc_a``/``doc_b`` index ``docs``; ``bounds[i]:bounds[i + 1]`` are the rows of the
    ``i``-th pair, sorted by ``(pos_a, pos_b)``. The lists of ``(pos_a, pos_b)`` tuples are
    only built when a pair is read, so pairs can be sent to worker processes as arrays.
    """

    def __init__(self, docs: list[str], doc_a: np.ndarray, doc_b: np.ndarray, pos_a: np.ndarray,
                 pos_b: np.ndarray, bounds: np.ndarray) -> None:  # fmt: skip
        self.docs, self.doc_a, self.doc_b = docs, doc_a, doc_b
        self.pos_a, self.pos_b, self.bounds = pos_a, pos_b, bounds
        self._index: dict[tuple[str, str], int] | None = None

    @property
    def _keys(self) -> dict[tuple[str, str], int]:
        if self._index is None:
            d = self.docs
            self._index = {
                (d[a], d[b]): i for i, (a, b) in enumerate(zip(self.doc_a.tolist(), self.doc_b.tolist()))
            }
        return self._index

    def __len__(self) -> int:
        return len(self.doc_a)

    def __iter__(self):
        return iter(self._keys)

    def __getitem__(self, key: tuple[str, str]) -> list[tuple[int, int]]:
        i = self._keys[key]
        s, e = int(self.bounds[i]), int(self.bounds[i + 1])
        return list(zip(self.pos_a[s:e].tolist(), self.pos_b[s:e].tolist()))

    def items(self):
        """``((doc_a, doc_b), seeds)`` for every pair, in order."""
        pa, pb, b, d = self.pos_a.tolist(), self.pos_b.tolist(), self.bounds.tolist(), self.docs
        for i, (x, y) in enumerate(zip(self.doc_a.tolist(), self.doc_b.tolist())):
            yield (d[x], d[y]), list(zip(pa[b[i] : b[i + 1]], pb[b[i] : b[i + 1]]))

    def part(self, lo: int, hi: int) -> CandidatePairs:
        """Pairs ``lo`` … ``hi - 1`` (their own arrays)."""
        s, e = int(self.bounds[lo]), int(self.bounds[hi])
        return CandidatePairs(self.docs, self.doc_a[lo:hi], self.doc_b[lo:hi], self.pos_a[s:e],
                              self.pos_b[s:e], self.bounds[lo : hi + 1] - s)  # fmt: skip


def candidate_pairs(
    index: ShingleIndex,
    max_docs: float = math.inf,
    min_seeds: int = 1,
    *,
    k: int | None = None,
    max_gap: int | None = None,
) -> CandidatePairs:
    """Step 2: seeds ``(pos_a, pos_b)`` per pair of plans that share a shingle, from the index.

    Shingles found in more than ``max_docs`` plans are dropped before pairing (shared
    formulae: boilerplate), so the number of pairs grows with the reuse, not with the
    square of the corpus. The pairing is a self-join of the index arrays on the hash, not
    a loop over shingles. With ``max_gap`` (and ``k``), seeds that no other seed of the
    pair could be chained with (:func:`_linked`) are dropped: pairs that share only a few
    scattered shingles by chance are never aligned. Pairs with fewer than ``min_seeds``
    seeds are left out.

    Returns
    -------
    dict
        ``(doc_a, doc_b)`` (``doc_a < doc_b``) → seeds sorted by ``(pos_a, pos_b)``.

    Examples
    --------
    >>> ix = shingle_index({"a": "甲乙丙丁戊己", "b": "子丑丙丁戊寅", "c": "丙丁卯辰巳午"}, 2)
    >>> dict(candidate_pairs(ix))
    {('a', 'b'): [(2, 2), (3, 3)], ('a', 'c'): [(2, 0)], ('b', 'c'): [(2, 0)]}
    >>> dict(candidate_pairs(ix, k=2, max_gap=0))  # a lone shared shingle cannot start a chain
    {('a', 'b'): [(2, 2), (3, 3)]}
    """
    return _SeedPlan(index, max_docs).candidates(0, len(index.docs), min_seeds, k, max_gap)[0]


def _chain(seeds: list[tuple[int, int]], k: int, max_gap: int) -> list[list[tuple[int, int]]]:
    """Chain (pos_a, pos_b) seeds that follow one another along a diagonal, with gaps."""
    seeds.sort()
    chains: list[list[tuple[int, int]]] = []
    open_: list[list[tuple[int, int]]] = []
    for pa, pb in seeds:
        open_ = [c for c in open_ if pa - c[-1][0] <= max_gap + k]
        best, best_shift = None, None
        for c in open_:
            la, lb = c[-1]
            da, db = pa - la, pb - lb
            if da <= 0 or db <= 0 or da > max_gap + k or db > max_gap + k:
                continue
            shift = abs(db - da)
            if shift <= max_gap and (best_shift is None or shift < best_shift):
                best, best_shift = c, shift
        if best is None:
            c = [(pa, pb)]
            chains.append(c)
            open_.append(c)
        else:
            best.append((pa, pb))
    return chains


def _score_chain(chain, sa_text: str, sb_text: str, k: int, max_gap: int, min_chars: int,
                 min_similarity: float, cache: dict | None = None) -> tuple[int, int, int, int, float] | None:  # fmt: skip
    """Skeleton spans (a0, a1, b0, b1) and similarity of a chain of seeds, or None if it fails.

    ``cache`` (one per pair of plans) keeps the extensions already computed from an end:
    the parts of a split chain share one end with it.
    """
    a0, a1 = chain[0][0], chain[-1][0] + k
    b0, b1 = chain[0][1], chain[-1][1] + k
    span_a = sa_text[a0:a1]
    if a1 > a0 and span_a == sb_text[b0:b1]:  # a run of shared text: nothing to trim
        ta, tb, ua, ub = 0, a1 - a0, 0, a1 - a0
    else:
        ta, tb, ua, ub = _trim(span_a, sb_text[b0:b1])
    a0, a1, b0, b1 = a0 + ta, a0 + tb, b0 + ua, b0 + ub
    if cache is None:
        cache = {}
    # extend past an edit near either end (seeds stop k characters short of it)
    w = max_gap + k
    right = cache.get((1, a1, b1))
    if right is None:
        right = cache[(1, a1, b1)] = _extend(sa_text[a1 : a1 + w], sb_text[b1 : b1 + w])
    left = cache.get((0, a0, b0))
    if left is None:
        left = cache[(0, a0, b0)] = _extend(
            sa_text[max(0, a0 - w) : a0][::-1], sb_text[max(0, b0 - w) : b0][::-1]
        )
    a1, b1 = a1 + right[0], b1 + right[1]
    a0, b0 = a0 - left[0], b0 - left[1]
    if min(a1 - a0, b1 - b0) < min_chars:
        return None
    sim = Indel.normalized_similarity(sa_text[a0:a1], sb_text[b0:b1])
    if sim < min_similarity:
        return None
    return a0, a1, b0, b1, sim


def _split_at_largest_gap(chain: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The two parts of a chain either side of its largest gap between consecutive seeds (the first if tied)."""
    gaps = [max(b[0] - a[0], b[1] - a[1]) for a, b in zip(chain, chain[1:])]
    cut = gaps.index(max(gaps)) + 1
    return [chain[:cut], chain[cut:]]


def _trim(a: str, b: str) -> tuple[int, int, int, int]:
    """Trim both spans to their first and last aligned (equal) characters."""
    blocks = [blk for blk in Indel.opcodes(a, b) if blk.tag == "equal"]
    if not blocks:
        return 0, 0, 0, 0
    return blocks[0].src_start, blocks[-1].src_end, blocks[0].dest_start, blocks[-1].dest_end


def _extend(a: str, b: str) -> tuple[int, int]:
    """How far an alignment may be extended into ``a`` and ``b`` (read from their start).

    Scores the Indel alignment of the two windows (match +2, each inserted or deleted
    character −1) and stops where the running score peaks, so a short deletion or
    insertion followed by more shared text is bridged, but noise is not.
    """
    best = score = 0
    best_a = best_b = 0
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            score += 2 * (op.src_end - op.src_start)
            if score > best:
                best, best_a, best_b = score, op.src_end, op.dest_end
        else:
            score -= (op.src_end - op.src_start) + (op.dest_end - op.dest_start)
            if score < best - 24:
                break
    return best_a, best_b


def read_phrases(path: str | Path = BOILERPLATE_FILE) -> list[str]:
    """Phrases of a boilerplate file (one per line, ``#`` comments), reduced to their skeleton."""
    text = Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(Skeleton.of(line).text)
    return [p for p in out if p]


def boilerplate_phrases(
    corpus,
    *,
    min_share: float = 0.75,
    min_docs: int = 3,
    k: int = 8,
    max_chars: int = FORMULA_MAX_CHARS,
    file: str | Path | None = "corpus",
) -> pd.DataFrame:
    """Phrases shared by most plans (political formulae), plus those in a reviewable file.

    ``file`` is the reviewed list: ``"corpus"`` (default) takes the corpus's
    (``corpus.formulae``: ``data/boilerplate.txt``, or the genre's list once
    :func:`analysis.genres.use_genre_defaults` or ``corpus.use_formulae`` set it), a path
    another list, ``None`` none.

    A character ``k``-shingle of the skeleton is *common* when it occurs in at least
    ``max(min_docs, ceil(min_share × number of plans))`` plans; runs of overlapping common
    shingles in a plan form a phrase. Only runs of at most ``max_chars`` characters, or
    chains at least half made of the reviewed file's phrases, are formulae: a longer run in
    most plans is a widely copied passage (a template handed down), the very object of a
    diffusion study, reported by :func:`common_passages`, not discounted; and a short run
    lying inside such a long run (a plan's own insertion split its copy) is a piece of that
    passage, not a formula. Phrases of the reviewed file are formulae whatever their length.

    Returns
    -------
    DataFrame
        ``phrase`` (skeleton text), ``n_docs`` (plans containing it) and ``source``
        (``"corpus"`` or ``"file"``), longest first.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> ph = boilerplate_phrases(load_corpus())
    >>> list(ph.columns), bool((ph.n_docs >= 1).all())
    (['phrase', 'n_docs', 'source'], True)
    """
    if isinstance(file, str) and file == "corpus":
        file = _formulae_of(corpus)
    skels = {d: Skeleton.of(b).text for d, b in zip(corpus.documents.doc_id, corpus.documents.body)}
    return _phrases_of(skels, shingle_index(skels, k), min_share=min_share, min_docs=min_docs,
                       max_chars=max_chars, file=file)  # fmt: skip


def _formulae_of(corpus) -> Path:
    """The corpus's reviewed list of formulae (``corpus.formulae``), or the shipped one."""
    return getattr(corpus, "formulae", BOILERPLATE_FILE)


def _phrases_of(
    skels: dict[str, str],
    index: ShingleIndex,
    *,
    min_share: float = 0.75,
    min_docs: int = 3,
    max_chars: int = FORMULA_MAX_CHARS,
    file: str | Path | None = BOILERPLATE_FILE,
) -> pd.DataFrame:
    """:func:`boilerplate_phrases` from skeleton texts and their shingle index (built once)."""
    n = len(skels)
    k = index.k
    need = max(min_docs, math.ceil(min_share * n))
    uniq, counts = index.doc_freq()
    common = np.sort(uniq[counts >= need])
    phrases: set[str] = set()
    if len(common):
        hot = np.isin(index.hash, common)
        d, pos = index.doc[hot], index.pos[hot]
        order = np.lexsort((pos, d))
        d, pos = d[order], pos[order]
        # runs of consecutive common shingles in a plan form one phrase; only runs of at most
        # ``max_chars``, or chains at least half made of reviewed formulae, are formulae
        start = np.flatnonzero(np.r_[True, (d[1:] != d[:-1]) | (np.diff(pos) != 1)])
        end = np.r_[start[1:], len(pos)] - 1
        reviewed = read_phrases(file) if file is not None and Path(file).is_file() else []
        long_runs = []
        for i, j in zip(start.tolist(), end.tolist()):
            run = skels[index.docs[d[i]]][pos[i] : pos[j] + k]
            if len(run) > max_chars and _covered(run, reviewed).mean() < 0.5:
                long_runs.append(run)
            else:
                phrases.add(run)
        # a short run of one plan lying inside a long run of another is a piece of a copied
        # passage (that plan's own insertion split it), not a formula
        joined = "\n".join(sorted(set(long_runs)))  # one search per phrase (no newline in a skeleton)
        phrases = {ph for ph in phrases if ph not in joined}
    texts = list(skels.values())
    rows = [(p, sum(p in t for t in texts), "corpus") for p in sorted(phrases)]
    if file is not None and Path(file).is_file():
        rows += [(p, sum(p in t for t in texts), "file") for p in read_phrases(file)]
    out = pd.DataFrame(rows, columns=["phrase", "n_docs", "source"]).drop_duplicates("phrase")
    out = out.assign(length=out.phrase.str.len())
    return out.sort_values(["length", "phrase"], ascending=[False, True], ignore_index=True).drop(
        columns="length"
    )


def _covered(text: str, phrases: Sequence[str]) -> np.ndarray:
    """Characters of ``text`` inside an occurrence of one of ``phrases``."""
    mask = np.zeros(len(text), dtype=bool)
    for p in phrases:
        start = text.find(p)
        while start != -1:
            mask[start : start + len(p)] = True
            start = text.find(p, start + 1)
    return mask


_WORKER_TEXTS: dict[str, str] = {}


def _init_worker(texts: dict[str, str]) -> None:
    """Give an alignment process the skeleton texts once (jobs then carry only seed arrays)."""
    global _WORKER_TEXTS
    _WORKER_TEXTS = texts


def _align_chunk(job: tuple) -> list[tuple]:
    pairs, texts, k, max_gap, min_chars, min_similarity = job
    if texts is None:
        texts = _WORKER_TEXTS
    out = []
    for (a, b), seeds in pairs.items():
        sa_text, sb_text = texts[a], texts[b]
        # a lone k-shingle shared by chance is not a passage: a chain needs two seeds
        # (k + 1 shared characters); the ends are then extended through short edits
        pending = [c for c in _chain(seeds, k, max_gap) if len(c) >= 2 or k >= min_chars]
        cache: dict = {}
        while pending:
            chain = pending.pop()
            span = _score_chain(chain, sa_text, sb_text, k, max_gap, min_chars, min_similarity, cache)
            if span is None:
                # below the similarity threshold: passages close together were chained across
                # what separates them. Split at the largest gap and score each part again.
                if len(chain) >= 2:
                    pending.extend(_split_at_largest_gap(chain))
                continue
            out.append((a, b, *span))
    return out


def align_pairs(
    pair_seeds: CandidatePairs | Mapping[tuple[str, str], Sequence[tuple[int, int]]],
    texts: dict[str, str],
    *,
    k: int = 8,
    max_gap: int = 12,
    min_chars: int = 20,
    min_similarity: float = 0.8,
    n_jobs: int | None = None,
    executor=None,
) -> list[tuple]:
    """Step 3: passages from the seeds of each pair: chain, extend, score, split failing chains.

    Returns ``(doc_a, doc_b, a0, a1, b0, b1, similarity)`` in skeleton offsets, in pair
    order. Pairs are aligned in ``n_jobs`` processes (default: all cores from 2,000 pairs
    on); the result is the same. ``executor``: a process pool started with
    ``initializer=_init_worker, initargs=(texts,)`` (the texts sent once), used instead of
    a new pool.
    """
    if not isinstance(pair_seeds, CandidatePairs):
        pair_seeds = _as_candidates(pair_seeds)
    if executor is not None:
        n_jobs = getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    elif n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if len(pair_seeds) >= 2000 else 1
    if n_jobs <= 1 or len(pair_seeds) < 2:
        return _align_chunk((pair_seeds, texts, k, max_gap, min_chars, min_similarity))
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, len(pair_seeds) // (4 * n_jobs))
    jobs = []
    for i in range(0, len(pair_seeds), size):
        part = pair_seeds.part(i, min(i + size, len(pair_seeds)))
        if executor is not None:
            jobs.append((part, None, k, max_gap, min_chars, min_similarity))
            continue
        need = {part.docs[j] for j in np.unique(np.r_[part.doc_a, part.doc_b]).tolist()}
        jobs.append((part, {d: texts[d] for d in need}, k, max_gap, min_chars, min_similarity))
    if executor is not None:
        return [r for chunk in executor.map(_align_chunk, jobs) for r in chunk]
    with ProcessPoolExecutor(n_jobs) as ex:
        return [r for chunk in ex.map(_align_chunk, jobs) for r in chunk]


def _cut_map(ops, x: int, forward: bool) -> int:
    """Position on the other side of an alignment matching a cut before character ``x`` of one side."""
    for op in ops:
        lo, hi = (op.src_start, op.src_end) if forward else (op.dest_start, op.dest_end)
        olo = op.dest_start if forward else op.src_start
        if lo <= x < hi or (lo == hi == x):
            return olo + (x - lo if op.tag == "equal" else 0)
    last = ops[-1]
    return last.dest_end if forward else last.src_end


def split_at_breaks(
    spans: Sequence[tuple],
    skeletons: dict[str, Skeleton],
    texts: dict[str, str],
    *,
    min_chars: int = 20,
    min_similarity: float = 0.8,
) -> list[tuple]:
    """Step 3b: cut aligned passages where text left out of the comparison lies inside a span.

    The skeleton of a plan with excluded blocks (say the review of last year) runs the
    text before and after the block together, so an alignment could bridge it. Each
    passage ``(doc_a, doc_b, a0, a1, b0, b1, similarity)`` (skeleton offsets) is cut at the
    :attr:`Skeleton.breaks` of either side, the cut carried to the other side through the
    alignment; each part is trimmed to its aligned characters and kept when both sides
    have at least ``min_chars`` characters and ``min_similarity``.

    Examples
    --------
    >>> a = Skeleton.of("甲乙丙丁戊己庚辛。总结。子丑寅卯辰巳午未", spans=[(0, 9), (12, 20)])
    >>> b = Skeleton.of("甲乙丙丁戊己庚辛子丑寅卯辰巳午未")
    >>> split_at_breaks([("a", "b", 0, 16, 0, 16, 1.0)], {"a": a, "b": b},
    ...                 {"a": a.text, "b": b.text}, min_chars=4)
    [('a', 'b', 0, 8, 0, 8, 1.0), ('a', 'b', 8, 16, 8, 16, 1.0)]
    """
    out = []
    for span in spans:
        a, b, a0, a1, b0, b1, sim = span
        ba, bb = skeletons[a].breaks, skeletons[b].breaks
        cuts_a = ba[(ba > a0) & (ba < a1)] - a0
        cuts_b = bb[(bb > b0) & (bb < b1)] - b0
        if len(cuts_a) == 0 and len(cuts_b) == 0:
            out.append(span)
            continue
        sa, sb = texts[a][a0:a1], texts[b][b0:b1]
        ops = Indel.opcodes(sa, sb)
        cuts = [(int(x), _cut_map(ops, int(x), True)) for x in cuts_a]
        cuts += [(_cut_map(ops, int(y), False), int(y)) for y in cuts_b]
        cuts = sorted(set(cuts)) + [(len(sa), len(sb))]
        pa = pb = 0
        for ca, cb in cuts:
            ca, cb = max(ca, pa), max(cb, pb)
            part_a, part_b = sa[pa:ca], sb[pb:cb]
            ta, tb, ua, ub = _trim(part_a, part_b)
            if min(tb - ta, ub - ua) >= min_chars:
                s = Indel.normalized_similarity(part_a[ta:tb], part_b[ua:ub])
                if s >= min_similarity:
                    out.append((a, b, a0 + pa + ta, a0 + pa + tb, b0 + pb + ua, b0 + pb + ub, s))
            pa, pb = ca, cb
    return out


def merge_overlapping(spans: Sequence[tuple], texts: dict[str, str]) -> list[tuple]:
    """Step 3c: merge passages of one pair whose spans overlap on both sides.

    Two alignments of the same pair that overlap in ``doc_a`` and in ``doc_b`` describe one
    passage: they become one span on each side (their union), scored again. Nested passages
    are left to :func:`resolve_nesting`; passages that overlap on one side only (a passage
    of one plan copied twice into the other) stay apart.

    Examples
    --------
    >>> t = {"a": "甲乙丙丁戊己庚辛壬癸", "b": "甲乙丙丁戊己庚辛壬癸"}
    >>> merge_overlapping([("a", "b", 0, 6, 0, 6, 1.0), ("a", "b", 4, 10, 4, 10, 1.0)], t)
    [('a', 'b', 0, 10, 0, 10, 1.0)]
    """
    if len(spans) < 2:
        return list(spans)
    ordered = sorted(spans, key=lambda x: (x[0], x[1], x[2], x[4]))
    out: list[tuple] = []
    for span in ordered:
        if out:
            a, b, a0, a1, b0, b1, _ = out[-1]
            if (span[0], span[1]) == (a, b) and span[2] < a1 and span[4] < b1 and span[5] > b0:
                na0, na1 = a0, max(a1, span[3])
                nb0, nb1 = min(b0, span[4]), max(b1, span[5])
                if (na1, nb0, nb1) == (a1, b0, b1):  # nested on both sides: the outer one stays
                    continue
                sim = Indel.normalized_similarity(texts[a][na0:na1], texts[b][nb0:nb1])
                out[-1] = (a, b, na0, na1, nb0, nb1, sim)
                continue
        out.append(span)
    return out


COMMON_COLUMNS = ["passage", "doc_id", "start", "end", "n_chars", "n_docs", "text", "boilerplate_share",
                  "boilerplate"]  # fmt: skip


def _empty_common() -> pd.DataFrame:
    return pd.DataFrame(columns=COMMON_COLUMNS).astype(
        {
            "passage": "int64",
            "start": "int64",
            "end": "int64",
            "n_chars": "int64",
            "n_docs": "int64",
            "boilerplate_share": float,
            "boilerplate": bool,
        }  # fmt: skip
    )


def _row_doc_freq(index: ShingleIndex) -> np.ndarray:
    """For every row of the index, the number of plans its shingle occurs in."""
    h, d = index.hash, index.doc
    if len(h) == 0:
        return np.zeros(0, dtype=np.int32)
    first = np.r_[True, h[1:] != h[:-1]]
    group = np.cumsum(first) - 1
    n = np.bincount(group, weights=first | np.r_[True, d[1:] != d[:-1]]).astype(np.int32)
    return n[group]


@dataclass
class _CommonRuns:
    """Runs of widely shared shingles in each plan, grouped across plans (see :func:`_common_groups`).

    ``doc`` (index into the shingle index's ``docs``), ``lo``/``hi`` (skeleton offsets) and
    ``passage`` (1, 2 … the most widely shared first) of every run kept in a common passage.
    """

    doc: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    passage: np.ndarray

    def passage_at(self, index: ShingleIndex) -> np.ndarray:
        """Passage of every shingle position of the index (``base[doc] + pos``; -1: none)."""
        counts = np.bincount(index.doc, minlength=len(index.docs)).astype(np.int64)
        base = np.r_[0, np.cumsum(counts)[:-1]]
        out = np.full(int(counts.sum()), -1, dtype=np.int32)
        n = np.maximum(self.hi - index.k - self.lo + 1, 0)  # shingles starting inside the run
        at = np.repeat(base[self.doc] + self.lo - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
        out[at] = np.repeat(self.passage, n)
        return out


def _common_groups(
    index: ShingleIndex,
    limit: float,
    *,
    min_chars: int = 20,
    max_gap: int = 12,
    min_overlap: float = 0.5,
    sketch: int = 4,
    doc_freq: np.ndarray | None = None,
) -> _CommonRuns:
    """Runs of shingles found in more than ``limit`` plans, grouped across plans.

    In each plan, shingles in more than ``limit`` plans (set aside from the pairing join)
    form runs (gaps up to ``k + max_gap`` bridged, so a copy's own edits do not break it);
    runs of at least ``min_chars`` characters are grouped across plans by a bottom-``sketch``
    MinHash of their shingle sets: a run joins a group's first run when their shingle sets
    overlap by at least ``min_overlap`` (Jaccard). Groups held by one plan only are dropped.
    Linear in the number of such shingles (sorted arrays; one exact Jaccard per candidate).
    """
    k = index.k
    none = _CommonRuns(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    df = _row_doc_freq(index) if doc_freq is None else doc_freq
    rows = np.flatnonzero(df > limit)
    if len(rows) == 0:
        return none
    d, pos, h = index.doc[rows].astype(np.int64), index.pos[rows].astype(np.int64), index.hash[rows]
    order = np.lexsort((pos, d))
    d, pos, h = d[order], pos[order], h[order]
    new = np.r_[True, (d[1:] != d[:-1]) | (np.diff(pos) > k + max_gap)]
    run = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(pos)] - 1
    length = pos[ends] + k - pos[starts]
    long_ = length >= min_chars
    if not long_.any():
        return none
    keep_rows = long_[run]
    d, pos, h, run = d[keep_rows], pos[keep_rows], h[keep_rows], run[keep_rows]
    run_ids, run = np.unique(run, return_inverse=True)
    n_runs = len(run_ids)
    r_doc = np.zeros(n_runs, dtype=np.int64)
    r_doc[run] = d
    r_lo = np.full(n_runs, np.iinfo(np.int64).max)
    np.minimum.at(r_lo, run, pos)
    r_hi = np.zeros(n_runs, dtype=np.int64)
    np.maximum.at(r_hi, run, pos + k)
    # shingle set of each run (sorted unique hashes) and its bottom-``sketch`` hashes
    o = np.lexsort((h, run))
    rs, hs = run[o], h[o]
    first = np.r_[True, (rs[1:] != rs[:-1]) | (hs[1:] != hs[:-1])]
    rs, hs = rs[first], hs[first]
    bounds = np.r_[0, np.cumsum(np.bincount(rs, minlength=n_runs))]
    rank = np.arange(len(rs)) - bounds[rs]
    sk = rank < sketch
    sk_run, sk_hash = rs[sk], hs[sk]
    uf = np.arange(n_runs)

    def find(x: int) -> int:
        while uf[x] != x:
            uf[x] = uf[uf[x]]
            x = uf[x]
        return int(x)

    o = np.lexsort((sk_run, sk_hash))
    sk_run, sk_hash = sk_run[o], sk_hash[o]
    grp = np.flatnonzero(np.r_[True, sk_hash[1:] != sk_hash[:-1], True])
    multi = np.flatnonzero(np.diff(grp) >= 2)
    for g0, g1 in zip(grp[multi].tolist(), grp[multi + 1].tolist()):
        rep = int(sk_run[g0])
        rep_set = hs[bounds[rep] : bounds[rep + 1]]
        for other in sk_run[g0 + 1 : g1].tolist():
            if find(other) == find(rep):
                continue
            other_set = hs[bounds[other] : bounds[other + 1]]
            inter = len(np.intersect1d(rep_set, other_set, assume_unique=True))
            if inter >= min_overlap * (len(rep_set) + len(other_set) - inter):
                ra, rb = find(rep), find(other)
                uf[max(ra, rb)] = min(ra, rb)
    comp = uf.copy()
    while True:  # every run to its root
        nxt = comp[comp]
        if (nxt == comp).all():
            break
        comp = nxt
    # groups of two plans or more; numbered by plans (most first), then first plan and start
    o = np.lexsort((r_doc, comp))
    c_sorted, d_sorted = comp[o], r_doc[o]
    new_doc = np.r_[True, (c_sorted[1:] != c_sorted[:-1]) | (d_sorted[1:] != d_sorted[:-1])]
    n_docs = np.zeros(n_runs, dtype=np.int64)
    np.add.at(n_docs, c_sorted, new_doc)
    keep = n_docs[comp] >= 2
    if not keep.any():
        return none
    cs = np.unique(comp[keep])
    first_doc = np.full(n_runs, np.iinfo(np.int64).max)
    np.minimum.at(first_doc, comp, r_doc)
    first_lo = np.full(n_runs, np.iinfo(np.int64).max)
    at_first = r_doc == first_doc[comp]
    np.minimum.at(first_lo, comp[at_first], r_lo[at_first])
    rank = np.lexsort((first_lo[cs], first_doc[cs], -n_docs[cs]))
    number = np.zeros(n_runs, dtype=np.int64)
    number[cs[rank]] = np.arange(1, len(cs) + 1)
    m = np.flatnonzero(keep)
    m = m[np.lexsort((r_lo[m], r_doc[m], number[comp[m]]))]
    return _CommonRuns(r_doc[m], r_lo[m], r_hi[m], number[comp[m]])


def _common_table(
    runs: _CommonRuns,
    docs: list[str],
    skeletons: dict[str, Skeleton],
    bodies: dict[str, str],
    phrases: Sequence[str],
    *,
    boilerplate_share: float = 0.8,
) -> pd.DataFrame:
    """The common passages as a table, one row per (passage, plan, run): see :func:`common_passages`."""
    if len(runs.doc) == 0:
        return _empty_common()
    names = [docs[i] for i in runs.doc.tolist()]
    starts, ends, texts, shares = [], [], [], []
    masks: dict[str, np.ndarray] = {}
    for name, lo, hi in zip(names, runs.lo.tolist(), runs.hi.tolist()):
        sk_ = skeletons[name]
        s, e = sk_.body_span(lo, hi)
        starts.append(s)
        ends.append(e)
        texts.append(bodies[name][s:e])
        if name not in masks:  # characters inside formulae, counted once per plan
            masks[name] = np.r_[0, np.cumsum(_covered(sk_.text, phrases))]
        c = masks[name]
        shares.append(float(c[hi] - c[lo]) / (hi - lo) if hi > lo else 0.0)
    out = pd.DataFrame({"passage": runs.passage.astype(np.int64), "doc_id": names,
                        "start": np.asarray(starts, dtype=np.int64), "end": np.asarray(ends, dtype=np.int64),
                        "n_chars": (runs.hi - runs.lo).astype(np.int64), "text": texts,
                        "boilerplate_share": np.asarray(shares, dtype=float)})  # fmt: skip
    out["n_docs"] = out.groupby("passage").doc_id.transform("nunique").astype(np.int64)
    out["boilerplate"] = out.groupby("passage").boilerplate_share.transform("median") >= boilerplate_share
    # numbered by plans holding it (most first), then first plan and first start
    firsts = out.groupby("passage").agg(n=("n_docs", "first"), d=("doc_id", "min"), s=("start", "min"))
    firsts = firsts.sort_values(["n", "d", "s"], ascending=[False, True, True])
    out["passage"] = out.passage.map({c: i + 1 for i, c in enumerate(firsts.index)}).astype(np.int64)
    out = out.sort_values(["passage", "doc_id", "start"], ignore_index=True)
    return out[COMMON_COLUMNS]


def _common_runs(
    index: ShingleIndex,
    limit: float,
    skeletons: dict[str, Skeleton],
    bodies: dict[str, str],
    phrases: Sequence[str],
    *,
    min_chars: int = 20,
    max_gap: int = 12,
    boilerplate_share: float = 0.8,
    min_overlap: float = 0.5,
    sketch: int = 4,
) -> pd.DataFrame:
    """Passages made of shingles found in more than ``limit`` plans, grouped across plans (a table)."""
    runs = _common_groups(index, limit, min_chars=min_chars, max_gap=max_gap, min_overlap=min_overlap,
                          sketch=sketch)  # fmt: skip
    return _common_table(runs, index.docs, skeletons, bodies, phrases, boilerplate_share=boilerplate_share)


def _as_candidates(pair_seeds: Mapping[tuple[str, str], Sequence[tuple[int, int]]]) -> CandidatePairs:
    """A mapping of seeds per pair as :class:`CandidatePairs` (pairs in sorted order)."""
    docs = sorted({d for pair in pair_seeds for d in pair})
    code = {d: i for i, d in enumerate(docs)}
    items = sorted(pair_seeds.items())
    pa = [a for _, seeds in items for a, _ in seeds]
    pb = [b for _, seeds in items for _, b in seeds]
    bounds = np.r_[0, np.cumsum([len(seeds) for _, seeds in items])].astype(np.int64)
    return CandidatePairs(
        docs,
        np.array([code[a] for (a, _), _ in items], dtype=np.int64),
        np.array([code[b] for (_, b), _ in items], dtype=np.int64),
        np.array(pa, dtype=np.int64),
        np.array(pb, dtype=np.int64),
        bounds,
    )


#: Block kinds left out of reuse by default: the cover notice and the trailer (administrative templates).
DEFAULT_EXCLUDE = ("cover", "trailer")


class ReuseNotice(UserWarning):
    """Something about a reuse run the reader should know (seeds set aside, and why)."""


def find_reuse(
    corpus,
    *,
    doc_ids: Sequence[str] | None = None,
    k: int = 8,
    max_gap: int = 12,
    min_chars: int = 20,
    min_similarity: float = 0.8,
    max_df: float | int | str | None = "auto",
    boilerplate: str = "exclude",
    boilerplate_share: float = 0.8,
    phrases: pd.DataFrame | None = None,
    exclude_blocks: Sequence[str] = DEFAULT_EXCLUDE,
    engine: str = "local",
    scheduler: object = None,
    n_jobs: int | None = None,
    memory_limit: int | str | None = DEFAULT_MEMORY_LIMIT,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Passages reused between pairs of plans, exact and near-verbatim.

    Parameters
    ----------
    corpus : Corpus
    doc_ids : sequence of str, optional
        Restrict to some plans.
    k : int, default 8
        Shingle length (characters of the skeleton) for candidate seeds.
    max_gap : int, default 12
        Longest insertion, deletion or substitution (characters) bridged inside a passage.
    min_chars : int, default 20
        Minimum length of both spans (skeleton characters: punctuation and whitespace
        ignored).
    min_similarity : float, default 0.8
        Minimum Indel similarity (rapidfuzz, 0–1) of the two spans' skeletons.
    max_df : float, int, "auto" or None, default "auto"
        Shingles in more than this share of plans (an int: this number of plans, as in
        scikit-learn) are set aside from the pairing join: pairing every plan that has them
        makes the work grow with the square of the corpus, and a passage held by many plans
        read pair by pair is thousands of rows nobody can read. They are **not lost**: runs
        of them of at least ``min_chars`` characters are grouped across plans into
        :func:`common_passages` (one row per plan, each passage reported once), which
        :func:`analysis.diffusion.passage_families` reads as one family; seeds whose two
        copies lie in one common passage are not paired either (the pair is in that
        passage's member list), while what two of its holders share elsewhere is paired as
        usual. A :class:`ReuseNotice` warning says how many shingles, passages and seed
        pairs were grouped. ``"auto"``: 20 plans (:data:`AUTO_MAX_DF`) from 50 plans on,
        every shingle below 50 plans; None uses every shingle. On 886 city government work
        reports half the plans gave 1.5 M pair rows; 20 plans give 115,619 pair rows and
        1,274 common passages (``benchmarks/reuse_gov.md``), and on 1,000 generated plans the
        same recall of passages planted in 2–6 plans (``benchmarks/reuse_scale.md``).
    boilerplate : {"exclude", "include", "only"}
        Whether passages that are mostly boilerplate (see :func:`boilerplate_phrases`) are
        dropped, kept (flagged in column ``boilerplate``) or the only ones returned.
    boilerplate_share : float, default 0.8
        A passage is boilerplate when at least this share of its characters (on both
        sides) lies in boilerplate phrases.
    phrases : DataFrame, optional
        Boilerplate phrases; default :func:`boilerplate_phrases` of this corpus.
    exclude_blocks : sequence of str, default ("cover", "trailer")
        Block kinds left out of the comparison: by default the cover notice and the
        trailer (administrative templates); add ``"summary"`` to leave out a review of past
        work. No passage spans an excluded block: an alignment across one is cut there
        (:func:`split_at_breaks`). Pass ``()`` to compare everything.
    engine : {"local", "dask"}, default "local"
        Where the shingles are hashed (``scheduler``: a Dask address or client); the
        passages are the same.
    n_jobs : int, optional
        Processes that align candidate pairs (:func:`align_pairs`; default all cores from
        2,000 candidate pairs on).
    memory_limit : int, str or None, default "4GB"
        Memory the process may use (bytes, or ``"4GB"``, ``"512MB"``): the pairing join is
        built in chunks of plans whose seed rows fit in what the limit leaves beyond the
        memory in use (about :data:`BYTES_PER_SEED` bytes per seed row), so the candidate
        pairs are streamed through the alignment, never all held at once. The passages
        are the same for any limit; None builds the join in one piece. The index, the
        texts and the result itself are not bounded by it.
    progress : bool, optional
        Show a progress bar (tqdm) of the seed rows paired, with the pairs and passages so
        far; default only on a terminal; False never.

    The work is done in named steps, each usable on its own: :func:`shingle_index`,
    :func:`candidate_pairs`, :func:`align_pairs`, :func:`split_at_breaks`,
    :func:`passage_table`, :func:`resolve_nesting` and :func:`flag_boilerplate`.

    Recall: a passage is found when the two copies share runs of at least ``k + 1``
    characters (two chained seeds) and the whole reaches ``min_chars`` and
    ``min_similarity``; copies that share no run of 9 characters (rewritten clause by
    clause) are not found.

    Returns
    -------
    DataFrame
        One row per passage: ``doc_a, doc_b, start_a, end_a, start_b, end_b, text_a,
        text_b, similarity, n_chars`` (offsets into ``documents.body``; ``doc_a < doc_b``),
        ``block_a``/``block_b`` (cover, preamble, item … where each span starts),
        ``boilerplate_share``, ``boilerplate`` and ``earlier`` (the plan issued first, when
        the dates say so: :func:`analysis.ordering.compare_dates`). ``attrs["set_aside"]``
        holds the number of shingles and seed rows set aside by ``max_df``, the common
        passages they form and their plan spans, the seed pairs not paired because both
        copies lie in one common passage (``grouped_seeds``), the seed rows joined and the
        number of chunks.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> r = find_reuse(load_corpus(), exclude_blocks=("cover", "trailer", "summary"))
    >>> r[["doc_a", "doc_b", "n_chars"]].head(2).values.tolist()
    [['beijing_2023', 'chongqing_2023', 41], ['beijing_2023', 'chongqing_2023', 20]]
    """
    return _find_reuse(
        corpus, doc_ids=doc_ids, k=k, max_gap=max_gap, min_chars=min_chars, min_similarity=min_similarity,
        max_df=max_df, boilerplate=boilerplate, boilerplate_share=boilerplate_share, phrases=phrases,
        exclude_blocks=exclude_blocks, engine=engine, scheduler=scheduler, n_jobs=n_jobs,
        memory_limit=memory_limit, progress=progress,
    )[0]  # fmt: skip


def common_passages(
    corpus,
    *,
    doc_ids: Sequence[str] | None = None,
    k: int = 8,
    max_gap: int = 12,
    min_chars: int = 20,
    max_df: float | int | str | None = "auto",
    boilerplate_share: float = 0.8,
    exclude_blocks: Sequence[str] = DEFAULT_EXCLUDE,
    phrases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Widely copied passages: text found in more than ``max_df`` of the plans, reported once each.

    The shingles :func:`find_reuse` sets aside from pairing (see ``max_df``) are grouped
    here: in each plan, runs of such shingles of at least ``min_chars`` characters; across
    plans, runs whose shingle sets overlap by half or more (MinHash candidates, then the exact
    Jaccard). A passage copied top-down into most plans (a central template) is one row per
    plan here, not thousands of pairs. Passages that are mostly boilerplate phrases (short
    political formulae) are flagged ``boilerplate``: only those are formulae; a long passage
    in many plans is not. The formulae are ``phrases`` (:func:`boilerplate_phrases`, e.g.
    with another genre's ``file``), by default :func:`boilerplate_phrases` of the corpus.

    Returns
    -------
    DataFrame
        ``passage`` (id; the most widely shared first), ``doc_id, start, end`` (body
        offsets), ``n_chars`` (skeleton characters), ``n_docs`` (plans with the passage),
        ``text``, ``boilerplate_share`` and ``boilerplate``. Empty when no shingle was set
        aside (by default, below 50 plans; from 50 on, text in more than 20 plans).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> common_passages(load_corpus()).empty  # five plans: nothing is set aside
    True
    >>> len(common_passages(load_corpus(), max_df=2).passage.unique()) > 0
    True
    """
    return _find_reuse(
        corpus, doc_ids=doc_ids, k=k, max_gap=max_gap, min_chars=min_chars, max_df=max_df,
        boilerplate_share=boilerplate_share, exclude_blocks=exclude_blocks, pairs=False, phrases=phrases,
    )[1]  # fmt: skip


def _skeletons(corpus, docs: pd.DataFrame, exclude_blocks: Sequence[str]) -> dict[str, Skeleton]:
    if exclude_blocks:
        keep = corpus.blocks[~corpus.blocks.kind.isin(exclude_blocks)]
        spans = {d: list(zip(g.start, g.end)) for d, g in keep.groupby("doc_id")}
        return {d: Skeleton.of(b, spans.get(d, [])) for d, b in zip(docs.doc_id, docs.body)}
    return {d: Skeleton.of(b) for d, b in zip(docs.doc_id, docs.body)}


def _max_df_limit(max_df: float | int | str | None, n: int) -> float:
    """Plans a shingle may occur in and still seed pairs (``max_df`` of :func:`find_reuse`)."""
    if max_df == "auto":
        max_df = AUTO_MAX_DF if n >= AUTO_MAX_DF_PLANS else None
    if max_df is None:
        return math.inf
    if isinstance(max_df, (int, np.integer)) and not isinstance(max_df, bool):
        return int(max_df)  # a number of plans, as in scikit-learn
    if isinstance(max_df, str):
        raise ValueError(f"max_df must be 'auto', None, a share or a number of plans, got {max_df!r}")
    return n * float(max_df)


def _find_reuse(
    corpus,
    *,
    doc_ids: Sequence[str] | None = None,
    k: int = 8,
    max_gap: int = 12,
    min_chars: int = 20,
    min_similarity: float = 0.8,
    max_df: float | int | str | None = "auto",
    boilerplate: str = "exclude",
    boilerplate_share: float = 0.8,
    phrases: pd.DataFrame | None = None,
    exclude_blocks: Sequence[str] = DEFAULT_EXCLUDE,
    engine: str = "local",
    scheduler: object = None,
    n_jobs: int | None = None,
    memory_limit: int | str | None = DEFAULT_MEMORY_LIMIT,
    progress: bool | None = None,
    pairs: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`find_reuse` and :func:`common_passages` from one shingle index."""
    import warnings

    from tqdm.auto import tqdm

    if boilerplate not in ("exclude", "include", "only"):
        raise ValueError("boilerplate must be 'exclude', 'include' or 'only'")
    budget_bytes = parse_memory(memory_limit)
    docs = corpus.documents if doc_ids is None else corpus.documents[corpus.documents.doc_id.isin(doc_ids)]
    docs = docs.sort_values("doc_id")
    skels = _skeletons(corpus, docs, exclude_blocks)
    bodies = dict(zip(docs.doc_id, docs.body))
    texts = {d: s.text for d, s in skels.items()}
    limit = _max_df_limit(max_df, len(skels))
    same_skeletons = doc_ids is None and not exclude_blocks and k == 8
    if phrases is None and not same_skeletons:  # its own index, freed before this one is built
        phrases = boilerplate_phrases(corpus)
    index = shingle_index(texts, k, engine=engine, scheduler=scheduler)
    if phrases is None:  # the same skeletons: reuse the index
        phrases = _phrases_of(texts, index, file=_formulae_of(corpus))
    phrase_list = list(phrases.phrase)
    set_aside = {"shingles": 0, "seed_rows": 0, "limit": limit, "common_passages": 0, "common_rows": 0,
                 "grouped_seeds": 0, "joined_seeds": 0, "chunks": 0}  # fmt: skip
    common = _empty_common()
    runs = None
    if limit < math.inf:
        df = _row_doc_freq(index)
        hot = df > limit
        set_aside["seed_rows"] = int(hot.sum())
        first = np.r_[True, index.hash[1:] != index.hash[:-1]] if len(index.hash) else np.zeros(0, bool)
        set_aside["shingles"] = int((hot & first).sum())
        del hot, first
        runs = _common_groups(index, limit, min_chars=min_chars, max_gap=max_gap, doc_freq=df)
        del df
        common = _common_table(
            runs, index.docs, skels, bodies, phrase_list, boilerplate_share=boilerplate_share
        )
        set_aside["common_passages"] = int(common.passage.nunique())
        set_aside["common_rows"] = len(common)
    if not pairs:
        return pd.DataFrame(columns=_COLUMNS), common
    # a lone k-shingle shared by chance is not a passage when k < min_chars: a chain needs
    # two seeds, so seeds that cannot be chained are dropped before alignment
    chained = k < min_chars
    plan = _SeedPlan(index, limit, runs.passage_at(index) if runs is not None and len(runs.doc) else None)
    if chained:
        plan.prepare()
    plan.index = index = None  # the plan holds what pairing needs: the index arrays can go
    # chunks of plans (as doc_a) whose seed rows fit in what the memory limit leaves
    free = None if budget_bytes is None else budget_bytes - _rss_bytes()
    if free is not None and free < MIN_FREE_BYTES:
        warnings.warn(
            f"memory_limit {memory_limit!r} leaves {max(free, 0) / 1e6:,.0f} MB beyond what is in use "
            f"({_rss_bytes() / 1e6:,.0f} MB): pairing one plan at a time.",
            ReuseNotice,
            stacklevel=3,
        )
    budget_rows = plan.n_seeds if free is None else max(MIN_CHUNK_SEEDS, int(free // BYTES_PER_SEED))
    # and at most a twentieth of the work per chunk from 1 M seed rows on: the progress bar moves
    budget_rows = min(budget_rows, max(PROGRESS_CHUNK_SEEDS, plan.n_seeds // 20))
    chunks = plan.chunks(budget_rows)
    set_aside["chunks"] = len(chunks)
    workers = n_jobs if n_jobs is not None else (os.cpu_count() or 1)
    executor = None
    spans: list[tuple] = []
    n_pairs = 0
    try:
        with tqdm(total=plan.n_seeds, unit="seed", unit_scale=True, desc="find_reuse: seeds paired",
                  disable=False if progress else (None if progress is None else True),
                  leave=False, mininterval=1.0) as bar:  # fmt: skip
            for lo, hi in chunks:
                cand, joined, grouped = plan.candidates(
                    lo, hi, min_seeds=2 if chained else 1, k=k, max_gap=max_gap if chained else None
                )
                set_aside["joined_seeds"] += joined
                set_aside["grouped_seeds"] += grouped
                n_pairs += len(cand)
                use_pool = workers > 1 and len(cand) >= 2 and (n_jobs is not None or len(cand) >= 2000)
                if use_pool and executor is None:
                    from concurrent.futures import ProcessPoolExecutor

                    executor = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(texts,))
                part = align_pairs(cand, texts, k=k, max_gap=max_gap, min_chars=min_chars,
                                   min_similarity=min_similarity, n_jobs=1,
                                   executor=executor if use_pool else None)  # fmt: skip
                del cand
                if exclude_blocks:
                    part = split_at_breaks(
                        part, skels, texts, min_chars=min_chars, min_similarity=min_similarity
                    )
                spans.extend(merge_overlapping(part, texts))
                bar.update(joined)
                bar.set_postfix(pairs=n_pairs, passages=len(spans), refresh=False)
    finally:
        if executor is not None:
            executor.shutdown()
    del plan
    if set_aside["shingles"]:
        warnings.warn(
            f"{set_aside['shingles']:,} shingles found in more than {limit:g} plans (max_df) were set aside "
            f"from pairing; they form {set_aside['common_passages']:,} common passage(s) of {min_chars}+ "
            f"characters held by {set_aside['common_rows']:,} plan spans (see reuse.common_passages), "
            f"reported once each instead of pair by pair; {set_aside['grouped_seeds']:,} seed pairs whose "
            "two copies lie in one common passage were not paired. Shorter runs are shared formulae.",
            ReuseNotice,
            stacklevel=3,
        )
    out = resolve_nesting(passage_table(spans, skels, bodies))
    del spans
    out = flag_boilerplate(out, skels, phrase_list, share=boilerplate_share)
    out["block_a"] = _block_kinds(corpus, out.doc_a, out.start_a)
    out["block_b"] = _block_kinds(corpus, out.doc_b, out.start_b)
    out["earlier"] = _earlier_plans(corpus, out.doc_a, out.doc_b)
    out = out[_COLUMNS]
    if boilerplate == "exclude":
        out = out[~out.boilerplate]
    elif boilerplate == "only":
        out = out[out.boilerplate]
    out = out.sort_values(["doc_a", "doc_b", "start_a"], ignore_index=True)
    out.attrs["set_aside"] = set_aside
    return out, common


_COLUMNS = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "text_a", "text_b", "similarity",
            "n_chars", "boilerplate_share", "block_a", "block_b", "boilerplate", "earlier"]  # fmt: skip


#: Heading enumerators at the start of a line (一、 （一） 1. （1） 第一，) and dates: not passage content.
_NOT_CONTENT = re.compile(
    r"(?m)^[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,3}[、.．]"
    r"|第[一二三四五六七八九十]{1,3}[，,、])"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?"
)


def content_counts(skeleton: Skeleton, body: str) -> np.ndarray:
    """Cumulative count of content characters along a skeleton (``counts[i]``: content before ``i``).

    Content is every skeleton character except heading enumerators (``一、`` ``（一）``
    ``1.`` at the start of a line) and dates (``2023年2月10日``, ``二〇二三年二月十日``), which
    say nothing about what was copied. :func:`find_reuse` counts ``n_chars`` with it.

    Examples
    --------
    >>> sk = Skeleton.of("1．深化改革。2023年2月10日")
    >>> int(content_counts(sk, "1．深化改革。2023年2月10日")[-1])
    4
    """
    drop = np.zeros(len(body), dtype=bool)
    for m in _NOT_CONTENT.finditer(body):
        drop[m.start() : m.end()] = True
    keep = ~drop[skeleton.offsets] if len(skeleton.offsets) else np.zeros(0, dtype=bool)
    return np.r_[0, np.cumsum(keep)].astype(np.int64)


def passage_table(
    spans: Sequence[tuple], skeletons: dict[str, Skeleton], bodies: dict[str, str]
) -> pd.DataFrame:
    """Step 4: passages in skeleton offsets (:func:`align_pairs`) as a table in body offsets.

    Returns
    -------
    DataFrame
        ``doc_a, doc_b, start_a, end_a, start_b, end_b, text_a, text_b, similarity,
        n_chars`` (``n_chars``: content characters of the shorter span, see :func:`content_counts`), one row per span,
        in the order given.

    Examples
    --------
    >>> sk = {"a": Skeleton.of("青年，志愿"), "b": Skeleton.of("青年志愿")}
    >>> t = passage_table([("a", "b", 0, 4, 0, 4, 1.0)], sk, {"a": "青年，志愿", "b": "青年志愿"})
    >>> t[["start_a", "end_a", "text_a", "text_b", "n_chars"]].values.tolist()
    [[0, 5, '青年，志愿', '青年志愿', 4]]
    """
    cols = [
        "doc_a",
        "doc_b",
        "start_a",
        "end_a",
        "start_b",
        "end_b",
        "text_a",
        "text_b",
        "similarity",
        "n_chars",
    ]
    if not spans:
        return pd.DataFrame(columns=cols).astype(
            {c: "int64" for c in cols[2:6] + ["n_chars"]} | {"similarity": float}
        )
    doc_a, doc_b, a0, a1, b0, b1, sim = (list(c) for c in zip(*spans))
    names = sorted(skeletons)
    code = {d: i for i, d in enumerate(names)}
    lengths = np.array([len(skeletons[d].offsets) for d in names], dtype=np.int64)
    base = np.r_[0, np.cumsum(lengths)[:-1]]
    offsets = np.concatenate([skeletons[d].offsets for d in names] + [np.zeros(0, dtype=np.int64)])
    out = {"doc_a": doc_a, "doc_b": doc_b}
    for side, docs_, lo, hi in (("a", doc_a, a0, a1), ("b", doc_b, b0, b1)):
        at = base[np.array([code[d] for d in docs_], dtype=np.int64)]
        start = offsets[at + np.asarray(lo, dtype=np.int64)]
        end = offsets[at + np.asarray(hi, dtype=np.int64) - 1] + 1
        out[f"start_{side}"], out[f"end_{side}"] = start.astype(np.int64), end.astype(np.int64)
    for side, docs_ in (("a", doc_a), ("b", doc_b)):
        s, e = out[f"start_{side}"].tolist(), out[f"end_{side}"].tolist()
        out[f"text_{side}"] = [bodies[d][i:j] for d, i, j in zip(docs_, s, e)]
    out["similarity"] = np.asarray(sim, dtype=float)
    counts = {d: content_counts(skeletons[d], bodies[d]) for d in set(doc_a) | set(doc_b)}
    content_a = [counts[d][j] - counts[d][i] for d, i, j in zip(doc_a, a0, a1)]
    content_b = [counts[d][j] - counts[d][i] for d, i, j in zip(doc_b, b0, b1)]
    out["n_chars"] = np.minimum(content_a, content_b).astype(np.int64)
    return pd.DataFrame(out, columns=cols)


def resolve_nesting(passages: pd.DataFrame) -> pd.DataFrame:
    """Step 5: drop a passage whose two spans both lie inside another passage of the same pair.

    The container must be longer in ``doc_a`` (of two equally long, the later row wins), so
    of nested alignments only the outermost is kept. Resolved with sorted arrays: for each
    passage only the passages of its pair starting at most the pair's longest passage
    before it are compared, never every pair of passages.

    Examples
    --------
    >>> df = pd.DataFrame({"doc_a": ["a", "a", "a"], "doc_b": ["b", "b", "c"],
    ...                    "start_a": [0, 2, 2], "end_a": [30, 20, 20],
    ...                    "start_b": [5, 6, 6], "end_b": [35, 20, 20]})
    >>> resolve_nesting(df).start_a.tolist()  # row 1 lies inside row 0; row 2 is another pair
    [0, 2]
    """
    if passages.empty:
        return passages.reset_index(drop=True)
    n = len(passages)
    pair = pd.MultiIndex.from_arrays([passages.doc_a.to_numpy(), passages.doc_b.to_numpy()]).factorize()[0]
    pair = pair.astype(np.int64)
    sa, ea = passages.start_a.to_numpy(np.int64), passages.end_a.to_numpy(np.int64)
    sb, eb = passages.start_b.to_numpy(np.int64), passages.end_b.to_numpy(np.int64)
    length = ea - sa
    span = int(ea.max()) + 1
    key = pair * span + sa
    order = np.argsort(key, kind="stable")
    skey = key[order]
    longest = np.zeros(pair.max() + 1, dtype=np.int64)
    np.maximum.at(longest, pair, length)
    # a container j has sa_j <= sa_i and ea_j >= ea_i, so sa_j >= ea_i - (longest of the pair)
    lo = np.searchsorted(skey, pair * span + np.maximum(ea - longest[pair], 0), side="left")
    hi = np.searchsorted(skey, key, side="right")
    cnt = hi - lo
    i = np.repeat(np.arange(n), cnt)
    j = order[np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(cnt.sum())]
    inside = (i != j) & (sa[j] <= sa[i]) & (ea[i] <= ea[j]) & (sb[j] <= sb[i]) & (eb[i] <= eb[j])
    inside &= (length[j] > length[i]) | ((length[j] == length[i]) & (j > i))
    # containment is transitive and "longer" a strict order, so the longest container of a
    # contained passage is itself kept: a passage goes exactly when some container exists
    drop = np.zeros(n, dtype=bool)
    drop[i[inside]] = True
    return passages[~drop].reset_index(drop=True)


def flag_boilerplate(
    passages: pd.DataFrame,
    skeletons: dict[str, Skeleton],
    phrases: Sequence[str],
    *,
    share: float = 0.8,
) -> pd.DataFrame:
    """Step 6: share of each passage inside boilerplate phrases, and the flag.

    ``boilerplate_share`` is the smaller, over the two spans, of the share of skeleton
    characters lying in an occurrence of one of ``phrases`` (skeleton text, e.g.
    :func:`boilerplate_phrases`); ``boilerplate`` is ``boilerplate_share >= share``.
    Each plan is searched for the phrases once.

    Examples
    --------
    >>> sk = {"a": Skeleton.of("青年志愿服务。坚持党建带团建"), "b": Skeleton.of("坚持党建带团建")}
    >>> df = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "start_a": [7], "end_a": [14],
    ...                    "start_b": [0], "end_b": [7]})
    >>> flag_boilerplate(df, sk, ["党建带团建"])[["boilerplate_share", "boilerplate"]].values.tolist()
    [[0.7142857142857143, False]]
    """
    out = passages.copy()
    if out.empty:
        out["boilerplate_share"] = pd.Series(dtype=float)
        out["boilerplate"] = pd.Series(dtype=bool)
        return out
    names = sorted(set(out.doc_a) | set(out.doc_b))
    code = {d: i for i, d in enumerate(names)}
    masks = [_covered(skeletons[d].text, phrases) for d in names]
    base = np.r_[0, np.cumsum([len(m) + 1 for m in masks])[:-1]].astype(np.int64)
    # one cumulative count over all plans, each preceded by a zero
    covered = np.concatenate([np.r_[0, np.cumsum(m)] for m in masks])
    top = max((int(skeletons[d].offsets[-1]) for d in names if len(skeletons[d].offsets)), default=0)
    span = max(top, int(out.end_a.max()), int(out.end_b.max())) + 2
    keys = np.concatenate(
        [i * span + skeletons[d].offsets for i, d in enumerate(names)] + [np.zeros(0, np.int64)]
    )
    first = np.r_[0, np.cumsum([len(skeletons[d].offsets) for d in names])[:-1]].astype(np.int64)
    shares = []
    for side in ("a", "b"):
        c = np.array([code[d] for d in out[f"doc_{side}"]], dtype=np.int64)
        # skeleton offsets of the span: characters at body offsets start … end - 1
        lo = np.searchsorted(keys, c * span + out[f"start_{side}"].to_numpy(np.int64)) - first[c]
        hi = np.searchsorted(keys, c * span + out[f"end_{side}"].to_numpy(np.int64)) - first[c]
        with np.errstate(invalid="ignore", divide="ignore"):
            shares.append((covered[base[c] + hi] - covered[base[c] + lo]) / (hi - lo))
    out["boilerplate_share"] = np.minimum(shares[0], shares[1]).astype(float)
    out["boilerplate"] = out.boilerplate_share >= share
    return out


def _block_kinds(corpus, doc_ids: pd.Series, starts: pd.Series) -> list[str]:
    """Kind of block (cover, preamble, item …) each position falls in, from sorted arrays."""
    if len(starts) == 0:
        return []
    blocks = corpus.blocks.sort_values(["doc_id", "start"])
    names = sorted(set(blocks.doc_id))
    code = {d: i for i, d in enumerate(names)}
    bcode = blocks.doc_id.map(code).to_numpy(np.int64)
    span = int(max(blocks.start.max(), starts.max())) + 2
    bkey = bcode * span + blocks.start.to_numpy(np.int64)
    kinds = blocks.kind.to_numpy(dtype=object)
    first = np.searchsorted(bcode, np.arange(len(names)), side="left")
    last = np.searchsorted(bcode, np.arange(len(names)), side="right") - 1
    c = np.array([code.get(d, -1) for d in doc_ids], dtype=np.int64)
    if (c < 0).any():
        raise KeyError(f"plans without blocks: {sorted(set(doc_ids[c < 0]))}")
    j = np.searchsorted(bkey, c * span + starts.to_numpy(np.int64), side="right") - 1
    return kinds[np.clip(j, first[c], last[c])].tolist()


def _date_keys(corpus) -> dict[str, str | None]:
    """Issue date (or year) of every plan, looked up once (:func:`analysis.ordering.date_key`)."""
    from .ordering import date_key

    docs = corpus.documents
    dates = docs["issued_date"] if "issued_date" in docs else pd.Series([None] * len(docs), index=docs.index)
    years = docs["year"] if "year" in docs else pd.Series([None] * len(docs), index=docs.index)
    return {d: date_key(date, year) for d, date, year in zip(docs.doc_id, dates, years)}


def _earlier_plans(corpus, doc_a: pd.Series, doc_b: pd.Series) -> list[str | None]:
    """The plan issued first of each pair (None when the dates do not say): dates looked up once."""
    from .ordering import compare_dates

    keys = _date_keys(corpus)
    memo: dict[tuple[str, str], str | None] = {}
    out = []
    for a, b in zip(doc_a, doc_b):
        if (a, b) not in memo:
            c = compare_dates(keys.get(a), keys.get(b))
            memo[(a, b)] = a if c < 0 else (b if c > 0 else None)
        out.append(memo[(a, b)])
    return out


def coverage_mask(skeleton: Skeleton, spans) -> np.ndarray:
    """Which skeleton characters of a plan lie inside any of ``spans`` (body offsets ``(start, end)``).

    The one coverage rule of the package: :func:`reuse_share` and
    :func:`analysis.diffusion.flow_table` count characters with it, so their shares agree.

    Examples
    --------
    >>> coverage_mask(Skeleton.of("青年，志愿。服务"), [(0, 4), (6, 8)]).tolist()
    [True, True, True, False, True, True]
    """
    mask = np.zeros(len(skeleton.offsets), dtype=bool)
    offs = skeleton.offsets
    for s, e in spans:
        mask[np.searchsorted(offs, s) : np.searchsorted(offs, e)] = True
    return mask


def reuse_share(corpus, reuse: pd.DataFrame, common: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each plan's characters reused with each other plan, and with any plan.

    Parameters
    ----------
    corpus : Corpus
    reuse : DataFrame
        Passages of :func:`find_reuse`.
    common : DataFrame, optional
        Widely copied passages (:func:`common_passages`): each plan's spans count as shared
        with every other plan holding the same passage.

    Returns
    -------
    DataFrame
        ``doc_id, other`` (a plan, or ``"any"``), ``reused_chars, total_chars, share``
        (skeleton characters: punctuation and whitespace not counted; :func:`coverage_mask`).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> c = load_corpus()
    >>> s = reuse_share(c, find_reuse(c))
    >>> bool(((s.share >= 0) & (s.share <= 1)).all())
    True
    """
    skels = {d: Skeleton.of(b) for d, b in zip(corpus.documents.doc_id, corpus.documents.body)}
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for a, b, sa, ea, sb, eb in zip(reuse.doc_a, reuse.doc_b, reuse.start_a, reuse.end_a, reuse.start_b,
                                    reuse.end_b):  # fmt: skip
        spans.setdefault((a, b), []).append((sa, ea))
        spans.setdefault((b, a), []).append((sb, eb))
    if common is not None and len(common):
        for _, g in common.groupby("passage"):
            docs = sorted(set(g.doc_id))
            for d, s, e in zip(g.doc_id, g.start, g.end):
                for o in docs:
                    if o != d:
                        spans.setdefault((d, o), []).append((s, e))
    rows = []
    for d, sk in skels.items():
        total = len(sk.text)
        union = np.zeros(total, dtype=bool)
        for other in skels:
            if other == d:
                continue
            m = coverage_mask(sk, spans.get((d, other), []))
            union |= m
            rows.append({"doc_id": d, "other": other, "reused_chars": int(m.sum()), "total_chars": total})
        rows.append({"doc_id": d, "other": "any", "reused_chars": int(union.sum()), "total_chars": total})
    out = pd.DataFrame(rows, columns=["doc_id", "other", "reused_chars", "total_chars"])
    out = out.astype({"reused_chars": int, "total_chars": int})
    out["share"] = out.reused_chars / out.total_chars.where(out.total_chars > 0, 1)
    return out


def reuse_html(corpus, reuse: pd.DataFrame, doc_a: str, doc_b: str, path: str | Path | None = None) -> str:
    """HTML page comparing two plans: reused passages aligned one per row, then both full texts.

    See :func:`analysis.html.reuse_pairs_html` (context around each passage, differences
    marked, formulae in grey). Written to ``path`` if given.
    """
    from .html import reuse_pairs_html

    return reuse_pairs_html(corpus, reuse, doc_a, doc_b, path=path)


def most_reused_pair(reuse: pd.DataFrame, corpus=None) -> tuple[str, str] | None:
    """The pair of plans sharing the most reused characters (or the first two plans, or None)."""
    if len(reuse):
        a, b = reuse.groupby(["doc_a", "doc_b"]).n_chars.sum().idxmax()
        return str(a), str(b)
    if corpus is not None and len(corpus.plan_ids) >= 2:
        return corpus.plan_ids[0], corpus.plan_ids[1]
    return None
