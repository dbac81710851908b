"""Word, PDF and web-page plans load with the same structure as the same plan in .txt.

Every fixture is written here: a .docx with Word's automatic list numbering (numbering.xml),
a PDF drawn with matplotlib (real CJK text layer, running header, page numbers), and a web
page with navigation around the plan.
"""

from __future__ import annotations

import os
import warnings

import pytest

from analysis.corpus import CorpusWarning, build_corpus
from analysis.io import PlanReadError, read_plan_file

TITLE = "某市共青团2023年工作要点"
SECTIONS = [
    ("加强思想政治引领", ["深入学习宣传党的二十大精神。组织团员青年开展专题学习。", "深化青年大学习行动。提升学习覆盖面。"]),
    ("服务青年成长发展", ["实施青年就业见习计划。提供见习岗位五百个。", "推进青年发展型城市建设。完善政策体系。", "关爱困难青少年。开展结对帮扶。"]),
]  # fmt: skip


def plan_txt() -> str:
    lines = [TITLE]
    n = 0
    for i, (head, items) in enumerate(SECTIONS):
        lines.append(f"{'一二三'[i]}、{head}")
        for it in items:
            n += 1
            lines.append(f"{n}.{it}")
    return "\n".join(lines) + "\n"


def structure(corpus, doc_id):
    secs = corpus.sections[(corpus.sections.doc_id == doc_id) & (corpus.sections.level == 1)].title.tolist()
    items = corpus.items[corpus.items.doc_id == doc_id][["section_no", "title"]].values.tolist()
    return secs, items


def write_docx(path):
    """A plan whose headings and items are numbered by Word (chineseCounting, then decimal)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, fmt, text in ((0, "chineseCounting", "%1、"), (1, "decimal", "%2.")):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)

    def numbered(text, ilvl):
        p = document.add_paragraph(text)
        ppr = p._p.get_or_add_pPr()
        numpr = OxmlElement("w:numPr")
        for tag, val in (("w:ilvl", str(ilvl)), ("w:numId", "90")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            numpr.append(el)
        ppr.append(numpr)

    document.add_paragraph(TITLE)
    for head, items in SECTIONS:
        numbered(head, 0)
        for it in items:
            numbered(it, 1)
    document.save(path)


def write_pdf(path, lines_per_page=4):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from analysis.figures import setup

    setup()
    lines = plan_txt().strip().split("\n")
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    with PdfPages(path) as pdf:
        for n, page in enumerate(pages, 1):
            fig = plt.figure(figsize=(8.27, 11.69))
            fig.text(0.1, 0.95, "共青团某市委员会文件", fontsize=9)
            for k, line in enumerate(page):
                fig.text(0.1, 0.88 - 0.04 * k, line, fontsize=11)
            fig.text(0.5, 0.04, f"- {n} -", fontsize=9)
            pdf.savefig(fig)
            plt.close(fig)


def write_html(path):
    body = "".join(f"<p>{line}</p>" for line in plan_txt().strip().split("\n"))
    page = f"""<!DOCTYPE html><html><head><meta charset="gb2312"><title>{TITLE}-某市共青团网</title>
<style>p {{margin: 0}}</style><script>var x = "菜单脚本不是正文";</script></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/tzgg">通知公告</a> &gt; 正文</div>
<div class="menu"><ul><li>机构设置</li><li>青年之家</li><li>联系我们</li></ul></div>
<div class="article"><h1>{TITLE}</h1><div class="content">{body}</div></div>
<div class="footer">版权所有：共青团某市委员会 地址：某市人民路1号 备案号：某ICP备12345678号</div>
</body></html>"""
    path.write_bytes(page.encode("gb18030"))


@pytest.fixture(scope="module")
def formats(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    (folder / "plan_txt.txt").write_text(plan_txt(), encoding="utf-8")
    write_docx(folder / "plan_docx.docx")
    write_pdf(folder / "plan_pdf.pdf")
    write_html(folder / "plan_html.html")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return build_corpus(folder)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_format_loads_with_the_same_structure_as_txt(formats, fmt):
    expected = structure(formats, "plan_txt")
    assert expected[0] == [h for h, _ in SECTIONS] and len(expected[1]) == 5
    assert structure(formats, f"plan_{fmt}") == expected
    doc = formats.documents.set_index("doc_id").loc[f"plan_{fmt}"]
    assert doc.title == TITLE and doc.year == 2023 and doc.source_format == fmt


def test_word_automatic_numbering_is_recovered(formats):
    markers = formats.sections[formats.sections.doc_id == "plan_docx"].marker.tolist()
    assert markers == ["一、", "二、"]
    # Word restarts a level's numbering after a higher level (lvlRestart's default)
    assert formats.items[formats.items.doc_id == "plan_docx"].marker.tolist() == [
        "1.",
        "2.",
        "1.",
        "2.",
        "3.",
    ]


def test_pdf_headers_and_page_numbers_are_removed_and_recorded(formats):
    rem = formats.removed[formats.removed.doc_id == "plan_pdf"]
    assert set(rem[rem.kind == "pdf_header_footer"].text) == {"共青团某市委员会文件"}
    assert sorted(rem[rem.kind == "pdf_page_number"].text) == ["- 1 -", "- 2 -"]
    assert "委员会文件" not in formats.body("plan_pdf")


def test_lossless_against_the_extracted_text(formats):
    for doc_id in ("plan_docx", "plan_pdf", "plan_html"):
        extracted = read_plan_file(formats.source / (doc_id + "." + doc_id.split("_")[1])).text
        assert formats.raw_text(doc_id) == extracted
    v = formats.verify()
    assert (v.uncovered == 0).all() and (v.overlap == 0).all() and v.raw_restored.all()


def test_html_navigation_is_recorded_not_lost(formats):
    rem = formats.removed[
        (formats.removed.doc_id == "plan_html") & (formats.removed.kind == "html_navigation")
    ]
    nav = " ".join(rem.text)
    assert "首页" in nav and "联系我们" in nav and "备案号" in nav
    assert "菜单脚本" not in formats.raw_text("plan_html")  # scripts are not page text
    assert "首页" not in formats.body("plan_html")


def test_scanned_pdf_is_reported(tmp_path):
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.add_artist(plt.Rectangle((0.1, 0.1), 0.5, 0.5))
    fig.savefig(tmp_path / "scan.pdf")
    plt.close(fig)
    with pytest.raises(PlanReadError, match="scanned PDF"):
        read_plan_file(tmp_path / "scan.pdf")


def test_legacy_doc_without_converter_says_what_to_install(tmp_path, monkeypatch):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600))
    monkeypatch.setenv("PATH", str(tmp_path))  # no antiword/catdoc on this PATH
    with pytest.raises(PlanReadError, match="antiword"):
        read_plan_file(tmp_path / "old.doc")


def test_big5_is_decoded_and_converted(tmp_path):
    import opencc

    trad = opencc.OpenCC("s2t").convert(plan_txt())
    assert trad != plan_txt()
    (tmp_path / "big5.txt").write_bytes(trad.encode("big5"))
    d = read_plan_file(tmp_path / "big5.txt")
    assert d.encoding.startswith("big5") and d.text == trad
    c = build_corpus(tmp_path)
    assert structure(c, "big5")[0] == [h for h, _ in SECTIONS]
    assert "traditional_char" in set(c.removed.kind)


def test_a_few_invalid_bytes_are_replaced_recorded_and_warned(tmp_path):
    data = plan_txt().encode("utf-8")
    cut = data.index("专题".encode())
    (tmp_path / "bad.txt").write_bytes(data[:cut] + b"\xff\xfe" + data[cut:])
    with pytest.warns(CorpusWarning, match="invalid byte"):
        c = build_corpus(tmp_path)
    assert c.doc_ids == ["bad"]
    rem = c.removed[c.removed.kind == "invalid_bytes"]
    assert len(rem) >= 1 and set(rem.text) == {"\ufffd"}
    assert "专题学习" in c.body("bad")
    assert c.raw_text("bad") == read_plan_file(tmp_path / "bad.txt").text


def test_mojibake_is_rejected_not_loaded(tmp_path):
    # random double-byte garbage decodes as GB18030 but is not Chinese text
    import random

    rng = random.Random(0)
    junk = bytes(
        b for _ in range(400) for b in (rng.randrange(0x81, 0xFE), rng.randrange(0x40, 0xFE)) if b != 0x7F
    )
    (tmp_path / "junk.txt").write_bytes(junk)
    with pytest.raises(PlanReadError):
        read_plan_file(tmp_path / "junk.txt")


def test_every_entry_of_the_folder_is_accounted_for(tmp_path):
    (tmp_path / "plan.txt").write_text(plan_txt(), encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(plan_txt(), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    outside = tmp_path.parent / f"{tmp_path.name}_outside.txt"
    outside.write_text(plan_txt().replace("某市", "外部"), encoding="utf-8")
    os.symlink(outside, tmp_path / "link.txt")
    with pytest.warns(CorpusWarning, match="skipped"):
        c = build_corpus(tmp_path)
    assert c.doc_ids == ["plan"]
    skipped = dict(zip(c.errors.file, c.errors.reason))
    assert set(skipped) == {".hidden.txt", "sub", "image.png", "link.txt"}
    assert "symbolic link" in skipped["link.txt"] and "外部" not in " ".join(c.documents.body)


def test_files_over_the_size_limit_are_refused(tmp_path):
    (tmp_path / "big.txt").write_text(plan_txt() * 50, encoding="utf-8")
    with pytest.raises(PlanReadError, match="over the limit"):
        read_plan_file(tmp_path / "big.txt", max_bytes=1000)


def test_shift_jis_is_recognised_not_read_as_gb18030(tmp_path):
    text = (
        "某市青年団2023年工作要点\n一、思想引領を強化する\n1.深入学習。組織専題学習、全市各級団組織と青年を覆蓋する。\n"
        "2.宣伝強化。網上宣伝工作をよく行う。\n二、青年発展に奉仕する\n3.就業見習計画を実施する。見習職位五百個を提供する。\n"
    )
    (tmp_path / "sjis.txt").write_bytes(text.encode("cp932"))
    d = read_plan_file(tmp_path / "sjis.txt")
    assert d.encoding == "cp932" and d.text == text
