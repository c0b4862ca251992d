"""Coordinators run their volunteer programme: the dashboard and each volunteer's record.

Placements, courses, hours, a volunteer's own page, the exports and the import add routes to
this blueprint from their own modules, imported at the end of this one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.accounts.acting import working_organisation
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role
from community_hub.auth.services import can_manage_organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.volunteers import dashboard as board
from community_hub.volunteers.course_models import Course, EnrolmentStatus
from community_hub.volunteers.forms import (
    CONTACT_LABELS,
    DBS_LABELS,
    END_REASON_LABELS,
    SUPERVISION_KINDS,
)
from community_hub.volunteers.hold_reasons import describe as describe_hold
from community_hub.volunteers.manage import known_roles
from community_hub.volunteers.models import STAGE_LABELS, Stage, Volunteer
from community_hub.volunteers.placement_models import HoursStatus, Placement
from community_hub.volunteers.placements import LABELS as PLACEMENT_LABELS
from community_hub.volunteers.placements import hold_uncleared
from community_hub.volunteers.requirement_models import CheckStatus

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")
# Roles the programme names that are not stages of the pathway.
ROLE_NAMES = {"accompanying": _l("Going with clients to meetings")}
MANAGERS = (Role.COORDINATOR.value, Role.ADMIN.value)
CHECK_STATUS_LABELS = {
    CheckStatus.CURRENT: _l("Current"),
    CheckStatus.DUE_FOR_RENEWAL: _l("Due for renewal"),
    CheckStatus.RENEWAL_IN_PROGRESS: _l("Renewal in progress"),
    CheckStatus.EXPIRED: _l("Expired"),
    CheckStatus.MISSING: _l("Not recorded"),
}
HOURS_LABELS = {
    HoursStatus.SUBMITTED: _l("Waiting for approval"),
    HoursStatus.APPROVED: _l("Approved"),
    HoursStatus.DECLINED: _l("Declined"),
}
ENROLMENT_LABELS = {
    EnrolmentStatus.ENROLLED: _l("Enrolled"),
    EnrolmentStatus.COMPLETED: _l("Completed"),
    EnrolmentStatus.WITHDRAWN: _l("Withdrawn"),
}
Owned = TypeVar("Owned", Volunteer, Placement, Course)


def today() -> date:
    """Today where the programme runs, not on the server's clock."""
    return datetime.now(ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")).date()


def scope() -> int | None:
    """The organisation whose programme this user runs; None (administrators) means all."""
    if current_user.role == Role.ADMIN.value:
        return None
    if current_user.organisation_id is None:
        abort(403)
    return int(current_user.organisation_id)


def own_organisation() -> Organisation:
    """The organisation new records belong to (an administrator chooses one to act for)."""
    return working_organisation()


def owned(model: type[Owned], object_id: int) -> Owned:
    """The record if this user runs its programme; 404 otherwise, so others learn nothing."""
    found = db.session.get(model, object_id)
    if found is None or not can_manage_organisation(current_user, found.organisation_id):
        abort(404)
    return found


bp.add_app_template_filter(describe_hold, "hold_reason")


@bp.app_template_filter("role_name")
def role_name(role: str) -> str:
    """A role as people read it, in their language: 'peer_mentor' -> 'Peer mentor'."""
    if role in {s.value for s in Stage}:  # roles usually share the pathway's names
        return str(STAGE_LABELS[Stage(role)])
    if role in ROLE_NAMES:
        return str(ROLE_NAMES[role])
    return role.replace("_", " ").strip().capitalize()


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "stage_labels": STAGE_LABELS,
        "placement_labels": PLACEMENT_LABELS,
        "check_labels": CHECK_STATUS_LABELS,
        "end_reason_labels": END_REASON_LABELS,
        "supervision_kinds": SUPERVISION_KINDS,
        "contact_labels": CONTACT_LABELS,
        "dbs_labels": DBS_LABELS,
        "hours_labels": HOURS_LABELS,
        "enrolment_labels": ENROLMENT_LABELS,
    }


@bp.route("/")
@roles_required(*MANAGERS)
def dashboard() -> Any:
    """What needs doing: who is ready to place, expiring checks, supervision, hours, courses."""
    organisation_id, day = scope(), today()
    # The daily job does this too; doing it here means nobody acts on a stale "active".
    for placement in hold_uncleared(day, organisation_id):
        message = _(
            "Put on hold: %(name)s at %(host)s. %(reason)s",
            name=placement.volunteer.first_name,
            host=placement.host.name,
            reason=describe_hold(placement.hold_reason),
        )
        flash(message, "info")
    db.session.commit()
    roles = known_roles(organisation_id)
    role = request.args.get("role", "")
    role = role if role in roles else ""
    expiring, expired = board.expiring_and_expired(organisation_id, day)
    return render_template(
        "volunteers/dashboard.html",
        today=day,
        roles=roles,
        role=role,
        readiness=board.placement_readiness(organisation_id, day, [role] if role else roles),
        expiring=expiring,
        expired=expired,
        overdue=board.overdue_supervision(organisation_id, day),
        awaiting=board.hours_awaiting(organisation_id),
        progress=board.course_progress(organisation_id),
        by_status=board.placements_by_status(organisation_id),
    )


# Routes on this blueprint from their own modules (they import `bp` from here).
from community_hub.volunteers import (  # noqa: E402
    views_courses,  # noqa: F401
    views_exports,  # noqa: F401
    views_hours,  # noqa: F401
    views_import,  # noqa: F401
    views_placements,  # noqa: F401
    views_volunteers,  # noqa: F401
)
