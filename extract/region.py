"""Province / prefecture / county of a department, through the GB/T 2260 gazetteer.

Why abstain: a county-level name shared by several units (鼓楼区 ×4) is resolved only when the
report also names a province or prefecture that fits exactly one of them; otherwise the place is
left empty. A wrong place would put a department into the wrong county's figures.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    province: str
    prefecture: str


@dataclass
class Place:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    division_code: str | None = None
    ambiguous: list[str] | None = None


@dataclass
class Gazetteer:
    counties: dict[str, list[Unit]]
    prefectures: dict[str, list[Unit]]
    provinces: dict[str, Unit]
    retired: dict[str, list[Unit]]
    county_re: re.Pattern[str]
    pref_re: re.Pattern[str]
    prov_re: re.Pattern[str]


def _alt(names) -> re.Pattern[str]:
    """One alternation behind a first-character lookahead (fast on long texts)."""
    names = sorted(set(names), key=len, reverse=True)
    first = "".join(sorted({n[0] for n in names}))
    return re.compile("(?=[" + re.escape(first) + "])(?:" + "|".join(re.escape(n) for n in names) + ")")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    counties: dict[str, list[Unit]] = {}
    prefectures: dict[str, list[Unit]] = {}
    provinces: dict[str, Unit] = {}
    with open(DATA / "admin_divisions_gb2260_2024.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            u = Unit(r["code"], r["name"], r["level"], r["province_name"], r["prefecture_name"])
            if u.level == "county":
                counties.setdefault(u.name, []).append(u)
            elif u.level == "prefecture":
                prefectures.setdefault(u.name, []).append(u)
            elif u.level == "province":
                provinces[u.name] = u
    retired: dict[str, list[Unit]] = {}
    with open(DATA / "admin_division_changes_2015_2024.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["level"] != "县级" or r["old_name"] in counties:
                continue
            pref = r["prefecture_name_at_the_time"]
            retired.setdefault(r["old_name"], []).append(
                Unit(r["old_code"], r["old_name"], "county", r["province_name"], "" if pref == "直辖" else pref))
    # 市辖区 / 城区 style names are useless alone; keep names of at least 2 chars
    county_names = [n for n in list(counties) + list(retired) if len(n) >= 2 and n not in ("市辖区",)]
    return Gazetteer(counties, prefectures, provinces, retired, _alt(county_names), _alt(prefectures),
                     _alt(provinces))


def _PLACE_PREFIX(g: Gazetteer) -> re.Pattern[str]:
    return _place_prefix_re(g.prov_re.pattern, g.pref_re.pattern)


@lru_cache(maxsize=4)
def _place_prefix_re(prov: str, pref: str) -> re.Pattern[str]:
    return re.compile(f"(?:{prov})?(?:{pref})?")


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def _fits(u: Unit, provs: set[str], prefs: set[str]) -> bool:
    return (not prefs or u.prefecture in prefs or not u.prefecture) and (not provs or u.province in provs)


def resolve(department_name: str | None, text: str) -> Place:
    """Place of the department: from its name first, then from other places the text names."""
    g = gazetteer()
    place = Place()
    if not department_name:
        return place
    head = text[:20000]
    # the county in the department name: the first county-level name it starts with
    m = g.county_re.search(department_name)
    county_units: list[Unit] = []
    # the county name must open the department's name, after at most a province and a prefecture
    # (四川省攀枝花市仁和区…): 安县 inside 某安县… is not the county 安县
    if m and m.start() and not _PLACE_PREFIX(g).fullmatch(department_name[: m.start()]):
        m = None
    if m and m.start() <= 10:
        name = m.group(0)
        county_units = g.counties.get(name) or g.retired.get(name, [])
        # a county name inside a prefecture name (e.g. 市中区 inside nothing) is fine; a prefix
        # of the department name that is a prefecture restricts the candidates
        before = department_name[: m.start()]
        pm = g.pref_re.search(before) if before else None
        if pm:
            county_units = [u for u in county_units if u.prefecture == pm.group(0)] or county_units
    if county_units:
        if len(county_units) > 1:
            # only now: which provinces and prefectures the report names (the evidence)
            provs = {m.group(0) for m in g.prov_re.finditer(head)}
            prefs = {m.group(0) for m in g.pref_re.finditer(head)}
            narrowed = [u for u in county_units if _fits(u, provs, prefs) and (provs or prefs)]
            if len(narrowed) != 1:
                place.ambiguous = [u.code for u in county_units]
                return place
            county_units = narrowed
        u = county_units[0]
        place.county = u.name
        # a district of a 直辖市 has no prefecture: the municipality is its city-level unit
        place.city = u.prefecture or (u.province if u.province in _MUNICIPALITIES else None)
        place.province = u.province
        place.division_code = u.code
        return place
    # no county: a prefecture-level department (攀枝花市经济和信息化局)
    pm = g.pref_re.match(department_name)
    if pm:
        units = g.prefectures[pm.group(0)]
        if len(units) == 1:
            place.city = units[0].name
            place.province = units[0].province
    return place


def prefixes_for(place: Place) -> list[str]:
    """Region prefixes a report may print before the department name."""
    out = []
    if place.city and place.city != place.province:
        out.append(place.city)
        if place.province:
            out.append(place.province + place.city)
    return out
