"""Area paths from messy place data: tidied, de-duplicated, junk dropped, nations found."""

from community_hub.areas.derive import Place, key, path, tidy


def test_names_are_tidied_and_keyed_alike() -> None:
    assert tidy("  CARDIFF  ") == "Cardiff"
    assert tidy("yorkshire and the humber,") == "Yorkshire and the Humber"
    assert tidy("NY") == "NY"  # a short code stays as written
    assert key("St. Helen’s & District") == key("saint helens and district")
    assert key("Ynys Môn") == key("ynys mon")


def test_a_uk_place_gets_its_nation_from_the_postcode() -> None:
    assert path(Place("GB", "South Wales", "Cardiff", "CF10 1AA")) == [
        "Wales", "South Wales", "Cardiff",
    ]  # fmt: skip
    assert path(Place("UK", "", "Edinburgh", "EH1 1YZ")) == ["Scotland", "Edinburgh"]
    assert path(Place("GB", "Yorkshire & Humber", "doncaster", "DN1 1AA")) == [
        "England", "Yorkshire & Humber", "Doncaster",
    ]  # fmt: skip
    # No postcode: a name that says the nation, else the United Kingdom.
    assert path(Place("GB", "South Wales", "Newport"))[0] == "Wales"
    assert path(Place("GB", "East Lancashire", "Burnley"))[0] == "United Kingdom"


def test_junk_and_repeats_are_dropped() -> None:
    assert path(Place("GB", "N/A", "Doncaster", "DN4 7RG")) == ["England", "Doncaster"]
    assert path(Place("", "Doncaster", "DONCASTER ")) == ["Doncaster"]
    assert path(Place("GB", "Online", "Unknown", "")) == ["United Kingdom"]


def test_other_countries_and_feed_regions() -> None:
    assert path(Place("USA", "MO", "Kansas City", "64113")) == [
        "United States", "MO", "Kansas City",
    ]  # fmt: skip
    assert path(Place("US", "", "Lewes", "19958", ("Sussex County",))) == [
        "United States", "Sussex County", "Lewes",
    ]  # fmt: skip
    # A region written as a path, as our CSV writes lists; no country given at all.
    assert path(Place("", "Sussex County > Lewes", "")) == ["Sussex County", "Lewes"]
