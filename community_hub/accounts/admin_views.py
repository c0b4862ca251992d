"""The administrators' console: organisations, acting for one, and the email outbox.

People and invitations add routes to this blueprint from people_views.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from community_hub.accounts import acting
from community_hub.accounts import organisations as orgs
from community_hub.accounts.forms import OrganisationForm
from community_hub.accounts.invitations import pending_for
from community_hub.accounts.labels import KIND_LABELS, ROLE_LABELS
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role, User
from community_hub.auth.views import safe_next
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.jobs.models import MailStatus, OutboxMessage
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers.forms import show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = Role.ADMIN.value
MAIL_STATUS_LABELS = {
    MailStatus.QUEUED: _l("Waiting"),
    MailStatus.HELD: _l("Held for the daily summary"),
    MailStatus.SENDING: _l("Sending"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.DIGESTED: _l("Sent in a daily summary"),
    MailStatus.FAILED: _l("Could not be sent"),
    MailStatus.CANCELLED: _l("Not needed any more"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "role_labels": ROLE_LABELS,
        "mail_status_labels": MAIL_STATUS_LABELS,
    }


@bp.route("/")
@roles_required(ADMIN)
def console() -> Any:
    """What an administrator looks after, with counts that need attention."""
    outbox = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "accounts/console.html",
        organisations=len(orgs.organisations()),
        people=db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        invitations=len(pending_for(None)),
        waiting=outbox.get(MailStatus.QUEUED.value, 0),
        failed=outbox.get(MailStatus.FAILED.value, 0),
    )


@bp.route("/organisations")
@roles_required(ADMIN)
def organisation_list() -> Any:
    """Every organisation, archived ones on request."""
    archived = request.args.get("archived") == "1"
    return render_template(
        "accounts/organisations.html",
        organisations=orgs.organisations(include_archived=archived),
        archived=archived,
    )


def _data(form: OrganisationForm) -> orgs.OrganisationData:
    return orgs.OrganisationData(
        name=form.name.data or "",
        kind=form.kind.data or "",
        area=form.area.data or "",
        contact_email=form.contact_email.data or "",
        timezone=form.timezone.data or "",
        duty_phone=form.duty_phone.data or "",
        response_time=form.response_time.data or "",
    )


def _save(form: OrganisationForm, organisation: Organisation | None) -> Any:
    if form.validate_on_submit():
        try:
            if organisation is None:
                organisation = orgs.create_organisation(_data(form), current_user)
            else:
                orgs.update_organisation(organisation, _data(form), current_user)
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=organisation.name), "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    status = 400 if form.errors or form.form_errors else 200
    page = render_template("accounts/organisation_form.html", form=form, organisation=organisation)
    return page, status


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_organisation() -> Any:
    """Add an organisation: a peer-led group, a treatment service, a host..."""
    form = OrganisationForm()
    if not form.is_submitted():
        form.timezone.data = "Europe/London"
    return _save(form, None)


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def organisation(organisation_id: int) -> Any:
    """Edit an organisation; see its people and act for it."""
    found = _organisation_or_404(organisation_id)
    return _save(OrganisationForm(obj=found), found)


@bp.route("/organisations/<int:organisation_id>/archive", methods=["POST"])
@roles_required(ADMIN)
def archive_organisation(organisation_id: int) -> Any:
    """Archive an organisation: kept, but nobody new joins it."""
    found = _organisation_or_404(organisation_id)
    orgs.set_archived(found, True, current_user)
    db.session.commit()
    flash(_("Archived %(name)s.", name=found.name), "success")
    return redirect(url_for("admin.organisation_list"))


@bp.route("/organisations/<int:organisation_id>/restore", methods=["POST"])
@roles_required(ADMIN)
def restore_organisation(organisation_id: int) -> Any:
    """Bring an archived organisation back."""
    found = _organisation_or_404(organisation_id)
    orgs.set_archived(found, False, current_user)
    db.session.commit()
    flash(_("Restored %(name)s.", name=found.name), "success")
    return redirect(url_for("admin.organisation", organisation_id=found.id))


@bp.route("/act-for", methods=["GET", "POST"])
@roles_required(ADMIN)
def act_for_page() -> Any:
    """Choose the organisation whose records an administrator is about to create or edit."""
    target = safe_next(request.values.get("next"))
    if request.method == "POST":
        chosen = request.form.get("organisation_id", "")
        found = db.session.get(Organisation, int(chosen)) if chosen.isdigit() else None
        if found is None or found.is_archived:
            abort(400)
        acting.act_for(found)
        flash(_("You are now acting for %(name)s.", name=found.name), "success")
        return redirect(target or url_for("admin.console"))
    return render_template(
        "accounts/act_for.html", organisations=orgs.organisations(), next_target=target
    )


@bp.route("/act-for/stop", methods=["POST"])
@roles_required(ADMIN)
def stop_acting() -> Any:
    """Stop acting for an organisation."""
    acting.stop_acting()
    flash(_("You are no longer acting for an organisation."), "success")
    return redirect(url_for("admin.console"))


@bp.route("/outbox")
@roles_required(ADMIN)
def outbox() -> Any:
    """Emails waiting, failed or recently sent (subjects only: bodies stay private)."""
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    ).all()
    return render_template("accounts/outbox.html", messages=messages)


from community_hub.accounts import people_views  # noqa: E402, F401 - people and invitations
