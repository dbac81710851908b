"""Hypothesis-generated plans: whatever the debris, the tables stay lossless."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.clean import clean_text, restore_raw
from analysis.parse import parse_plan

CN = st.text(alphabet="青年团组织建设学习服务发展工作推进深化开展“”《》、，xX学習", min_size=1, max_size=30)
DEBRIS = st.sampled_from(
    [
        "**",
        "## ",
        "[bookmark: _GoBack]",
        "◆",
        "(dǎo)",
        ",",
        ":",
        "(",
        ")",
        " ",
        "\n\n",
        "\n- 2 -\n",
        "and",
        "---\n",
    ]
)
MARKERS = st.sampled_from(["一、", "二、", "（一）", "(二)", "1.", "2、", "（1）", "——", "", ""])


@st.composite
def plans(draw):
    parts = [draw(st.sampled_from(["", "温馨提示:\n网站客服:123\n"])), "某市共青团2023年工作要点\n"]
    for _ in range(draw(st.integers(1, 12))):
        line = draw(MARKERS) + draw(CN)
        for _ in range(draw(st.integers(0, 3))):
            pos = draw(st.integers(0, len(line)))
            line = line[:pos] + draw(DEBRIS) + line[pos:]
        parts.append(
            line
            + draw(st.sampled_from(["。", "", "。做好工作。"]))
            + draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
        )
    return "".join(parts).replace("\r\n", "\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_generated_plans_are_lossless(raw):
    r = clean_text(raw)
    # the edit log inverts exactly
    assert restore_raw(r.body, r.edits, r.body_positions) == raw
    # every non-whitespace raw character is either kept in the body or in a recorded edit
    kept = len(re.sub(r"\s", "", raw)) - sum(len(re.sub(r"\s", "", e.original)) for e in r.edits)
    added = sum(len(re.sub(r"\s", "", e.replacement)) for e in r.edits)
    assert kept + added == len(re.sub(r"\s", "", r.body))
    # blocks cover every non-whitespace body character exactly once
    p = parse_plan(r.body, r.title_index)
    cover = [0] * len(r.body)
    for b in p.blocks:
        assert r.body[b["start"] : b["end"]] == b["text"]
        for i in range(b["start"], b["end"]):
            cover[i] += 1
    for i, ch in enumerate(r.body):
        assert cover[i] == 1 or (ch.isspace() and cover[i] == 0)
    for it in p.items:
        assert r.body[it["start"] : it["end"]] == it["text"]
