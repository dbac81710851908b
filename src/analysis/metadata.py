"""Inferring region and administrative level from an issuer or title."""

from __future__ import annotations

import re

MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
PROVINCES = (
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip
LEVELS = ("central", "province", "municipality", "prefecture", "county", "school", "township")

_STRIP = re.compile(r"^(?:中国共产主义青年团|共青团|团)")
_CITY = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(?:市|州|盟|地区)")
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(?:县|区|旗)")


def infer_region_level(name: str | None) -> tuple[str | None, str | None]:
    """Region (in Chinese) and administrative level from an issuer or title.

    Parameters
    ----------
    name : str or None
        An issuing body (共青团四川省委) or a plan title (固原市共青团2023年工作要点).

    Returns
    -------
    (region, level) : tuple
        ``level`` is one of :data:`LEVELS`; either may be None when the name
        does not say (an anonymised 团市委, say).

    Examples
    --------
    >>> infer_region_level("共青团四川省委")
    ('四川', 'province')
    >>> infer_region_level("共青团北京市委办公室")
    ('北京', 'municipality')
    >>> infer_region_level("固原市共青团2023年工作要点")
    ('固原', 'prefecture')
    >>> infer_region_level("团市委")
    (None, 'prefecture')
    """
    if not name:
        return None, None
    n = re.sub(r"\s+", "", name)
    if "团中央" in n or n.startswith("共青团中央"):
        return "中央", "central"
    n = _STRIP.sub("", n)
    for m in MUNICIPALITIES:
        if n.startswith(m):
            return m, "municipality"
    for p in PROVINCES:
        if n.startswith(p):
            rest = n[len(p) :]
            if rest.startswith(("省", "自治区", "壮族", "回族", "维吾尔")) or not _CITY.match(rest):
                return p, "province"
    if re.search(r"大学|学院|学校|中学", n):
        m = re.match(r"(.+?(?:大学|学院|学校|中学))", n)
        return (m.group(1) if m else None), "school"
    m = _CITY.match(n)
    if m:
        return m.group(1), "prefecture"
    m = _COUNTY.match(n)
    if m:
        return m.group(1), "county"
    if n.startswith(("市委", "市")):
        return None, "prefecture"
    if n.startswith(("省委", "省")):
        return None, "province"
    if re.match(r"^(?:县|区)委", n):
        return None, "county"
    return None, None
