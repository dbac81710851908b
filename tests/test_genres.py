"""Genre-aware defaults (analysis.genres): the set follows the documents' genre, files are editable.

The government work reports here are made up in the shape of real ones (a dating line, 各位代表, the
review, the year's work as （一）… priorities); each priority is written about one policy area, so
the guided themes can be checked against the area it was written for. The real-world check is
``benchmarks/genre_gov.md`` (the 31 provincial-level reports of 2023).
"""

from __future__ import annotations

import random
import shutil
import warnings
from pathlib import Path

import pytest

from analysis import build_corpus
from analysis.corpus import CorpusWarning
from analysis.genres import (
    GENRES_DIR,
    DefaultsError,
    document_genres,
    genre_defaults,
    read_defaults,
    resolve,
    shipped_sets,
    use_genre_defaults,
)
from analysis.segment import LEXICON, tokens_fingerprint
from analysis.themes import GUIDE, classify_items

DATA = GENRES_DIR.parent
CN = "一二三四五六七八九十"

#: Two wordings per policy area of a report's priorities; the area is what a reader would file it under.
PRIORITIES = {
    "经济发展": ["全力扩大内需，推动经济回升向好。实施重大项目建设攻坚行动，扩大有效投资，促进消费持续恢复，支持民营经济和中小企业发展壮大。",
             "坚定不移壮大实体经济。推动制造业提质增效，做强产业链，招商引资实现新突破，市场主体达到新的规模。"],
    "科技创新": ["强化科技创新引领。建设省实验室和重大创新平台，加大研发投入，培育高新技术企业和专精特新企业，促进科技成果转化。",
             "深入实施创新驱动发展战略。支持高校和科研院所开展基础研究，引进和培养高层次人才，保护知识产权。"],
    "数字经济": ["大力发展数字经济。推进数字产业化和产业数字化，建设算力中心和工业互联网平台，发展大数据和人工智能产业。",
             "加快数字化转型。建设数字政府，推动数据资源开放共享，部署5G基站和信息化基础设施。"],
    "生态环保": ["加强生态环境保护。深入打好污染防治攻坚战，推进绿色低碳发展，稳妥推进碳达峰碳中和，改善大气和河湖水质。",
             "建设美丽家园。实施山水林田湖草沙一体化保护，加强森林和湿地保护，发展清洁能源。"],
    "民生社会": ["持续保障和改善民生。稳定和扩大就业，办好人民满意的教育，提高医疗卫生服务水平，完善养老和托育服务。",
             "织密社会保障网。扩大社保覆盖面，提高医保待遇，加强困难群众救助，繁荣文化体育事业。"],
    "改革开放": ["深化重点领域改革。持续优化营商环境，深化放管服改革和国企改革，完善市场化要素配置。",
             "推进高水平对外开放。稳外贸稳外资，扩大进出口，高水平建设自贸试验区和开发区，融入一带一路。"],
    "乡村振兴": ["全面推进乡村振兴。稳定粮食生产，建设高标准农田，发展农村特色产业，促进农民增收。",
             "加快农业农村现代化。严守耕地保护红线，推进种业振兴，巩固脱贫成果，防止规模性返贫。"],
    "城乡建设": ["推进新型城镇化。实施城市更新行动，改造老旧小区，完善交通和水利基础设施。",
             "促进区域协调发展。建设都市圈和城市群，加快铁路、高速公路和机场建设。"],
    "政府建设": ["加强政府自身建设。坚持依法行政，建设法治政府，提升政务服务效能，坚决纠治形式主义官僚主义。",
             "建设廉洁政府。自觉接受人大监督和政协民主监督，强化审计监督，坚持过紧日子。"],
    "安全稳定": ["守牢安全底线。抓好安全生产和应急管理，提升防灾减灾能力，防范化解地方债务风险。",
             "建设更高水平的平安省份。加强基层社会治理，做好信访工作，保障食品药品安全。"],
}  # fmt: skip


def government_report(rng: random.Random, province: str, year: int) -> tuple[str, list[str]]:
    """A made-up report and the area each of its priorities was written for, in order."""
    areas = rng.sample(sorted(PRIORITIES), 8)
    lines = [
        "---",
        f"title: {year}年{province}政府工作报告",
        "---",
        f"——{year}年1月15日在{province}第十四届人民代表大会第一次会议上",
        f"{province}人民政府省长 某某",
        "各位代表：",
        "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和其他列席人员提出意见。",
        f"一、{year - 1}年工作回顾",
        f"过去一年，我们以习近平新时代中国特色社会主义思想为指导，坚持稳中求进工作总基调。全省地区生产总值增长{rng.randint(3, 8)}%。",
        f"二、{year}年重点工作",
    ]
    for n, area in enumerate(areas):
        lines.append(f"（{CN[n]}）{rng.choice(PRIORITIES[area])}")
    lines += ["三、加强政府自身建设", "坚持依法行政。", "各位代表！让我们团结奋斗。"]
    return "\n\n".join(lines) + "\n", areas


YOUTH_PLAN = """共青团某某市委2023年工作要点

一、加强思想政治引领

1.深化青年大学习行动。组织团员青年学习二十大精神。

2.实施青马工程。培养青年马克思主义者。

二、全面从严治团

3.加强团干部队伍建设。落实从严治团要求。
"""


def _build(folder: Path, files: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return build_corpus(folder)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Three generated government work reports, and the area of each priority by (doc, item)."""
    rng = random.Random(20230115)
    files, truth = {}, {}
    for province in ("甲省", "乙省", "丙省"):
        text, areas = government_report(rng, province, 2023)
        files[f"{province}.md"] = text
        truth[province] = areas
    corpus = _build(tmp_path_factory.mktemp("gov"), files)
    return corpus, truth


def test_three_reports_pick_the_gov_set(reports):
    corpus, _ = reports
    assert set(document_genres(corpus)) == {"政府工作报告"}
    d = genre_defaults(corpus)
    assert d.name == "gov" and d.counts == {"gov": 3}
    assert d.reason == "All 3 documents are of its genres (政府工作报告 3)."
    assert (d.themes.name, d.boilerplate.name, d.dictionary.name) == (
        "themes_gov.csv",
        "boilerplate_gov.txt",
        "dictionary_gov.csv",
    )


def test_gov_themes_file_priorities_where_they_were_written(reports):
    corpus, truth = reports
    d = genre_defaults(corpus)
    got = classify_items(corpus, d.themes).merge(corpus.documents[["doc_id", "file"]], on="doc_id")
    assert len(got) == 24  # 8 priorities in each of the 3 reports
    expected = [truth[Path(f).stem][n - 1] for f, n in zip(got.file, got.item_no)]
    other = (got.guided == "其他").mean()
    hits = (got.guided == expected).mean()
    assert other < 0.5 and hits >= 0.9, (other, hits, list(zip(got.guided, expected)))
    # the League guide does not tell these areas apart: most items in one catch-all theme or none
    cyl = classify_items(corpus, GUIDE)
    assert cyl.guided.nunique() < got.guided.nunique()


def test_seeds_keep_the_league_defaults(seeds):
    d = genre_defaults(seeds)
    assert d.name == "cyl" and d.counts == {"cyl": 5}
    # the values the notebooks had before the genre defaults existed
    assert d.kwic_term == "青马工程"
    assert list(d.dispersion_terms) == ["乡村振兴", "志愿服务", "青马工程", "从严治团", "少先队"]
    assert d.trend_terms == ("青年", "志愿服务", "乡村振兴", "青年发展型城市")
    assert (d.themes, d.boilerplate, d.dictionary) == (
        GUIDE.resolve(),
        (DATA / "boilerplate.txt").resolve(),
        (DATA / "dictionary_cyl.csv").resolve(),
    )
    assert d.lexicon == (LEXICON.resolve(),)
    # so the tokens (and their cache key) are those of the default segmenter
    assert tokens_fingerprint("x", d.lexicon) == tokens_fingerprint("x")


def test_gov_lexicon_keeps_report_terms_whole(reports):
    corpus, _ = reports
    sub = corpus.subset(corpus.doc_ids)  # a subset passes the lexicon to its corpus
    use_genre_defaults(sub)
    assert corpus.lexicon[-1].name == "lexicon_gov.txt"
    tokens = set(sub.tokens.token)
    assert {"数字经济", "营商环境", "高标准农田", "老旧小区"} <= tokens
    use_genre_defaults(corpus, "cyl")  # back to the League lexicon: tokens are made again
    assert "营商环境" not in set(corpus.tokens.token) and "营商" in set(corpus.tokens.token)


def test_an_edited_copy_changes_the_result(reports, tmp_path):
    corpus, _ = reports
    for name in ("gov.toml",):
        shutil.copy(GENRES_DIR / name, tmp_path / name)
    guide = (DATA / "themes_gov.csv").read_text(encoding="utf-8")
    # a researcher merges 数字经济 into 科技创新 and drops its own row
    rows = [r for r in guide.splitlines() if not r.startswith("数字经济,")]
    rows = [
        r + " 数字经济 数字化 大数据 算力 人工智能 数据" if r.startswith("科技创新,") else r for r in rows
    ]
    (tmp_path / "themes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "lexicon.txt").write_text("重大项目建设攻坚行动 30000 n\n", encoding="utf-8")
    toml = (tmp_path / "gov.toml").read_text(encoding="utf-8")
    toml = toml.replace('kwic_term = "营商环境"', 'kwic_term = "高标准农田"')
    toml = toml.replace('themes = "../themes_gov.csv"', 'themes = "themes.csv"')
    toml = toml.replace('"../lexicon_gov.txt"]', '"../lexicon_gov.txt", "lexicon.txt"]')
    toml = toml.replace('"../', f'"{GENRES_DIR.parent.as_posix()}/')  # the shipped files, absolute
    (tmp_path / "gov.toml").write_text(toml, encoding="utf-8")

    d = use_genre_defaults(corpus, tmp_path / "gov.toml")
    assert d.kwic_term == "高标准农田" and d.reason.startswith("Forced: defaults file")
    themes = classify_items(corpus, d.themes).guided
    shipped = classify_items(corpus, genre_defaults(corpus).themes).guided
    assert "数字经济" in set(shipped) and "数字经济" not in set(themes)
    assert (themes == "科技创新").sum() > (shipped == "科技创新").sum()
    assert "重大项目建设攻坚行动" in set(corpus.tokens.token)
    use_genre_defaults(corpus)
    assert "重大项目建设攻坚行动" not in set(corpus.tokens.token)


def test_a_mixed_corpus_says_so(tmp_path):
    rng = random.Random(1)
    files = {f"r{i}.md": government_report(rng, p, 2023)[0] for i, p in enumerate(("甲省", "乙省"))}
    files["plan.txt"] = YOUTH_PLAN
    corpus = _build(tmp_path / "mixed", files)
    d = genre_defaults(corpus)
    assert d.name == "gov" and d.counts == {"gov": 2, "cyl": 1}
    assert d.reason == (
        "Mixed corpus (2 gov, 1 cyl of 3 documents): using 'gov' (the majority) for all; "
        "force another set with -p DEFAULTS cyl."
    )
    assert genre_defaults(corpus, "cyl").name == "cyl"
    files = dict(zip(corpus.documents.file, corpus.documents.doc_id))
    tie = corpus.subset([files["r0.md"], files["plan.txt"]])
    t = genre_defaults(tie)
    assert t.name == "cyl" and "a tie, broken by name" in t.reason and "1 cyl, 1 gov" in t.reason


def test_unknown_genres_fall_back_and_say_why(tmp_path):
    text = "某市青年工作座谈会讲话\n\n一、总体要求\n\n1.加强学习。做好宣传。\n\n2.加强宣传。做好服务。\n"
    corpus = _build(tmp_path / "x", {"a.txt": text})
    assert corpus.documents.genre.isna().all()
    d = genre_defaults(corpus)
    assert d.name == "cyl" and d.reason.startswith("No document's genre belongs to a set (1 of unknown genre")
    assert d.counts == {"unknown": 1}


def test_bad_defaults_files_name_the_file_and_reason(tmp_path, seeds):
    with pytest.raises(DefaultsError, match="neither a set"):
        genre_defaults(seeds, "government")
    with pytest.raises(DefaultsError, match="no such file"):
        genre_defaults(seeds, tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (GENRES_DIR / "gov.toml").read_text(encoding="utf-8").replace("kwic_term", "kwic"), "utf-8"
    )
    with pytest.raises(DefaultsError, match=r"bad\.toml: missing key\(s\) kwic_term"):
        read_defaults(bad)
    bad.write_text((GENRES_DIR / "gov.toml").read_text(encoding="utf-8"), "utf-8")  # ../ now points nowhere
    with pytest.raises(DefaultsError, match=r"bad\.toml: themes = '\.\./themes_gov\.csv': no such file"):
        read_defaults(bad)
    bad.write_text("name = [", "utf-8")
    with pytest.raises(DefaultsError, match="cannot be read as TOML"):
        read_defaults(bad)


def test_shipped_sets_and_resolve():
    sets = shipped_sets()
    assert sorted(sets) == ["cyl", "gov"]
    assert not set(sets["gov"].genres) & set(sets["cyl"].genres)
    assert resolve(None, ("a", "b")) == ["a", "b"] and resolve(("x",), ("a",)) == ("x",)
    assert resolve(None, "营商环境") == "营商环境"


def test_cli_build_reports_the_set_and_rejects_a_bad_one(reports, tmp_path, capsys):
    from analysis.__main__ import main

    corpus, _ = reports
    assert main(["build", "--raw", str(corpus.source), "--out", str(tmp_path / "t")]) == 0
    assert "Defaults: 'gov'" in capsys.readouterr().out
    assert (
        main(["build", "--raw", str(corpus.source), "--out", str(tmp_path / "u"), "--defaults", "nope"]) == 2
    )
    assert "defaults 'nope': neither a set (cyl, gov) nor a .toml file" in capsys.readouterr().err


def test_every_notebook_takes_defaults_and_resolves_them():
    """Each notebook declares DEFAULTS (so ``run -p DEFAULTS gov`` reaches all) and resolves its Nones from it.

    Running them is test_notebooks' job (on the seeds); on real reports, see benchmarks/genre_gov.md.
    """
    import papermill

    from analysis.suite import notebook_paths

    for path in notebook_paths():
        declared = papermill.inspect_notebook(str(path))
        assert "DEFAULTS" in declared, path.name
        assert declared["DEFAULTS"]["default"] == "None", path.name
        source = path.with_suffix(".py").read_text(encoding="utf-8")
        assert "D = use_genre_defaults(corpus, DEFAULTS)" in source and "print(D.summary())" in source
        for name in ("KWIC_TERM", "DISPERSION_TERMS", "TERMS", "GUIDE", "BOILERPLATE_LIST", "DICTIONARY"):
            if name in declared:
                assert declared[name]["default"] == "None", (path.name, name)


def test_the_genres_formulae_are_set_aside_by_reuse_and_the_similarity_mask(tmp_path):
    """A phrase in one plan only is no corpus formula; once the chosen set's reviewed list names
    it, every function that sets formulae aside (boilerplate_phrases, the similarity mask,
    find_reuse, uptake) does so without being passed the list."""
    from analysis import load_corpus
    from analysis.reuse import boilerplate_phrases
    from analysis.similarity import boilerplate_mask

    corpus = load_corpus()
    body = corpus.documents.set_index("doc_id").body["chongqing_2023"]
    phrase = next(line.strip() for line in body.splitlines() if len(line.strip()) > 30)[:20]
    mine = tmp_path / "formulae.txt"
    mine.write_text(phrase + "\n", encoding="utf-8")
    tok = corpus.tokens
    before = boilerplate_mask(corpus, tok).sum()
    n_file_before = boilerplate_phrases(corpus).source.eq("file").sum()
    corpus.use_formulae(mine)
    after = boilerplate_phrases(corpus)
    assert after.source.eq("file").sum() == 1  # only our phrase: the shipped list is replaced
    assert n_file_before > 1
    assert boilerplate_mask(corpus, tok).sum() != before
    with pytest.raises(Exception, match="no such file"):
        corpus.use_formulae(tmp_path / "missing.txt")


def test_tokens_cached_with_one_lexicon_are_never_served_for_another(tmp_path):
    """The token cache is keyed by the lexicon the tokens were made with."""
    from analysis import load_corpus

    from .conftest import RAW

    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_bytes((RAW / "guyuan_2023.txt").read_bytes())
    gov = LEXICON.with_name("lexicon_gov.txt")
    mine = tmp_path / "mine.txt"
    mine.write_text("固原籍青年人\n", encoding="utf-8")
    c1 = load_corpus(folder, cache_dir=tmp_path / "cache").use_lexicon([LEXICON, gov, mine])
    with_mine = c1.tokens
    c2 = load_corpus(folder, cache_dir=tmp_path / "cache")  # default lexicon, same cache
    plain = c2.tokens
    assert with_mine.token.eq("固原籍青年人").any()
    assert not plain.token.eq("固原籍青年人").any()
    c3 = load_corpus(folder, cache_dir=tmp_path / "cache").use_lexicon([LEXICON, gov, mine])
    assert c3.tokens.equals(with_mine)
