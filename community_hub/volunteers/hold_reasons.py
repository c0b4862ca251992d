"""Why a placement was put on hold automatically: stored as a code, read in the reader's language.

A hold the daily job makes is stored as `code:paused` or `code:gaps:<id>=missing|<id>=expired@
<date>,...`; a coordinator's own reason is stored as they wrote it. `describe()` turns either
into words for whoever reads it, so a Welsh reader never sees English written by the job.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from community_hub.dates import long_date
from community_hub.extensions import db
from community_hub.volunteers.requirement_models import RequirementType, shown_requirement_name
from community_hub.volunteers.requirements import Gap

PAUSED = "code:paused"
GAPS = "code:gaps:"


def for_gaps(gaps: list[Gap]) -> str:
    parts = []
    for gap in gaps:
        if gap.check is not None and gap.check.expires_on is not None:
            parts.append(f"{gap.requirement.id}=expired@{gap.check.expires_on.isoformat()}")
        else:
            parts.append(f"{gap.requirement.id}=missing")
    return GAPS + ",".join(parts)


def _item(part: str) -> str:
    requirement_id, _sep, state = part.partition("=")
    requirement = (
        db.session.get(RequirementType, int(requirement_id)) if requirement_id.isdigit() else None
    )
    name = shown_requirement_name(requirement.name) if requirement else _("a requirement")
    if state.startswith("expired@"):
        try:
            when = long_date(date.fromisoformat(state.removeprefix("expired@")))
        except ValueError:
            when = ""
        return _("%(requirement)s: expired on %(date)s", requirement=name, date=when)
    return _("%(requirement)s: not recorded", requirement=name)


def describe(reason: str) -> str:
    """The reason as words in the reader's language (a typed reason as it was typed)."""
    if reason == PAUSED:
        return _("Volunteer paused.")
    if reason.startswith(GAPS):
        items = "; ".join(_item(p) for p in reason.removeprefix(GAPS).split(",") if p)
        return _("Automatic hold: %(items)s.", items=items)
    return reason
