"""HTML tables and the aligned reuse view."""

from __future__ import annotations

import html
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.html import MISSING, diff_html, reuse_pairs_html, table_html


def _strip(fragment: str, tag: str) -> str:
    """Text of an HTML fragment without the elements ``tag`` (and without any other markup)."""
    fragment = re.sub(rf"<{tag}>.*?</{tag}>", "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment.replace("<br>", "\n")))


@given(st.text("青年团委志愿<>&\n", max_size=30), st.text("青年团委服务<>&\n", max_size=30))
def test_diff_html_rebuilds_both_sides(a, b):
    left, right = diff_html(a, b)
    # everything but the deletions of the left plus the insertions of the right is common text
    assert _strip(left, "del") == _strip(right, "ins")
    assert _strip(left, "nothing") == a and _strip(right, "nothing") == b


def test_identical_spans_have_no_marks():
    assert diff_html("引导青少年", "引导青少年") == ("引导青少年", "引导青少年")


def test_table_shows_line_breaks_and_one_missing_value():
    df = pd.DataFrame({"a": ["x\ny", None, "z"], "b": [1.5, float("nan"), pd.NA]}).astype({"b": "Float64"})
    t = table_html(df)
    assert "x<br>y" in t and "\\n" not in t
    assert t.count(MISSING) == 3
    assert "None" not in t and "NaN" not in t and "&lt;NA&gt;" not in t


def test_reuse_pairs_page_aligns_every_passage(tmp_path):
    from analysis import load_corpus
    from analysis.reuse import find_reuse

    corpus = load_corpus()
    reuse = find_reuse(corpus, boilerplate="include")
    pair = reuse[(reuse.doc_a == "chongqing_2023") & (reuse.doc_b == "mianyang_2023")]
    page = reuse_pairs_html(corpus, reuse, "chongqing_2023", "mianyang_2023", path=tmp_path / "p.html")
    assert (tmp_path / "p.html").read_text(encoding="utf-8") == page
    rows = re.findall(r'<tr><td class="num">(\d+)</td>', page)
    assert [int(n) for n in rows] == list(range(1, len(pair) + 1))
    # the Chongqing insertion 了解市情 is marked as present on the left only
    assert "<del>了解市情" in page or "<del>、了解市情" in page or re.search(r"<del>[^<]*了解市情", page)
