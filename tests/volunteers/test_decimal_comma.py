"""Hours typed with a decimal comma ("2,5") count the same as "2.5"."""

from __future__ import annotations

from decimal import Decimal

from community_hub.extensions import db
from community_hub.volunteers.placement_models import HoursLog
from tests.volunteers.factories import TODAY
from tests.volunteers.test_hours_pages import me  # noqa: F401 - the fixture


def test_hours_accept_a_decimal_comma(client, auth, me):  # noqa: F811
    user, _volunteer, active, _ended = me
    auth.login(user)
    data = {
        "hours-placement_id": active.id,
        "hours-worked_on": TODAY.isoformat(),
        "hours-hours": "2,5",
        "hours-description": "",
    }
    assert client.post("/volunteers/me/hours", data=data).status_code == 302
    assert db.session.scalar(db.select(HoursLog.hours)) == Decimal("2.5")
    nan = client.post("/volunteers/me/hours", data={**data, "hours-hours": "NaN"})
    assert nan.status_code == 400
    assert "Enter the hours as a number" in nan.get_data(as_text=True)
