"""Coordinators publish opportunities; the public finds the open ones, nearest first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.volunteering.models import Opportunity
from tests.helpers import page, reload
from tests.volunteers.factories import TODAY


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity)) or 0


def new_form(**fields: Any) -> dict[str, Any]:
    form = {
        "title": "Peer mentor",
        "title_cy": "Mentor cymheiriaid",
        "host_organisation_id": "0",
        "area": "Doncaster and Mexborough",
        "centre_place": "Doncaster",
        "description": "Go with people new to recovery to a first meeting.",
        "time_asked": "3 hours a week, weekday afternoons",
        "closes_on": (TODAY + timedelta(days=30)).isoformat(),
        "lived_experience_welcome": "y",
        "published": "y",
    }
    form.update(fields)
    return form


@pytest.fixture
def signed_in(programme, client, auth):
    auth.login(programme.coordinator)
    return client


def test_a_coordinator_publishes_an_opportunity_the_public_can_find(
    programme, signed_in, make_requirement
):
    dbs = make_requirement("dbs", name="Enhanced DBS check")
    db.session.commit()

    response = signed_in.post(
        "/volunteers/opportunities/new",
        data=new_form(host_organisation_id=str(programme.host.id), requirement_ids=[dbs.id]),
    )

    assert response.status_code == 302
    saved = db.session.scalars(select(Opportunity)).one()
    assert saved.slug == "peer-mentor-don-valley-recovery-mentors"
    assert (saved.organisation_id, saved.host_organisation_id) == (
        programme.org.id,
        programme.host.id,
    )
    assert saved.published_at is not None and saved.latitude == pytest.approx(53.52, abs=0.01)
    assert [r.name for r in saved.requirements] == ["Enhanced DBS check"]
    listing = page(signed_in.get("/volunteers/opportunities/"))
    assert "Peer mentor" in listing and "Open" in listing
    html = page(signed_in.get("/volunteer"))
    assert "Peer mentor" in html and "Beacon Recovery Café" in html
    assert "People with lived experience of recovery are welcome to apply" in html
    html = page(signed_in.get(f"/volunteer/{saved.slug}"))
    assert "Enhanced DBS check" in html and "helps you with the checks" in html
    assert "3 hours a week, weekday afternoons" in html


def test_missing_and_wrong_details_are_explained_and_nothing_is_saved(signed_in):
    response = signed_in.post(
        "/volunteers/opportunities/new",
        data=new_form(title="", description="", time_asked="", centre_place="Nowhereville"),
    )

    html = page(response)
    assert response.status_code == 400
    assert 'class="error-summary"' in html
    assert "Enter the role, for example Peer mentor." in html
    assert "Say what the volunteering involves." in html
    assert "Say how much time it asks" in html
    assert "We could not find that place; try a town or a postcode district such as DN1." in html
    assert count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_on": (TODAY - timedelta(days=1)).isoformat()}, "cannot be in the past"),
        ({"area": "", "centre_place": ""}, "Enter the area"),
        ({"title": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"host_organisation_id": "999999"}, "Choose a host from the list."),
        ({"host_organisation_id": "99999999999"}, "Choose a host from the list."),
        ({"requirement_ids": ["999999"]}, "is not a valid choice"),
    ],
)
def test_each_problem_has_its_own_message(signed_in, change, message):
    response = signed_in.post("/volunteers/opportunities/new", data=new_form(**change))

    assert response.status_code == 400
    assert message in page(response)
    assert count() == 0


def test_another_organisation_s_checks_cannot_be_chosen(programme, signed_in, make_requirement):
    theirs = make_requirement("dbs", organisation=programme.other_org)
    db.session.commit()

    response = signed_in.post(
        "/volunteers/opportunities/new", data=new_form(requirement_ids=[theirs.id])
    )

    assert response.status_code == 400
    assert count() == 0


def test_editing_keeps_the_address_and_archiving_takes_it_off_the_public_page(
    signed_in, make_opportunity
):
    opportunity = make_opportunity()
    slug = opportunity.slug

    response = signed_in.post(
        f"/volunteers/opportunities/{opportunity.id}/edit", data=new_form(title="Café helper")
    )
    assert response.status_code == 302
    assert (reload(opportunity).title, reload(opportunity).slug) == ("Café helper", slug)

    signed_in.post(f"/volunteers/opportunities/{opportunity.id}/archive")
    assert reload(opportunity).archived_at is not None
    signed_in.post("/logout")
    assert signed_in.get(f"/volunteer/{slug}").status_code == 404
    assert "Café helper" not in page(signed_in.get("/volunteer"))


def test_a_restored_opportunity_is_listed_again(signed_in, make_opportunity, client):
    opportunity = make_opportunity()
    signed_in.post(f"/volunteers/opportunities/{opportunity.id}/archive")

    signed_in.post(f"/volunteers/opportunities/{opportunity.id}/restore")

    assert reload(opportunity).archived_at is None
    assert "Peer mentor" in page(client.get("/volunteer"))


def test_other_coordinators_get_404_and_see_none_of_it(programme, client, auth, make_opportunity):
    opportunity = make_opportunity()
    auth.login(programme.other_coordinator)

    assert client.get(f"/volunteers/opportunities/{opportunity.id}/edit").status_code == 404
    assert client.post(f"/volunteers/opportunities/{opportunity.id}/archive").status_code == 404
    assert client.post(f"/volunteers/opportunities/{opportunity.id}/restore").status_code == 404
    assert "Peer mentor" not in page(client.get("/volunteers/opportunities/"))
    assert reload(opportunity).archived_at is None


def test_an_administrator_first_chooses_an_organisation_to_act_for(client, auth, make_user):
    auth.login(make_user("admin"))

    response = client.get("/volunteers/opportunities/new")

    assert response.status_code == 302
    assert "/admin/act-for" in response.headers["Location"]


def test_after_the_closing_date_it_is_no_longer_listed(client, make_opportunity):
    today_last = make_opportunity(title="Last day", closes_on=TODAY)
    closed = make_opportunity(title="Closed role", closes_on=TODAY + timedelta(days=1))
    closed.closes_on = TODAY - timedelta(days=1)  # it was open when it was saved
    db.session.commit()

    html = page(client.get("/volunteer"))

    assert "Last day" in html and "Closed role" not in html
    assert client.get(f"/volunteer/{today_last.slug}").status_code == 200
    assert client.get(f"/volunteer/{closed.slug}").status_code == 404


def test_a_draft_is_not_public_but_its_coordinator_can_preview_it(
    programme, client, auth, make_opportunity
):
    draft = make_opportunity(title="Draft role", published=False)

    assert "Draft role" not in page(client.get("/volunteer"))
    assert client.get(f"/volunteer/{draft.slug}").status_code == 404
    auth.login(programme.coordinator)
    html = page(client.get(f"/volunteer/{draft.slug}"))
    assert "Preview for staff" in html and 'name="first_name"' not in html
    assert "Draft" in page(client.get("/volunteers/opportunities/"))


def test_nearest_first_when_a_place_is_typed(client, make_opportunity):
    make_opportunity(title="Halifax café helper", area="Halifax", centre_place="Halifax")
    make_opportunity(title="Doncaster mentor", centre_place="Doncaster")

    html = page(client.get("/volunteer?q=Mexborough&radius=50km"))
    assert html.index("Doncaster mentor") < html.index("Halifax café helper")
    assert "miles" in html

    html = page(client.get("/volunteer?q=Mexborough&radius=10mi"))
    assert "Doncaster mentor" in html and "Halifax café helper" not in html

    html = page(client.get("/volunteer"))  # newest first without a place
    assert html.index("Doncaster mentor") < html.index("Halifax café helper")


def test_a_place_that_cannot_be_found_is_explained(client):
    response = client.get("/volunteer?q=Nowhereville")

    assert response.status_code == 400
    assert "We could not find" in page(response)


def test_the_public_pages_set_no_cookies(client, make_opportunity):
    make_opportunity()

    for url in ("/volunteer", "/volunteer?q=Doncaster"):
        assert "Set-Cookie" not in client.get(url).headers, url


def test_the_welsh_text_is_shown_to_welsh_readers(client, make_opportunity):
    opportunity = make_opportunity(title_cy="Mentor cymheiriaid", description_cy="Mynd gyda phobl.")

    english = page(client.get(f"/volunteer/{opportunity.slug}"))
    client.get("/language/cy?next=/")  # the `lang=cy` preference cookie
    refresh()  # the test's app context outlives requests; Flask-Babel caches the locale on it
    welsh = page(client.get(f"/volunteer/{opportunity.slug}"))

    assert "Peer mentor" in english and "Mentor cymheiriaid" not in english
    assert "Mentor cymheiriaid" in welsh and "Mynd gyda phobl." in welsh
    assert "Mentor cymheiriaid" in page(client.get("/volunteer"))


def test_the_footer_and_the_peers_page_link_to_volunteering(client):
    assert 'href="/volunteer"' in page(client.get("/"))
    assert "Volunteer with a recovery group" in page(client.get("/peers"))
