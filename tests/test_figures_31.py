"""Every plotting function reads on an A4 page at 5 and at 31 plans (issue 22, part 4).

Each figure is built from a table generated here (31 provincial-level regions with bilingual
labels, the longest the suite meets, and 5 with Chinese labels), drawn, and checked with
:func:`analysis.figures.layout_problems`: no page larger than A4, no two tick labels
overlapping (bounding boxes from the renderer), no text under 7 pt or outside the figure.
The checker itself is tested first on figures that must fail it.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import figures, plots
from analysis.figures import A4, Labels, layout_problems, pages, save_pages, wrap_to_width

REGIONS = ["上海", "云南", "内蒙古", "北京", "吉林", "四川", "天津", "宁夏", "安徽", "山东", "山西", "广东", "广西",
           "新疆", "江苏", "江西", "河北", "河南", "浙江", "海南", "湖北", "湖南", "甘肃", "福建", "西藏", "贵州",
           "辽宁", "重庆", "陕西", "青海", "黑龙江"]  # fmt: skip
PINYIN = ["Shanghai", "Yunnan", "Nei Mongol", "Beijing", "Jilin", "Sichuan", "Tianjin", "Ningxia", "Anhui",
          "Shandong", "Shanxi", "Guangdong", "Guangxi", "Xinjiang", "Jiangsu", "Jiangxi", "Hebei", "Henan",
          "Zhejiang", "Hainan", "Hubei", "Hunan", "Gansu", "Fujian", "Xizang", "Guizhou", "Liaoning", "Chongqing",
          "Shaanxi", "Qinghai", "Heilongjiang"]  # fmt: skip
TERMS = ["数字经济", "乡村振兴", "高质量发展", "营商环境", "新型城镇化", "共同富裕", "生态环境", "科技创新",
         "人才", "就业", "养老服务", "防范化解重大风险", "城市更新", "碳达峰", "消费", "制造业", "开放", "教育"]  # fmt: skip
THEMES = ["经济发展", "科技创新", "乡村振兴", "生态文明", "社会民生", "改革开放", "城市建设", "文化建设",
          "安全稳定", "政府建设", "其他"]  # fmt: skip


def _world(n: int, pinyin: bool):
    rng = np.random.default_rng(n)
    regions = REGIONS[:n]
    docs = [f"{r}_2023" for r in regions]
    text = {r: (f"{r} {p}" if pinyin else r) for r, p in zip(regions, PINYIN)}
    lab = Labels({**text, **{d: text[r] for d, r in zip(docs, regions)}}, regions=dict(zip(docs, regions)))
    return SimpleNamespace(rng=rng, regions=regions, docs=docs, lab=lab, n=n)


def _keyness(w, by: str | None = None):
    rows = []
    for g in w.regions if by else w.regions[:1]:
        for k, t in enumerate(TERMS):
            lr = float(w.rng.normal(0, 2))
            rows.append({"term": t, "direction": "target" if lr > 0 else "reference", "log_ratio": lr,
                         "log_ratio_low": lr - 1 if k % 7 else -np.inf, "log_ratio_high": lr + 1,
                         "log_ratio_bound": abs(lr) - 1, "count_target": int(w.rng.integers(1, 300)),
                         "count_reference": int(w.rng.integers(1, 3000)), "items_target": 3, "n_items_target": 40,
                         "significant": k % 3 == 0, "testable": k % 5 != 4, "p": 0.01, by or "region": g})  # fmt: skip
    key = pd.DataFrame(rows)
    key.attrs.update(target=[w.regions[0]], correction="bh", alpha=0.05, n_tests=len(key), by=by or "region")
    return key


def _similarity(w, level="document"):
    per = 1 if level == "document" else 7
    ids = [d for d in w.docs for _ in range(per)]
    idx = [
        w.lab.text(d) if per == 1 else f"{w.lab.text(d)}·{k % per + 1}坚持以学习宣传贯彻"
        for k, d in enumerate(ids)
    ]
    a = w.rng.uniform(0.2, 0.8, (len(ids), len(ids)))
    m = (a + a.T) / 2
    np.fill_diagonal(m, 1)
    mat = pd.DataFrame(m, index=idx, columns=idx)
    mat.attrs.update(level=level, measure="tfidf_cosine", doc_ids=ids, regions=[d.split("_")[0] for d in ids])
    iv = pd.DataFrame([(ids[i], ids[j], m[i, j] - 0.05, m[i, j] + 0.05, 0.01 if (i + j) % 3 else 0.5)
                       for i in range(len(ids)) for j in range(i + 1, len(ids))],
                      columns=["doc_a", "doc_b", "low", "high", "p_perm"])  # fmt: skip
    iv.attrs.update(confidence=0.95, interval="jackknife", n_perm=200)
    return mat, iv


def _build(name: str, w):
    """The figure (or pages) of one plotting function for the world ``w``."""
    rng, regions, docs, lab = w.rng, w.regions, w.docs, w.lab
    if name == "section_profile":
        prof = pd.DataFrame([(d, r, s, f"第{s}部分", int(rng.integers(1, 9)), int(rng.integers(300, 9000)))
                             for d, r in zip(docs, regions) for s in range(1, int(rng.integers(2, 8)))],
                            columns=["doc_id", "region", "section_no", "title", "n_items", "n_chars"])  # fmt: skip
        return plots.paged(plots.plot_section_profile, prof, "doc_id", labels=lab)
    if name == "cleaning_audit":
        kinds = ["english_line", "front_matter", "markdown_bold", "punctuation_width", "traditional_char",
                 "website_notice", "page_number"]  # fmt: skip
        audit = pd.DataFrame([(d, k, int(rng.integers(0, 400))) for d in docs for k in kinds],
                             columns=["doc_id", "kind", "n"])  # fmt: skip
        return plots.paged(plots.plot_cleaning_audit, audit, "doc_id", labels=lab)
    if name == "top_terms":
        freq = pd.DataFrame([(r, t, float(rng.uniform(1, 60)), k + 1) for r in regions for k, t in enumerate(TERMS)],
                            columns=["region", "term", "per_10k", "rank"])  # fmt: skip
        return plots.paged(plots.plot_top_terms, freq, "region", by="region", n=12, labels=lab)
    if name == "keyness":
        return plots.plot_keyness(_keyness(w), n=15, labels=lab, exclude_places=False)
    if name == "keyness_grid":
        return plots.paged(
            plots.plot_keyness_grid, _keyness(w, "region"), "region", labels=lab, exclude_places=False
        )
    if name == "dispersion":
        pos = pd.DataFrame([(t, d, r, float(rng.uniform())) for t in TERMS[:5] for d, r in zip(docs, regions)
                            for _ in range(int(rng.integers(0, 6)))],
                           columns=["term", "doc_id", "region", "position"])  # fmt: skip
        return plots.plot_dispersion(pos, TERMS[:5], labels=lab)
    if name == "shared_matrix":
        tab = pd.DataFrame({"name": [f"“{t}行动计划”" for t in TERMS] * 2})
        for r in regions:
            tab[r] = rng.integers(0, 3, len(tab))
        tab["n_groups"], tab["total"], tab["groups"], tab["unique_to"] = 2, 4, "", None
        return plots.plot_shared_matrix(tab, "name", n=30, labels=lab)
    if name == "similarity":
        mat, iv = _similarity(w)
        return plots.plot_similarity_heatmap(mat, intervals=iv)
    if name == "similarity_sections":  # 7 sections a plan: 35 units labelled one by one, 217 by plan
        return plots.plot_similarity_heatmap(_similarity(w, "section")[0])
    if name == "dendrogram":
        if w.n < plots.MIN_DENDROGRAM_PLANS:
            return []
        mat, _ = _similarity(w)
        boot = np.stack([mat.values + rng.normal(0, 0.02, mat.shape) for _ in range(5)])
        return plots.plot_dendrogram(mat, replicates=(boot + boot.transpose(0, 2, 1)) / 2)
    if name == "reuse":
        rows = [(a, b, float(rng.uniform(0, 0.2))) for a in docs for b in docs if a != b]
        rows += [(a, "any", float(rng.uniform(0.1, 0.5))) for a in docs]
        return plots.plot_reuse_network(pd.DataFrame(rows, columns=["doc_id", "other", "share"]), lab)
    if name == "attention":
        att = pd.DataFrame([(t, r, float(rng.uniform(0, 0.4)), ["", "over", "under"][k % 3]) for t in THEMES
                            for k, r in enumerate(regions)], columns=["guided", "region", "share", "over"])  # fmt: skip
        att.attrs.update(correction="bh", alpha=0.05, n_tests=len(att))
        return plots.plot_attention(att, "guided", "region", group_labels=lab)
    if name == "item_map":
        t = rng.integers(0, 10, 400)
        return plots.plot_item_map(pd.DataFrame({"x": rng.normal(size=400) + t, "y": rng.normal(size=400),
                                                 "theme": t, "theme_label": [THEMES[k] for k in t]}))  # fmt: skip
    if name == "theme_terms":
        th = pd.DataFrame({"theme": range(12), "n_items": 30, "top_terms": " ".join(TERMS[:8])})
        return plots.plot_theme_terms(th)
    if name == "diffusion":
        order = pd.DataFrame({"doc_id": docs, "date": [f"2023-01-{10 + k % 6:02d}" for k in range(len(docs))],
                              "level": "province"})  # fmt: skip
        edges = pd.DataFrame([(docs[k], docs[(k + 1) % len(docs)], "inherited" if k % 4 == 0 else "co-derived",
                               1, 2, 100 + k, None) for k in range(len(docs))],
                             columns=["source", "target", "relation", "n_families", "n_evidence", "n_chars",
                                      "basis"])  # fmt: skip
        return plots.plot_diffusion(order, edges, lab)
    if name == "uptake":
        st = {"province": ["taken up", "adapted", "absent"], "city": ["from province", "shared", "new"]}
        up = pd.DataFrame([(side, docs[0 if side == "province" else 1], s, f"第{s}部分：推动高质量发展",
                            st[side][k % 3]) for side in st for s in range(1, 9) for k in range(6)],
                          columns=["side", "doc_id", "section_no", "section", "status"])  # fmt: skip
        return plots.plot_uptake(up, lab)
    if name == "trend":
        from analysis.stats import rates_by_year

        years = [2018 + k % 6 for k in range(len(docs))]
        tokens = pd.DataFrame([(d, t) for d in docs for t in TERMS[:4] for _ in range(int(rng.integers(1, 30)))]
                              + [(d, "其他") for d in docs for _ in range(500)], columns=["doc_id", "token"])  # fmt: skip
        tr = rates_by_year(tokens, SimpleNamespace(documents=pd.DataFrame({"doc_id": docs, "year": years})),
                           "token", TERMS[:4], min_plans=1)  # fmt: skip
        return plots.plot_trend(tr, labels=lab)
    if name == "k_selection":
        ks = np.arange(3, 13)
        sel = pd.DataFrame({"k": ks, "stability": rng.uniform(0.3, 0.8, 10), "stability_se": 0.03,
                            "stability_null": 0.1, "coherence": rng.uniform(0, 0.2, 10),
                            "exclusivity": rng.uniform(0.5, 0.9, 10), "sections": rng.uniform(0, 0.3, 10),
                            "chosen": ks == 8, "eligible": ks >= 5, "n_pairs": 10})  # fmt: skip
        return plots.plot_k_selection(sel)
    if name == "robustness":
        sh = pd.DataFrame([(k, r, t, float(rng.uniform(0, 0.3)), 0.1 + 0.01 * j) for k in range(3, 13)
                           for r in regions for j, t in enumerate(THEMES)],
                          columns=["k", "group", "guided", "share", "share_guided"])  # fmt: skip
        return plots.plot_robustness(sh, labels=lab, default=8)
    if name in ("panel_heatmap", "panel_lines"):
        cats = ["数字经济", "生态", "民生", "科技创新", "开放", "安全", "乡村振兴", "文化"]
        yrs = [2023] if name == "panel_heatmap" and w.n > 5 else list(range(2018, 2024))
        r = pd.DataFrame([(g, y, c, float(rng.uniform(1, 40))) for g in regions for y in yrs for c in cats],
                         columns=["region", "year", "category", "rate"])  # fmt: skip
        r["ci_low"], r["ci_high"], r["count"], r["total"], r["n_docs"] = (
            r.rate * 0.8,
            r.rate * 1.2,
            10,
            10_000,
            2,
        )
        kind = "heatmap" if name == "panel_heatmap" else "lines"
        return plots.plot_attention_panel(r, kind=kind, labels=lab)
    raise KeyError(name)


NAMES = ["section_profile", "cleaning_audit", "top_terms", "keyness", "keyness_grid", "dispersion", "shared_matrix",
         "similarity", "similarity_sections", "dendrogram", "reuse", "attention", "item_map", "theme_terms",
         "diffusion", "uptake", "trend", "k_selection", "robustness", "panel_heatmap", "panel_lines"]  # fmt: skip


def test_every_plotting_function_is_covered():
    public = {n for n in dir(plots) if n.startswith("plot_")}
    covered = {"plot_section_profile", "plot_cleaning_audit", "plot_top_terms", "plot_keyness", "plot_keyness_grid",
               "plot_dispersion", "plot_shared_matrix", "plot_similarity_heatmap", "plot_dendrogram",
               "plot_reuse_network", "plot_attention", "plot_item_map", "plot_theme_terms", "plot_diffusion",
               "plot_uptake", "plot_trend", "plot_k_selection", "plot_robustness", "plot_attention_panel"}  # fmt: skip
    assert public == covered


@pytest.mark.parametrize("n, pinyin", [(31, True), (5, False)], ids=["31-plans", "5-plans"])
@pytest.mark.parametrize("name", NAMES)
def test_figure_fits_a4_without_overlapping_labels(name, n, pinyin):
    figs = _build(name, _world(n, pinyin))
    figs = [figs] if isinstance(figs, plt.Figure) else figs
    try:
        for k, fig in enumerate(figs):
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)  # e.g. constrained layout giving up
                problems = layout_problems(fig)
            assert problems == [], f"{name} page {k + 1} of {len(figs)}: {problems}"
    finally:
        for fig in figs:
            plt.close(fig)


def test_long_lists_are_split_into_even_pages_and_every_group_is_shown():
    w = _world(31, True)
    figs = _build("top_terms", w)
    titles = [ax.get_title(loc="left") for f in figs for ax in f.axes if ax.get_visible()]
    assert [len([a for a in f.axes if a.get_visible()]) for f in figs] == [11, 10, 10]
    assert titles == [w.lab.text(r) for r in w.regions]  # all 31, in order, none twice
    grid = _build("keyness_grid", w)
    assert len(grid) == 4 and sum(len([a for a in f.axes if a.get_visible()]) for f in grid) == 31
    assert all("页）" in f._suptitle.get_text() for f in grid)
    for f in figs + grid:
        plt.close(f)


def test_reuse_is_a_network_up_to_12_plans_and_an_ordered_matrix_above():
    w = _world(31, False)
    fig = _build("reuse", w)
    assert "矩阵" in fig._suptitle.get_text() and len(fig.axes[0].images) == 1
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(ticks) == sorted(w.regions)  # every plan once
    # two plans that share most with each other sit side by side after the ordering
    share = pd.DataFrame([(a, b, 0.9 if {a, b} == {w.docs[3], w.docs[20]} else 0.01) for a in w.docs for b in w.docs
                          if a != b] + [(a, "any", 0.2) for a in w.docs], columns=["doc_id", "other", "share"])  # fmt: skip
    order = [t.get_text() for t in plots.plot_reuse_network(share, w.lab).axes[0].get_yticklabels()]
    assert abs(order.index(w.regions[3]) - order.index(w.regions[20])) == 1
    small = plots.plot_reuse_network(
        share[share.doc_id.isin(w.docs[:12]) & share.other.isin(w.docs[:12] + ["any"])]
    )
    assert not small.axes[0].images and "网络" in small.axes[0].get_title(loc="left")
    plt.close("all")


def test_layout_checker_catches_what_it_should():
    figures.setup()
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.set_yticks(range(31), REGIONS, fontsize=10)  # 31 labels in 2 inches
    assert any(p.startswith("overlapping tick labels") for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.set_xticks(range(31), REGIONS, rotation=45, fontsize=11)  # rotated 45°, 0.13 in apart: glyphs overlap
    assert any(p.startswith("overlapping tick labels") for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.set_xticks(range(5), REGIONS[:5], rotation=45)  # rotated and well apart: fine
    assert layout_problems(fig) == []
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.text(0.5, 0.5, "小字", fontsize=5)
    assert any("below 7 pt" in p for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([1, 2], [1, 2], label="北京")
    fig.legend(loc="outside lower center")
    figures.fig_note(fig, "线：各地条目中的比例" * 8)  # the old robustness figure: legend on the note
    assert any(p.startswith("a legend overlaps") for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(18.5, 3))
    assert layout_problems(fig)[0].startswith("larger than a page: 18.50")
    plt.close("all")


def test_wrapped_caption_fits_the_width_and_keeps_words():
    text = "▲/▼：与其余各地相比显著偏高/偏低（G² 或 Fisher 精确检验，Benjamini–Hochberg 校正后 p < 0.05）" * 3
    lines = wrap_to_width(text, 3.0, 8).split("\n")
    assert len(lines) > 3 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(
        figures.text_em(line) * 8 / 72 <= 3.0 + 8 / 72 for line in lines
    )  # at most one closing mark over
    assert not any(line.startswith(("，", "）", "。")) for line in lines)
    assert all("Benjamini–Hochberg" in line for line in lines if "Benjamini" in line)


def test_save_pages_names_pages_and_removes_stale_ones(tmp_path):
    figures.setup()
    figs = [plt.subplots(figsize=(2, 2))[0] for _ in range(3)]
    written = save_pages(figs, "01_top_terms", tmp_path, caption="Top terms", formats=("png",))
    assert [p.name for p in written] == ["01_top_terms_p1.png", "01_top_terms_p2.png", "01_top_terms_p3.png"]
    index = pd.read_csv(tmp_path / "index.csv")
    assert list(index.caption) == [f"Top terms (page {i} of 3)" for i in (1, 2, 3)]
    (tmp_path / "01_top_terms_p3.png").write_bytes(b"edited by hand")  # not the tool's any more: kept
    save_pages(figs[:2], "01_top_terms", tmp_path, formats=("png",))
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["01_top_terms_p1.png", "01_top_terms_p2.png",
                                                              "01_top_terms_p3.png"]  # fmt: skip
    save_pages(figs[0], "01_top_terms", tmp_path, formats=("png",))
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["01_top_terms.png", "01_top_terms_p3.png"]
    plt.close("all")


def test_saving_a_figure_larger_than_a4_warns(tmp_path):
    figures.setup()
    fig, _ = plt.subplots(figsize=(A4[0] + 1, 3))
    with pytest.warns(figures.PageSizeWarning, match="larger than an A4 page"):
        figures.save(fig, "wide", tmp_path, formats=("png",), close=True)


def test_pages_are_even_and_complete():
    for n in (1, 5, 12, 13, 31, 100):
        for per in (1, 8, 12):
            p = pages(range(n), per)
            assert sum(p, []) == list(range(n)) and max(map(len, p)) <= per
            assert max(map(len, p)) - min(map(len, p)) <= 1
