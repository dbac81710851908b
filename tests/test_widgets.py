"""Interactive widgets work headless: setting a value updates what they show."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

from analysis import load_corpus  # noqa: E402
from analysis.reuse import find_reuse  # noqa: E402
from analysis.widgets import keyness_picker, kwic_box, reuse_browser  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _shown(box) -> str:
    return box.children[-1].outputs[0]["data"]["text/html"]


def test_kwic_box_follows_the_typed_term(corpus):
    box = kwic_box(corpus, value="青马工程")
    n = sum(corpus.body(d).count("青马工程") for d in corpus.doc_ids)
    assert f"{n} occurrence(s)" in _shown(box)
    box.children[0].value = "河小青"
    m = sum(corpus.body(d).count("河小青") for d in corpus.doc_ids)
    assert f"{m} occurrence(s)" in _shown(box) and "河小青" in _shown(box)
    box.children[0].value = "不存在的词语"
    assert "No occurrence" in _shown(box)


def test_reuse_browser_steps_through_passages(corpus):
    reuse = find_reuse(corpus)
    box = reuse_browser(corpus, reuse)
    a, b, prev, nxt = box.children[0].children
    n = len(reuse[(reuse.doc_a == a.value) & (reuse.doc_b == b.value)])
    assert f"Passage 1 of {n}" in _shown(box)
    nxt.click()
    assert f"Passage 2 of {n}" in _shown(box)
    prev.click()
    prev.click()
    assert f"Passage {n} of {n}" in _shown(box)  # wraps around


def test_keyness_picker_changes_target(corpus):
    box = keyness_picker(corpus, n=5)
    pick = box.children[0]
    first = _shown(box)
    pick.value = "重庆"
    assert _shown(box) != first and "g2" in _shown(box)
