"""Policy diffusion: which passages travel between plans, in which direction, and what a
city takes from its province.

Pairs of reused passages (:func:`analysis.reuse.find_reuse`) are grouped into **passage
families**, as passim groups reprinted passages into clusters: two spans belong to the same
family when a reuse pair links them, or when they overlap in one plan. A passage that five
plans share is one family with five members, not ten pairs.

Within a family, each member's **parent** is the earlier (or, on the same date, the
higher-level) member whose copy of the passage is most similar to its own, following the
Legislative Influence Detector's reading of text reuse as inheritance. Members that no
other member precedes are the family's origins; members that cannot be ordered share the
passage laterally.

Dates are compared at the precision both plans have (a full issue date, else the plan's
year); administrative levels rank ``central > province = municipality > prefecture >
county > school = township``.

Examples
--------
>>> from analysis import load_corpus
>>> fam = passage_families(load_corpus())
>>> sorted(fam.members.columns)[:4]
['block', 'date', 'doc_id', 'end']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import InsufficientDataError
from .metadata import LEVEL_RANK

MEMBER_COLUMNS = ["family", "doc_id", "start", "end", "n_chars", "text", "date", "year", "level", "region",
                  "block", "parent", "relation", "similarity"]  # fmt: skip
FAMILY_COLUMNS = ["family", "size", "n_spans", "earliest", "origin", "origin_basis", "first_date",
                  "last_date", "levels", "boilerplate", "n_chars", "text"]  # fmt: skip
EDGE_COLUMNS = ["source", "target", "relation", "n_families", "n_chars", "similarity"]


class Families(NamedTuple):
    """Result of :func:`passage_families`: one row per member span, one row per family."""

    members: pd.DataFrame
    families: pd.DataFrame


# ---------------------------------------------------------------------------------------
# ordering plans in time and hierarchy


def plan_order(corpus) -> pd.DataFrame:
    """Date, precision and level rank of every plan, as used to order diffusion.

    Returns
    -------
    DataFrame
        ``doc_id, date`` (ISO string: the issue date, else the year), ``precision``
        (``"day"``, ``"year"`` or None), ``year, level, level_rank, region, province``.

    Examples
    --------
    >>> import pandas as pd
    >>> class C:  # any object with a ``documents`` table
    ...     documents = pd.DataFrame({"doc_id": ["a", "b"], "issued_date": ["2023-02-10", None],
    ...                               "year": [2023, 2021], "level": ["city", "province"],
    ...                               "region": ["x", "y"], "province": ["y", "y"]})
    >>> plan_order(C())[["doc_id", "date", "precision"]].values.tolist()
    [['a', '2023-02-10', 'day'], ['b', '2021', 'year']]
    """
    d = corpus.documents
    rows = []
    for r in d.itertuples():
        date, precision = None, None
        issued = getattr(r, "issued_date", None)
        year = getattr(r, "year", None)
        if isinstance(issued, str) and issued:
            date, precision = issued, "day"
        elif year is not None and not pd.isna(year):
            date, precision = f"{int(year)}", "year"
        level = getattr(r, "level", None)
        level = level if isinstance(level, str) else None
        rows.append(
            {
                "doc_id": r.doc_id,
                "date": date,
                "precision": precision,
                "year": None if year is None or pd.isna(year) else int(year),
                "level": level,
                "level_rank": LEVEL_RANK.get(level) if level else None,
                "region": getattr(r, "region", None),
                "province": getattr(r, "province", None),
            }
        )
    return pd.DataFrame(rows, columns=["doc_id", "date", "precision", "year", "level", "level_rank",
                                       "region", "province"])  # fmt: skip


def _compare(a: dict, b: dict) -> tuple[int, str | None]:
    """-1 if plan ``a`` precedes ``b``, 1 if it follows, 0 if they cannot be ordered; and the basis."""
    da, db = a["date"], b["date"]
    if da and db:
        n = min(len(da), len(db))
        if da[:n] != db[:n]:
            return (-1 if da[:n] < db[:n] else 1), "date"
    ra, rb = a["level_rank"], b["level_rank"]
    if ra is not None and rb is not None and ra != rb and (da is None or db is None or da[:4] == db[:4]):
        return (-1 if ra < rb else 1), "level"
    return 0, None


def _sort_key(info: dict) -> tuple:
    date = info["date"] or "9999"
    # a year-only date sorts after the dated plans of that year
    date = date if len(date) > 4 else f"{date}-99-99"
    rank = info["level_rank"] if info["level_rank"] is not None else 9
    return (date, rank)


# ---------------------------------------------------------------------------------------
# families


class _UnionFind:
    def __init__(self, n: int):
        self.parent = np.arange(n)

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _n_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def passage_families(
    corpus,
    reuse: pd.DataFrame | None = None,
    *,
    min_size: int = 2,
    min_overlap: float = 0.5,
    boilerplate: str = "include",
    exclude_blocks: Sequence[str] = ("cover", "trailer", "summary"),
    **reuse_params,
) -> Families:
    """Group reused passages shared by two or more plans into families.

    Parameters
    ----------
    corpus : Corpus
    reuse : DataFrame, optional
        Output of :func:`analysis.reuse.find_reuse` with ``boilerplate="include"``; by
        default it is computed (``exclude_blocks`` and ``reuse_params`` are passed on).
    min_size : int, default 2
        Minimum number of plans in a family.
    min_overlap : float, default 0.5
        Two spans in one plan join the same family when they overlap by at least this share
        of the shorter span.
    boilerplate : {"include", "exclude", "only"}
        Families made only of boilerplate passages (shared political formulae) are kept and
        flagged, dropped, or the only ones returned.

    Returns
    -------
    Families
        ``members``: one row per (family, plan, span) with ``family, doc_id, start, end``
        (offsets into ``documents.body``), ``n_chars, text, date, year, level, region,
        block``, ``parent`` (the member it most likely came from) and ``relation``
        (``"origin"``, ``"inherited"`` or ``"lateral"``) and ``similarity`` (rapidfuzz Indel
        similarity of the best reuse pair linking it to its parent). ``families``: one row per family
        with ``size`` (plans), ``n_spans``, ``earliest`` member, likely ``origin`` and
        ``origin_basis`` (``"date"``, ``"level"`` or ``"undetermined"``), ``first_date,
        last_date, levels, boilerplate, n_chars`` (median span) and the origin's ``text``.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> corpus = load_corpus()
    >>> fam = passage_families(corpus)
    >>> m = fam.members[fam.members.text.str.contains("体察国情")]
    >>> sorted(m.doc_id)
    ['chongqing_2023', 'guyuan_2023', 'mianyang_2023']
    """
    if boilerplate not in ("include", "exclude", "only"):
        raise ValueError("boilerplate must be 'include', 'exclude' or 'only'")
    if reuse is None:
        from .reuse import find_reuse

        reuse = find_reuse(corpus, boilerplate="include", exclude_blocks=exclude_blocks, **reuse_params)
    order = plan_order(corpus).set_index("doc_id")
    info = {d: order.loc[d].to_dict() for d in order.index}
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    if reuse.empty:
        return Families(pd.DataFrame(columns=MEMBER_COLUMNS), pd.DataFrame(columns=FAMILY_COLUMNS))

    # nodes: one per side of each reuse pair
    n = len(reuse)
    node_doc = np.concatenate([reuse.doc_a.to_numpy(), reuse.doc_b.to_numpy()])
    node_start = np.concatenate([reuse.start_a.to_numpy(), reuse.start_b.to_numpy()]).astype(np.int64)
    node_end = np.concatenate([reuse.end_a.to_numpy(), reuse.end_b.to_numpy()]).astype(np.int64)
    uf = _UnionFind(2 * n)
    for i in range(n):
        uf.union(i, n + i)
    # overlapping spans in one plan: sweep by start
    frame = pd.DataFrame({"doc": node_doc, "start": node_start, "end": node_end, "node": np.arange(2 * n)})
    for _, g in frame.sort_values(["doc", "start", "end"]).groupby("doc", sort=False):
        active: list[tuple[int, int, int]] = []  # (end, start, node)
        for s, e, node in zip(g.start, g.end, g.node):
            active = [a for a in active if a[0] > s]
            for ae, as_, anode in active:
                overlap = min(ae, e) - max(as_, s)
                if overlap > 0 and overlap >= min_overlap * min(ae - as_, e - s):
                    uf.union(node, anode)
            active.append((e, s, node))
    comp = np.array([uf.find(i) for i in range(2 * n)])
    frame["comp"] = comp
    pair_comp = comp[:n]
    is_bp = reuse["boilerplate"].to_numpy(bool) if "boilerplate" in reuse else np.zeros(n, bool)
    sims = reuse["similarity"].to_numpy(float)

    members, families = [], []
    groups = []
    for c, g in frame.groupby("comp"):
        spans = []
        for d, gd in g.sort_values(["doc", "start"]).groupby("doc", sort=True):
            cur = None
            for s, e in zip(gd.start, gd.end):
                if cur and s <= cur[1]:
                    cur[1] = max(cur[1], e)
                else:
                    if cur:
                        spans.append((d, *cur))
                    cur = [s, e]
            spans.append((d, *cur))
        docs = {s[0] for s in spans}
        if len(docs) < min_size:
            continue
        rows_c = np.flatnonzero(pair_comp == c)
        bp = bool(is_bp[rows_c].all())
        if (boilerplate == "exclude" and bp) or (boilerplate == "only" and not bp):
            continue
        groups.append((min((_sort_key(info[s[0]]), s[0], s[1]) for s in spans), c, spans, rows_c, bp))
    groups.sort(key=lambda x: x[0])

    for fam_no, (_, _c, spans, rows_c, bp) in enumerate(groups, start=1):
        docs = sorted({s[0] for s in spans}, key=lambda d: (_sort_key(info[d]), d))
        # best similarity between each pair of member plans within the family
        best: dict[tuple[str, str], float] = {}
        for i in rows_c:
            a, b = reuse.doc_a.iat[i], reuse.doc_b.iat[i]
            for key in ((a, b), (b, a)):
                best[key] = max(best.get(key, 0.0), sims[i])
        parent, relation = {}, {}
        for m in docs:
            earlier = [e for e in docs if e != m and _compare(info[e], info[m])[0] < 0]
            linked = [e for e in earlier if (e, m) in best]
            if earlier:
                # the most similar earlier copy; ties go to the latest (closest) one
                pool = linked or earlier
                parent[m] = max(pool, key=lambda e: (best.get((e, m), 0.0), _sort_key(info[e])))
                relation[m] = "inherited"
            else:
                parent[m] = None
                relation[m] = "origin"
        roots = [m for m in docs if relation[m] == "origin"]
        if len(roots) == 1:
            origin = roots[0]
            by_date = any(_compare(info[origin], info[m]) == (-1, "date") for m in docs if m != origin)
            basis = "date" if by_date else "level"
        else:  # several members precede all others but not each other: shared laterally
            origin, basis = None, "undetermined"
            for m in roots:
                relation[m] = "lateral"
        first = None
        for d, s, e in spans:
            text = bodies[d][s:e]
            it = info[d]
            members.append(
                {
                    "family": fam_no,
                    "doc_id": d,
                    "start": int(s),
                    "end": int(e),
                    "n_chars": _n_chars(text),
                    "text": text,
                    "date": it["date"],
                    "year": it["year"],
                    "level": it["level"],
                    "region": it["region"],
                    "block": None,
                    "parent": parent[d],
                    "relation": relation[d],
                    "similarity": best.get((parent[d], d), np.nan) if parent[d] else np.nan,
                }
            )
            if d == (origin or docs[0]) and first is None:
                first = text
        dated = [info[d]["date"] for d in docs if info[d]["date"]]
        families.append(
            {
                "family": fam_no,
                "size": len(docs),
                "n_spans": len(spans),
                "earliest": docs[0],
                "origin": origin,
                "origin_basis": basis,
                "first_date": min(dated) if dated else None,
                "last_date": max(dated) if dated else None,
                "levels": ",".join(sorted({info[d]["level"] or "?" for d in docs})),
                "boilerplate": bp,
                "n_chars": int(np.median([_n_chars(bodies[d][s:e]) for d, s, e in spans])),
                "text": first,
            }
        )
    mem = pd.DataFrame(members, columns=MEMBER_COLUMNS)
    if len(mem):
        mem["block"] = _block_at(corpus, mem)
    return Families(mem, pd.DataFrame(families, columns=FAMILY_COLUMNS))


def _block_at(corpus, members: pd.DataFrame) -> list[str | None]:
    blocks = corpus.blocks
    out = []
    by_doc = {d: g.sort_values("start") for d, g in blocks.groupby("doc_id")}
    for d, s in zip(members.doc_id, members.start):
        g = by_doc.get(d)
        if g is None:
            out.append(None)
            continue
        i = np.searchsorted(g.start.to_numpy(), s, side="right") - 1
        out.append(g.kind.iat[i] if i >= 0 else None)
    return out


# ---------------------------------------------------------------------------------------
# direction and flow


def diffusion_edges(families: Families, *, include_boilerplate: bool = False) -> pd.DataFrame:
    """Directed edges between plans: who inherited passages from whom, and lateral sharing.

    Parameters
    ----------
    families : Families
        Output of :func:`passage_families`.
    include_boilerplate : bool, default False
        Count families flagged as boilerplate (shared formulae) too.

    Returns
    -------
    DataFrame
        ``source, target, relation`` (``"inherited"``: the target's span most likely came
        from the source; ``"lateral"``: shared by plans that cannot be ordered, listed once
        with ``source < target``), ``n_families``, ``n_chars`` (characters of the target in
        those families) and ``similarity`` (mean of the best pair similarity, when known).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> e = diffusion_edges(passage_families(load_corpus()))
    >>> set(e.relation) <= {"inherited", "lateral"}
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
        for r in g.drop_duplicates("doc_id").itertuples():
            if r.relation == "inherited" and r.parent:
                rows.append((r.parent, r.doc_id, "inherited", fam, int(chars[r.doc_id]), r.similarity))
        lateral = sorted(g.doc_id[g.relation == "lateral"].unique())
        if lateral:
            for i, a in enumerate(lateral):
                for b in lateral[i + 1 :]:
                    rows.append((a, b, "lateral", fam, int(min(chars[a], chars[b])), np.nan))
    if not rows:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    df = pd.DataFrame(rows, columns=["source", "target", "relation", "family", "n_chars", "similarity"])
    out = df.groupby(["source", "target", "relation"], as_index=False).agg(
        n_families=("family", "nunique"), n_chars=("n_chars", "sum"), similarity=("similarity", "mean")
    )
    return out[EDGE_COLUMNS].sort_values(["source", "target", "relation"], ignore_index=True)


def flow_table(corpus, families: Families, *, include_boilerplate: bool = False) -> pd.DataFrame:
    """How much of each plan came from where: characters inherited per source, and shared laterally.

    Returns
    -------
    DataFrame
        ``doc_id, source, relation, n_chars, share`` where ``share`` is the share of the
        plan's non-whitespace characters; ``source`` is the parent plan for ``"inherited"``
        rows, the other plan for ``"lateral"`` rows, and ``"(given)"`` rows count the
        characters other plans inherited from this one. Characters are counted once per
        (plan, source) even when families overlap.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> c = load_corpus()
    >>> f = flow_table(c, passage_families(c))
    >>> bool((f.share <= 1).all())
    True
    """
    mem, fams = families
    cols = ["doc_id", "source", "relation", "n_chars", "share"]
    if mem.empty:
        return pd.DataFrame(columns=cols)
    keep = set(fams.family if include_boilerplate else fams.family[~fams.boilerplate.astype(bool)])
    mem = mem[mem.family.isin(keep)]
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    sizes = {d: _n_chars(b) for d, b in bodies.items()}
    masks: dict[tuple[str, str, str], np.ndarray] = {}
    for _fam, g in mem.groupby("family"):
        lateral_docs = set(g.doc_id[g.relation == "lateral"])
        for r in g.itertuples():
            targets = []
            if r.relation == "inherited" and r.parent:
                targets.append((r.doc_id, r.parent, "inherited"))
                targets.append((r.parent, "(given)", "given"))
            if r.doc_id in lateral_docs:
                targets += [(r.doc_id, o, "lateral") for o in sorted(lateral_docs - {r.doc_id})]
            for d, src, rel in targets:
                key = (d, src, rel)
                if key not in masks:
                    masks[key] = np.zeros(len(bodies[d]), dtype=bool)
                if d == r.doc_id:
                    masks[key][r.start : r.end] = True
                else:  # the parent's span(s) in this family
                    for s, e in zip(g.start[g.doc_id == d], g.end[g.doc_id == d]):
                        masks[key][s:e] = True
    rows = []
    for (d, src, rel), mask in sorted(masks.items()):
        body = bodies[d]
        n = int(sum(1 for i in np.flatnonzero(mask) if not body[i].isspace()))
        rows.append({"doc_id": d, "source": src, "relation": rel, "n_chars": n,
                     "share": n / sizes[d] if sizes[d] else 0.0})  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


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


def _coverage(mask: np.ndarray, body: str, start: int, end: int) -> float:
    idx = [i for i in range(start, end) if not body[i].isspace()]
    return float(mask[idx].mean()) if idx else 0.0


def uptake(
    corpus,
    city: str,
    province: str | None = None,
    *,
    reuse: pd.DataFrame | None = None,
    taken_up: float = 0.5,
    min_coverage: float = 0.1,
    min_similarity: float = 0.35,
) -> pd.DataFrame:
    """What a city plan takes from its province's plan, item by item.

    Each province item is ``"taken up"`` (at least ``taken_up`` of its characters are in
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

    Returns
    -------
    DataFrame
        ``side`` (``"province"``/``"city"``), ``doc_id, item_no, section_no, section,
        path, text, status, coverage, best_match`` (item_no of the most similar item on the
        other side), ``best_similarity``.

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

        reuse = find_reuse(corpus, boilerplate="exclude", exclude_blocks=("cover", "trailer", "summary"))
    if "boilerplate" in reuse:
        reuse = reuse[~reuse.boilerplate.astype(bool)]
    bodies = dict(zip(corpus.documents.doc_id, corpus.documents.body))
    items = corpus.items[corpus.items.doc_id.isin([city, province])]
    if "part" in items:
        items = items[items.part.fillna("plan") == "plan"]
    if items[items.doc_id == city].empty or items[items.doc_id == province].empty:
        raise InsufficientDataError(f"uptake needs numbered items in both plans ({city}, {province})")
    secs = corpus.sections[corpus.sections.level == 1].set_index(["doc_id", "section_no"]).title

    def mask_for(doc: str, others: set[str]) -> np.ndarray:
        m = np.zeros(len(bodies[doc]), dtype=bool)
        for r in reuse.itertuples():
            if r.doc_a == doc and r.doc_b in others:
                m[r.start_a : r.end_a] = True
            elif r.doc_b == doc and r.doc_a in others:
                m[r.start_b : r.end_b] = True
        return m

    all_docs = set(bodies)
    masks = {
        (province, "pair"): mask_for(province, {city}),
        (city, "pair"): mask_for(city, {province}),
        (city, "other"): mask_for(city, all_docs - {city, province}),
    }
    pi = items[items.doc_id == province].reset_index(drop=True)
    ci = items[items.doc_id == city].reset_index(drop=True)
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), token_pattern=None)
    x = vec.fit_transform(pd.concat([pi.text, ci.text]).str.replace(r"\s", "", regex=True))
    sim = (x[: len(pi)] @ x[len(pi) :].T).toarray()
    rows = []
    for side, df, doc, axis in (("province", pi, province, 1), ("city", ci, city, 0)):
        best_idx = sim.argmax(axis=axis)
        best_val = sim.max(axis=axis)
        other = ci if side == "province" else pi
        for k, r in enumerate(df.itertuples()):
            cov = _coverage(masks[(doc, "pair")], bodies[doc], r.start, r.end)
            close = best_val[k] >= min_similarity
            if side == "province":
                status = (
                    "taken up"
                    if cov >= taken_up
                    else ("adapted" if cov >= min_coverage or close else "absent")
                )
            else:
                other_cov = _coverage(masks[(city, "other")], bodies[city], r.start, r.end)
                status = (
                    "from province" if cov >= min_coverage or close
                    else ("shared" if other_cov >= min_coverage else "new")
                )  # fmt: skip
            sec = secs.get((doc, r.section_no)) if pd.notna(r.section_no) else None
            rows.append(
                {
                    "side": side,
                    "doc_id": doc,
                    "item_no": int(r.item_no),
                    "section_no": None if pd.isna(r.section_no) else int(r.section_no),
                    "section": sec,
                    "path": r.path,
                    "text": r.text,
                    "status": status,
                    "coverage": cov,
                    "best_match": int(other.item_no.iat[best_idx[k]]),
                    "best_similarity": float(best_val[k]),
                }
            )
    return pd.DataFrame(rows)
