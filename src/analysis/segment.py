"""Word segmentation for policy text: jieba plus a domain lexicon and terms found in the corpus.

A general dictionary splits the fixed vocabulary of League plans (两个确立, 青年大学习,
青马工程, 西部计划 …). :class:`Segmenter` wraps its own ``jieba.Tokenizer`` (no global
state) and adds, in this order:

1. the curated lexicon ``data/policy_lexicon.txt`` (``word freq pos``, UTF-8; BOM and CRLF
   tolerated);
2. names quoted in the corpus (“…”) and short cited titles (《…》);
3. frequent character sequences that jieba splits but that hold together
   (cohesion by pointwise mutual information, and free boundaries by left/right
   neighbour entropy; :func:`discover_terms`).

:meth:`Segmenter.report` lists every added term with its source and how often it
occurs, so a researcher can review the additions.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .patterns import CJK

DATA = Path(__file__).with_name("data")
LEXICON = DATA / "policy_lexicon.txt"
#: A lexicon argument: one jieba user dictionary, several read in order, or None.
LexiconArg = str | Path | Sequence[str | Path] | None
STOPWORDS = DATA / "stopwords_zh.txt"
FILLER = DATA / "policy_filler.txt"
#: Blocks that are tokenised by default: the plan itself, not its cover notice or signature.
PLAN_BLOCKS = ("title", "preamble", "heading", "section_text", "item", "unstructured")

#: Plan text read for corpus terms (quoted names, cited titles, discovered terms); above it a
#: deterministic sample of whole plans is read (:func:`lexicon_sample`).
LEXICON_SAMPLE_CHARS = 2_000_000


_PUNCT = re.compile(r"^[\W_]+$")
_NUMERIC = re.compile(r"^[\d.,%％０-９]+$|^[一二三四五六七八九十百千万〇零两]+$")
#: Numbers whatever added them (a corpus term, the lexicon): digits with separators, a percent sign or a
#: unit of magnitude (10, 12345, 3.5%, 24万, 1.2亿), and Chinese numerals with such a unit (三千, 两万).
_ALWAYS_NUMERIC = re.compile(
    r"^[\d０-９][\d０-９.,，%％]*[万亿千百]?[%％]?$|^[一二三四五六七八九十〇零两]+[百千万亿]+$"
)
_QUOTED = re.compile(r"“([^“”，。、；：！？\s]{2,12})”")
_CITED = re.compile(r"《([^《》，。、；：！？\s]{2,12})》")
_EDGE = set("的和与及在是为了等对把将中上下也而并或其之以于从向次项届个名")


def read_wordlist(path: str | Path) -> list[str]:
    """Words from a list file: one per line (first field), ``#`` comments, BOM/CRLF tolerated.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.txt"
    >>> _ = p.write_bytes("\\ufeff# c\\r\\n青马工程 100 n\\r\\n\\r\\n河小青\\r\\n".encode("utf-8"))
    >>> read_wordlist(p)
    ['青马工程', '河小青']
    """
    text = Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    words = []
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words


def lexicon_paths(lexicon) -> tuple[Path, ...]:
    """The files of a lexicon given as one path, a sequence of paths (read in order) or None.

    >>> [p.name for p in lexicon_paths(LEXICON)], lexicon_paths(None)
    (['policy_lexicon.txt'], ())
    """
    if lexicon is None:
        return ()
    if isinstance(lexicon, (str, Path)):
        return (Path(lexicon),)
    return tuple(Path(p) for p in lexicon)


def read_lexicon(path) -> list[tuple[str, int | None, str | None]]:
    """Entries ``(word, freq, pos)`` of a jieba-style user dictionary (``word [freq] [pos]``).

    ``path`` may also be a sequence of such files: their entries in order.
    """
    if not isinstance(path, (str, Path)):
        return [e for p in lexicon_paths(path) for e in read_lexicon(p)]
    text = Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in text.split("\n"):
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        pos = (
            parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else None)
        )
        out.append((parts[0], freq, pos))
    return out


def load_stopwords() -> frozenset[str]:
    """The general Chinese stopword list (``data/stopwords_zh.txt``)."""
    return frozenset(read_wordlist(STOPWORDS))


def load_filler() -> frozenset[str]:
    """The policy filler-word list (``data/policy_filler.txt``), documented in that file."""
    return frozenset(read_wordlist(FILLER))


def quoted_terms(texts: Iterable[str]) -> Counter[str]:
    """Names in Chinese quotation marks “…” (2–12 characters, no punctuation inside)."""
    c: Counter[str] = Counter()
    for t in texts:
        c.update(_QUOTED.findall(t))
    return c


def cited_titles(texts: Iterable[str]) -> Counter[str]:
    """Short titles cited in 《…》 (2–12 characters)."""
    c: Counter[str] = Counter()
    for t in texts:
        c.update(_CITED.findall(t))
    return c


def discover_terms(
    texts: Sequence[str],
    *,
    min_len: int = 3,
    max_len: int = 6,
    min_count: int = 3,
    min_docs: int = 2,
    min_pmi: float = 6.0,
    min_entropy: float = 1.5,
    max_chars: int | None = 1_000_000,
) -> pd.DataFrame:
    """Candidate terms: frequent character sequences that hold together and stand free.

    Two passes: counts of all sequences, then documents and neighbours of the cohesive
    candidates only, so memory grows with the distinct sequences, not with the text. Over
    ``max_chars`` characters, a deterministic sample of whole texts (every k-th) is read:
    a term frequent enough to matter is in the sample.

    For each CJK character sequence ``w`` of ``min_len``–``max_len`` characters seen at
    least ``min_count`` times in ``min_docs`` texts:

    * cohesion = min over binary splits ``w = a + b`` of ``log2(p(w) / (p(a) p(b)))``
      (pointwise mutual information of the weakest split);
    * left/right entropy = Shannon entropy (bits) of the characters before/after ``w``
      (text boundaries count as distinct neighbours).

    Sequences with cohesion ≥ ``min_pmi`` and both entropies ≥ ``min_entropy`` are
    kept, except those starting or ending in a function character (的, 和, 在 …) and those
    contained in a longer kept candidate with the same count.

    Returns
    -------
    DataFrame
        ``term, count, n_docs, pmi, left_entropy, right_entropy``, by count.

    Examples
    --------
    >>> texts = ["开展护河行动，做好工作。", "组织护河行动。", "推广护河行动经验", "护河行动成效"]
    >>> discover_terms(texts, min_count=3, min_pmi=1, min_entropy=1).term.tolist()
    ['护河行动']
    """
    texts = list(texts)
    total = sum(len(t) for t in texts)
    if max_chars is not None and total > max_chars:
        # a deterministic sample of whole texts, spread over the corpus
        step = total / max_chars
        texts = [t for i, t in enumerate(texts) if int(i / step) != int((i - 1) / step) or i == 0]
    runs_by_doc = [re.findall(f"[{CJK}]+", t) for t in texts]
    runs = [run for rs in runs_by_doc for run in rs]
    run_doc = [d for d, rs in enumerate(runs_by_doc) for _ in rs]
    n_chars = sum(map(len, runs))
    if n_chars == 0:
        return pd.DataFrame(columns=["term", "count", "n_docs", "pmi", "left_entropy", "right_entropy"])
    # pass 1: counts of every sequence up to max_len, by sorting windows of character codes
    # (numpy); only sequences seen min_count times are kept as strings (every part of a
    # candidate occurs at least as often as the candidate, so its count is among them)
    import numpy as np

    joined = "\x00".join(runs)  # one string, runs separated by a character that is never CJK
    code = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    _, ids = np.unique(code, return_inverse=True)
    ids = ids.astype(np.uint32).ravel()
    seps = np.concatenate([[0], np.cumsum(code == 0)])  # separators before each position
    counts: dict[str, int] = {}
    windows = {}
    for n in range(1, max_len + 1):
        starts = np.arange(max(len(code) - n + 1, 0))
        starts = starts[seps[starts + n] == seps[starts]]  # windows inside one run
        if not len(starts):
            continue
        win = np.ascontiguousarray(np.lib.stride_tricks.sliding_window_view(ids, n)[starts])
        keys = win.view(np.dtype((np.void, 4 * n))).ravel()
        _, first, inv, cnt = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
        windows[n] = (starts, inv.ravel(), first, cnt)
        for j in np.flatnonzero(cnt >= min_count):
            p0 = int(starts[first[j]])
            counts[joined[p0 : p0 + n]] = int(cnt[j])
    cand: dict[str, float] = {}
    for w, cnt in counts.items():
        if len(w) < min_len or cnt < min_count or w[0] in _EDGE or w[-1] in _EDGE:
            continue
        pw = cnt / n_chars
        pmi = min(
            math.log2(pw / ((counts[w[:k]] / n_chars) * (counts[w[k:]] / n_chars))) for k in range(1, len(w))
        )
        if pmi >= min_pmi:
            cand[w] = pmi
    # pass 2: documents and neighbours of the cohesive candidates only, at their occurrences,
    # visited in reading order (run, then length, then position) as a plain scan would
    occ_pos, occ_n = [], []
    for n in range(min_len, max_len + 1):
        if n not in windows:
            continue
        starts, inv, first, cnt = windows[n]
        hit = np.zeros(len(first), dtype=bool)
        for j in np.flatnonzero(cnt >= min_count):
            p0 = int(starts[first[j]])
            hit[j] = joined[p0 : p0 + n] in cand
        pos = starts[hit[inv]]
        occ_pos.append(pos)
        occ_n.append(np.full(len(pos), n))
    pos = np.concatenate(occ_pos) if occ_pos else np.zeros(0, dtype=int)
    lens = np.concatenate(occ_n) if occ_n else np.zeros(0, dtype=int)
    run_of = seps[pos]
    order = np.lexsort((pos, lens, run_of))
    docs: defaultdict[str, set[int]] = defaultdict(set)
    left: defaultdict[str, Counter[str]] = defaultdict(Counter)
    right: defaultdict[str, Counter[str]] = defaultdict(Counter)
    boundary = 0
    end_ = len(joined)
    for p0, n, r in zip(pos[order].tolist(), lens[order].tolist(), run_of[order].tolist()):
        w = joined[p0 : p0 + n]
        docs[w].add(run_doc[r])
        boundary += 1
        before = joined[p0 - 1] if p0 > 0 else "\x00"
        after = joined[p0 + n] if p0 + n < end_ else "\x00"
        left[w][before if before != "\x00" else f"^{boundary}"] += 1
        right[w][after if after != "\x00" else f"${boundary}"] += 1

    def entropy(c: Counter[str]) -> float:
        tot = sum(c.values())
        return -sum(v / tot * math.log2(v / tot) for v in c.values())

    rows = []
    for w, pmi in cand.items():
        if len(docs[w]) < min_docs:
            continue
        le, re_ = entropy(left[w]), entropy(right[w])
        if le < min_entropy or re_ < min_entropy:
            continue
        rows.append((w, counts[w], len(docs[w]), pmi, le, re_))
    df = pd.DataFrame(rows, columns=["term", "count", "n_docs", "pmi", "left_entropy", "right_entropy"])
    # drop a candidate inside a longer one that occurs just as often (it is only ever a part)
    # (each longer term marks its own substrings: linear in the candidates, not quadratic)
    terms = df.set_index("term")["count"].to_dict()
    part_only = set()
    for o, cnt in terms.items():
        for n in range(min_len, len(o)):
            for i in range(len(o) - n + 1):
                w = o[i : i + n]
                if terms.get(w) == cnt:
                    part_only.add(w)
    df = df[~df.term.isin(part_only)]
    return df.sort_values(["count", "term"], ascending=[False, True], ignore_index=True)


ENGINES = ("auto", "jieba", "rjieba")

#: The tokenizers of the last segmenter built in this process, by what they are made of
#: (engine, lexicon entries, extra terms): building the same segmenter again (a second
#: ``from_corpus``, ``corpus.segmenter``, a worker task) takes them instead of loading jieba-rs's
#: dictionary again (~0.1 s) and re-adding every word. Never changed once built.
_BUILT: dict[tuple, tuple] = {}


@functools.lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's main dictionary, read once per process: ``(freq, total, tags)``.

    Every :class:`Segmenter` copies ``freq`` instead of loading the dictionary again, and
    part-of-speech tags come from ``tags`` (the dictionary's third column) instead of
    ``jieba.posseg``, which re-reads the dictionary and is about 4× slower than ``lcut``.
    """
    import jieba

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
    tags: dict[str, str] = {}
    with tk.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]
    return dict(tk.FREQ), tk.total, tags


def rjieba_available() -> bool:
    """Whether the Rust engine (``rjieba``, a binding to jieba-rs) can be imported."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def _fallback_tag(word: str) -> str:
    if _NUMERIC.match(word):
        return "m"
    if re.fullmatch(r"[A-Za-z]+", word):
        return "eng"
    return "x"


@dataclass
class Segmenter:
    """A jieba tokenizer with the policy lexicon and extra terms; no shared global state.

    Parameters
    ----------
    lexicon : path, sequence of paths, or None
        jieba user dictionary (``word [freq] [pos]``); default ``data/policy_lexicon.txt``.
        Several files are read in order (the genre defaults add ``data/lexicon_gov.txt`` for
        government work reports, see :mod:`analysis.genres`).
    extra_terms : dict, optional
        ``{term: source}`` added after the lexicon (quoted names, discovered terms …).
    hmm : bool, default True
        jieba's HMM for unknown words.
    engine : {"auto", "jieba", "rjieba"}, default "auto"
        ``"rjieba"`` segments with jieba-rs (same dictionary and algorithm, several times
        faster); ``"jieba"`` with jieba itself, the reference. ``"auto"`` takes rjieba
        where it is installed. Both give one cut used everywhere (tokens, discovery, KWIC);
        part-of-speech tags are looked up in jieba's dictionary (``"x"`` for other words).

    Examples
    --------
    >>> seg = Segmenter()
    >>> [t for t, *_ in seg.cut("深刻领悟“两个确立”的决定性意义，深化青年大学习行动")]
    ['深刻', '领悟', '“', '两个确立', '”', '的', '决定性', '意义', '，', '深化', '青年大学习', '行动']
    """

    lexicon: LexiconArg = LEXICON
    extra_terms: dict[str, str] = field(default_factory=dict)
    hmm: bool = True
    engine: str = "auto"

    def __post_init__(self) -> None:
        import jieba

        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {self.engine!r}")
        if self.engine == "auto":
            self.engine = "rjieba" if rjieba_available() else "jieba"
        entries = read_lexicon(self.lexicon) if self.lexicon is not None else []
        # what the tokenizers are made of: the same words in the same order give the same tokenizers
        key = (self.engine, tuple(entries), tuple(sorted(self.extra_terms.items())))
        built = _BUILT.get(key)
        if built is not None:  # shared: the tokenizers are never changed after construction
            self._tk, self._rs, self._tags, terms = built
            self.terms: dict[str, str] = dict(terms)
            return
        freq, total, tags = _base_dictionary()
        self._tags = dict(tags)
        # the jieba tokenizer is kept in both cases: the reference, and for suggest_freq
        self._tk = jieba.Tokenizer()
        self._tk.FREQ, self._tk.total, self._tk.initialized = dict(freq), total, True
        self._rs = None
        if self.engine == "rjieba":
            import rjieba

            self._rs = rjieba.Jieba()
        self.terms = {}
        for word, freq_, pos in entries:
            self._add(word, "lexicon", freq_, pos)
        for term, source in sorted(self.extra_terms.items()):
            if term not in self.terms:
                self._add(term, source, None, "n")
        _BUILT.clear()  # one kept: its dictionary copies weigh tens of MB
        _BUILT[key] = (self._tk, self._rs, self._tags, dict(self.terms))

    def _add(self, word: str, source: str, freq: int | None, pos: str | None) -> None:
        self._tk.add_word(word, freq, pos)
        # make sure the word survives as one token even next to strong neighbours
        self._tk.suggest_freq(word, tune=True)
        if self._rs is not None:  # the same word with the same frequency in jieba-rs
            self._rs.add_word(word, int(self._tk.FREQ[word]), pos or "n")
        self._tags[word] = pos or self._tags.get(word) or "n"
        self.terms[word] = source

    @classmethod
    def from_corpus(
        cls,
        corpus,
        *,
        discover: bool = True,
        lexicon: LexiconArg = LEXICON,
        sample_chars: int | None = LEXICON_SAMPLE_CHARS,
        **kwargs,
    ) -> Segmenter:
        """A segmenter with the lexicon plus quoted names, cited titles and discovered terms of ``corpus``.

        The corpus terms come from the plans of :func:`lexicon_sample` (all of them up to
        ``sample_chars`` characters of plan text; above, a deterministic sample of whole plans,
        chosen by a hash of their ids), so that a parallel build can fix the lexicon before
        segmenting (:func:`analysis.corpus.build_corpus` with ``tokens=True``) and give the
        same tokens as this sequential path.
        """
        texts = _plan_text_map(corpus)
        chosen = lexicon_sample({d: len(t) for d, t in texts.items()}, sample_chars)
        return cls.from_texts([texts[d] for d in chosen], discover=discover, lexicon=lexicon, **kwargs)

    @classmethod
    def from_texts(
        cls, texts: Sequence[str], *, discover: bool = True, lexicon: LexiconArg = LEXICON, **kwargs
    ) -> Segmenter:
        """A segmenter with the lexicon plus quoted names, cited titles and discovered terms of ``texts``.

        Examples
        --------
        >>> seg = Segmenter.from_texts(["开展“护河行动”。", "推广“护河行动”经验。"], discover=False)
        >>> seg.terms["护河行动"], seg.tokens("护河行动")
        ('quoted', ['护河行动'])
        """
        texts = list(texts)
        extra: dict[str, str] = {}
        known = [w for w, _, _ in read_lexicon(lexicon)] if lexicon is not None else []

        def hides_known(t: str) -> bool:  # a name that would swallow a lexicon term
            return any(k in t and k != t for k in known)

        for t in sorted(quoted_terms(texts)):
            if re.fullmatch(f"[{CJK}0-9A-Za-z]+", t) and not hides_known(t):
                extra[t] = "quoted"
        for t in sorted(cited_titles(texts)):
            if not hides_known(t):
                extra.setdefault(t, "cited")
        if discover:
            probe = cls(lexicon=lexicon, extra_terms=extra, **kwargs)  # the same engine and cut
            for t in discover_terms(texts).term:
                # only terms that jieba fragments (a piece of one character), not
                # ordinary compounds of two dictionary words (深入实施)
                pieces = probe.tokens(t)
                if t not in probe.terms and len(pieces) > 1 and min(map(len, pieces)) == 1:
                    extra.setdefault(t, "discovered")
        return cls(lexicon=lexicon, extra_terms=extra, **kwargs)

    def params(self) -> dict:
        """Keyword arguments that rebuild this segmenter elsewhere (a worker process, a Dask worker)."""
        return {"lexicon": self.lexicon, "hmm": self.hmm, "engine": self.engine,
                "extra_terms": {t: src for t, src in self.terms.items() if src != "lexicon"}}  # fmt: skip

    def tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` (the one cut: :meth:`cut` gives the same words)."""
        if self._rs is not None:
            return self._rs.cut(text, self.hmm)
        return self._tk.lcut(text, HMM=self.hmm)

    def cut(self, text: str) -> list[tuple[str, str, int, int]]:
        """``(token, pos, start, end)`` for every token of ``text``, whitespace included."""
        out = []
        pos = 0
        tags = self._tags
        for word in self.tokens(text):
            end = pos + len(word)
            out.append((word, tags.get(word) or _fallback_tag(word), pos, end))
            pos = end
        if pos != len(text):  # never expected: the cut covers every character
            raise RuntimeError("segmentation lost characters")
        return out

    def fingerprint(self) -> str:
        h = hashlib.sha256(repr((sorted(self.terms.items()), self.hmm, self.engine)).encode())
        return h.hexdigest()[:16]

    def report(self, corpus=None) -> pd.DataFrame:
        """Every added term with its source and, given a corpus, its number of occurrences."""
        df = pd.DataFrame(sorted(self.terms.items()), columns=["term", "source"])
        if corpus is not None:
            text = "\n".join(_plan_texts(corpus))
            df["count"] = [text.count(t) for t in df.term]
            df["hit"] = df["count"] > 0
        return df


def _plan_texts(corpus) -> list[str]:
    b = corpus.blocks
    b = b[b.kind.isin(PLAN_BLOCKS)]
    return b.groupby("doc_id", sort=True).text.agg("\n".join).tolist()


def _plan_text_map(corpus) -> dict[str, str]:
    """``{doc_id: plan text}`` (plan blocks joined by line breaks), by doc_id."""
    b = corpus.blocks
    b = b[b.kind.isin(PLAN_BLOCKS)]
    return b.groupby("doc_id", sort=True).text.agg("\n".join).to_dict()


def _sample_key(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8")).hexdigest()


def lexicon_sample(sizes: dict[str, int], max_chars: int | None = LEXICON_SAMPLE_CHARS) -> list[str]:
    """The plans whose text gives the corpus terms: all, or a deterministic sample of whole plans.

    Plans are taken in the order of a hash of their ``doc_id`` (SHA-256: spread over regions,
    years and folders, and independent of which other files are in the folder) until
    ``max_chars`` characters are reached. ``sizes`` maps each doc_id to its characters of plan
    text. Returns the chosen doc_ids, sorted.

    Examples
    --------
    >>> lexicon_sample({"a": 10, "b": 10, "c": 10}, None)
    ['a', 'b', 'c']
    >>> len(lexicon_sample({"a": 10, "b": 10, "c": 10}, 15))
    2
    """
    if max_chars is None or sum(sizes.values()) <= max_chars:
        return sorted(sizes)
    chosen, total = [], 0
    for d in sorted(sizes, key=_sample_key):
        if total >= max_chars:
            break
        chosen.append(d)
        total += sizes[d]
    return sorted(chosen)


_WORKER: dict = {}


def _init_worker(params: dict) -> None:
    """Build the segmenter once per worker process, from its parameters."""
    _WORKER["seg"] = Segmenter(**params)
    _WORKER["key"] = _params_key(params)


def _params_key(params: dict) -> str:
    return hashlib.sha256(repr(sorted((k, repr(v)) for k, v in params.items())).encode()).hexdigest()


def worker_segmenter(params: dict) -> Segmenter:
    """The segmenter for ``params`` in this process, built once and kept while the parameters hold."""
    key = _params_key(params)
    if _WORKER.get("key") != key:
        _WORKER["seg"], _WORKER["key"] = Segmenter(**params), key
    return _WORKER["seg"]


def _segment_on_worker(job: tuple[dict, list[tuple]]) -> dict:
    """Segment blocks with a segmenter built from ``params`` once per worker process."""
    params, blocks = job
    return segment_blocks(worker_segmenter(params), blocks)


def _segment_blocks(blocks: list[tuple]) -> dict:
    return segment_blocks(_WORKER["seg"], blocks)


def segment_blocks(seg: Segmenter, blocks: list[tuple]) -> dict:
    """Tokens of ``(doc_id, kind, section_id, item_no, start, text)`` blocks, in order, compactly.

    Returns ``{"meta": [(doc_id, kind, section_id, item_no)] per block with tokens, "n": tokens
    per such block, "vocab": distinct tokens, "codes": int32 index into vocab per token,
    "start"/"end": int64 offsets}``; whitespace tokens are dropped. Each distinct word travels
    once per batch (from a worker process or a Dask worker), and :func:`merge_columns` joins the
    batches; :func:`tokens_frame` makes the table.

    The words of all blocks are cut into one list; codes, lengths and offsets are then computed
    with numpy (the vocabulary in order of first appearance, as a token-by-token loop would give).

    Parameters
    ----------
    seg : Segmenter
    blocks : list of tuple
        ``(doc_id, kind, section_id, item_no, start, text)``; ``start`` is the offset of ``text``.

    Returns
    -------
    dict
        The columns described above.

    Examples
    --------
    >>> out = segment_blocks(Segmenter(), [("d", "item", "1", 1, 10, "开展 青年大学习")])
    >>> out["vocab"], out["codes"].tolist(), out["start"].tolist(), out["end"].tolist(), out["n"]
    (['开展', '青年大学习'], [0, 1], [10, 13], [12, 18], [2])
    """
    import numpy as np

    if not isinstance(blocks, list):
        blocks = list(blocks)
    cut = seg.tokens
    words: list[str] = []
    sizes: list[int] = []
    for block in blocks:
        toks = cut(block[5])
        words += toks
        sizes.append(len(toks))
    # every distinct word (whitespace included) in order of first appearance, and its code per token
    index = {w: i for i, w in enumerate(dict.fromkeys(words))}
    every = list(index)
    all_codes = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    word_len = np.fromiter(map(len, every), dtype=np.int64, count=len(every))
    lengths = word_len[all_codes]
    size = np.array(sizes, dtype=np.int64)
    first = np.cumsum(size) - size  # index of the first token of each block
    offset = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offset[1:])  # characters before each token in the concatenated blocks
    text_len = np.fromiter((len(b[5]) for b in blocks), dtype=np.int64, count=len(blocks))
    if not np.array_equal(offset[first + size] - offset[first], text_len):
        raise RuntimeError("segmentation lost characters")  # never expected: the cut covers every character
    block_start = np.fromiter((b[4] for b in blocks), dtype=np.int64, count=len(blocks))
    starts = offset[:-1] + np.repeat(block_start - offset[first], size)
    # whitespace tokens dropped; the other words renumbered in the same order
    solid = np.fromiter((bool(w.strip()) for w in every), dtype=bool, count=len(every))
    keep = solid[all_codes]
    renumber = np.cumsum(solid, dtype=np.int64) - 1
    kept = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept[1:])
    per_block = (kept[first + size] - kept[first]).tolist()
    meta = [(b[0], b[1], b[2], b[3]) for b, k in zip(blocks, per_block) if k]
    start_a = starts[keep]
    return {
        "meta": meta,
        "n": [k for k in per_block if k],
        "vocab": [w for w, s in zip(every, solid.tolist()) if s],
        "codes": renumber[all_codes[keep]].astype(np.int32),
        "start": start_a,
        "end": start_a + lengths[keep],
    }


def merge_columns(parts: Iterable[dict]) -> dict:
    """Join batches of :func:`segment_blocks`, in order, into one vocabulary."""
    import numpy as np

    vocab: dict[str, int] = {}
    out = {"meta": [], "n": [], "codes": [], "start": [], "end": []}
    for part in parts:
        lut = np.array([vocab.setdefault(w, len(vocab)) for w in part["vocab"]], dtype=np.int32)
        out["codes"].append(lut[part["codes"]] if len(part["codes"]) else part["codes"])
        out["meta"] += part["meta"]
        out["n"] += part["n"]
        out["start"].append(part["start"])
        out["end"].append(part["end"])
    for c in ("codes", "start", "end"):
        out[c] = (
            np.concatenate(out[c]) if out[c] else np.zeros(0, dtype=np.int32 if c == "codes" else np.int64)
        )
    out["vocab"] = list(vocab)
    return out


def _spread(values: list, rows: np.ndarray, dtype: str | None = None) -> pd.Series | np.ndarray:
    """``values`` (one per block or word) typed as pandas types a column of them, taken at ``rows``.

    The type is inferred on the distinct entries (each is used by at least one row), which
    gives the type the full column would get; strings are then taken in Arrow, not converted row by row.
    """
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    s = pd.Series(arr)
    if dtype is not None:
        s = s.astype(dtype)
    if isinstance(s.dtype, np.dtype):  # numpy-backed (object): the frame infers it as before
        return s.to_numpy()[rows]
    return s.array.take(rows)


def _positions(doc_ids: list, n: np.ndarray) -> np.ndarray | None:
    """Position of each token within its document when every document's blocks are contiguous, else None."""
    codes, uniques = pd.factorize(pd.Series(doc_ids, dtype=object), use_na_sentinel=True)
    if len(codes) and (codes < 0).any():
        return None
    runs = int(np.count_nonzero(codes[1:] != codes[:-1])) + 1 if len(codes) else 0
    if runs != len(uniques):
        return None
    new_doc = np.ones(len(codes), dtype=bool)
    new_doc[1:] = codes[1:] != codes[:-1]
    block_first = np.cumsum(n) - n  # first token of each block
    doc_of_block = np.cumsum(new_doc) - 1
    doc_first = block_first[new_doc]  # first token of each document
    total = int(n.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(doc_first[doc_of_block], n)


def tokens_frame(merged: dict, seg: Segmenter) -> pd.DataFrame:
    """The tokens table from :func:`merge_columns`: position, part of speech and flags added.

    Tags and flags are computed once per distinct token, and block columns once per block,
    and spread to the rows (the same values and types as a row-by-row computation, far faster
    on millions of rows).

    Parameters
    ----------
    merged : dict
        The columns of :func:`merge_columns` (or of one :func:`segment_blocks` batch).
    seg : Segmenter
        The segmenter that made them (tags and terms).

    Returns
    -------
    DataFrame
        See :func:`tokens_table`.
    """
    vocab_l = list(merged["vocab"])
    codes = np.asarray(merged["codes"])
    n = np.asarray(merged["n"], dtype=np.int64)
    meta = list(zip(*merged["meta"])) if merged["meta"] else [(), (), (), ()]
    used = n > 0  # every block of segment_blocks has tokens; others give no rows
    if not used.all():
        meta = [[v for v, u in zip(col, used.tolist()) if u] for col in meta]
        n = n[used]
    block_of = np.repeat(np.arange(len(n)), n)  # the block of each row
    tags = seg._tags
    pos = [tags.get(w) or _fallback_tag(w) for w in vocab_l]
    cols = {
        "doc_id": _spread(list(meta[0]), block_of),
        "block": _spread(list(meta[1]), block_of),
        "section_id": _spread(list(meta[2]), block_of),
        "item_no": _spread(list(meta[3]), block_of, "Int64"),
        "position": None,
        "token": _spread(vocab_l, codes),
        "pos": _spread(pos, codes),
        "start": np.asarray(merged["start"], dtype=np.int64),
        "end": np.asarray(merged["end"], dtype=np.int64),
    }
    position = _positions(list(meta[0]), n)
    if position is None:  # documents interleaved: count within each document as groupby does
        doc = pd.Series(cols["doc_id"])
        position = doc.groupby(doc, sort=False).cumcount().astype("int64").to_numpy()
    cols["position"] = position
    stop, filler = load_stopwords(), load_filler()
    from .places import place_names

    vocab = np.empty(len(vocab_l), dtype=object)
    vocab[:] = vocab_l
    u = pd.Series(vocab, dtype=object)
    flags = {
        "punct": u.str.match(_PUNCT.pattern),
        "numeric": numeric_flags(u, seg.terms.keys()),
        "stop": u.isin(stop),
        "filler": u.isin(filler),
        "placeholder": u.str.fullmatch(r"[xX×*]+"),
        "place": u.isin(place_names()),  # a division name (GB/T 2260 list): 重庆, 固原市, 涪城 …
    }
    for name, flag in flags.items():
        cols[name] = np.asarray(flag, dtype=bool)[codes] if len(vocab) else np.zeros(len(codes), dtype=bool)
    df = pd.DataFrame(cols)
    return df


def plan_blocks(blocks: pd.DataFrame, kinds: Sequence[str] = PLAN_BLOCKS) -> list[tuple]:
    """``(doc_id, kind, section_id, item_no, start, text)`` of the blocks to tokenise, by doc_id then start."""
    b = blocks[blocks.kind.isin(kinds)].sort_values(["doc_id", "start"], kind="stable")
    return list(zip(b.doc_id, b.kind, b.section_id, b.item_no, b.start, b.text))


def tokens_table(
    corpus,
    segmenter: Segmenter | None = None,
    *,
    blocks: Sequence[str] = PLAN_BLOCKS,
    n_jobs: int | None = None,
    engine: str = "local",
    scheduler=None,
) -> pd.DataFrame:
    """One row per token of the plans' text.

    Parameters
    ----------
    corpus : Corpus
    segmenter : Segmenter, optional
        Default :meth:`Segmenter.from_corpus` on this corpus.
    blocks : sequence of str
        Block kinds to tokenise; by default the plan (cover notice and signature left out).
    n_jobs : int, optional
        Processes that segment documents in parallel; default all cores for corpora of
        more than 200 plans, else one. The table is the same whatever ``n_jobs``.
    engine : {"local", "dask"}, default "local"
        ``"dask"`` segments on a Dask cluster (``scheduler``: address or client; see
        :func:`analysis.engine.map_documents`); each worker builds the segmenter once.

    Returns
    -------
    DataFrame
        ``doc_id, block, section_id, item_no, position, token, pos, start, end`` (offsets
        into ``documents.body``) and flags ``punct, numeric, stop, filler, placeholder, place``. Whitespace
        tokens are dropped; ``position`` counts the remaining tokens within each plan.
    """
    import os

    seg = segmenter or Segmenter.from_corpus(corpus)
    work = plan_blocks(corpus.blocks, blocks)
    n_docs = len({w[0] for w in work})
    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if n_docs > 200 else 1
    params = seg.params()
    if engine != "local":
        from .engine import map_documents

        size = max(1, len(work) // 64)
        chunks = [(params, work[i : i + size]) for i in range(0, len(work), size)]
        parts = map_documents(_segment_on_worker, chunks, engine=engine, scheduler=scheduler)
    elif n_jobs > 1 and len(work) > 1:
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, len(work) // (n_jobs * 4))
        chunks = [work[i : i + size] for i in range(0, len(work), size)]
        with ProcessPoolExecutor(n_jobs, initializer=_init_worker, initargs=(params,)) as ex:
            parts = list(ex.map(_segment_blocks, chunks))
    else:
        parts = [segment_blocks(seg, work)]
    return tokens_frame(merge_columns(parts), seg)


def numeric_flags(tokens: pd.Series, terms=()) -> pd.Series:
    """Flag numbers: digits (10, 12345, 3.5%, 24万) always, whatever added the token.

    Chinese numerals alone (十四五, 两) are numeric unless they are a known term (``terms``:
    the lexicon and corpus terms), because 十四五 names a plan period; with a unit of
    magnitude (三千, 两万) they are always numeric.

    Examples
    --------
    >>> numeric_flags(pd.Series(["10", "12345", "24万", "十四五", "三千", "青年", "5G"]), {"10", "十四五"}).tolist()
    [True, True, True, False, True, False, False]
    """
    always = tokens.str.match(_ALWAYS_NUMERIC.pattern)
    return (always | (tokens.str.match(_NUMERIC.pattern) & ~tokens.isin(set(terms)))).astype(bool)


TOKENS_VERSION = (
    "6"  # 6: corpus terms from a sample of plans above 2M characters (was 5: digit tokens numeric)
)


def tokens_fingerprint(corpus_fingerprint: str, lexicon=LEXICON) -> str:
    """Cache key of the tokens table: the corpus, the word lists, the tokenizer's version and code.

    ``lexicon`` is the segmenter's (one path or several).
    """
    from .corpus import _code_version

    h = hashlib.sha256((TOKENS_VERSION + _code_version("segment") + corpus_fingerprint).encode())
    for path in (*lexicon_paths(lexicon), STOPWORDS, FILLER, DATA / "divisions.csv"):
        h.update(path.read_bytes())
    return h.hexdigest()
