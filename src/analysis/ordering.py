"""Ordering plans in time and along the chain of command: one rule for reuse and diffusion.

Two plans are ordered in time only when their dates say so **at the precision both have**:
a plan dated 2023-02-10 precedes one dated 2023-04-10; a plan known only by its year 2023
cannot be ordered against another plan of 2023, but a plan of 2021 precedes both.

Administrative level orders two plans only **along a line of authority**: the central plan
(团中央, level ``central``) over every other plan, and a provincial plan (level ``province``
or ``municipality``) over the plans of its own province (``province`` column equal to its
``region``) at a lower level. A municipality does not outrank a prefecture of another
province: neither has authority over it. Level never overrides dates: a plan issued later
cannot be the source of an earlier one.

Neither rule is evidence of copying on its own (:mod:`analysis.diffusion` asks the text for
that); they only say which of two related plans could have come first.

Examples
--------
>>> compare_dates("2023-02-10", "2023-04-10"), compare_dates("2023", "2023-04-10")
(-1, 0)
>>> prov = {"level": "province", "region": "四川", "province": "四川", "date": "2021"}
>>> city = {"level": "prefecture", "region": "绵阳", "province": "四川", "date": "2023"}
>>> other = {"level": "municipality", "region": "重庆", "province": "重庆", "date": "2023"}
>>> has_authority(prov, city), has_authority(other, city)
(True, False)
>>> precedes(other, city), precedes(prov, city)
((False, None), (True, 'date'))
"""

from __future__ import annotations

import math
from typing import Any

from .metadata import LEVEL_RANK

#: Levels that head a province-level chain of command.
PROVINCE_LEVELS = ("province", "municipality")


def _text(value: Any) -> str | None:
    """A non-empty string, or None for None, NaN, pd.NA and empty strings."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def date_key(issued_date: Any = None, year: Any = None) -> str | None:
    """The date a plan is ordered by: its issue date (``YYYY-MM-DD``), else its year, else None.

    Missing values (None, NaN, ``pd.NA``, "") are missing, never a date.

    Examples
    --------
    >>> date_key("2023-02-10", 2023), date_key(float("nan"), 2021.0), date_key(None, None)
    ('2023-02-10', '2021', None)
    """
    issued = _text(issued_date)
    if issued:
        return issued
    y = _text(year)
    if y is None:
        return None
    try:
        return f"{int(float(y))}"
    except ValueError:
        return None


def compare_dates(ka: str | None, kb: str | None) -> int:
    """-1 if date ``ka`` is before ``kb``, 1 if after, 0 if unknown or equal at the common precision.

    Examples
    --------
    >>> compare_dates("2021", "2023-01-05"), compare_dates("2023-03", "2023-03-01"), compare_dates(None, "2023")
    (-1, 0, 0)
    """
    if not ka or not kb:
        return 0
    n = min(len(ka), len(kb))
    if ka[:n] == kb[:n]:
        return 0
    return -1 if ka[:n] < kb[:n] else 1


def has_authority(a: dict, b: dict) -> bool:
    """Whether plan ``a`` stands above plan ``b`` in a line of authority.

    ``a`` and ``b`` are mappings with ``level``, ``region`` and ``province``. The central
    plan is above every non-central plan; a province-level plan is above the lower-level
    plans whose ``province`` is its ``region``. Nothing else: no authority across provinces.
    """
    la, lb = _text(a.get("level")), _text(b.get("level"))
    if la is None or lb is None:
        return False
    if la == "central":
        return lb != "central"
    if la in PROVINCE_LEVELS:
        ra, pb = _text(a.get("region")), _text(b.get("province"))
        rank_a, rank_b = LEVEL_RANK.get(la), LEVEL_RANK.get(lb)
        if ra is None or pb is None or rank_a is None or rank_b is None:
            return False
        return pb == ra and rank_b > rank_a
    return False


def precedes(a: dict, b: dict) -> tuple[bool, str | None]:
    """Whether plan ``a`` could have come before plan ``b``, and on what basis.

    ``(True, "date")`` when ``a``'s date is earlier at the precision both have;
    ``(True, "authority")`` when the dates do not order them (equal at that precision or
    missing) and ``a`` is above ``b`` in a line of authority (:func:`has_authority`);
    ``(False, None)`` otherwise, and always when ``a``'s date is later.
    ``a`` and ``b`` carry ``date`` (see :func:`date_key`), ``level``, ``region``, ``province``.
    """
    c = compare_dates(_text(a.get("date")), _text(b.get("date")))
    if c < 0:
        return True, "date"
    if c > 0:
        return False, None
    if has_authority(a, b):
        return True, "authority"
    return False, None


def sort_key(info: dict) -> tuple:
    """A total order for display and tie-breaking: date (year-only after the dated plans of that year), level.

    Missing dates sort last. This order is never evidence of direction.

    Examples
    --------
    >>> sorted([{"date": "2023"}, {"date": None}, {"date": "2023-02-10"}], key=sort_key)
    [{'date': '2023-02-10'}, {'date': '2023'}, {'date': None}]
    """
    date = _text(info.get("date")) or "9999"
    date = date if len(date) > 4 else f"{date}-99-99"
    rank = LEVEL_RANK.get(_text(info.get("level")) or "", 9)
    return (date, rank)
