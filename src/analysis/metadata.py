"""Inferring region and administrative level from an issuer or title (see :mod:`analysis.places`)."""

from __future__ import annotations

import re

from .places import infer_place, place_by_name

LEVELS = ("central", "province", "municipality", "prefecture", "county", "school", "township")
#: Rank of administrative levels: lower is higher in the hierarchy (municipalities are province-level).
LEVEL_RANK: dict[str, int] = {
    "central": 0,
    "province": 1,
    "municipality": 1,
    "prefecture": 2,
    "county": 3,
    "school": 4,
    "township": 4,
}


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
    place = infer_place(name)
    return place.region, place.level


_YEAR_COMPONENT = re.compile(r"(?:19|20)\d{2}")


def _template_regex(template: str) -> re.Pattern[str]:
    """``{collection}/{region}/{year}.md`` as a regex with one named group per field."""
    out, pos = [], 0
    for m in re.finditer(r"\{([A-Za-z_]\w*)\}", template):
        out.append(re.escape(template[pos : m.start()]))
        out.append(f"(?P<{m.group(1)}>[^/]+?)")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out))


def path_metadata(rel_path: str, template: str | None = None) -> dict:
    """Metadata from a file's path relative to the corpus folder.

    Without a template, a folder name or file stem is used only when it is exactly a
    division's full name (GB/T 2260: ``四川省``, ``甘孜藏族自治州``) or a year (``2023``);
    with ``template`` (``"{collection}/{region}/{year}.md"``), the named fields of a
    matching path are taken (``region`` is then looked up among the divisions, ``year``
    must be a year; other fields are kept as they are). The deepest place wins.

    Parameters
    ----------
    rel_path : str
        Path relative to the corpus folder, with ``/`` separators.
    template : str, optional
        A path pattern with ``{field}`` placeholders; a path that does not match it gives
        the automatic reading only.

    Returns
    -------
    dict
        Any of ``region, province, level, division_code, year`` and ``fields`` (every
        template field as written); empty when the path says nothing.

    Examples
    --------
    >>> path_metadata("政府工作报告-省自治区/四川省/2023.md")["region"]
    '四川'
    >>> path_metadata("政府工作报告-省自治区/四川省/2023.md")["year"]
    2023
    >>> path_metadata("reports/doc001.md")
    {}
    >>> m = path_metadata("gov/Sichuan/2019.md", "{collection}/{region}/{year}.md")
    >>> m["year"], m["fields"]["collection"], "region" in m
    (2019, 'gov', False)
    """
    out: dict = {}
    parts = rel_path.split("/")
    stems = [*parts[:-1], parts[-1].rsplit(".", 1)[0]]
    for comp in stems:
        place = place_by_name(comp)
        if place is not None:
            out.update({"region": place.region, "province": place.province, "level": place.level,
                        "division_code": place.code})  # fmt: skip
        elif _YEAR_COMPONENT.fullmatch(comp):
            out["year"] = int(comp)
    if template:
        m = _template_regex(template).fullmatch(rel_path)
        if m:
            fields = {k: v for k, v in m.groupdict().items()}
            out["fields"] = fields
            if "year" in fields:
                if _YEAR_COMPONENT.fullmatch(fields["year"]):
                    out["year"] = int(fields["year"])
            if "region" in fields:
                place = place_by_name(fields["region"]) or infer_place(fields["region"])
                if place.region:
                    out.update({"region": place.region, "province": place.province, "level": place.level,
                                "division_code": place.code})  # fmt: skip
    return out
