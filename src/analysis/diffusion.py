"""Policy diffusion: which passages travel between plans, and in which direction the text says.

Reused passages (:func:`analysis.reuse.find_reuse`) and widely copied passages
(:func:`analysis.reuse.common_passages`) are grouped into **passage families**, as passim
groups reprinted passages into clusters: a passage that five plans share is one family with
five members, not ten pairs. Families are built from passages that are not shared political
formulae (boilerplate), and two spans of one plan join only when each covers at least half
of the other, so families do not chain through short formulae.

**Direction needs textual evidence.** Plans are passed down layer by layer (层层转发), and the
common source (the central plan, a congress report) is usually not in the folder. Two plans
holding the same passage may each have copied it from that unseen source, so date and level
alone never make an arrow. For each family a **consensus text** is reconstructed (the
latent common source, as LobbyBack does): the reading of the majority of members at every
place, or the text of a plan marked as a source (``role == "source"`` in the manifest, and
every ``central`` plan). Each member is then described by its differences from the
consensus (``added``, ``removed``, ``changed`` characters). As in stemmatology, a member B
is **inherited** from member A only when

- B carries A's own changes against the consensus (**shared innovations**: text of at
  least ``min_innovation`` characters that A and B inserted or substituted at the same
  place and the consensus lacks, held by few members; shared omissions are not counted, as
  two copies easily drop the same words independently, and a reading many members share is
  more likely a second common source), or A is a marked source;
- A could have come first (:func:`analysis.ordering.precedes`: an earlier date, or on an
  equal or unknown date a line of authority — the central plan over all, a province over its
  own cities; never across provinces);
- A's span contains what B inherits (``min_containment`` of B's characters that are not
  B's own changes are aligned with A's span): a 2021 plan cannot be the parent of a passage
  about a 2022 speech.

The parent is chosen from B's own alignment with each candidate, never from another pair of
the family. Members with no such parent are **co-derived**: they share the passage, and
nothing in the text says who took it from whom. With two members, or when the changes are
all private, every member is co-derived. Limits: a copy that made no change of its own
cannot be told from its source's other copies; innovations shared by a majority enter the
consensus (they are then read as the original text); independent identical edits would be
read as evidence. References: Smith, Cordell & Mullen (2015) passim; Burgess et al. (2016)
Legislative Influence Detector; Burgess, Giraudy & Adar (2016) LobbyBack; Maas (1958) and
Salemans (2000) on shared innovations in stemmatology.

Examples
--------
>>> from analysis import load_corpus
>>> fam = passage_families(load_corpus())
>>> sorted(set(fam.members.relation)) <= ["co-derived", "inherited", "source"]
True
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from .errors import InsufficientDataError
from .metadata import LEVEL_RANK
from .ordering import date_key, precedes, sort_key

MEMBER_COLUMNS = ["family", "doc_id", "start", "end", "n_chars", "text", "date", "year", "level", "region",
                  "role", "block", "relation", "parent", "basis", "n_evidence", "containment", "added",
                  "removed", "changed"]  # fmt: skip
FAMILY_COLUMNS = ["family", "kind", "size", "n_spans", "anchor", "n_inherited", "n_coderived", "first_date",
                  "last_date", "levels", "boilerplate", "n_chars", "text"]  # fmt: skip
EDGE_COLUMNS = ["source", "target", "relation", "n_families", "n_evidence", "n_chars", "basis"]
#: Families with more members than this list no co-derived pairs in :func:`diffusion_edges`.
MAX_PAIRS_FAMILY = 40


class Families(NamedTuple):
    """Result of :func:`passage_families`: one row per member span, one row per family."""

    members: pd.DataFrame
    families: pd.DataFrame


# ---------------------------------------------------------------------------------------
# ordering plans in time and hierarchy


def plan_order(corpus) -> pd.DataFrame:
    """Date, precision, level and role of every plan, as used to order diffusion.

    Returns
    -------
    DataFrame
        ``doc_id, date`` (ISO string: the issue date, else the year; None when neither is
        known), ``precision`` (``"day"``, ``"year"`` or None), ``year, level, level_rank,
        region, province`` and ``role`` (``"source"`` for plans marked so in the manifest's
        ``role`` column and for every ``central`` plan, else ``"plan"``).

    Examples
    --------
    >>> import pandas as pd
    >>> class C:  # any object with a ``documents`` table
    ...     documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "issued_date": ["2023-02-10", None, None],
    ...                               "year": [2023, 2021, float("nan")], "level": ["city", "province", None],
    ...                               "region": ["x", "y", "z"], "province": ["y", "y", None]})
    >>> plan_order(C())[["doc_id", "date", "precision"]].values.tolist()
    [['a', '2023-02-10', 'day'], ['b', '2021', 'year'], ['c', None, None]]
    """
    d = corpus.documents
    rows = []
    for r in d.to_dict("records"):
        date = date_key(r.get("issued_date"), r.get("year"))
        precision = None if date is None else ("day" if len(date) > 4 else "year")
        year = r.get("year")
        level = r.get("level") if isinstance(r.get("level"), str) else None
        role = r.get("role") if isinstance(r.get("role"), str) and r.get("role") else None
        rows.append(
            {
                "doc_id": r["doc_id"],
                "date": date,
                "precision": precision,
                "year": None if year is None or pd.isna(year) else int(year),
                "level": level,
                "level_rank": LEVEL_RANK.get(level) if level else None,
                "region": r.get("region") if isinstance(r.get("region"), str) else None,
                "province": r.get("province") if isinstance(r.get("province"), str) else None,
                "role": role or ("source" if level == "central" else "plan"),
            }
        )
    out = pd.DataFrame(rows, columns=["doc_id", "date", "precision", "year", "level", "level_rank",
                                      "region", "province", "role"])  # fmt: skip
    for col in ("date", "precision", "level", "region", "province"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


# ---------------------------------------------------------------------------------------
# step 1: families


def _overlap_links(code: np.ndarray, start: np.ndarray, end: np.ndarray, min_overlap: float,
                   chunk: int = 2_000_000) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Pairs of spans of one plan that overlap by at least ``min_overlap`` of **each** (sorted arrays).

    Identical spans are linked to their first copy; each distinct span is compared only with
    the spans of its plan starting at or after it and early enough to overlap it by
    ``min_overlap`` of its length (``start_j <= end_i - min_overlap * len_i``), in chunks.
    """
    n = len(code)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span = int(max(end.max(), 1)) + 2
    order = np.lexsort((end, start, code))
    c, s, e = code[order], start[order], end[order]
    same = np.r_[False, (c[1:] == c[:-1]) & (s[1:] == s[:-1]) & (e[1:] == e[:-1])]
    first = np.maximum.accumulate(np.where(~same, np.arange(n), 0))  # first copy of each span
    la, lb = [order[same]], [order[first[same]]]
    u = np.flatnonzero(~same)  # distinct spans, still sorted by (plan, start, end)
    cu, su, eu = c[u], s[u], e[u]
    key = cu * span + su
    length = eu - su
    reach = np.floor(eu - min_overlap * length).astype(np.int64) if min_overlap > 0 else eu
    hi = np.searchsorted(key, cu * span + np.minimum(reach, eu), side="right")
    lo = np.arange(len(u)) + 1
    cnt = np.maximum(hi - lo, 0)
    cum = np.cumsum(cnt)
    i0 = 0
    while i0 < len(u):
        i1 = max(i0 + 1, int(np.searchsorted(cum, (cum[i0 - 1] if i0 else 0) + chunk, side="right")))
        i1 = min(i1, len(u))
        cc = cnt[i0:i1]
        i = np.repeat(np.arange(i0, i1), cc)
        j = np.repeat(lo[i0:i1] - (np.cumsum(cc) - cc), cc) + np.arange(int(cc.sum()))
        ov = np.minimum(eu[i], eu[j]) - su[j]
        ok = (ov > 0) & (ov >= min_overlap * np.maximum(length[i], length[j]))
        la.append(order[u[i[ok]]])
        lb.append(order[u[j[ok]]])
        i0 = i1
    return np.concatenate(la), np.concatenate(lb)


def family_spans(
    reuse: pd.DataFrame,
    common: pd.DataFrame | None = None,
    *,
    min_overlap: float = 0.5,
) -> pd.DataFrame:
    """Step 1: group passage spans into families (single link, cut at formulae).

    Spans are linked when a reuse pair joins them, when they are members of one common
    passage, or when two spans of one plan overlap by at least ``min_overlap`` of **each**
    (reciprocal overlap: a long passage and a short formula inside it do not join). Pass
    only non-boilerplate passages to keep formulae from chaining families together.
    Families are the connected components of these links
    (:func:`scipy.sparse.csgraph.connected_components`); the links within a plan come from
    sorted arrays (:func:`_overlap_links`), so millions of spans take seconds.

    Returns
    -------
    DataFrame
        ``family, doc_id, start, end`` (overlapping spans of one plan merged), families
        numbered from 0 in order of their first plan and first start.

    Examples
    --------
    >>> r = pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"], "start_a": [0, 2],
    ...                   "end_a": [40, 42], "start_b": [0, 10], "end_b": [40, 50]})
    >>> family_spans(r).values.tolist()
    [[0, 'a', 0, 42], [0, 'b', 0, 40], [0, 'c', 10, 50]]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    docs, starts, ends = [], [], []
    la, lb = [], []
    n = len(reuse)
    if n:
        docs += [reuse.doc_a.to_numpy(object), reuse.doc_b.to_numpy(object)]
        starts += [reuse.start_a.to_numpy(np.int64), reuse.start_b.to_numpy(np.int64)]
        ends += [reuse.end_a.to_numpy(np.int64), reuse.end_b.to_numpy(np.int64)]
        la.append(np.arange(n))
        lb.append(np.arange(n) + n)
    if common is not None and len(common):
        base = 2 * n
        docs.append(common.doc_id.to_numpy(object))
        starts.append(common.start.to_numpy(np.int64))
        ends.append(common.end.to_numpy(np.int64))
        ids = common.passage.to_numpy()
        order = np.argsort(ids, kind="stable")
        new = np.r_[True, ids[order][1:] != ids[order][:-1]]
        first = order[np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))]
        la.append(base + first)  # every member of a common passage linked to its first row
        lb.append(base + order)
    if not docs:
        return pd.DataFrame(columns=["family", "doc_id", "start", "end"])
    doc = np.concatenate(docs)
    start, end = np.concatenate(starts), np.concatenate(ends)
    code, names = pd.factorize(doc, sort=True)
    oa, ob = _overlap_links(code.astype(np.int64), start, end, min_overlap)
    a, b = np.concatenate(la + [oa]), np.concatenate(lb + [ob])
    m = len(doc)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(m, m))
    _, comp = connected_components(graph, directed=False)
    # each component labelled by its first node (the order of the links above)
    root = np.full(comp.max() + 1, m, dtype=np.int64)
    np.minimum.at(root, comp, np.arange(m))
    comp = root[comp]
    # overlapping (or touching) spans of one plan in one family merged
    o = np.lexsort((start, code, comp))
    c_, d_, s_, e_ = comp[o], code[o], start[o], end[o]
    grp = np.r_[True, (c_[1:] != c_[:-1]) | (d_[1:] != d_[:-1])]
    gid = np.cumsum(grp) - 1
    run_end = pd.Series(e_).groupby(gid).cummax().to_numpy()
    prev = np.r_[-1, run_end[:-1]]
    new = grp | (s_ > prev)
    seg = np.cumsum(new) - 1
    seg_start = s_[new]
    seg_end = np.zeros(int(seg[-1]) + 1, dtype=np.int64)
    np.maximum.at(seg_end, seg, e_)
    out = pd.DataFrame({"comp": c_[new], "doc": d_[new], "start": seg_start, "end": seg_end})
    first = out.groupby("comp").agg(d=("doc", "min"), s=("start", "min"))
    first = first.reset_index().sort_values(["d", "s", "comp"])
    rank = pd.Series(np.arange(len(first)), index=first.comp.to_numpy())
    out["family"] = rank.reindex(out.comp.to_numpy()).to_numpy()
    out["doc_id"] = np.asarray(names, dtype=object)[out.doc.to_numpy()]
    return out.sort_values(["family", "doc_id", "start"], ignore_index=True)[
        ["family", "doc_id", "start", "end"]
    ]


# ---------------------------------------------------------------------------------------
# step 2: consensus (the latent common source) and each member's changes


class Variant(NamedTuple):
    """A difference from the consensus: consensus characters ``start:end`` read as ``text``."""

    start: int
    end: int
    text: str

    @property
    def size(self) -> int:
        return max(self.end - self.start, len(self.text))


def variants(reference: str, text: str) -> list[Variant]:
    """Differences of ``text`` from ``reference`` inside the part they share (end gaps are not variants).

    Adjacent deletions and insertions make one variant. Offsets are in ``reference``.

    Examples
    --------
    >>> variants("体察国情服务社会", "体察国情了解市情服务社会")
    [Variant(start=4, end=4, text='了解市情')]
    >>> variants("体察国情服务社会", "国情服务社会青年")  # ends that one side lacks are not variants
    []
    """
    ops = [op for op in Indel.opcodes(reference, text)]
    eq = [i for i, op in enumerate(ops) if op.tag == "equal"]
    if not eq:
        return []
    out: list[Variant] = []
    cur = None
    for op in ops[eq[0] : eq[-1] + 1]:
        if op.tag == "equal":
            if cur is not None:
                out.append(Variant(cur[0], cur[1], text[cur[2] : cur[3]]))
                cur = None
            continue
        if cur is None:
            cur = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            cur[1], cur[3] = op.src_end, op.dest_end
    return out


def _covered_range(reference: str, text: str) -> tuple[int, int]:
    ops = [op for op in Indel.opcodes(reference, text) if op.tag == "equal"]
    return (ops[0].src_start, ops[-1].src_end) if ops else (0, 0)


def family_consensus(texts: Sequence[str], anchor: int | None = None, *, max_reference: int = 25) -> str:
    """The consensus text of a family: the majority reading at every place (or the anchor's text).

    Every text is aligned with a reference (the member most similar to the others, the
    medoid of at most ``max_reference`` members); a difference from the reference enters
    the consensus when more than half of the members whose copy covers that place share
    it. With ``anchor`` (the index of a marked source) the consensus is that text.

    Examples
    --------
    >>> family_consensus(["体察国情了解市情服务社会", "体察国情服务社会", "体察国情服务社会"])
    '体察国情服务社会'
    >>> family_consensus(["甲乙丙丁戊己", "甲乙丙丁戊己", "甲乙X丁戊己"], anchor=2)
    '甲乙X丁戊己'
    """
    texts = list(texts)
    if anchor is not None:
        return texts[anchor]
    if len(texts) <= 2:
        return max(texts, key=lambda t: (len(t), t)) if len(texts) == 2 and texts[0] != texts[1] else texts[0]
    pool = list(range(min(len(texts), max_reference)))
    scores = [sum(Indel.normalized_similarity(texts[i], texts[j]) for j in pool if j != i) for i in pool]
    ref = texts[pool[int(np.argmax(scores))]]
    votes: Counter = Counter()
    cover = []
    for t in texts:
        lo, hi = _covered_range(ref, t)
        cover.append((lo, hi))
        votes.update(set(variants(ref, t)))
    chosen = []
    for v, n in votes.items():
        voters = sum(1 for lo, hi in cover if lo <= v.start and v.end <= hi)
        if n * 2 > voters:
            chosen.append(v)
    out = ref
    for v in sorted(chosen, key=lambda v: (v.start, v.end), reverse=True):
        out = out[: v.start] + v.text + out[v.end :]
    return out


# ---------------------------------------------------------------------------------------
# steps 3–4: evidence and parents


def _containment(parent: str, child: str, private: int) -> float:
    """Share of the child's characters (less its private changes) aligned with the parent's span."""
    matched = sum(op.src_end - op.src_start for op in Indel.opcodes(child, parent) if op.tag == "equal")
    return matched / max(1, len(child) - private)


def _members_evidence(
    group: pd.DataFrame, skel: dict[str, str], info: dict[str, dict], *, min_innovation: int,
    min_containment: float, max_holders: float = 0.1, max_consensus: int | None = None,
) -> tuple[pd.DataFrame, str, str | None]:  # fmt: skip
    """Consensus, changes, parent and relation of every member of one family."""
    return _evidence(group.doc_id.tolist(), group.start.tolist(), group.end.tolist(), skel, info,
                     min_innovation=min_innovation, min_containment=min_containment, max_holders=max_holders,
                     max_consensus=max_consensus)  # fmt: skip


def _consensus_sample(n: int, size: int | None) -> list[int]:
    """At most ``size`` members, evenly spread over the family (deterministic)."""
    if size is None or n <= size:
        return list(range(n))
    return sorted({int(i) for i in np.linspace(0, n - 1, size).round()})


def _evidence(
    doc_ids: list[str], starts: list[int], ends: list[int], skel, info: dict[str, dict], *,
    min_innovation: int, min_containment: float, max_holders: float = 0.1, max_consensus: int | None = None,
    max_candidates: int | None = None,
) -> tuple[pd.DataFrame, str, str | None]:  # fmt: skip
    """:func:`_members_evidence` on the spans of one family given as lists.

    Each plan is represented by its longest span (of two equally long, the first);
    ``skel[(doc, start, end)]`` is a span's skeleton text. With ``max_consensus``, the
    consensus of a larger family is read from that many members evenly spread over it
    (sorted by plan); every member is still compared with it.
    """
    best: dict[str, tuple[int, int, int]] = {}
    for d, s_, e_ in zip(doc_ids, starts, ends):
        key = (-(e_ - s_), s_, e_)
        if d not in best or key < best[d]:
            best[d] = key
    docs = sorted(best)
    texts = {d: skel[(d, best[d][1], best[d][2])] for d in docs}
    sources = [d for d in docs if info[d]["role"] == "source"]
    anchor = None
    if sources:
        anchor = min(sources, key=lambda d: (sort_key(info[d]), d))
    if anchor is not None:
        cons = texts[anchor]
    else:
        cons = family_consensus([texts[docs[i]] for i in _consensus_sample(len(docs), max_consensus)])
    changes = {d: [v for v in variants(cons, texts[d])] for d in docs}
    # evidence: text a member added or substituted; omissions are too easily independent
    innov = {d: {v for v in changes[d] if len(v.text) >= min_innovation} for d in docs}
    if anchor is None:
        # against a majority consensus, a reading many members share is more likely a second
        # common source (another version of the central text) than copying: only rare ones count
        held = Counter(v for d in docs for v in innov[d])
        most = max(2, math.ceil(max_holders * len(docs)))
        innov = {d: {v for v in innov[d] if held[v] <= most} for d in docs}
    stats = {}
    for d in docs:
        added = sum(len(v.text) for v in changes[d] if v.start == v.end)
        removed = sum(v.end - v.start for v in changes[d] if not v.text)
        changed = sum(v.size for v in changes[d] if v.text and v.end > v.start)
        stats[d] = (added, removed, changed)
    holders: dict[Variant, list[str]] = {}
    for d in docs:
        for v in innov[d]:
            holders.setdefault(v, []).append(d)
    result = {}
    for b in docs:
        if b == anchor:
            result[b] = (None, "source", None, 0, np.nan)
            continue
        best = None
        # candidates: the plans sharing one of b's innovations, and the marked sources
        cands = {a for v in innov[b] for a in holders[v]} | set(sources)
        ranked = []
        for a in sorted(cands):
            if a == b:
                continue
            ok, basis = precedes(info[a], info[b])
            if not ok:
                continue
            shared = innov[a] & innov[b]
            if not shared and info[a]["role"] != "source":
                continue
            ranked.append((-len(shared), a, shared, basis))
        # the parent shares the most innovations (then the best containment): candidates are read
        # by shared innovations, most first, and the search stops after the first group with a
        # parent (fewer shared innovations can never win); at most ``max_candidates`` alignments
        ranked.sort(key=lambda x: (x[0], x[1]))
        aligned = 0
        for neg, a, shared, basis in ranked:
            if best is not None and -neg < best[3]:
                break
            if max_candidates is not None and aligned >= max_candidates:
                break
            aligned += 1
            private = sum(v.size for v in innov[b] - shared if v.text)
            cont = _containment(texts[a], texts[b], private)
            if cont < min_containment:
                continue
            key = (len(shared), cont, sort_key(info[a]), a)
            if best is None or key > best[0]:
                why = "shared innovations" if shared else "marked source"
                best = (key, a, f"{why}; {basis}", len(shared), cont)
        if best is None:
            result[b] = (None, "co-derived", None, 0, np.nan)
        else:
            result[b] = (best[1], "inherited", best[2], best[3], best[4])
    out = []
    for d in docs:
        parent, relation, basis, n_ev, cont = result[d]
        out.append((d, relation, parent, basis, n_ev, cont, *stats[d]))
    ev = pd.DataFrame(out, columns=["doc_id", "relation", "parent", "basis", "n_evidence", "containment", "added",
                                    "removed", "changed"])  # fmt: skip
    return ev, cons, anchor


def coherent_groups(texts: Sequence[str], *, min_share: float = 0.5, k: int = 4) -> np.ndarray:
    """Split one single-link family into groups of members that share text with a leader.

    Single link chains: in real reports a run of formulae that change a little every year
    (全面贯彻党的十九大和十九届二中、三中…全会精神) gives passages overlapping their
    neighbours by half, and the chain reached every one of 886 city reports. Here the member
    whose shingles are most common in the family leads a group of every member that shares at
    least ``min_share`` of the shorter text's ``k``-character shingles with it; the next leader
    comes from the members left, and so on (leader clustering; sparse products, linear in the
    members per leader). Members of one group share text with one passage, so a group is a
    passage copied, not a chain of different passages.

    Returns
    -------
    ndarray
        A group number per text (0 for the group of the first leader), in the order of ``texts``.

    Examples
    --------
    >>> a, b = "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"
    >>> c, d = "天地玄黄宇宙洪荒日月", "金木水火土东南西北中"
    >>> coherent_groups([a + b, b + c, c + d, a + b, a + b + "。"]).tolist()  # a chain: a+b ~ b+c ~ c+d
    [0, 1, 2, 0, 0]
    """
    from scipy.sparse import csr_matrix

    from .reuse import shingle_hashes

    n = len(texts)
    if n <= 2:
        return np.zeros(n, dtype=np.int64)
    hashes = [np.unique(shingle_hashes(t, k)) for t in texts]
    size = np.array([len(h) for h in hashes], dtype=np.float64)
    allh = np.concatenate(hashes) if n else np.zeros(0, dtype=np.uint64)
    cols, _ = pd.factorize(allh)
    rows = np.repeat(np.arange(n), size.astype(np.int64))
    X = csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(n, int(cols.max(initial=-1)) + 1)
    )
    score = np.asarray(X @ np.asarray(X.sum(axis=0)).ravel()).ravel() / np.maximum(size, 1)
    group = np.full(n, -1, dtype=np.int64)
    left = np.argsort(-score, kind="stable")
    g = 0
    while len(left):
        lead = left[0]
        inter = np.asarray((X[left] @ X[lead].T).todense()).ravel()
        share = inter / np.maximum(np.minimum(size[left], size[lead]), 1)
        take = (share >= min_share) | (left == lead)
        group[left[take]] = g
        left = left[~take]
        g += 1
    return group


def _split_chains(spans: pd.DataFrame, skel_of, min_share: float) -> pd.DataFrame:
    """``family_spans`` output with every family of 3+ plans cut into :func:`coherent_groups`."""
    if spans.empty:
        return spans
    f = spans.family.to_numpy()
    bounds = np.flatnonzero(np.r_[True, f[1:] != f[:-1], True])
    keys = list(zip(spans.doc_id, spans.start, spans.end))
    sub = np.zeros(len(spans), dtype=np.int64)
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if hi - lo > 2:
            sub[lo:hi] = coherent_groups([skel_of(key) for key in keys[lo:hi]], min_share=min_share)
    out = spans.assign(_sub=sub).sort_values(["family", "_sub", "doc_id", "start"], kind="stable")
    new = np.r_[True, (out.family.to_numpy()[1:] != out.family.to_numpy()[:-1])
                | (out._sub.to_numpy()[1:] != out._sub.to_numpy()[:-1])]  # fmt: skip
    out["family"] = np.cumsum(new) - 1
    return out.drop(columns="_sub").reset_index(drop=True)


def passage_families(
    corpus,
    reuse: pd.DataFrame | None = None,
    *,
    common: pd.DataFrame | None = None,
    min_size: int = 2,
    min_overlap: float = 0.5,
    min_innovation: int = 3,
    max_holders: float = 0.1,
    min_containment: float = 0.8,
    min_content: int = 20,
    boilerplate: str = "exclude",
    exclude_blocks: Sequence[str] = ("cover", "trailer", "summary"),
    max_consensus: int | None = 200,
    max_candidates: int | None = 50,
    min_share: float | None = 0.5,
    progress: bool | None = None,
    **reuse_params,
) -> Families:
    """Group reused passages shared by two or more plans into families, with direction where the text shows it.

    Parameters
    ----------
    corpus : Corpus
    reuse : DataFrame, optional
        Output of :func:`analysis.reuse.find_reuse` with ``boilerplate="include"`` (flagged);
        by default it is computed with ``exclude_blocks`` and ``reuse_params``, together
        with the widely copied passages (:func:`analysis.reuse.common_passages`).
    common : DataFrame, optional
        :func:`analysis.reuse.common_passages`; computed when ``reuse`` is computed here,
        otherwise none unless given.
    min_size : int, default 2
        Minimum number of plans in a family.
    min_overlap : float, default 0.5
        Two spans of one plan join when each covers at least this share of the other.
    min_innovation : int, default 3
        Shortest inserted or substituted text (characters) that counts as an innovation:
        one- and two-character differences (其他, 各位, 落实) are too often made independently.
    max_holders : float, default 0.1
        In a family without a marked source, an innovation counts only when at most this
        share of the members (and at least two) hold it: a minority reading many plans share
        is more likely another common source (a second version of the central text) than
        copying between them. On the 31 provincial-level reports of 2023 this leaves no
        direction claimed through 其他列席人员 or 各位代表.
    min_containment : float, default 0.8
        A parent's span must align with at least this share of the member's characters
        (less the member's own changes).
    min_content : int, default 20
        A passage links plans into a family only when at least this many of its characters
        lie outside the formulae (boilerplate phrases); one held together by formulae
        (``以习近平新时代中国特色社会主义思想为指导`` and a few words around it) joins the
        families of formulae instead.
    boilerplate : {"exclude", "include", "only"}
        Passages made of shared political formulae never link families of other passages.
        ``"include"`` adds families of formulae (built from formula passages only and
        flagged ``boilerplate``), ``"only"`` returns only those.
    exclude_blocks : sequence of str
        Block kinds left out (default the cover notice, trailer and review of past work).
    max_consensus : int or None, default 200
        The consensus of a family of more plans than this is read from this many members,
        evenly spread over it (sorted by plan), which bounds the work of the majority vote;
        every member is still compared with it for its changes and evidence. None: all.
    max_candidates : int or None, default 50
        Most candidate parents aligned per member. Candidates are read by shared
        innovations, most first, and the search stops after the first group yielding a
        parent (fewer shared innovations never win), so the cap only matters when more than
        this many plans share a member's best-shared innovations. None: no cap.
    min_share : float or None, default 0.5
        Single-link families are cut into groups whose members share at least this share of
        the shorter text's 4-character shingles with the group's leader
        (:func:`coherent_groups`), so that a chain of overlapping but different passages
        (yearly variants of the political formulae, in every report) is not one family.
        None keeps the single-link families.
    progress : bool, optional
        Show a progress bar (tqdm) over the families (and of :func:`analysis.reuse.find_reuse`
        when the reuse is computed here); default only on a terminal; False never.

    Returns
    -------
    Families
        ``members``: one row per (family, plan, span): ``family, doc_id, start, end``
        (offsets into ``documents.body``), ``n_chars, text, date, year, level, region, role,
        block``, ``relation`` (``"source"``: a marked source anchoring the family;
        ``"inherited"``: the text shows it came from ``parent``; ``"co-derived"``: shared, no
        evidence of who took it from whom), ``parent``, ``basis`` (the evidence and the
        ordering: e.g. ``"shared innovations; date"``), ``n_evidence`` (shared innovations
        with the parent), ``containment`` and the member's ``added``, ``removed`` and
        ``changed`` characters against the consensus. ``families``: one row per family with
        ``kind`` (``"passage"``, or ``"formula"`` for boilerplate families), ``size`` (plans),
        ``n_spans``, ``anchor`` (the marked source, if any), ``n_inherited``,
        ``n_coderived``, ``first_date, last_date, levels, boilerplate``, ``n_chars`` and
        ``text`` (the consensus; a member's own text with punctuation when it reads exactly
        so, else the consensus characters).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> fam = passage_families(load_corpus())
    >>> m = fam.members[fam.members.text.str.contains("体察国情")]
    >>> sorted(m.doc_id), sorted(set(m.relation))
    (['chongqing_2023', 'guyuan_2023', 'mianyang_2023'], ['co-derived'])
    """
    from tqdm.auto import tqdm

    from .reuse import DEFAULT_EXCLUDE, Skeleton, _find_reuse

    disable = False if progress else (None if progress is None else True)

    if boilerplate not in ("include", "exclude", "only"):
        raise ValueError("boilerplate must be 'include', 'exclude' or 'only'")
    if reuse is None:
        blocks = tuple(dict.fromkeys(tuple(DEFAULT_EXCLUDE) + tuple(exclude_blocks)))
        reuse, found_common = _find_reuse(
            corpus, boilerplate="include", exclude_blocks=blocks, progress=progress, **reuse_params
        )
        common = found_common if common is None else common
    order = plan_order(corpus).set_index("doc_id")
    info = {d: order.loc[d].to_dict() for d in order.index}
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    is_bp = (
        reuse["boilerplate"].astype(bool) if "boilerplate" in reuse else pd.Series(False, index=reuse.index)
    )
    if "boilerplate_share" in reuse and len(reuse):
        # a passage whose text beyond the formulae is shorter than ``min_content`` is held together by
        # formulae: it is reported as reuse, but it links no family (families would chain through it)
        content = reuse.n_chars * (1 - reuse.boilerplate_share.fillna(0))
        is_bp = is_bp | (content < min_content)
    frames = []
    if boilerplate in ("exclude", "include"):
        c = common[~common.boilerplate.astype(bool)] if common is not None and len(common) else None
        frames.append(("passage", family_spans(reuse[~is_bp], c, min_overlap=min_overlap)))
    if boilerplate in ("include", "only"):
        c = common[common.boilerplate.astype(bool)] if common is not None and len(common) else None
        frames.append(("formula", family_spans(reuse[is_bp], c, min_overlap=min_overlap)))
    skeletons: dict[str, tuple] = {}

    def skel_of(key: tuple[str, int, int]) -> str:
        """Skeleton text of body span ``key`` (the plan's skeleton cut at the span: as ``Skeleton.of(span)``)."""
        d, s_, e_ = key
        if d not in skeletons:
            sk = Skeleton.of(bodies[d])
            skeletons[d] = (sk.text, sk.offsets)
        text, offs = skeletons[d]
        lo, hi = np.searchsorted(offs, [s_, e_])
        return text[lo:hi]

    cols: dict[str, list] = {c: [] for c in ("family", "doc_id", "start", "end", "relation", "parent", "basis",
                                             "n_evidence", "containment", "added", "removed", "changed")}  # fmt: skip
    families = []
    fam_no = 0
    work = []
    for kind, spans in frames:
        if spans.empty:
            continue
        if min_share is not None:
            spans = _split_chains(spans, skel_of, min_share)
        f = spans.family.to_numpy()
        bounds = np.flatnonzero(np.r_[True, f[1:] != f[:-1], True])
        d_all, s_all, e_all = spans.doc_id.tolist(), spans.start.tolist(), spans.end.tolist()
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            if len(set(d_all[lo:hi])) >= min_size:
                work.append((kind, d_all[lo:hi], s_all[lo:hi], e_all[lo:hi]))
    for kind, g_doc, g_start, g_end in tqdm(work, desc="passage_families", unit="family", leave=False,
                                            mininterval=1.0, disable=disable):  # fmt: skip
        fam_no += 1
        keys = list(zip(g_doc, g_start, g_end))
        skel = {key: skel_of(key) for key in keys}
        ev, cons, anchor = _evidence(g_doc, g_start, g_end, skel, info, min_innovation=min_innovation,
                                     min_containment=min_containment, max_holders=max_holders,
                                     max_consensus=max_consensus, max_candidates=max_candidates)  # fmt: skip
        by_doc = {r[0]: r for r in ev.itertuples(index=False)}
        for d, s_, e_ in keys:
            r = by_doc[d]
            cols["family"].append(fam_no)
            cols["doc_id"].append(d)
            cols["start"].append(int(s_))
            cols["end"].append(int(e_))
            cols["relation"].append(r.relation)
            cols["parent"].append(r.parent)
            cols["basis"].append(r.basis)
            cols["n_evidence"].append(int(r.n_evidence))
            cols["containment"].append(r.containment)
            cols["added"].append(int(r.added))
            cols["removed"].append(int(r.removed))
            cols["changed"].append(int(r.changed))
        display = next((bodies[d][s_:e_].strip() for (d, s_, e_), t in skel.items() if t == cons), cons)
        docs = sorted(set(g_doc))
        dated = [info[d]["date"] for d in docs if info[d]["date"]]
        families.append({"family": fam_no, "kind": kind, "size": len(docs), "n_spans": len(keys),
                         "anchor": anchor, "n_inherited": int((ev.relation == "inherited").sum()),
                         "n_coderived": int((ev.relation == "co-derived").sum()),
                         "first_date": min(dated) if dated else None, "last_date": max(dated) if dated else None,
                         "levels": ",".join(sorted({info[d]["level"] or "?" for d in docs})),
                         "boilerplate": kind == "formula", "n_chars": len(cons), "text": display})  # fmt: skip
    mem = pd.DataFrame(cols)
    if len(mem):
        mem["text"] = [bodies[d][s_:e_] for d, s_, e_ in zip(mem.doc_id, mem.start, mem.end)]
        mem["n_chars"] = (mem.text.str.len() - mem.text.str.count(r"\s")).astype(np.int64)
        for c in ("date", "year", "level", "region", "role"):
            mem[c] = [info[d][c] for d in mem.doc_id]
        mem["block"] = _block_at(corpus, mem)
        mem["containment"] = mem.containment.astype(float)
    else:
        mem = pd.DataFrame(columns=MEMBER_COLUMNS)
    return Families(mem[MEMBER_COLUMNS], pd.DataFrame(families, columns=FAMILY_COLUMNS))


def _block_at(corpus, members: pd.DataFrame) -> list[str | None]:
    """Kind of the block each member starts in (None before a plan's first block or without blocks)."""
    blocks = corpus.blocks.sort_values(["doc_id", "start"], kind="stable")
    if blocks.empty or members.empty:
        return [None] * len(members)
    names = sorted(set(blocks.doc_id) | set(members.doc_id))
    code = {d: i for i, d in enumerate(names)}
    bcode = blocks.doc_id.map(code).to_numpy(np.int64)
    span = int(max(blocks.start.max(), members.start.max())) + 2
    bkey = bcode * span + blocks.start.to_numpy(np.int64)
    mcode = members.doc_id.map(code).to_numpy(np.int64)
    j = np.searchsorted(bkey, mcode * span + members.start.to_numpy(np.int64), side="right") - 1
    ok = (j >= 0) & (bcode[np.clip(j, 0, None)] == mcode)
    kinds = blocks.kind.to_numpy(dtype=object)[np.clip(j, 0, None)]
    return [k if o else None for k, o in zip(kinds.tolist(), ok.tolist())]


# ---------------------------------------------------------------------------------------
# step 5: edges and flows


def diffusion_edges(families: Families, *, include_boilerplate: bool = False) -> pd.DataFrame:
    """Edges between plans: directed where the text shows inheritance, undirected (co-derived) otherwise.

    Parameters
    ----------
    families : Families
        Output of :func:`passage_families`.
    include_boilerplate : bool, default False
        Count families of formulae too.

    Returns
    -------
    DataFrame
        ``source, target, relation``: ``"inherited"`` (the target's span came from the
        source: shared innovations or a marked source, see :mod:`analysis.diffusion`) or
        ``"co-derived"`` (both hold the passage and the text does not say who took it from
        whom; listed once with ``source < target``; only for families of at most
        :data:`MAX_PAIRS_FAMILY` plans), ``n_families``, ``n_evidence`` (shared innovations
        summed over the families), ``n_chars`` (characters of the target in those families)
        and ``basis`` (the evidence of the first family).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> e = diffusion_edges(passage_families(load_corpus()))
    >>> set(e.relation) <= {"inherited", "co-derived"}
    True
    """
    mem, fams = families
    if mem.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    keep = set(fams.family if include_boilerplate else fams.family[~fams.boilerplate.astype(bool)])
    mem = mem[mem.family.isin(keep)]
    rows = []
    for fam, g in mem.groupby("family"):
        chars = g.groupby("doc_id").n_chars.sum()
        first = g.drop_duplicates("doc_id")
        for r in first.itertuples():
            if r.relation == "inherited" and isinstance(r.parent, str):
                rows.append(
                    (r.parent, r.doc_id, "inherited", fam, int(r.n_evidence), int(chars[r.doc_id]), r.basis)
                )
        co = sorted(first.doc_id[first.relation != "inherited"])
        if 2 <= len(co) <= MAX_PAIRS_FAMILY:
            for i, a in enumerate(co):
                for b in co[i + 1 :]:
                    rows.append((a, b, "co-derived", fam, 0, int(min(chars[a], chars[b])), None))
    if not rows:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    df = pd.DataFrame(
        rows, columns=["source", "target", "relation", "family", "n_evidence", "n_chars", "basis"]
    )
    out = df.groupby(["source", "target", "relation"], as_index=False).agg(
        n_families=("family", "nunique"),
        n_evidence=("n_evidence", "sum"),
        n_chars=("n_chars", "sum"),
        basis=("basis", "first"),
    )
    return out[EDGE_COLUMNS].sort_values(["source", "target", "relation"], ignore_index=True)


def flow_table(corpus, families: Families, *, include_boilerplate: bool = False) -> pd.DataFrame:
    """How much of each plan was inherited (and from whom), co-derived, or its own.

    Characters are the skeleton characters of :func:`analysis.reuse.coverage_mask` (no
    punctuation or whitespace), the same count as :func:`analysis.reuse.reuse_share`, so a
    plan's inherited plus co-derived share never exceeds its reused share computed from the
    same passages. A character in an inherited span is not counted as co-derived.

    Returns
    -------
    DataFrame
        ``doc_id, source, relation, n_chars, share``: ``"inherited"`` rows per parent
        (``source``), one ``"co-derived"`` row (``source`` None) and one ``"own"`` row per plan.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> c = load_corpus()
    >>> f = flow_table(c, passage_families(c))
    >>> sorted(set(f.relation)), bool(f.groupby("doc_id").share.sum().round(9).eq(1).all())
    (['co-derived', 'own'], True)
    """
    from .reuse import Skeleton, coverage_mask

    mem, fams = families
    cols = ["doc_id", "source", "relation", "n_chars", "share"]
    if len(mem):
        keep = set(fams.family if include_boilerplate else fams.family[~fams.boilerplate.astype(bool)])
        mem = mem[mem.family.isin(keep)]
    rows = []
    for d, body in zip(corpus.documents.doc_id, corpus.documents.body):
        sk = Skeleton.of(body)
        total = len(sk.text)
        g = mem[mem.doc_id == d] if len(mem) else mem
        inherited_any = np.zeros(total, dtype=bool)
        inh = g[g.relation == "inherited"] if len(g) else g
        for src, gs in inh.groupby("parent", sort=True) if len(inh) else []:
            m = coverage_mask(sk, zip(gs.start, gs.end))
            inherited_any |= m
            rows.append((d, src, "inherited", int(m.sum()), total))
        co = coverage_mask(sk, zip(g.start, g.end)) if len(g) else np.zeros(total, dtype=bool)
        co &= ~inherited_any
        rows.append((d, None, "co-derived", int(co.sum()), total))
        rows.append((d, None, "own", int(total - co.sum() - inherited_any.sum()), total))
    out = pd.DataFrame(rows, columns=["doc_id", "source", "relation", "n_chars", "total"])
    out["share"] = out.n_chars / out.total.where(out.total > 0, 1)
    out = out[(out.n_chars > 0) | (out.relation == "own")]
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# province -> city uptake

UPTAKE_PROVINCE = ("taken up", "adapted", "absent")
UPTAKE_CITY = ("from province", "shared", "new")


def province_of(corpus, doc_id: str) -> str | None:
    """The provincial plan that ``doc_id`` (a city or county plan) can be read against.

    The plan whose ``level`` is province (or municipality) and whose ``region`` is the
    city's ``province``; of several, the latest one not after the city's year, else the
    earliest. None when there is none in the corpus.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> province_of(load_corpus(), "mianyang_2023")
    'sichuan_2021'
    """
    d = corpus.documents.set_index("doc_id")
    if doc_id not in d.index:
        raise KeyError(f"no plan {doc_id!r} in this corpus")
    prov = d.at[doc_id, "province"] if "province" in d else None
    if not isinstance(prov, str) or not prov:
        return None
    cand = d[(d.level.isin(["province", "municipality"])) & (d.region == prov) & (d.index != doc_id)]
    if cand.empty:
        return None
    year = d.at[doc_id, "year"]
    years = cand.year.astype("Float64")
    if pd.notna(year):
        before = cand[years <= year]
        if len(before):
            return str(before.assign(_y=before.year.astype(float)).sort_values(["_y"]).index[-1])
    return str(cand.assign(_y=years.fillna(9999)).sort_values("_y").index[0])


def _coverage(mask: np.ndarray, skeleton, start: int, end: int) -> float:
    """Share of the skeleton characters of body span ``start:end`` that ``mask`` covers."""
    lo, hi = np.searchsorted(skeleton.offsets, [start, end])
    return float(mask[lo:hi].mean()) if hi > lo else 0.0


#: Parts and blocks that never hold a plan's priorities.
NOT_PRIORITIES = ("glossary", "annex", "review", "summary", "cover", "trailer")


def priority_units(corpus, doc_id: str) -> pd.DataFrame:
    """The units a plan sets its priorities in: its items, or its sections where a section has no items.

    Items inside a glossary (名词解释), an annex (附件) or a review of past work are never
    priorities. A section with no item inside it (and no sub-section holding items) is a
    unit of its own: a government work report's ``（一）…（十）`` priorities often have no
    numbered items under them.

    Returns
    -------
    DataFrame
        ``doc_id, unit`` (``"item"`` or ``"section"``), ``unit_id`` (``i<item_no>`` or the
        section id), ``item_no`` (None for sections), ``section_no, path, text, start, end``.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> u = priority_units(load_corpus(), "sichuan_2021")
    >>> len(u), set(u.unit)
    (39, {'item'})
    """
    items = corpus.items[corpus.items.doc_id == doc_id]
    secs = corpus.sections[corpus.sections.doc_id == doc_id]
    if "part" in items:
        items = items[~items.part.isin(NOT_PRIORITIES)]
    if "part" in secs:
        secs = secs[~secs.part.isin(NOT_PRIORITIES)]
    blocks = corpus.blocks[(corpus.blocks.doc_id == doc_id) & corpus.blocks.kind.isin(NOT_PRIORITIES)]
    outside = list(zip(blocks.start, blocks.end))

    def kept(s: int, e: int) -> bool:
        return not any(bs <= s and e <= be for bs, be in outside)

    body = corpus.documents.body[corpus.documents.doc_id == doc_id].iloc[0]
    rows = []
    for r in items.itertuples():
        if kept(r.start, r.end):
            rows.append((doc_id, "item", f"i{int(r.item_no)}", int(r.item_no), r.section_no, r.path, r.text,
                         int(r.start), int(r.end)))  # fmt: skip
    # a section runs from its heading to the next heading of its level or above (``end`` is the heading's)
    starts = items.start.to_numpy()
    allsecs = corpus.sections[corpus.sections.doc_id == doc_id].sort_values("start")
    stop = min([len(body)] + [bs for bs, _ in outside if bs > (allsecs.start.min() if len(allsecs) else 0)])
    for r in secs.itertuples():
        after = allsecs[(allsecs.start > r.start) & (allsecs.level <= r.level)]
        end = int(min(after.start.min() if len(after) else stop, stop)) if r.start < stop else int(r.end)
        end = max(end, int(r.end))
        has_items = ((starts >= r.start) & (starts < end)).any()
        has_children = ((allsecs.start > r.start) & (allsecs.start < end) & (allsecs.level > r.level)).any()
        if not has_items and not has_children and kept(r.start, end):
            rows.append((doc_id, "section", r.section_id, None, r.section_no, r.path, body[r.start : end],
                         int(r.start), end))  # fmt: skip
    out = pd.DataFrame(rows, columns=["doc_id", "unit", "unit_id", "item_no", "section_no", "path", "text",
                                      "start", "end"])  # fmt: skip
    return out.sort_values("start", ignore_index=True)


def uptake(
    corpus,
    city: str,
    province: str | None = None,
    *,
    reuse: pd.DataFrame | None = None,
    taken_up: float = 0.5,
    min_coverage: float = 0.1,
    min_similarity: float = 0.35,
    phrases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What a city plan takes from its province's plan, priority by priority.

    The units compared are each plan's priorities (:func:`priority_units`): its items, or
    its sections where a section has no items (a government work report's ``（一）…``);
    glossaries, annexes and reviews of past work are never compared. Each province unit is ``"taken up"`` (at least ``taken_up`` of its characters are in
    passages reused in the city plan), ``"adapted"`` (some reuse, at least
    ``min_coverage``, or a city item with character-bigram TF-IDF cosine of at least
    ``min_similarity``) or ``"absent"``. Each city item is ``"from province"`` (by the same
    two tests against the province plan), ``"shared"`` (reused with another plan of the
    corpus) or ``"new"``. Boilerplate passages (shared formulae) are not counted.

    Parameters
    ----------
    corpus : Corpus
    city : str
        doc_id of the city (or county) plan.
    province : str, optional
        doc_id of the province plan; default :func:`province_of`.
    reuse : DataFrame, optional
        Output of :func:`analysis.reuse.find_reuse` (boilerplate excluded or flagged).
    phrases : DataFrame, optional
        Formulae that do not count as uptake, as :func:`analysis.reuse.boilerplate_phrases`
        returns them (e.g. with ``file=`` the genre's list, :mod:`analysis.genres`); default:
        those of the corpus plus the shipped Youth League list. Used when ``reuse`` is not given.

    Returns
    -------
    DataFrame
        ``side`` (``"province"``/``"city"``), ``doc_id, unit`` (``"item"``/``"section"``),
        ``unit_id, item_no, section_no, section, path, text, status, coverage, best_match``
        (unit_id of the most similar unit on the other side), ``best_similarity``.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> u = uptake(load_corpus(), "mianyang_2023")
    >>> u.groupby("side").doc_id.first().to_dict()
    {'city': 'mianyang_2023', 'province': 'sichuan_2021'}
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    province = province or province_of(corpus, city)
    if province is None:
        raise InsufficientDataError(
            f"no provincial plan for {city!r} in this corpus (set `province` in manifest.csv or pass province=)"
        )
    if reuse is None:
        from .reuse import find_reuse

        reuse = find_reuse(corpus, boilerplate="exclude", exclude_blocks=NOT_PRIORITIES, phrases=phrases)
    if "boilerplate" in reuse:
        reuse = reuse[~reuse.boilerplate.astype(bool)]
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    units = {d: priority_units(corpus, d) for d in (city, province)}
    if units[city].empty or units[province].empty:
        raise InsufficientDataError(
            f"uptake needs priorities (items or sections) in both plans ({city}, {province})"
        )
    secs = corpus.sections[corpus.sections.level == 1].set_index(["doc_id", "section_no"]).title

    from .reuse import Skeleton, coverage_mask

    skels = {d: Skeleton.of(bodies[d]) for d in (city, province)}

    def mask_for(doc: str, others: set[str]) -> np.ndarray:
        a = reuse[(reuse.doc_a == doc) & reuse.doc_b.isin(others)]
        b = reuse[(reuse.doc_b == doc) & reuse.doc_a.isin(others)]
        spans = list(zip(a.start_a, a.end_a)) + list(zip(b.start_b, b.end_b))
        return coverage_mask(skels[doc], spans)

    all_docs = set(bodies)
    masks = {
        (province, "pair"): mask_for(province, {city}),
        (city, "pair"): mask_for(city, {province}),
        (city, "other"): mask_for(city, all_docs - {city, province}),
    }
    pi, ci = units[province], units[city]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), token_pattern=None)
    x = vec.fit_transform(pd.concat([pi.text, ci.text]).str.replace(r"\s", "", regex=True))
    sim = (x[: len(pi)] @ x[len(pi) :].T).toarray()
    rows = []
    for side, df, doc, axis in (("province", pi, province, 1), ("city", ci, city, 0)):
        best_idx = sim.argmax(axis=axis)
        best_val = sim.max(axis=axis)
        other = ci if side == "province" else pi
        for k, r in enumerate(df.itertuples()):
            cov = _coverage(masks[(doc, "pair")], skels[doc], r.start, r.end)
            close = best_val[k] >= min_similarity
            if side == "province":
                status = (
                    "taken up"
                    if cov >= taken_up
                    else ("adapted" if cov >= min_coverage or close else "absent")
                )
            else:
                other_cov = _coverage(masks[(city, "other")], skels[city], r.start, r.end)
                status = (
                    "from province" if cov >= min_coverage or close
                    else ("shared" if other_cov >= min_coverage else "new")
                )  # fmt: skip
            sec = secs.get((doc, r.section_no)) if pd.notna(r.section_no) else None
            rows.append(
                {
                    "side": side,
                    "doc_id": doc,
                    "unit": r.unit,
                    "unit_id": r.unit_id,
                    "item_no": r.item_no,
                    "section_no": None if pd.isna(r.section_no) else int(r.section_no),
                    "section": sec,
                    "path": r.path,
                    "text": r.text,
                    "status": status,
                    "coverage": cov,
                    "best_match": other.unit_id.iat[best_idx[k]],
                    "best_similarity": float(best_val[k]),
                }
            )
    return pd.DataFrame(rows)
