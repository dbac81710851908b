"""Paths for large corpora give the numbers of the exact paths: one-pass build+tokens, top-k
similarity, themes on many items, streamed dictionary rates."""

from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import pandas as pd
import pytest

from analysis import build_corpus, load_corpus
from analysis.corpus import TABLES
from analysis.patterns import CJK
from analysis.segment import _EDGE, Segmenter, lexicon_sample, tokens_table

from .conftest import RAW, quiet

WORDS = (
    "青年 团员 志愿服务 乡村振兴 就业 创业 思想引领 基层组织 网络 宣传 文化 体育 心理健康 权益 学校 社区 "
    "统筹 推进 深化 落实 完善 机制 平台 品牌 活动 阵地 队伍 建设 培训 骨干 实践 服务 发展 城市 农村"
).split()
NAMES = ["护河行动", "青春加油站", "红领巾讲堂", "青马学堂", "邻里守望"]


def _plan(rng: random.Random, i: int) -> str:
    lines = [f"共青团某地{i}委员会{2018 + i % 5}年工作要点", "总体要求：深入学习贯彻党的二十大精神。"]
    item = 0
    for head in "一二三四"[: rng.randint(2, 4)]:
        lines.append(f"{head}、{rng.choice(WORDS)}{rng.choice(WORDS)}工作")
        for _ in range(rng.randint(2, 4)):
            item += 1
            body = "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
            lines.append(f"{item}.{body}，开展“{rng.choice(NAMES)}”活动，推广{rng.choice(NAMES)}经验。")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The seeds, 14 generated plans (in a sub-folder), an empty file and a non-plan."""
    f = tmp_path_factory.mktemp("one_pass")
    for p in sorted(RAW.glob("*.txt")):
        (f / p.name).write_bytes(p.read_bytes())
    rng = random.Random(3)
    (f / "gen").mkdir()
    for i in range(14):
        (f / "gen" / f"plan_{i:02d}.txt").write_text(_plan(rng, i), encoding="utf-8")
    (f / "empty.txt").write_bytes(b"")
    (f / "note.txt").write_text("会议通知。各单位：请准时参加青年工作座谈会。", encoding="utf-8")
    return f


_quiet = quiet


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_one_pass_equals_build_then_tokens(folder, n_jobs):
    """Every table, the lexicon and the tokens equal the sequential path, with a sampled lexicon."""
    sample = 12_000  # below the corpus's plan text: the lexicon comes from a sample of plans
    seq = _quiet(build_corpus, folder)
    seg = Segmenter.from_corpus(seq, sample_chars=sample)
    sizes = {d: len(t) for d, t in zip(*_texts(seq))}
    assert 1 < len(lexicon_sample(sizes, sample)) < len(sizes)  # it really sampled
    one = _quiet(build_corpus, folder, tokens=True, n_jobs=n_jobs, sample_chars=sample)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(seq, t), getattr(one, t), obj=t)
    assert one.segmenter.terms == seg.terms
    assert {"护河行动", "青春加油站"} <= set(seg.terms)  # quoted names of the sample
    pd.testing.assert_frame_equal(tokens_table(seq, seg, n_jobs=1), one.tokens)


def test_parse_in_processes_equals_one_process(folder):
    """Reading and parsing in two processes gives the same tables, and each file's warnings."""
    one = _quiet(build_corpus, folder, n_jobs=1)
    with pytest.warns(UserWarning, match="empty.txt"):
        two = build_corpus(folder, n_jobs=2)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(one, t), getattr(two, t), obj=t)
    assert one._cache["parsed_fingerprint"] == two._cache["parsed_fingerprint"]


def test_tables_from_lists_equal_concatenated_frames(folder):
    """The build gathers plain lists and types each column once; the tables equal the plain way:
    one DataFrame per plan and table (``parse_file``), concatenated, round-tripped through Arrow."""
    from analysis.corpus import _concat, _doc_id, parse_file

    built = _quiet(build_corpus, folder)
    frames: dict[str, list] = {t: [] for t in TABLES if t != "errors"}
    for rel in built.documents.file:
        for t, df in _quiet(parse_file, folder / rel, _doc_id(rel), rel=rel).items():
            frames[t].append(df)
    for t, parts in frames.items():
        expect = _concat(parts, t)
        if t == "documents":
            expect["year"] = expect["year"].astype("Int64")
            cols = ["doc_id", "title", "year", "body", "status", "n_items", "n_removed"]
            expect, got = expect[cols], built.documents[cols]  # path metadata aside
        else:
            got = getattr(built, t)
        pd.testing.assert_frame_equal(got, expect, obj=t)


def test_token_batches_are_put_in_doc_order():
    """Batches of interleaved plans (as the hash-ordered sample gives them) come out plan by plan
    in doc_id order, each plan's tokens in their own order, as one batch of all plans would."""
    from analysis.corpus import _tokens_in_doc_order
    from analysis.segment import merge_columns, segment_blocks

    seg = Segmenter()
    blocks = {
        d: [(d, "item", "一", i, 10 * i, f"{d}推进青年工作第{i}项") for i in range(1, 4)] for d in "cabed"
    }
    batches = [["d", "a"], ["e"], ["b", "c"]]
    parts = [segment_blocks(seg, [b for d in sorted(ds) for b in blocks[d]]) for ds in batches]
    got = _tokens_in_doc_order(parts)
    want = merge_columns([segment_blocks(seg, [b for d in sorted(blocks) for b in blocks[d]])])
    assert got["meta"] == want["meta"] and list(got["n"]) == list(want["n"])
    vocab_got, vocab_want = list(got["vocab"]), list(want["vocab"])
    assert [vocab_got[c] for c in got["codes"]] == [vocab_want[c] for c in want["codes"]]
    assert got["start"].tolist() == want["start"].tolist() and got["end"].tolist() == want["end"].tolist()


def _texts(corpus):
    from analysis.segment import _plan_text_map

    m = _plan_text_map(corpus)
    return list(m), list(m.values())


def test_one_pass_warnings_reach_the_caller(folder):
    with pytest.warns(UserWarning, match="empty.txt"):
        build_corpus(folder, tokens=True, n_jobs=2)


def test_lexicon_sample_is_independent_of_other_files():
    """A plan is in the sample by its own id's hash, not by its neighbours: adding plans past the
    budget never drops a plan from the sample for another reason than the budget."""
    sizes = {f"doc{i}": 100 for i in range(50)}
    small = lexicon_sample(sizes, 1_000)
    assert len(small) == 10 and small == sorted(small)
    assert lexicon_sample(sizes, None) == sorted(sizes)
    assert set(lexicon_sample(sizes, 2_000)) > set(small)  # a larger budget extends the same order


def test_load_corpus_caches_one_pass_tokens(folder, tmp_path):
    fresh = _quiet(load_corpus, folder, cache_dir=tmp_path / "c", tokens=True, n_jobs=2)
    assert (tmp_path / "c" / "tokens.parquet").is_file()
    again = _quiet(load_corpus, folder, cache_dir=tmp_path / "c")
    assert "tokens" not in again._cache
    pd.testing.assert_frame_equal(fresh.tokens, again.tokens)  # read from the cache, not segmented
    lazy = _quiet(load_corpus, folder, use_cache=False)
    pd.testing.assert_frame_equal(fresh.tokens, lazy.tokens.astype(fresh.tokens.dtypes.to_dict()))


# ---------------------------------------------------------------- top-k similarity


@pytest.mark.parametrize("measure", ["tfidf_cosine", "char_cosine", "jaccard"])
@pytest.mark.parametrize("level", ["document", "item"])
def test_topk_equals_the_dense_matrix(seeds, measure, level, monkeypatch):
    """Each unit's neighbours are its k largest entries of the dense matrix, with the same values,
    also when the rows are taken in small blocks."""
    import numpy as np

    import analysis.similarity as sim

    k = 3
    m = sim.similarity_matrix(seeds, level, measure, label="unit_id").to_numpy()
    monkeypatch.setattr(sim, "BLOCK_BYTES", 8 * m.shape[0] * 7)  # blocks of 7 rows
    top = sim.similarity_topk(seeds, k, level, measure)
    ids = sim.units(seeds, level).unit_id.tolist()
    pos = {u: i for i, u in enumerate(ids)}
    assert len(top) == len(ids) * k
    assert (top.groupby("doc_a")["rank"].apply(list) == [list(range(1, k + 1))] * len(ids)).all()
    for a, g in top.groupby("doc_a", sort=False):
        i = pos[a]
        row = np.delete(m[i], i)
        best = np.sort(row)[::-1][:k]
        np.testing.assert_allclose(g.similarity.to_numpy(), best, atol=1e-9)  # the k largest values
        got = [m[i, pos[b]] for b in g.doc_b]
        np.testing.assert_allclose(got, g.similarity.to_numpy(), atol=1e-9)  # of those very units
        assert a not in set(g.doc_b)


def test_topk_above_the_dense_limit_warns(seeds, monkeypatch):
    import analysis.similarity as sim

    monkeypatch.setattr(sim, "MAX_DENSE", 3)
    with pytest.warns(UserWarning, match="similarity_topk"):
        out = sim.similarity_matrix(seeds)
    assert list(out.columns[:4]) == ["doc_a", "doc_b", "similarity", "rank"]
    assert len(out) == 5 * 4  # top 10 capped at the 4 other plans


# ---------------------------------------------------------------- themes on many items


def _planted_items(n: int, k: int, seed: int = 0) -> tuple[list[list[str]], list[int]]:
    """Items drawn from k planted themes (own vocabulary of 30 words) plus shared filler words."""
    import numpy as np

    rng = np.random.default_rng(seed)
    vocab = [[f"t{t}w{w}" for w in range(30)] for t in range(k)]
    shared = [f"s{w}" for w in range(40)]
    docs, truth = [], []
    for _ in range(n):
        t = int(rng.integers(k))
        words = list(rng.choice(vocab[t], size=int(rng.integers(6, 14))))
        words += list(rng.choice(shared, size=int(rng.integers(3, 8))))
        other = int(rng.integers(k))  # a word or two of another theme: themes overlap a little
        words += list(rng.choice(vocab[other], size=int(rng.integers(0, 3))))
        docs.append([str(w) for w in words])
        truth.append(t)
    return docs, truth


def test_large_item_path_recovers_planted_themes_like_the_exact_path(monkeypatch):
    from sklearn.metrics import normalized_mutual_info_score as nmi

    import analysis.themes as th

    docs, truth = _planted_items(3_000, 6)
    exact = th._fit("nmf", docs, 6, 0)[0]
    monkeypatch.setattr(th, "LARGE_ITEMS", 500)  # the mini-batch path on 3,000 items
    large = th._fit("nmf", docs, 6, 0)[0]
    again = th._fit("nmf", docs, 6, 0)[0]
    print(f"NMI exact {nmi(truth, exact):.3f}, large {nmi(truth, large):.3f}, "
          f"between {nmi(exact, large):.3f}")  # fmt: skip
    assert nmi(truth, exact) > 0.9
    assert nmi(truth, large) > 0.9
    assert nmi(exact, large) > 0.9
    assert (large == again).all()  # deterministic with random_state


# ---------------------------------------------------------------- dictionary rates, streamed


def _leftmost_longest(text: str, terms: list[str]) -> int:
    """An independent count: scan left to right, take the longest term starting here, skip past it."""
    n = i = 0
    while i < len(text):
        hit = max((t for t in terms if text.startswith(t, i)), key=len, default=None)
        if hit:
            n += 1
            i += len(hit)
        else:
            i += 1
    return n


def test_streamed_dictionary_counts_equal_an_independent_count(folder):
    from analysis.panels import dictionary_rates, plan_counts

    c = _quiet(build_corpus, folder)
    d = {"思想": ["思想引领", "思想", "引领"], "服务": ["志愿服务", "服务", "青年之家"], "空": ["不存在的词"]}
    one = plan_counts(c, d)
    two = plan_counts(c, d, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    bodies = c.documents.set_index("doc_id").body
    for r in one.itertuples():
        assert r.count == _leftmost_longest(bodies[r.doc_id], d[r.category]), (r.doc_id, r.category)
        assert r.total == sum(not ch.isspace() for ch in bodies[r.doc_id])
    pd.testing.assert_frame_equal(
        dictionary_rates(c, d, by="level"), dictionary_rates(c, d, by="level", n_jobs=2)
    )


def test_token_counts_per_plan_equal_a_row_by_row_count(folder):
    from analysis.panels import plan_counts

    c = _quiet(build_corpus, folder)
    d = {"思想": ["思想", "引领"], "服务": ["服务", "志愿"]}
    got = plan_counts(c, d, match="tokens")
    tok = c.tokens[~c.tokens.punct]
    for r in got.itertuples():
        mine = tok[tok.doc_id == r.doc_id]
        assert r.total == len(mine)
        assert r.count == sum(t in d[r.category] for t in mine.token)


# ---------------------------------------------------------------- new-word discovery


# The plain-Python scan that counted every sequence with a Counter (before the numpy version),
# kept as the reference: the numpy counting must give the same table.
def _reference_discover(
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
    texts = list(texts)
    total = sum(len(t) for t in texts)
    if max_chars is not None and total > max_chars:
        # a deterministic sample of whole texts, spread over the corpus
        step = total / max_chars
        texts = [t for i, t in enumerate(texts) if int(i / step) != int((i - 1) / step) or i == 0]
    runs_by_doc = [re.findall(f"[{CJK}]+", t) for t in texts]
    # pass 1: counts of every sequence up to max_len (nothing else is held per sequence)
    counts: Counter[str] = Counter()
    n_chars = 0
    for runs in runs_by_doc:
        for run in runs:
            n_chars += len(run)
            for n in range(1, max_len + 1):
                counts.update(run[i : i + n] for i in range(len(run) - n + 1))
    if n_chars == 0:
        return pd.DataFrame(columns=["term", "count", "n_docs", "pmi", "left_entropy", "right_entropy"])
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
    # pass 2: documents and neighbours of the cohesive candidates only
    docs: defaultdict[str, set[int]] = defaultdict(set)
    left: defaultdict[str, Counter[str]] = defaultdict(Counter)
    right: defaultdict[str, Counter[str]] = defaultdict(Counter)
    boundary = 0
    for d, runs in enumerate(runs_by_doc):
        for run in runs:
            for n in range(min_len, max_len + 1):
                for i in range(len(run) - n + 1):
                    w = run[i : i + n]
                    if w not in cand:
                        continue
                    docs[w].add(d)
                    boundary += 1
                    left[w][run[i - 1] if i > 0 else f"^{boundary}"] += 1
                    right[w][run[i + n] if i + n < len(run) else f"${boundary}"] += 1

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
    keep = []
    terms = df.set_index("term")["count"].to_dict()
    for w, cnt in terms.items():
        if any(len(o) > len(w) and w in o and terms[o] == cnt for o in terms):
            continue
        keep.append(w)
    df = df[df.term.isin(keep)]
    return df.sort_values(["count", "term"], ascending=[False, True], ignore_index=True)


def test_numpy_discovery_equals_the_plain_scan(seeds):
    from analysis.segment import _plan_texts, discover_terms

    rng = random.Random(5)
    for _ in range(60):
        texts = ["".join(rng.choice("护河行动开展青年工作，。推广经验x的") for _ in range(rng.randint(0, 80)))
                 for _ in range(rng.randint(1, 8))]  # fmt: skip
        kw = {"min_count": 2, "min_pmi": 0.5, "min_entropy": 0.3, "min_docs": 1}
        pd.testing.assert_frame_equal(
            _reference_discover(texts, **kw), discover_terms(texts, **kw), check_exact=True
        )
    texts = _plan_texts(seeds)
    pd.testing.assert_frame_equal(_reference_discover(texts), discover_terms(texts), check_exact=True)


def test_one_pass_error_in_the_lexicon_releases_the_workers(folder, monkeypatch):
    """Workers parse while the lexicon is made; if making it fails, they are released (abort
    marker) and the error reaches the caller instead of a pool waiting forever."""
    import analysis.segment as segment

    def broken(*a, **kw):
        raise ValueError("lexicon broke")

    monkeypatch.setattr(segment.Segmenter, "from_texts", broken)
    with pytest.raises(ValueError, match="lexicon broke"):
        _quiet(build_corpus, folder, tokens=True, n_jobs=2, sample_chars=5_000)
