"""Policy entities: programme and brand names, cited documents, quantitative targets."""

from __future__ import annotations

import re

import pandas as pd

from .structure import locate

_QUOTED = re.compile(r"“([^“”\n]{2,30})”")
_CITED = re.compile(r"《([^《》\n]{2,60})》")
_NUMBER = r"(\d+(?:\.\d+)?)\s*(万|亿)?"
UNITS = (
    "人次|场次|余人|余名|个|名|人|场|次|项|家|所|支|期|批|条|户|村|处|元|门|间|座|套|本|份|部|组|队|"
    "小时|天|%|％"
)
_TARGET = re.compile(
    rf"(不少于|不低于|超过|达到|稳定在|力争|累计|新增|新建|覆盖)?\s*{_NUMBER}\s*({UNITS})\s*(以上|左右|以内|次以上)?"
)
_CLAUSE_END = "，。；：！？、\n"


_LOCATION = ["block", "section_id", "item_no", "region", "path", "section_no"]


def _with_location(corpus, rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows with the block, section and item of their ``start``; typed and empty without rows."""
    if not rows:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, *_LOCATION]})
        return empty.astype(
            {"start": int, "end": int, "item_no": "Int64", "section_no": "Int64"}, errors="ignore"
        )
    df = pd.DataFrame(rows)
    parts = []
    regions = corpus.documents.set_index("doc_id").region
    items = corpus.items.set_index(["doc_id", "item_no"]).path
    sections = corpus.sections.set_index(["doc_id", "section_id"]).section_no
    for doc_id, g in df.groupby("doc_id", sort=False):
        loc = locate(corpus, doc_id, g.start.to_numpy())
        g = g.reset_index(drop=True).join(loc)
        g["region"] = regions[doc_id]
        g["path"] = [items.get((doc_id, i)) if pd.notna(i) else None for i in g.item_no]
        g["section_no"] = [sections.get((doc_id, s)) if isinstance(s, str) else None for s in g.section_id]
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out["item_no"] = out.item_no.astype("Int64")
    out["section_no"] = out.section_no.astype("Int64")
    return out


def _plan_only(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return df
    return df[~df.block.isin(["cover", "trailer"])].reset_index(drop=True)


#: Numbered political formulae (两个维护, 四个意识, 三个务必) and plan periods (十四五).
_FORMULA = re.compile(r"^(?:[一二两三四五六七八九十]+个[\u4e00-\u9fff]{2,4}|十[一二三四五六七八九]五)$")


def is_slogan(name: str, phrases: frozenset[str] | None = None) -> bool:
    """Whether a quoted name is a political slogan rather than a programme.

    A slogan is a numbered formula (两个维护, 四个意识, 十四五) or a term quoted inside the
    boilerplate list that reuse uses (``data/boilerplate.txt``, :func:`analysis.reuse.read_phrases`).

    Examples
    --------
    >>> [is_slogan(x) for x in ["两个维护", "十四五", "两个确立", "青马工程", "三下乡"]]
    [True, True, True, False, False]
    """
    if _FORMULA.match(name):
        return True
    return name in (phrases if phrases is not None else _boilerplate_quoted())


def _boilerplate_quoted() -> frozenset[str]:
    from .reuse import read_phrases

    return frozenset(q for p in read_phrases() for q in re.findall(r"“([^”]+)”", p))


def programmes(corpus, *, include_cover: bool = False, exclude_slogans: bool = True) -> pd.DataFrame:
    """Programme and brand names in Chinese quotation marks “…”.

    Parameters
    ----------
    include_cover : bool, default False
        Also names in cover notices and trailers.
    exclude_slogans : bool, default True
        Leave out political slogans (:func:`is_slogan`: 两个维护, 四个意识, 十四五 and the
        terms quoted in the boilerplate list); their number is in ``attrs["n_slogans"]``.

    Returns
    -------
    DataFrame
        ``doc_id, region, name, start, end, block, section_no, item_no, path`` (offsets
        into ``documents.body``), one row per occurrence.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> "青马工程" in set(programmes(load_corpus()).name)
    True
    """
    rows = [
        {"doc_id": d.doc_id, "name": m.group(1), "start": m.start(1), "end": m.end(1)}
        for d in corpus.documents.itertuples()
        for m in _QUOTED.finditer(d.body)
    ]
    df = _with_location(corpus, rows, ["doc_id", "name", "start", "end"])
    df = df if include_cover else _plan_only(df)
    n_slogans = 0
    if exclude_slogans and len(df):
        quoted = _boilerplate_quoted()
        slogan = df.name.map(lambda n: is_slogan(n, quoted)).astype(bool)
        n_slogans = int(slogan.sum())
        df = df[~slogan].reset_index(drop=True)
    df.attrs["n_slogans"] = n_slogans
    return df


def cited_documents(corpus, *, include_cover: bool = False) -> pd.DataFrame:
    """Documents cited by title in 《…》 (laws, plans, speeches, books), one row per citation."""
    rows = [
        {"doc_id": d.doc_id, "title": m.group(1).strip(), "start": m.start(1), "end": m.end(1)}
        for d in corpus.documents.itertuples()
        for m in _CITED.finditer(d.body)
    ]
    df = _with_location(corpus, rows, ["doc_id", "title", "start", "end"])
    return df if include_cover else _plan_only(df)


def targets(corpus) -> pd.DataFrame:
    """Quantitative targets: a number with its unit, qualifier and the clause around it.

    Finds 新建青少年心理健康实践阵地40个, 为500名大学生提供实习岗位, 稳定在95%以上,
    不少于1000名 … Years, dates, ordinals (第…), anniversaries (周年) and 文号 are not
    targets, because their units (年, 月, 日, 届, 周年, 号) are not in :data:`UNITS`.

    Returns
    -------
    DataFrame
        ``doc_id, region, value`` (float, 万/亿 applied), ``number, unit, qualifier,
        text`` (the match), ``clause`` (text between punctuation marks), ``start, end, block,
        section_no, item_no, path``.
    """
    rows = []
    for d in corpus.documents.itertuples():
        body = d.body
        for m in _TARGET.finditer(body):
            pre, num, mult, unit, post = m.groups()
            s = m.start(2) if not pre else m.start(1)
            if s > 0 and (body[s - 1].isdigit() or body[s - 1] in "第〔[" or body[s - 1 : s] == "."):
                continue
            if unit in ("个", "项", "次") and body[m.end() : m.end() + 1] in ("月", "季", "年"):
                continue  # "3个月", "两个维护"-style durations or formulae
            value = float(num) * {"万": 1e4, "亿": 1e8}.get(mult or "", 1)
            a = max((body.rfind(c, 0, s) for c in _CLAUSE_END), default=-1) + 1
            ends = [i for i in (body.find(c, m.end()) for c in _CLAUSE_END) if i != -1]
            b = min(ends) if ends else len(body)
            rows.append(
                {
                    "doc_id": d.doc_id,
                    "value": value,
                    "number": num + (mult or ""),
                    "unit": unit,
                    "qualifier": "".join(x for x in (pre, post) if x) or None,
                    "text": body[s : m.end()],
                    "clause": body[a:b],
                    "start": s,
                    "end": m.end(),
                }  # fmt: skip
            )
    return _plan_only(
        _with_location(
            corpus, rows, ["doc_id", "value", "number", "unit", "qualifier", "text", "clause", "start", "end"]
        )
    )


def shared(table: pd.DataFrame, column: str, by: str = "region") -> pd.DataFrame:
    """Which entities are shared by which groups, and which are unique to one.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`programmes` (column ``"name"``) or :func:`cited_documents`
        (``"title"``).
    column : str
        The entity column.
    by : str
        The grouping column (``"region"`` or ``"doc_id"``).

    Returns
    -------
    DataFrame
        One row per entity: a 0/1 column per group (occurrence counts), ``n_groups``,
        ``groups`` (comma-separated) and ``unique_to`` (the group if only one has it),
        sorted by ``n_groups`` then total count.
    """
    if table.empty:
        return pd.DataFrame(columns=[column, "n_groups", "groups", "unique_to"])
    counts = pd.crosstab(table[column], table[by])
    out = counts.copy()
    out["n_groups"] = (counts > 0).sum(axis=1)
    out["total"] = counts.sum(axis=1)
    out["groups"] = [",".join(str(c) for c in counts.columns if row[c] > 0) for _, row in counts.iterrows()]
    out["unique_to"] = [g if n == 1 else None for g, n in zip(out.groups, out.n_groups)]
    out = out.reset_index().sort_values(
        ["n_groups", "total", column], ascending=[False, False, True], ignore_index=True
    )
    out.columns.name = None
    return out
