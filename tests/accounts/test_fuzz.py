"""The forms a link in an email opens, filled with hostile values while the link is valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community_hub.accounts import invitations
from community_hub.extensions import db
from tests.accounts.conftest import link_in, queued
from tests.security.test_fuzz_api import VALUES
from tests.security.test_fuzz_forms import EVERY_FIELD, check

FIELDS = {
    "/invitation": ["display_name", "password", "confirm"],
    "/login/reset": ["password", "confirm"],
    "/login/forgot": ["email"],
}


def fuzz(client, action: str, token: str) -> None:
    names = FIELDS[action]

    @given(data=st.dictionaries(st.sampled_from(names), VALUES, min_size=1))
    @settings(
        max_examples=12, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def survives(data: dict[str, str]) -> None:
        check(client.post(action, data={**data, "token": token}), f"POST {action} {data!r}")

    survives()
    for payload in EVERY_FIELD:
        check(client.post(action, data={**dict.fromkeys(names, payload), "token": token}), action)


def test_accepting_and_resetting_survive_hostile_input(client, make_user):
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    fuzz(client, "/invitation", link.split("token=")[1])
    fuzz(client, "/login/forgot", "")
    client.post("/login/forgot", data={"email": admin.email})
    reset_link = link_in(queued(kind="password_reset")[-1])
    fuzz(client, "/login/reset", reset_link.split("token=")[1])
