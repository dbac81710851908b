"""Comparative text analytics for Chinese policy documents (工作要点 and similar plans).

>>> from analysis import load_corpus
>>> corpus = load_corpus()  # the five seed plans in data/raw, cached in data/processed
>>> len(corpus.plan_ids)
5
"""

from .corpus import Corpus, CorpusWarning, build_corpus, load_corpus
from .io import PlanReadError

__all__ = ["Corpus", "CorpusWarning", "PlanReadError", "build_corpus", "load_corpus"]
__version__ = "0.1.0"
