"""Regions, provinces and levels from issuer names, checked against the real division list."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.places import divisions, flag_places, infer_place, place_names


@pytest.mark.parametrize(
    "name, region, province, level",
    [
        ("共青团四川省委", "四川", "四川", "province"),
        ("共青团北京市委办公室", "北京", "北京", "municipality"),
        ("共青团绵阳市委员会", "绵阳", "四川", "prefecture"),
        ("团固原市委", "固原", "宁夏", "prefecture"),
        ("共青团仁寿县委", "仁寿", "四川", "county"),
        ("共青团重庆市渝中区委员会", "渝中", "重庆", "county"),
        ("共青团凉山彝族自治州委员会", "凉山", "四川", "prefecture"),
        ("广西壮族自治区团委", "广西", "广西", "province"),
        ("成都市教育局2023年工作要点", "成都", "四川", "prefecture"),
        ("绵阳市妇联2023年工作要点", "绵阳", "四川", "prefecture"),
        ("共青团成都市武侯区浆洗街街道工作委员会", "武侯", "四川", "township"),
        ("固原共青团2023年工作要点", "固原", "宁夏", "prefecture"),
    ],
)
def test_known_issuers(name, region, province, level):
    p = infer_place(name)
    assert (p.region, p.province, p.level) == (region, province, level)
    row = divisions().set_index("code").loc[p.code]
    assert row["short"] == region or row["name"] == region


@pytest.mark.parametrize(
    "name, level",
    [
        ("2023年学校团委工作计划", "school"),  # once gave a region made of a year and a school type
        ("团市委2023年工作要点", "prefecture"),
        ("团县委工作要点", "county"),
        ("青年工作要点", None),
        ("发展青年志愿服务工作计划", None),
        ("xx大学团委2023年工作要点", "school"),
    ],
)
def test_no_region_is_invented(name, level):
    p = infer_place(name)
    assert p.region is None and p.province is None and p.level == level


def test_a_name_shared_by_several_provinces_gets_no_province():
    p = infer_place("朝阳区团委2023年工作要点")
    assert p.region == "朝阳" and p.province is None and p.code is None


def test_place_names_and_flags():
    names = place_names()
    assert {"四川", "四川省", "绵阳", "涪城区", "渝中"} <= names
    assert not {"青年", "发展", "志愿服务", "共青团", "城区"} & names
    tok = flag_places(pd.DataFrame({"token": ["重庆", "青年", "团委", "固原市"]}))
    assert tok.place.tolist() == [True, False, False, True]


def test_division_list_is_well_formed():
    d = divisions()
    assert d.code.str.fullmatch(r"\d{6}").all() and d.code.is_unique
    assert (d.level.value_counts()[["province", "municipality"]] == [30, 4]).all()
    # every prefecture's and county's parent is a listed division of the same province
    codes = set(d.code)
    child = d[d.parent != ""]
    assert child.parent.isin(codes).all()
    assert (child.code.str[:2] == child.parent.str[:2]).all()


@pytest.mark.parametrize(
    "name, level, region",
    [
        ("共青团XX区委2022年度工作总结", "county", None),
        ("县妇联2022年上半年工作总结及下半年工作计划", "county", None),
        ("街道共青团委2006年度工作总结及2007年工作计划", "township", None),
        ("2022年村妇联工作总结汇报", "township", None),
        ("教育部2023年工作计划", "central", "中央"),
    ],
)
def test_masked_generic_and_central_issuers(name, level, region):
    p = infer_place(name)
    assert p.level == level and p.region == region and p.province is None
