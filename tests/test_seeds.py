"""The five seed plans: expected structure, metadata, no debris, lossless tables."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from analysis import build_corpus

from .conftest import RAW

EXPECTED = {
    # doc_id: (top-level sections, items, doc_number, issued_date)
    "chongqing_2023": (5, 22, "渝青发〔2023〕8号", "2023-02-10"),
    "guyuan_2023": (4, 20, "固市团发〔2023〕7号", "2023-03-01"),
    "mianyang_2023": (6, 22, None, None),
    "beijing_2023": (6, 24, "京团办字〔2023〕2号", "2023-04-10"),
    "sichuan_2021": (5, 39, None, None),
}


def _none(x):
    return None if pd.isna(x) else x


DEBRIS = re.compile(r"\*\*|^#|\[bookmark|stamp|温馨提示|客服|下载| and |學|---", re.M)


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_structure_and_metadata(seeds, doc_id):
    n_sec, n_items, number, date = EXPECTED[doc_id]
    doc = seeds.documents.set_index("doc_id").loc[doc_id]
    sections = seeds.sections[seeds.sections.doc_id == doc_id]
    items = seeds.items[seeds.items.doc_id == doc_id]
    assert (sections.level == 1).sum() == n_sec == doc.n_sections
    assert len(items) == n_items
    assert items.item_no.tolist() == list(range(1, n_items + 1))
    assert set(items.section_no) == set(range(1, n_sec + 1))
    assert _none(doc.doc_number) == number
    assert _none(doc.issued_date) == date
    assert doc.status == "ok"


def test_flags(seeds):
    d = seeds.documents.set_index("doc_id")
    assert d.loc["mianyang_2023", "anonymised"] and d.loc["mianyang_2023", "truncated"]
    assert not d.drop("mianyang_2023").anonymised.any()
    assert not d.drop("mianyang_2023").truncated.any()
    items = seeds.items
    truncated = items[items.truncated]
    assert truncated[["doc_id", "item_no"]].values.tolist() == [["mianyang_2023", 22]]
    assert d.loc["sichuan_2021", "year"] == 2021 and (d.drop("sichuan_2021").year == 2023).all()


def test_sichuan_items_are_bullets(seeds):
    items = seeds.items[seeds.items.doc_id == "sichuan_2021"]
    assert set(items.marker) == {"——"}
    assert items.path.iloc[0] == "一/—1"


def test_no_debris_in_items_or_sections(seeds):
    for text in list(seeds.items.text) + list(seeds.sections.title):
        assert not DEBRIS.search(text), text
    mianyang = seeds.documents.set_index("doc_id").loc["mianyang_2023", "body"]
    assert "团市委\n2023\n工作" not in mianyang


def test_page_break_splits_are_rejoined(seeds):
    items = seeds.items.set_index(["doc_id", "item_no"]).text
    assert "推进“五融入”" in items["chongqing_2023", 1]
    assert "用习近平新时代中国特色社会主义思想武装青年" in items["guyuan_2023", 2]
    heading = seeds.sections[(seeds.sections.doc_id == "guyuan_2023") & (seeds.sections.section_no == 3)]
    assert heading.title.item() == "聚焦办好急难愁盼“关键小事”，帮助青少年生活更安心更舒心"


def test_item_titles_are_lead_sentences(seeds):
    items = seeds.items.set_index(["doc_id", "item_no"]).title
    assert items["chongqing_2023", 6] == "助力推动乡村全面振兴"
    assert items["beijing_2023", 11] == "全力维护首都安全稳定"
    assert items["sichuan_2021", 2] == "广泛开展党史学习教育"
    assert not any("。" in t for t in seeds.items.title)


def test_offsets_point_into_body(seeds):
    bodies = seeds.documents.set_index("doc_id").body
    for table in ("items", "sections", "sentences", "blocks"):
        df = getattr(seeds, table)
        for row in df.itertuples():
            text = row.text if table != "sections" else None
            span = bodies[row.doc_id][row.start : row.end]
            if text is not None:
                assert span == text
            else:
                assert span.startswith(row.marker) and span.endswith(row.title[-3:])


def test_blocks_cover_every_character_once(seeds):
    """Preamble, headings and items (with cover/title) cover all non-whitespace exactly once."""
    for doc in seeds.documents.itertuples():
        cover = [0] * len(doc.body)
        for b in seeds.blocks[seeds.blocks.doc_id == doc.doc_id].itertuples():
            for i in range(b.start, b.end):
                cover[i] += 1
        for i, ch in enumerate(doc.body):
            assert cover[i] == (0 if ch.isspace() and cover[i] == 0 else 1), (doc.doc_id, i, ch)
        kinds = set(seeds.blocks[seeds.blocks.doc_id == doc.doc_id].kind)
        assert {"title", "preamble", "heading", "item"} <= kinds


def test_sentences_cover_blocks(seeds):
    for doc in seeds.documents.itertuples():
        sents = seeds.sentences[seeds.sentences.doc_id == doc.doc_id]
        covered = sum(len(re.sub(r"\s", "", t)) for t in sents.text)
        assert covered == doc.n_chars


def test_raw_text_is_restored_exactly(seeds):
    for doc_id in seeds.doc_ids:
        raw = (RAW / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert seeds.raw_text(doc_id) == raw


def test_every_removal_has_kind_reason_and_text(seeds):
    r = seeds.removed
    assert r[["doc_id", "kind", "text", "reason"]].notna().all().all()
    non_ws = r[r.kind != "whitespace"]
    assert set(non_ws.kind) >= {
        "markdown_heading", "markdown_bold", "markdown_rule", "word_bookmark", "english_line",
        "website_notice", "split_title", "punctuation_width", "traditional_char", "ocr_english",
        "page_break_join",
    }  # fmt: skip
    assert (r[r.kind == "whitespace"].text.str.strip() == "").all()


def test_metadata_inferred_without_manifest(tmp_path):
    for f in RAW.glob("*.txt"):
        shutil.copy(f, tmp_path / f.name)
    c = build_corpus(tmp_path)
    d = c.documents.set_index("doc_id")
    assert (d.metadata_source == "text").all()
    for doc_id, (_n_sec, n_items, number, date) in EXPECTED.items():
        assert d.loc[doc_id, "n_items"] == n_items
        assert _none(d.loc[doc_id, "doc_number"]) == number
        assert _none(d.loc[doc_id, "issued_date"]) == date
    assert d.year.to_dict() == {k: int(k[-4:]) for k in EXPECTED}
    assert d.loc["sichuan_2021", "region"] == "四川" and d.loc["sichuan_2021", "level"] == "province"
    assert d.loc["guyuan_2023", "region"] == "固原" and d.loc["guyuan_2023", "level"] == "prefecture"
    assert d.loc["beijing_2023", "level"] == "municipality"
    assert d.loc["mianyang_2023", "level"] == "prefecture"  # region itself is anonymised
