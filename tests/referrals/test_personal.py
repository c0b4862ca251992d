"""Erasure and subject access cover every text column of every client-linked table, by rule."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.referrals import personal
from community_hub.referrals.models import Client, Referral
from tests.referrals.conftest import form


def test_every_text_column_of_a_client_linked_table_is_declared(app) -> None:
    linked = [model for model, _links in personal.client_linked()]
    assert {m.__name__ for m in linked} >= {
        "Client", "Consent", "Referral", "ReferralChange", "FollowUp", "ContactAttempt"
    }  # fmt: skip
    undeclared = {
        f"{model.__name__}.{name}"
        for model in linked
        for name in personal.text_columns(model)
        if name not in personal.personal(model) and name not in personal.kept(model)
    }
    assert undeclared == set(), (
        "declare each in the model's __personal__ (with its erased value) or __kept__"
    )
    for model in linked:  # and nothing declared that is not there
        columns = {c.key for c in model.__table__.columns}
        assert set(personal.personal(model)) <= columns, model
        assert set(personal.kept(model)) <= set(personal.text_columns(model)), model


def test_a_named_group_is_erased_and_every_column_is_exported(client, auth, worker, make_user):
    auth.login(worker)
    data = form(
        reference="DV-0042", link_method="signpost", made_by="worker",
        group_name="Mary's kitchen-table group",
    )  # fmt: skip
    assert client.post("/referrals/new", data=data).status_code == 302
    referral = db.session.scalar(select(Referral))
    auth.logout()
    auth.login(make_user("admin"))
    document = client.get(f"/referrals/subject-requests/{referral.client_id}.json").get_json()
    (exported,) = document["referrals"]
    assert exported["group_name"] == "Mary's kitchen-table group"
    assert set(exported) >= {"peer_gender_preference", "matched_volunteer_id", "updated_at"}

    client.post(
        f"/referrals/subject-requests/{referral.client_id}/erase", data={"confirm": "DV-0042"}
    )
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).group_name == ""
    fhir = client.get(f"/referrals/{referral.id}/fhir.json")
    assert "Mary" not in fhir.get_data(as_text=True)
    erased = db.session.get(Client, referral.client_id)
    assert erased.reference == f"erased-{erased.id}"
