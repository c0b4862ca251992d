"""The audit log (administrators only, read-only) and staff attendance at open meetings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import staff
from community_hub.referrals.forms import StaffAttendanceForm
from community_hub.referrals.models import AuditEvent
from community_hub.referrals.views import STAFF, bp, organisation_id, today
from community_hub.volunteers.forms import show_errors

SUBJECTS = ("client", "referral", "organisation")


@bp.route("/audit")
@roles_required(Role.ADMIN.value)
def audit_log() -> Any:
    """Who viewed or changed which client or referral, and when. Nobody can edit it."""
    stmt = select(AuditEvent)
    subject = request.args.get("subject", "")
    subject_id = request.args.get("id", "")
    if subject in SUBJECTS:
        stmt = stmt.where(AuditEvent.subject_type == subject)
        if subject_id.isdigit():
            stmt = stmt.where(AuditEvent.subject_id == int(subject_id))
    else:
        subject, subject_id = "", ""
    page = db.paginate(
        stmt.order_by(AuditEvent.id.desc()), per_page=50, error_out=False, count=True
    )
    return render_template(
        "referrals/audit.html", page=page, subject=subject, subject_id=subject_id, subjects=SUBJECTS
    )


@bp.route("/staff-meetings", methods=["GET", "POST"])
@roles_required(*STAFF)
def staff_meetings() -> Any:
    """Log an open mutual aid meeting you went to yourself; see how many colleagues have."""
    org, day = organisation_id(), today()
    form = StaffAttendanceForm()
    fellowships = db.session.scalars(select(Fellowship).order_by(Fellowship.name)).all()
    form.fellowship_id.choices = [SelectChoice(f.id, f.shown_name) for f in fellowships]
    if not form.is_submitted():
        form.attended_on.data = day
    if form.validate_on_submit():
        try:
            staff.log_attendance(
                current_user, form.attended_on.data or day, form.fellowship_id.data or 0, day
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Logged. Thank you: workers who have been to a meeting refer more."), "success")
            return redirect(url_for("referrals.staff_meetings"))
    went, total = staff.staff_who_attended(org, day - timedelta(days=365))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "referrals/staff_meetings.html",
        form=form,
        mine=staff.own_attendance(current_user),
        went=went,
        total=total,
    ), status
