"""The exceptions this library raises on purpose, and a guard for notebooks.

Every error a user can cause (a bad file, a bad manifest, a corpus too small for an
analysis) is an :class:`AnalysisError`, with a message of one sentence that names the
file or the missing data. Anything else is a bug.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


class AnalysisError(Exception):
    """Base class of the errors this library raises on purpose (bad input, not bugs)."""


class ManifestError(AnalysisError, ValueError):
    """A ``manifest.csv`` that cannot be used; the message names the file, row and column."""


class InsufficientDataError(AnalysisError, ValueError):
    """The corpus is too small or has no structure for an analysis.

    Examples
    --------
    >>> require(1, 2, "keyness", "group")
    Traceback (most recent call last):
    ...
    analysis.errors.InsufficientDataError: keyness needs at least two groups; this corpus has one
    """


_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _plural(unit: str) -> str:
    first, _, rest = unit.partition(" ")
    return f"{first}s {rest}".strip()


def require(have: int, need: int, what: str, unit: str = "plan") -> None:
    """Raise :class:`InsufficientDataError` unless ``have >= need``.

    The message is one sentence: ``"<what> needs at least <need> <unit>s; this corpus has
    <have>"``. ``unit`` is singular; its first word takes the plural ``s``.

    Examples
    --------
    >>> require(5, 2, "similarity")  # enough: nothing happens
    >>> require(0, 1, "the section profile", "plan with numbered sections")
    Traceback (most recent call last):
    ...
    analysis.errors.InsufficientDataError: the section profile needs at least one plan with numbered sections; this corpus has none
    """
    if have < need:
        has = _WORDS.get(have, str(have)) if have else "none"
        units = unit if need == 1 else _plural(unit)
        raise InsufficientDataError(
            f"{what} needs at least {_WORDS.get(need, need)} {units}; this corpus has {has}"
        )


@contextlib.contextmanager
def skip_if_insufficient(what: str) -> Iterator[None]:
    """Run a block of a notebook; if the corpus is too small for it, say so and go on.

    Only :class:`InsufficientDataError` is caught; every other error still stops the
    notebook. The printed line starts with ``Skipped`` so a reader sees what was not
    computed and why.

    Examples
    --------
    >>> with skip_if_insufficient("Keyness figure"):
    ...     require(1, 2, "keyness", "group")
    Skipped Keyness figure: keyness needs at least two groups; this corpus has one.
    >>> with skip_if_insufficient("Nothing missing"):
    ...     x = 1
    >>> x
    1
    """
    try:
        yield
    except InsufficientDataError as exc:
        print(f"Skipped {what}: {exc}.", file=sys.stdout)
