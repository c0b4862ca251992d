"""The peer contact form on a phone: errors first; the thank-you says when a reply will come."""

from __future__ import annotations

from html import unescape

from community_hub.accounts.organisations import OrganisationData, update_organisation
from community_hub.extensions import db


def test_error_summary_comes_before_the_intro_and_takes_focus(client, make_peer, contact_form):
    peer = make_peer(display_name="Robin")
    response = client.post(f"/peers/{peer.id}", data=contact_form(first_name=""))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = html.index('class="error-summary"')
    assert summary < html.index("<h1") < html.index("Ask to be put in touch")
    assert summary < html.index('<form method="post"')
    tag = html[summary - 20 : html.index(">", summary)]
    assert 'tabindex="-1"' in tag and "autofocus" in tag
    assert html.count('class="error-summary"') == 1
    assert "/static/js/errors.js" in html


def test_every_public_form_puts_its_errors_first(client, make_meeting):
    meeting = make_meeting()
    for url, data in [
        (f"/meetings/{meeting.slug}/suggest", {"message": ""}),
        ("/login", {"email": "", "password": ""}),
        ("/login/forgot", {"email": ""}),
    ]:
        html = client.post(url, data=data).get_data(as_text=True)
        assert 'class="error-summary"' in html, url
        assert html.index('class="error-summary"') < html.index("<h1"), url


def test_thank_you_says_when_the_person_will_hear_back(client, make_peer, make_user, contact_form):
    peer = make_peer(display_name="Robin")
    sent = unescape(client.post(f"/peers/{peer.id}", data=contact_form()).get_data(as_text=True))
    assert "most organisations reply within two working days" in sent

    admin = make_user("admin")
    org = peer.organisation
    update_organisation(
        org,
        OrganisationData(
            name=org.name, kind=org.kind, response_time="We reply within one working day."
        ),
        admin,
    )
    db.session.commit()
    sent = unescape(client.post(f"/peers/{peer.id}", data=contact_form()).get_data(as_text=True))
    assert "We reply within one working day." in sent


def test_admin_sets_the_response_time(client, auth, make_user, make_org):
    org = make_org(name="Doncaster Recovery Mentors")
    admin = make_user("admin")
    auth.login(admin)
    assert "When people hear back" in client.get(f"/admin/organisations/{org.id}").get_data(
        as_text=True
    )
    saved = client.post(
        f"/admin/organisations/{org.id}",
        data={
            "name": org.name,
            "kind": org.kind,
            "timezone": "Europe/London",
            "response_time": "  We reply   within a day. ",
        },
    )
    assert saved.status_code == 302
    db.session.refresh(org)
    assert org.response_time == "We reply within a day."
