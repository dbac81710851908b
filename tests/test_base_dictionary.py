"""jieba's dictionary, read from this package's own marshal cache, equals jieba's own reading."""

from __future__ import annotations

import jieba

from analysis import segment


def _plain_reading():
    tk = jieba.Tokenizer()
    tk.initialize()
    tags = {}
    with tk.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]
    return tk.FREQ, tk.total, tags


def test_cached_dictionary_equals_jiebas_and_survives_damage(tmp_path, monkeypatch):
    monkeypatch.setattr(segment.tempfile, "gettempdir", lambda: str(tmp_path))
    segment._base_dictionary.cache_clear()
    try:
        fresh = segment._base_dictionary()  # read from jieba, cache written
        (cache,) = tmp_path.glob("analysis-jieba-*.marshal")
        segment._base_dictionary.cache_clear()
        again = segment._base_dictionary()  # from the cache
        freq, total, tags = _plain_reading()
        assert fresh == again
        assert again[0] == freq and again[1] == total and again[2] == tags
        cache.write_bytes(b"\x00garbage")  # damaged: read from jieba again, and rewritten
        segment._base_dictionary.cache_clear()
        assert segment._base_dictionary() == fresh
        segment._base_dictionary.cache_clear()
        assert segment._base_dictionary() == fresh
    finally:
        segment._base_dictionary.cache_clear()


def test_worker_cutter_cuts_as_the_segmenter():
    """A worker replays the lexicon's words on jieba-rs (no dictionary read, no tuning): the same
    cut as the segmenter, corpus terms included; a segmenter on jieba is rebuilt from its params."""
    import pytest

    from analysis.corpus import build_corpus
    from analysis.segment import Segmenter, _plan_texts, rjieba_available, worker_segmenter

    if not rjieba_available():
        pytest.skip("rjieba not installed")
    texts = _plan_texts(build_corpus())
    seg = Segmenter.from_texts(texts)
    assert {src for src in seg.terms.values()} - {"lexicon"}  # corpus terms were added
    spec = seg.cut_spec()
    assert spec["cut_only"] and len(spec["words"]) == len(seg.terms)
    cutter = worker_segmenter(spec)
    for text in texts:
        assert cutter.tokens(text) == seg.tokens(text)
    plain = Segmenter(engine="rjieba")  # without the corpus terms the cut differs: the words matter
    assert any(plain.tokens(t) != seg.tokens(t) for t in texts)
    jieba_seg = Segmenter.from_texts(texts, engine="jieba")
    assert worker_segmenter(jieba_seg.cut_spec()).tokens(texts[0]) == jieba_seg.tokens(texts[0])
