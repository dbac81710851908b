"""Text reuse between plans: which passages were copied, near-verbatim, from which.

The method follows passim and R's textreuse, adapted to unsegmented Chinese:

1. **Skeleton.** Each body is reduced to its letters, digits and CJK characters
   (punctuation and whitespace dropped), with a map back to body offsets, so "，" vs ","
   or a line break never hides reuse.
2. **Candidates.** An inverted index of character ``k``-shingles (default 8) finds the
   positions two plans share; no sentence is compared with every other sentence, and only
   pairs of plans that share a shingle are looked at (shingles in more than ``max_df``
   plans are not used as seeds).
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
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from .segment import DATA

BOILERPLATE_FILE = DATA / "boilerplate.txt"
#: From this many plans on, ``max_df="auto"`` drops seeds found in more than half the plans.
AUTO_MAX_DF_PLANS = 50
_KEEP = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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
    """Significant characters of a text and their offsets in the original."""

    text: str
    offsets: np.ndarray

    @classmethod
    def of(cls, body: str, spans: Sequence[tuple[int, int]] | None = None) -> Skeleton:
        """Skeleton of ``body``, or of the parts of it inside ``spans`` (start, end)."""
        codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
        keep = np.zeros(len(codes), dtype=bool)
        for lo, hi in _KEEP_RANGES:
            keep |= (codes >= lo) & (codes <= hi)
        if spans is not None:
            allowed = np.zeros(len(body), dtype=bool)
            for s, e in spans:
                allowed[s:e] = True
            keep &= allowed
        pos = np.flatnonzero(keep)
        return cls(codes[pos].astype("<u4").tobytes().decode("utf-32-le"), pos.astype(np.int64))

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
    """Every shingle of every plan: ``hash``, ``doc`` (index into ``docs``) and ``pos``, sorted by hash."""

    docs: list[str]
    hash: np.ndarray
    doc: np.ndarray
    pos: np.ndarray

    def doc_freq(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct hashes and the number of plans each occurs in."""
        if len(self.hash) == 0:
            return self.hash, np.zeros(0, dtype=np.int64)
        pairs = np.unique(np.stack([self.hash, self.doc.astype(np.uint64)], axis=1), axis=0)
        return np.unique(pairs[:, 0], return_counts=True)


def _hash_job(job: tuple[str, int]) -> np.ndarray:
    return shingle_hashes(*job)


def shingle_index(texts: dict[str, str], k: int, *, engine: str = "local", scheduler=None) -> ShingleIndex:
    """The inverted index of ``k``-shingles over ``texts`` (doc → skeleton text), in numpy arrays.

    With ``engine="dask"`` the shingles of each document are hashed on the cluster
    (:func:`analysis.engine.map_documents`); the index is the same.
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
    order = np.lexsort((p, d, h))
    return ShingleIndex(docs, h[order], d[order], p[order])


def candidate_seeds(
    index: ShingleIndex, max_docs: float = math.inf, min_seeds: int = 1
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Seeds ``(pos_a, pos_b)`` per pair of plans that share a shingle, from the index.

    Shingles found in more than ``max_docs`` plans are dropped before pairing (shared
    formulae: boilerplate), so the number of pairs grows with the reuse, not with the
    square of the corpus. Pairs with fewer than ``min_seeds`` seeds are left out. The
    pairing is a self-join of the index arrays on the hash, not a loop over shingles.
    """
    out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    h, doc, pos = index.hash, index.doc, index.pos
    if len(h) < 2:
        return out
    first = np.r_[True, h[1:] != h[:-1]]
    group = np.cumsum(first) - 1
    new_doc = first | np.r_[True, doc[1:] != doc[:-1]]
    n_docs = np.bincount(group, weights=new_doc).astype(np.int64)
    keep = (n_docs[group] >= 2) & (n_docs[group] <= max_docs)
    if not keep.any():
        return out
    g, d, p = group[keep], doc[keep], pos[keep]
    # self-join within each hash group (rows are sorted by hash, then doc, then pos)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    rep = np.repeat(sizes, sizes)  # for each row, the size of its group
    left = np.repeat(np.arange(len(g)), rep)
    base = np.repeat(starts, sizes)  # first row of each row's group
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(rep) - rep, rep)
    right = np.repeat(base, rep) + offsets
    ok = d[left] < d[right]
    da, db, pa, pb = d[left][ok], d[right][ok], p[left][ok], p[right][ok]
    order = np.lexsort((pb, pa, db, da))
    da, db, pa, pb = da[order], db[order], pa[order], pb[order]
    bounds = np.flatnonzero(np.r_[True, (da[1:] != da[:-1]) | (db[1:] != db[:-1]), True])
    docs = index.docs
    pa_l, pb_l = pa.tolist(), pb.tolist()
    for s, e in zip(bounds[:-1], bounds[1:]):
        if e - s >= min_seeds:
            out[(docs[da[s]], docs[db[s]])] = list(zip(pa_l[s:e], pb_l[s:e]))
    return out


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
                 min_similarity: float) -> tuple[int, int, int, int, float] | None:  # fmt: skip
    """Skeleton spans (a0, a1, b0, b1) and similarity of a chain of seeds, or None if it fails."""
    a0, a1 = chain[0][0], chain[-1][0] + k
    b0, b1 = chain[0][1], chain[-1][1] + k
    ta, tb, ua, ub = _trim(sa_text[a0:a1], sb_text[b0:b1])
    a0, a1, b0, b1 = a0 + ta, a0 + tb, b0 + ua, b0 + ub
    # extend past an edit near either end (seeds stop k characters short of it)
    w = max_gap + k
    ra, rb = _extend(sa_text[a1 : a1 + w], sb_text[b1 : b1 + w])
    a1, b1 = a1 + ra, b1 + rb
    la, lb = _extend(sa_text[max(0, a0 - w) : a0][::-1], sb_text[max(0, b0 - w) : b0][::-1])
    a0, b0 = a0 - la, b0 - lb
    if min(a1 - a0, b1 - b0) < min_chars:
        return None
    sim = Indel.normalized_similarity(sa_text[a0:a1], sb_text[b0:b1])
    if sim < min_similarity:
        return None
    return a0, a1, b0, b1, sim


def _split_at_largest_gap(chain: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The two parts of a chain either side of its largest gap between consecutive seeds."""
    gaps = [max(b[0] - a[0], b[1] - a[1]) for a, b in zip(chain, chain[1:])]
    cut = int(np.argmax(gaps)) + 1
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
    file: str | Path | None = BOILERPLATE_FILE,
) -> pd.DataFrame:
    """Phrases shared by most plans (political formulae), plus those in a reviewable file.

    A character ``k``-shingle of the skeleton is *common* when it occurs in at least
    ``max(min_docs, ceil(min_share × number of plans))`` plans; runs of overlapping common
    shingles in a plan form a phrase.

    Returns
    -------
    DataFrame
        ``phrase`` (skeleton text), ``n_docs`` (plans containing it) and ``source``
        (``"corpus"`` or ``"file"``), longest first.
    """
    skels = {d: Skeleton.of(b).text for d, b in zip(corpus.documents.doc_id, corpus.documents.body)}
    n = len(skels)
    need = max(min_docs, math.ceil(min_share * n))
    index = shingle_index(skels, k)
    uniq, counts = index.doc_freq()
    common = uniq[counts >= need]
    phrases: set[str] = set()
    for s in skels.values():
        hot = np.isin(shingle_hashes(s, k), common)
        # runs of consecutive common shingles form one phrase
        edges = np.flatnonzero(np.diff(np.r_[0, hot.astype(np.int8), 0]))
        for i, j in zip(edges[::2], edges[1::2]):
            phrases.add(s[i : j - 1 + k])
    rows = [(p, sum(p in s for s in skels.values()), "corpus") for p in phrases]
    if file is not None and Path(file).is_file():
        rows += [(p, sum(p in s for s in skels.values()), "file") for p in read_phrases(file)]
    out = pd.DataFrame(rows, columns=["phrase", "n_docs", "source"]).drop_duplicates("phrase")
    out = out.assign(length=out.phrase.str.len())
    return out.sort_values(["length", "phrase"], ascending=[False, True], ignore_index=True).drop(
        columns="length"
    )


def _covered(text: str, phrases: Sequence[str]) -> np.ndarray:
    mask = np.zeros(len(text), dtype=bool)
    for p in phrases:
        start = text.find(p)
        while start != -1:
            mask[start : start + len(p)] = True
            start = text.find(p, start + 1)
    return mask


def _align_chunk(job: tuple) -> list[tuple]:
    pairs, texts, k, max_gap, min_chars, min_similarity = job
    out = []
    for (a, b), seeds in pairs:
        sa_text, sb_text = texts[a], texts[b]
        # a lone k-shingle shared by chance is not a passage: a chain needs two seeds
        # (k + 1 shared characters); the ends are then extended through short edits
        pending = [c for c in _chain(seeds, k, max_gap) if len(c) >= 2 or k >= min_chars]
        while pending:
            chain = pending.pop()
            span = _score_chain(chain, sa_text, sb_text, k, max_gap, min_chars, min_similarity)
            if span is None:
                # below the similarity threshold: passages close together were chained across
                # what separates them. Split at the largest gap and score each part again.
                if len(chain) >= 2:
                    pending.extend(_split_at_largest_gap(chain))
                continue
            out.append((a, b, *span))
    return out


def align_pairs(
    pair_seeds: dict[tuple[str, str], list[tuple[int, int]]],
    texts: dict[str, str],
    *,
    k: int = 8,
    max_gap: int = 12,
    min_chars: int = 20,
    min_similarity: float = 0.8,
    n_jobs: int | None = None,
) -> list[tuple]:
    """Passages from the seeds of each pair: chain, extend, score, split failing chains.

    Returns ``(doc_a, doc_b, a0, a1, b0, b1, similarity)`` in skeleton offsets, in pair
    order. Pairs are aligned in ``n_jobs`` processes (default: all cores from 2,000 pairs
    on); the result is the same.
    """
    import os

    items = sorted(pair_seeds.items())
    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if len(items) >= 2000 else 1
    if n_jobs <= 1 or len(items) < 2:
        return _align_chunk((items, texts, k, max_gap, min_chars, min_similarity))
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, len(items) // (4 * n_jobs))
    jobs = []
    for i in range(0, len(items), size):
        part = items[i : i + size]
        need = {d for (a, b), _ in part for d in (a, b)}
        jobs.append((part, {d: texts[d] for d in need}, k, max_gap, min_chars, min_similarity))
    with ProcessPoolExecutor(n_jobs) as ex:
        return [r for chunk in ex.map(_align_chunk, jobs) for r in chunk]


def find_reuse(
    corpus,
    *,
    doc_ids: Sequence[str] | None = None,
    k: int = 8,
    max_gap: int = 12,
    min_chars: int = 20,
    min_similarity: float = 0.8,
    max_df: float | str | None = "auto",
    boilerplate: str = "exclude",
    boilerplate_share: float = 0.8,
    phrases: pd.DataFrame | None = None,
    exclude_blocks: Sequence[str] = (),
    engine: str = "local",
    scheduler=None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Passages reused between plans, exact and near-verbatim.

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
    max_df : float, "auto" or None, default "auto"
        Shingles in more than this share of plans are not used as seeds: they are shared
        formulae, and pairing every plan that has them makes the work grow with the square
        of the corpus. ``"auto"`` uses 0.5 from 50 plans on and every shingle below that
        (so boilerplate passages of small corpora are still found and flagged); None uses
        every shingle.
    boilerplate : {"exclude", "include", "only"}
        Whether passages that are mostly boilerplate (see :func:`boilerplate_phrases`) are
        dropped, kept (flagged in column ``boilerplate``) or the only ones returned.
    boilerplate_share : float, default 0.8
        A passage is boilerplate when at least this share of its characters (on both
        sides) lies in boilerplate phrases.
    phrases : DataFrame, optional
        Boilerplate phrases; default :func:`boilerplate_phrases` of this corpus.
    exclude_blocks : sequence of str
        Block kinds left out of the comparison, e.g. ``("cover", "trailer")`` to ignore the
        cover notice and signature (administrative templates). By default everything is
        compared.
    engine : {"local", "dask"}, default "local"
        Where the shingles are hashed (``scheduler``: a Dask address or client); the
        passages are the same.
    n_jobs : int, optional
        Processes that align candidate pairs (:func:`align_pairs`; default all cores from
        2,000 candidate pairs on).

    Returns
    -------
    DataFrame
        One row per passage: ``doc_a, doc_b, start_a, end_a, start_b, end_b, text_a,
        text_b, similarity, n_chars`` (offsets into ``documents.body``; ``doc_a < doc_b``),
        ``block_a``/``block_b`` (cover, preamble, item … where each span starts),
        ``boilerplate_share``, ``boilerplate`` and ``earlier`` (the plan issued first, when
        the dates say so).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> r = find_reuse(load_corpus(), exclude_blocks=("cover", "trailer", "summary"))
    >>> r[["doc_a", "doc_b", "n_chars"]].head(2).values.tolist()
    [['beijing_2023', 'chongqing_2023', 42], ['beijing_2023', 'chongqing_2023', 20]]
    """
    if boilerplate not in ("exclude", "include", "only"):
        raise ValueError("boilerplate must be 'exclude', 'include' or 'only'")
    docs = corpus.documents if doc_ids is None else corpus.documents[corpus.documents.doc_id.isin(doc_ids)]
    docs = docs.sort_values("doc_id")
    if exclude_blocks:
        keep = corpus.blocks[~corpus.blocks.kind.isin(exclude_blocks)]
        spans = {d: list(zip(g.start, g.end)) for d, g in keep.groupby("doc_id")}
        skels = {d: Skeleton.of(b, spans.get(d, [])) for d, b in zip(docs.doc_id, docs.body)}
    else:
        skels = {d: Skeleton.of(b) for d, b in zip(docs.doc_id, docs.body)}
    bodies = dict(zip(docs.doc_id, docs.body))
    if max_df == "auto":
        max_df = 0.5 if len(skels) >= AUTO_MAX_DF_PLANS else None
    limit = len(skels) * max_df if max_df is not None else math.inf
    # a chain needs two seeds (below), so pairs with one seed are not even formed
    index = shingle_index({d: s.text for d, s in skels.items()}, k, engine=engine, scheduler=scheduler)
    pair_seeds = candidate_seeds(index, limit,
                                 min_seeds=1 if k >= min_chars else 2)  # fmt: skip
    if phrases is None:
        phrases = boilerplate_phrases(corpus)
    phrase_list = list(phrases.phrase)
    masks = {d: _covered(s.text, phrase_list) for d, s in skels.items()}
    spans = align_pairs(
        pair_seeds, {d: sk.text for d, sk in skels.items()}, k=k, max_gap=max_gap, min_chars=min_chars,
        min_similarity=min_similarity, n_jobs=n_jobs,
    )  # fmt: skip
    rows = []
    for a, b, a0, a1, b0, b1, sim in spans:
        s_a, e_a = skels[a].body_span(a0, a1)
        s_b, e_b = skels[b].body_span(b0, b1)
        share = min(masks[a][a0:a1].mean(), masks[b][b0:b1].mean())
        rows.append(
            {"doc_a": a, "doc_b": b, "start_a": s_a, "end_a": e_a, "start_b": s_b, "end_b": e_b,
             "text_a": bodies[a][s_a:e_a], "text_b": bodies[b][s_b:e_b], "similarity": sim,
             "n_chars": min(a1 - a0, b1 - b0), "boilerplate_share": float(share)}
        )  # fmt: skip
    cols = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "text_a", "text_b", "similarity", "n_chars",
            "boilerplate_share"]  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    out = _drop_nested(out)
    out["block_a"] = _block_kinds(corpus, out.doc_a, out.start_a)
    out["block_b"] = _block_kinds(corpus, out.doc_b, out.start_b)
    out["boilerplate"] = out.boilerplate_share >= boilerplate_share
    keys = _date_keys(corpus)
    out["earlier"] = [_earlier_of(keys.get(a), keys.get(b), a, b) for a, b in zip(out.doc_a, out.doc_b)]
    if boilerplate == "exclude":
        out = out[~out.boilerplate]
    elif boilerplate == "only":
        out = out[out.boilerplate]
    return out.sort_values(["doc_a", "doc_b", "start_a"], ignore_index=True)


def _block_kinds(corpus, doc_ids: pd.Series, starts: pd.Series) -> list[str]:
    """Kind of block (cover, preamble, item …) each position falls in."""
    if len(starts) == 0:
        return []
    out = np.array([""] * len(starts), dtype=object)
    blocks = corpus.blocks.sort_values(["doc_id", "start"])
    by_doc = {d: (g.start.to_numpy(), g.kind.to_numpy()) for d, g in blocks.groupby("doc_id", sort=False)}
    pos = starts.to_numpy()
    for d, idx in pd.Series(range(len(doc_ids)), index=doc_ids.to_numpy()).groupby(level=0).indices.items():
        bstart, kind = by_doc[d]
        j = np.clip(np.searchsorted(bstart, pos[idx], side="right") - 1, 0, max(len(bstart) - 1, 0))
        out[idx] = kind[j]
    return out.tolist()


def _drop_nested(df: pd.DataFrame) -> pd.DataFrame:
    """Drop a passage whose two spans both lie inside another passage of the same pair."""
    if df.empty:
        return df
    keep = np.ones(len(df), dtype=bool)
    sa, ea = df.start_a.to_numpy(), df.end_a.to_numpy()
    sb, eb = df.start_b.to_numpy(), df.end_b.to_numpy()
    for idx in df.groupby(["doc_a", "doc_b"], sort=False).indices.values():
        if len(idx) < 2:
            continue
        # containment of i (rows) in j (columns), both spans, j longer (ties: larger index wins)
        inside = (sa[idx][None, :] <= sa[idx][:, None]) & (ea[idx][:, None] <= ea[idx][None, :])
        inside &= (sb[idx][None, :] <= sb[idx][:, None]) & (eb[idx][:, None] <= eb[idx][None, :])
        length = ea[idx] - sa[idx]
        longer = (length[None, :] > length[:, None]) | (
            (length[None, :] == length[:, None]) & (idx[None, :] > idx[:, None])
        )
        np.fill_diagonal(inside, False)
        # a passage is dropped only when a kept passage contains it: resolve longest first
        order = np.lexsort((-idx, -length))
        kept_local = np.ones(len(idx), dtype=bool)
        for i in order:
            cont = inside[i] & longer[i] & kept_local
            if cont.any():
                kept_local[i] = False
        keep[idx] = kept_local
    return df[keep].reset_index(drop=True)


def _date_keys(corpus) -> dict[str, str | None]:
    """Issue date (or year) of every plan, looked up once."""
    out: dict[str, str | None] = {}
    docs = corpus.documents
    dates = docs["issued_date"] if "issued_date" in docs else pd.Series([None] * len(docs), index=docs.index)
    years = docs["year"] if "year" in docs else pd.Series([None] * len(docs), index=docs.index)
    for d, date, year in zip(docs.doc_id, dates, years):
        if (
            date is not None
            and not (isinstance(date, float) and math.isnan(date))
            and pd.notna(date)
            and date
        ):
            out[d] = str(date)
        else:
            out[d] = f"{int(year)}" if year is not None and pd.notna(year) else None
    return out


def _earlier(corpus, a: str, b: str) -> str | None:
    keys = _date_keys(corpus)
    return _earlier_of(keys.get(a), keys.get(b), a, b)


def _earlier_of(ka: str | None, kb: str | None, a: str, b: str) -> str | None:
    if ka is None or kb is None:
        return None
    # compare at the precision both have
    n = min(len(ka), len(kb))
    if ka[:n] == kb[:n]:
        return None
    return a if ka[:n] < kb[:n] else b


def reuse_share(corpus, reuse: pd.DataFrame) -> pd.DataFrame:
    """Share of each plan's characters reused with each other plan, and with any plan.

    Returns
    -------
    DataFrame
        ``doc_id, other`` (a plan, or ``"any"``), ``reused_chars, total_chars, share``
        (skeleton characters: punctuation and whitespace not counted).
    """
    skels = {d: Skeleton.of(b) for d, b in zip(corpus.documents.doc_id, corpus.documents.body)}
    masks: dict[tuple[str, str], np.ndarray] = {}
    for r in reuse.itertuples():
        for me, other, s, e in (
            (r.doc_a, r.doc_b, r.start_a, r.end_a),
            (r.doc_b, r.doc_a, r.start_b, r.end_b),
        ):
            offs = skels[me].offsets
            m = masks.setdefault((me, other), np.zeros(len(offs), dtype=bool))
            m[(offs >= s) & (offs < e)] = True
    rows = []
    for d, sk in skels.items():
        total = len(sk.text)
        union = np.zeros(total, dtype=bool)
        for other in skels:
            if other == d:
                continue
            m = masks.get((d, other), np.zeros(total, dtype=bool))
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
