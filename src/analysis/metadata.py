"""Inferring region and administrative level from an issuer or title (see :mod:`analysis.places`)."""

from __future__ import annotations

from .places import infer_place

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
