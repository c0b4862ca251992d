"""Text that comes from Python rather than a template is Welsh on Welsh pages too."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, refresh

from community_hub.meetings.type_names import CONTEXT, NAMES
from community_hub.meetings.types import LOCAL_TYPES, type_name, vocabulary
from tests.helpers import page
from tests.test_i18n import HOW_TO_FIX, WELSH_PO


@pytest.fixture
def welsh(client):
    client.get("/language/cy?next=/")
    return client


def test_every_meeting_type_name_is_listed_for_translation_and_translated():
    with WELSH_PO.open("rb") as handle:
        catalogue = read_po(handle)
    english = {code: names["en"] for code, names in vocabulary().items()}
    listed = {code: str(name) for code, name in NAMES.items()}  # English outside a request
    assert listed == {code: n for code, n in english.items() if code not in LOCAL_TYPES}, (
        "community_hub/meetings/type_names.py must list every name in the vocabulary"
    )
    missing = [n for n in listed.values() if not getattr(catalogue.get(n, CONTEXT), "string", "")]
    assert not missing, f"Meeting types without a Welsh name: {missing}. {HOW_TO_FIX}"


def test_type_names_in_english_are_the_vocabulary_s_own():
    assert type_name("C") == "Closed"
    assert type_name("C", "en") == "Closed"
    assert type_name("C", "cy") == "Caeedig"
    assert type_name("BSL", "cy") == "Iaith Arwyddion Prydain"
    assert type_name("NOPE", "cy") == "NOPE"


def test_the_finder_names_meeting_types_in_english(client):
    html = client.get("/").get_data(as_text=True)
    assert "Closed" in html and "Women" in html


def test_the_welsh_finder_names_meeting_types_in_welsh(welsh):
    html = welsh.get("/").get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "Caeedig" in html and "Menywod" in html and "Newydd-ddyfodiaid" in html
    assert "Women" not in html


def test_the_welsh_suggestion_form_offers_welsh_choices_and_errors(welsh, make_meeting):
    meeting = make_meeting(types=["C", "W"])
    html = welsh.get(f"/meetings/{meeting.slug}").get_data(as_text=True)
    assert "Caeedig" in html and "Menywod" in html
    html = welsh.get(f"/meetings/{meeting.slug}/suggest").get_data(as_text=True)
    assert ">Mae'r diwrnod neu'r amser yn anghywir<" in html
    assert "The day or time is wrong" not in html


def test_a_worker_reading_welsh_gets_referral_errors_in_welsh(client, auth, make_user, make_org):
    worker = make_user("worker", organisation=make_org(slug="dvt", kind="treatment"))
    auth.login(worker)
    data = {"reference": "DV-7", "preferred_contact": "phone", "postcode_district": "DN4 5PL"}
    english = client.post("/referrals/clients/new", data=data)
    assert english.status_code == 400
    assert "Only the first part of the postcode, like DN4 or CF24." in page(english)
    client.get("/language/cy?next=/")
    refresh()  # the test's app context outlives each request, and Flask-Babel keeps the locale
    welsh = client.post("/referrals/clients/new", data=data)
    assert welsh.status_code == 400
    assert "Rhan gyntaf y cod post yn unig, fel DN4 neu CF24." in page(welsh)
    assert "Only the first part of the postcode" not in page(welsh)


def test_placement_labels_and_refusals_in_welsh(app):
    from community_hub.volunteers.placement_models import PlacementStatus
    from community_hub.volunteers.placements import LABELS

    with app.test_request_context(), force_locale("cy"):
        assert str(LABELS[PlacementStatus.PROPOSED]) == "Arfaethedig"
        assert gettext("Not every check is current: %(listed)s.", listed="DBS") == (
            "Nid yw pob gwiriad yn gyfredol: DBS."
        )
    with app.test_request_context():
        assert str(LABELS[PlacementStatus.PROPOSED]) == "Proposed"


def test_the_catalogue_kept_for_a_request_follows_a_change_of_language(app):
    """The request keeps the catalogue it found; a forced language (a Welsh email sent from an
    English page) and the way back each find their own, in Python and in templates alike."""
    from flask import render_template_string

    template = "{{ _('Proposed') }}"
    with app.test_request_context(headers={"Cookie": "lang=cy"}):
        assert gettext("Proposed") == "Arfaethedig"
        assert render_template_string(template) == "Arfaethedig"
        with force_locale("en"):
            assert gettext("Proposed") == "Proposed"
            assert render_template_string(template) == "Proposed"
        assert gettext("Proposed") == "Arfaethedig"
        assert render_template_string(template) == "Arfaethedig"
        refresh()
        assert gettext("Proposed") == "Arfaethedig"
    with app.test_request_context():
        assert gettext("Proposed") == "Proposed"
        assert render_template_string(template) == "Proposed"
