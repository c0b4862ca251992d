"""The finder understands any UK place: postcodes without a download, imported postcode files,
"did you mean", places that share a name, and address-like text. On both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.geo import gazetteer
from community_hub.geo.geocode import geocode, resolve
from community_hub.geo.postcodes import (
    PostcodeFileError,
    PostcodePosition,
    import_postcodes,
    osgb_to_wgs84,
    tidy,
)

FIXTURES = Path(__file__).parent / "geo_fixtures"
ONSPD = FIXTURES / "onspd-sample.csv"
CODEPOINT = FIXTURES / "codepoint-sample.csv"


def near(located, lat: float, lng: float, within: float = 0.02) -> bool:
    return abs(located.latitude - lat) < within and abs(located.longitude - lng) < within


# 1. Outward codes with no download -------------------------------------------------------------


@pytest.mark.parametrize("text", ["DN2", "dn2", "DN2 6AB", "dn26ab", "DN5 9QS", "S10 2TN"])
def test_postcodes_resolve_by_their_district_on_a_fresh_install(app, text):
    found = geocode(text)
    assert found is not None
    district = tidy(text).split(" ")[0]
    assert found.label == district
    assert 53.2 < found.latitude < 53.7 and -1.7 < found.longitude < -0.9


def test_unknown_district_is_not_found(app):
    assert geocode("ZZ99") is None


def test_a_postcode_inside_an_address_is_found(app):
    found = geocode("12 High St, Doncaster DN1 3AA")
    assert found is not None and found.label == "DN1"


# 2. Imported postcode files --------------------------------------------------------------------


def test_onspd_import_stores_live_postcodes_sectors_and_districts(app):
    counts = import_postcodes(ONSPD, batch_size=2)
    assert (counts.postcodes, counts.skipped) == (4, 2)  # one terminated, one without position
    assert (counts.sectors, counts.districts) == (3, 2)  # DN2 6, DN2 5, S10 2; DN2, S10
    codes = set(db.session.scalars(select(PostcodePosition.code)))
    assert {"DN2 6AB", "DN2 6AD", "DN2 5XX", "S10 2TN", "DN2 6", "DN2", "S10"} <= codes
    assert "DN2 6ZZ" not in codes and "ZZ9 9ZZ" not in codes
    sector = db.session.get(PostcodePosition, "DN2 6")
    assert sector.latitude == pytest.approx((53.5339 + 53.5349) / 2)
    exact = geocode("dn2 6ab")
    assert (exact.label, exact.latitude, exact.longitude) == ("DN2 6AB", 53.5339, -1.0981)


def test_a_postcode_not_in_the_file_falls_back_to_its_sector_then_district(app):
    import_postcodes(ONSPD)
    assert geocode("DN2 6QQ").label == "DN2 6"
    assert geocode("DN2 7QQ").label == "DN2"
    district = geocode("DN2")
    assert district.latitude == pytest.approx((53.5339 + 53.5349 + 53.54) / 3)


def test_an_imported_file_supersedes_the_bundled_districts(app):
    import_postcodes(ONSPD)
    assert geocode("S10").latitude == pytest.approx(53.3811)  # the file's, not the bundle's
    assert geocode("DN5") is None  # not in the (tiny) file: the import is the whole truth


def test_reimport_replaces(app):
    import_postcodes(ONSPD)
    import_postcodes(CODEPOINT)
    codes = set(db.session.scalars(select(PostcodePosition.code)))
    assert "DN2 6AB" not in codes and "SW1A 1AA" in codes


def test_codepoint_import_converts_british_national_grid(app):
    counts = import_postcodes(CODEPOINT)
    assert (counts.postcodes, counts.skipped, counts.districts) == (4, 1, 4)
    # Buckingham Palace: E 529090 N 179645 is 51.50101, -0.14159 (published by ONS for SW1A 1AA)
    palace = geocode("SW1A 1AA")
    assert palace.latitude == pytest.approx(51.50101, abs=0.0002)
    assert palace.longitude == pytest.approx(-0.14159, abs=0.0002)


def test_osgb_transform_matches_known_points():
    # Ordnance Survey's worked example in "A guide to coordinate systems in Great Britain":
    # Caister water tower, E 651409.903 N 313177.270, is ETRS89 (WGS84) 52°39'28.8282" N,
    # 1°42'57.8663" E. The Helmert transformation is good to a few metres (0.0002° ≈ 20 m).
    (lat, lng), *_ = osgb_to_wgs84([651409.903], [313177.270])
    assert lat == pytest.approx(52 + 39 / 60 + 28.8282 / 3600, abs=0.0002)
    assert lng == pytest.approx(1 + 42 / 60 + 57.8663 / 3600, abs=0.0002)


def test_a_file_of_neither_layout_is_refused_and_nothing_changes(app, tmp_path):
    import_postcodes(ONSPD)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,town\nfoo,bar\n")
    with pytest.raises(PostcodeFileError):
        import_postcodes(bad)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PostcodePosition)) > 0


def test_cli_import_postcodes(app, tmp_path):
    copy = tmp_path / "ONSPD_NOV_2026_UK.csv"
    shutil.copy(ONSPD, copy)
    result = CliRunner().invoke(
        app.cli, ["gazetteer", "import-postcodes", str(copy)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Imported 4 postcodes, 3 sectors and 2 districts" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\n")
    result = CliRunner().invoke(app.cli, ["gazetteer", "import-postcodes", str(bad)])
    assert result.exit_code != 0 and "neither" in result.output


# 3. Did you mean -------------------------------------------------------------------------------


def test_a_misspelt_town_gets_suggestions(app):
    resolution = resolve("Doncastr")
    assert resolution.located is None
    assert resolution.suggestions[0].query.startswith("Doncaster")
    assert len(resolution.suggestions) <= 5
    assert geocode(resolution.suggestions[0].query).label == "Doncaster"


def test_welsh_and_english_names_are_both_suggested(app):
    label = resolve("Caerdyd").suggestions[0].label
    assert "Caerdydd" in label and "Cardiff" in label
    assert "Cardiff" in resolve("Cardif").suggestions[0].label


def test_nonsense_gets_no_suggestions(app):
    assert resolve("qqxxzzvv").suggestions == ()


def test_suburbs_geonames_lacks_are_known(app):
    balby = geocode("Balby")
    assert balby is not None and near(balby, 53.498, -1.158)


# 4. Places that share a name -------------------------------------------------------------------


def test_newport_asks_which(app):
    resolution = resolve("Newport")
    assert resolution.located is None
    labels = [c.label for c in resolution.choices]
    assert "Newport (Wales)" in labels
    assert "Newport (Isle of Wight, England)" in labels
    assert "Newport (Telford and Wrekin, England)" in labels
    assert len(labels) <= 5


@pytest.mark.parametrize(
    ("text", "lat", "lng"),
    [
        ("Newport, Isle of Wight", 50.70, -1.29),
        ("Newport Wales", 51.59, -3.00),
        ("Newport, Telford and Wrekin", 52.77, -2.38),
        ("Newport, Pembrokeshire", 52.02, -4.83),
    ],
)
def test_each_choice_finds_its_own_place(app, text, lat, lng):
    assert near(resolve(text).located, lat, lng)


def test_every_offered_choice_resolves(app):
    for choice in resolve("Newport").choices:
        assert resolve(choice.query).located is not None


def test_geocode_still_answers_for_a_shared_name(app):
    assert near(geocode("Newport"), 51.59, -3.00)  # the API keeps its most-populous answer


# 5. Address-like text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Doncaster South Yorkshire", "Doncaster"),
        ("Doncaster, South Yorkshire", "Doncaster"),
        ("High Street, Doncaster", "Doncaster"),
        ("Balby, Doncaster", "Balby"),
        ("Doncaster UK", "Doncaster"),
    ],
)
def test_address_like_text(app, text, label):
    assert geocode(text).label == label


def test_gazetteer_rows_carry_their_area():
    (place,) = [p for p in gazetteer.candidates("Newport", ["GB"]) if p.area.startswith("Isle")]
    assert place.area == "Isle of Wight, England"


# 6. The finder page ----------------------------------------------------------------------------


def test_finder_lists_suggestions_as_links(client):
    page = client.get("/?q=Doncastr&day=1")
    html = page.get_data(as_text=True)
    # Not a place, so it was searched for as words too (nothing matched): a page, not a 400.
    assert page.status_code == 200
    assert "We could not find" in html and "Did you mean:" in html
    assert 'href="/?day=1&amp;q=Doncaster' in html
    assert "Set-Cookie" not in page.headers


def test_finder_asks_which_newport(client):
    html = client.get("/?q=Newport").get_data(as_text=True)
    assert "There is more than one “Newport”" in html and "Which one did you mean?" in html
    assert 'href="/?q=Newport,+Isle+of+Wight"' in html


def test_finder_choice_link_gives_results(client):
    page = client.get("/?q=Newport,+Isle+of+Wight")
    assert page.status_code == 200


def test_finder_in_welsh(client):
    html = client.get("/?q=Doncastr", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert "Oeddech chi'n golygu:" in html
    html = client.get("/?q=Newport", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert "Pa un oeddech chi'n ei olygu?" in html
    assert "Newport (Cymru)" in html and "Newport (Isle of Wight, Lloegr)" in html


def test_hand_kept_localities_lie_in_their_own_town():
    """Suburbs typed in by hand (localities-GB.tsv) sit inside the town their area names:
    within 6 km of its gazetteer centre and within 4 km of the nearest postcode district's
    centroid in the bundled outcodes, so a typing slip in a position cannot go unnoticed."""
    from community_hub.geo.gazetteer import DATA, _read, lookup
    from community_hub.geo.spatial import distance_km

    districts = []
    for line in (DATA / "outcodes-GB.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            try:
                districts.append((float(fields[1]), float(fields[2])))
            except ValueError:
                continue
    assert len(districts) > 2000
    for place in _read(DATA / "localities-GB.tsv", "GB"):
        town = lookup(place.area.split(",")[0], ["GB"])
        assert town is not None, place.area
        assert distance_km(place.latitude, place.longitude, town.latitude, town.longitude) < 6
        nearest = min(distance_km(place.latitude, place.longitude, *d) for d in districts)
        assert nearest < 4, f"{place.name} is {nearest:.1f} km from any postcode district"
