"""China's administrative divisions (GB/T 2260 codes): place names, and places in issuer names.

The list is ``data/divisions.csv`` (see ``data/divisions.md`` for its source). It serves two
jobs: inferring a plan's region, province and administrative level from its issuer or title,
checked against real division names (never guessed from title words), and flagging place
names among tokens so that keyness can leave them out.

Examples
--------
>>> infer_place("共青团绵阳市委员会").region, infer_place("共青团绵阳市委员会").province
('绵阳', '四川')
>>> infer_place("2023年学校团委工作计划").region is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from .segment import DATA

DIVISIONS_FILE = DATA / "divisions.csv"
#: Prefixes of issuers that are not part of the place name.
_ISSUER_PREFIX = re.compile(r"^(?:中国共产主义青年团|共青团|中共|团)")
#: What may follow a place's short name at the start of an issuer or title (固原共青团, 北京团市委 …).
_AFTER_SHORT = re.compile(r"^(?:共青团|团|青年|市|省|县|区|州|盟|旗|妇联|教育|\d|[二〇零一]{4}|20)")
_SCHOOL = re.compile(r"大学|学院|学校|中学|小学|职校|技校|附中")
_TOWNSHIP = re.compile(r"街道|乡|镇|社区|村")
#: Central bodies (ministries, national organisations).
_CENTRAL = re.compile(
    r"^(?:团中央|共青团中央|中共中央|中央|国务院|全国妇联|中华全国|教育部|民政部|人力资源和社会保障部|国家[\u4e00-\u9fff]{1,6}(?:局|委))"
)
#: An anonymised or generic place before an issuer (XX区委, 某县, ××市): the level is known, the place is not.
_MASKED = re.compile(r"^(?:[Xx×*＊某]{1,4}|[Xx×*＊某]{0,4})(省|市|州|县|区|旗|街道|乡|镇|村|社区)")
#: Division names that are also ordinary words (城区 "urban area", 郊区 "suburbs"): not flagged as places.
GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市中区", "城关", "河东", "河西", "开发区"})
LEVEL_OF = {
    "province": "province",
    "municipality": "municipality",
    "prefecture": "prefecture",
    "county": "county",
}


class Place(NamedTuple):
    """A place found in an issuer name or title."""

    region: str | None
    province: str | None
    level: str | None
    code: str | None


@lru_cache(maxsize=1)
def divisions() -> pd.DataFrame:
    """The division list: ``code, name, short, level, province, parent`` (3,200 rows).

    Examples
    --------
    >>> d = divisions().set_index("name")
    >>> d.loc["固原市", ["code", "level", "province"]].tolist()
    ['640400', 'prefecture', '宁夏']
    """
    return pd.read_csv(DIVISIONS_FILE, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[dict]], dict[str, list[dict]], int]:
    full: dict[str, list[dict]] = {}
    short: dict[str, list[dict]] = {}
    for r in divisions().to_dict("records"):
        full.setdefault(r["name"], []).append(r)
        if r["short"]:
            short.setdefault(r["short"], []).append(r)
    longest = max(len(k) for k in full)
    return full, short, longest


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every division's full name and its short form (重庆市, 重庆, 涪城区, 涪城 …).

    Examples
    --------
    >>> {"重庆", "重庆市", "固原", "涪城区"} <= place_names(), "发展" in place_names()
    (True, False)
    """
    d = divisions()
    return frozenset((set(d.name) | set(d.short[d.short != ""])) - GENERIC_NAMES)


def flag_places(tokens: pd.DataFrame, column: str = "token") -> pd.DataFrame:
    """A copy of a tokens table with a boolean ``place`` column: the token is a division name.

    Examples
    --------
    >>> import pandas as pd
    >>> flag_places(pd.DataFrame({"token": ["重庆", "青年", "绵阳市"]})).place.tolist()
    [True, False, True]
    """
    out = tokens.copy()
    out["place"] = out[column].isin(place_names())
    return out


def _match(text: str, parent: dict | None) -> tuple[dict | None, int, bool]:
    """The division at the start of ``text`` (longest full name, else a short name in context).

    Returns the row, the length matched and whether the match is ambiguous.
    """
    full, short, longest = _index()

    def pick(rows: list[dict]) -> tuple[dict | None, bool]:
        if parent is not None:
            inside = [r for r in rows if r["code"].startswith(_prefix(parent))]
            if inside:
                rows = inside
        return rows[0], len({r["code"] for r in rows}) > 1

    for n in range(min(longest, len(text)), 1, -1):
        if text[:n] in full:
            row, ambiguous = pick(full[text[:n]])
            return row, n, ambiguous
    for n in range(min(8, len(text)), 1, -1):
        if text[:n] in short and (n == len(text) or _AFTER_SHORT.match(text[n:])):
            row, ambiguous = pick(short[text[:n]])
            return row, n, ambiguous
    return None, 0, False


def _prefix(row: dict) -> str:
    code = row["code"]
    return code[:2] if row["level"] in ("province", "municipality") else code[:4]


def infer_place(name: str | None) -> Place:
    """Region, province, level and division code from an issuer name or a plan title.

    The name is read from its start (after 共青团/团/中共): nested divisions are followed
    (四川省绵阳市涪城区 → 涪城, county), and a short name counts only where an issuer would
    continue it (固原共青团, 北京团市委). A name shared by divisions in several provinces
    (朝阳) gives the region but no province or code. Schools (大学/学院/学校/中学) and
    townships (街道/乡/镇) get their level, with the region only if a division is named.
    Nothing is guessed from other words: unknown stays None.

    Examples
    --------
    >>> infer_place("共青团四川省委")
    Place(region='四川', province='四川', level='province', code='510000')
    >>> infer_place("固原市共青团2023年工作要点")
    Place(region='固原', province='宁夏', level='prefecture', code='640400')
    >>> infer_place("共青团成都市武侯区委员会")
    Place(region='武侯', province='四川', level='county', code='510107')
    >>> infer_place("团市委2023年工作要点")
    Place(region=None, province=None, level='prefecture', code=None)
    >>> infer_place("北京大学团委2023年工作要点")  # a name, not a place: region left missing
    Place(region=None, province=None, level='school', code=None)
    >>> infer_place("绵阳市南山中学团委")
    Place(region='绵阳', province='四川', level='school', code='510700')
    """
    if not name:
        return Place(None, None, None, None)
    n = re.sub(r"\s+", "", name)
    n = re.sub(
        r"^(?:(?:19|20)\d{2}|[Xx×]{2,4}|20[xX]{2})\s*(?:年度?|学年)?", "", n
    )  # a title that opens with its year
    if "团中央" in n or _CENTRAL.match(n):
        return Place("中央", None, "central", None)
    n = _ISSUER_PREFIX.sub("", n)
    found, ambiguous, rest = None, False, n
    while True:
        row, length, amb = _match(rest, found)
        if row is None:
            break
        found, ambiguous, rest = row, amb, rest[length:]
    school = _SCHOOL.search(n)
    township = _TOWNSHIP.search(rest[:6]) if found is not None else None
    if found is None:
        level = None
        masked = _MASKED.match(n)
        if school:
            level = "school"
        elif masked:
            level = {"省": "province", "市": "prefecture", "州": "prefecture", "县": "county", "区": "county",
                     "旗": "county"}.get(masked.group(1), "township")  # fmt: skip
        elif n.startswith(("市委", "市")):
            level = "prefecture"
        elif n.startswith(("省委", "省")):
            level = "province"
        elif re.match(r"^(?:县|区)委", n):
            level = "county"
        return Place(None, None, level, None)
    level = LEVEL_OF[found["level"]]
    if school:
        level = "school"
    elif township:
        level = "township"
    region = found["short"] or found["name"]
    if ambiguous:
        return Place(region, None, level, None)
    return Place(region, found["province"] or None, level, found["code"])


def place_by_name(name: str | None) -> Place | None:
    """The division whose full name is exactly ``name`` (四川省, 甘孜藏族自治州), else None.

    Used for folder names: a path component is taken as a place only when it is exactly one
    division's full name (a name shared by several divisions gives the region without a code).

    Examples
    --------
    >>> place_by_name("四川省")
    Place(region='四川', province='四川', level='province', code='510000')
    >>> place_by_name("固原市").level, place_by_name("政府工作报告-省自治区")
    ('prefecture', None)
    """
    if not name:
        return None
    full, _short, _longest = _index()
    rows = full.get(name.strip())
    if not rows:
        return None
    row = rows[0]
    region = row["short"] or row["name"]
    if len({r["code"] for r in rows}) > 1:
        levels = {r["level"] for r in rows}
        return Place(region, None, LEVEL_OF[row["level"]] if len(levels) == 1 else None, None)
    return Place(region, row["province"] or None, LEVEL_OF[row["level"]], row["code"])
