"""Area pages, area edits and the feed's regions, from our own and imported (messy) data."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from community_hub.areas import services
from community_hub.areas.models import Area, AreaAlias
from community_hub.areas.services import Tree, current_tree, members
from community_hub.extensions import db
from tests.helpers import page
from tests.meeting_guide_spec import problems


def area(slug: str) -> Area:
    return db.session.scalars(select(Area).where(Area.slug == slug)).one()


def messy(make_meeting, make_venue):
    """Our meeting in Doncaster, and imported ones that spell the same places oddly."""
    ours = make_meeting(name="Tuesday Hope", day=2, start_time=time(19, 0))
    shouting = make_venue(
        city="DONCASTER ", region="Yorkshire & Humber", postcode="DN4 7RG", name="Hall"
    )
    imported = make_meeting(name="Friday Step", day=5, venue=shouting)
    no_country = make_venue(city="Doncaster", region="", postcode="", country="", name="Cafe")
    loose = make_meeting(name="Sunday Loose", day=0, venue=no_country)
    welsh = make_venue(city="Cardiff", region="South Wales", postcode="CF10 1AA", name="Chapel")
    cardiff = make_meeting(name="Cardiff Monday", day=1, venue=welsh)
    return ours, imported, loose, cardiff


def test_areas_are_derived_once_from_messy_data(app, make_meeting, make_venue) -> None:
    ours, imported, loose, cardiff = messy(make_meeting, make_venue)
    tree, places = current_tree()
    names = sorted(a.name for a in tree.areas.values())
    assert names == sorted(
        ["England", "Yorkshire and Humber", "Doncaster", "Wales", "South Wales", "Cardiff"]
    )
    own = members(tree, places)
    doncaster = area("doncaster")
    assert {p.id for p in own[doncaster.id]} == {ours.id, imported.id, loose.id}
    assert [a.name for a in tree.ancestors(doncaster)] == ["England", "Yorkshire and Humber"]
    assert {p.id for p in own[area("cardiff").id]} == {cardiff.id}
    # Asking again makes nothing new.
    count = db.session.scalar(select(db.func.count(Area.id)))
    current_tree()
    assert db.session.scalar(select(db.func.count(Area.id))) == count


def test_area_pages_list_meetings_by_day_without_a_cookie(client, make_meeting, make_venue):
    messy(make_meeting, make_venue)
    index = client.get("/areas")
    assert index.status_code == 200 and "Set-Cookie" not in index.headers
    html = page(index)
    assert 'href="/areas/england"' in html and 'href="/areas/doncaster"' in html
    response = client.get("/areas/yorkshire-and-humber")
    html = page(response)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "Tuesday Hope" in html and "Friday Step" in html and "Cardiff Monday" not in html
    # Monday first, as a week is printed in the UK; each day once.
    assert html.index(">Tuesday<") < html.index(">Friday<") < html.index(">Sunday<")
    assert 'href="/areas/doncaster"' in html  # the areas within
    assert client.get("/areas/nowhere-at-all").status_code == 404


def test_an_area_lists_its_resources(client, demo_region) -> None:
    html = page(client.get("/areas/doncaster"))
    assert "Places that help" in html
    assert "/resources/" in html


def test_coordinator_renames_moves_and_merges(client, coordinator, make_meeting, make_venue):
    messy(make_meeting, make_venue)
    current_tree()
    extra = make_venue(city="Donny", region="Yorkshire and Humber", postcode="DN2 5AA")
    make_meeting(name="Wednesday Donny", day=3, venue=extra)
    current_tree()
    donny, doncaster = area("donny"), area("doncaster")
    assert client.get("/manage/areas/").status_code == 200

    renamed = client.post(
        f"/manage/areas/{doncaster.id}",
        data={"action": "rename", "rename-name": " doncaster town "},
    )
    assert renamed.status_code == 302
    assert db.session.get(Area, doncaster.id).name == "Doncaster Town"

    merged = client.post(
        f"/manage/areas/{donny.id}", data={"action": "merge", "merge-into": str(doncaster.id)}
    )
    assert merged.status_code == 302
    assert db.session.get(Area, donny.id) is None
    keys = set(db.session.scalars(select(AreaAlias.key).where(AreaAlias.area_id == doncaster.id)))
    assert "england/yorkshire and humber/donny" in keys
    html = page(client.get("/areas/doncaster"))
    assert "Wednesday Donny" in html and "Tuesday Hope" in html

    wales = area("wales")
    moved = client.post(
        f"/manage/areas/{doncaster.id}", data={"action": "move", "move-parent": str(wales.id)}
    )
    assert moved.status_code == 302
    assert Tree().ancestors(db.session.get(Area, doncaster.id))[-1].name == "Wales"
    # An area cannot go inside its own: a clear message, nothing changed.
    loop = client.post(
        f"/manage/areas/{wales.id}", data={"action": "move", "move-parent": str(doncaster.id)}
    )
    assert loop.status_code == 400 and "inside itself" in page(loop)
    bad = client.post(f"/manage/areas/{wales.id}", data={"action": "merge", "merge-into": "x"})
    assert bad.status_code == 400
    empty = client.post(f"/manage/areas/{wales.id}", data={"action": "rename", "rename-name": "  "})
    assert empty.status_code == 400 and "Enter the area" in page(empty)
    assert db.session.get(Area, wales.id).parent_id is None


def test_the_feed_carries_regions_broadest_first(client, make_meeting, make_venue) -> None:
    ours, *_rest = messy(make_meeting, make_venue)
    lewes = make_venue(city="Lewes", region="", country="US", postcode="19958", timezone="")
    imported = make_meeting(
        name="Imported",
        regions=["Sussex County", "Lewes"],
        venue=lewes,
        timezone="America/New_York",
    )
    rows = {r["slug"]: r for r in client.get("/api/meetings.json").get_json()}
    assert rows[ours.slug]["regions"] == ["England", "Yorkshire and Humber", "Doncaster"]
    assert rows[imported.slug]["regions"] == ["Sussex County", "Lewes"]  # as its source said
    assert all(problems(row) == [] for row in rows.values())
    current_tree()
    db.session.execute(db.update(Area).where(Area.slug == "doncaster").values(name="Donny"))
    db.session.commit()
    rows = {r["slug"]: r for r in client.get("/api/meetings.json").get_json()}
    assert rows[ours.slug]["regions"][-1] == "Donny", [
        (a.slug, a.name) for a in Tree().areas.values()
    ]


def test_merging_into_an_area_below_lifts_it_first(app, make_meeting, make_venue) -> None:
    messy(make_meeting, make_venue)
    make_meeting(name="Sheffield Friday", venue=make_venue(city="Sheffield", postcode="S1 2HH"))
    tree, _places = current_tree()
    region, doncaster = area("yorkshire-and-humber"), area("doncaster")
    services.merge(tree, region, doncaster)
    db.session.commit()
    tree, _places = current_tree()
    doncaster = area("doncaster")
    assert [a.name for a in tree.ancestors(doncaster)] == ["England"]
    assert [a.name for a in tree.children[doncaster.id]] == ["Sheffield"]
    # The region's own alias now leads to Doncaster: nothing new is made for it.
    assert "yorkshire-and-humber" not in tree.by_slug
