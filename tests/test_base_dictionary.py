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
