"""Inferring region and administrative level from an issuer or title (see :mod:`analysis.places`)."""

from __future__ import annotations

from .places import infer_place

LEVELS = ("central", "province", "municipality", "prefecture", "county", "school", "township")


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
