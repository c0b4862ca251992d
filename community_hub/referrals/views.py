"""Treatment staff: their referral desk, clients and consents.

Referrals, follow-ups, the peer side and the audit log add routes to this blueprint from their
own modules, imported at the end of this one. Every client and referral is fetched through
`services.client_for` / `services.referral_for`: 404 outside the user's organisation, audited.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit, consent, followups, services
from community_hub.referrals.forms import (
    ClientEditForm,
    ClientForm,
    ConsentForm,
    WithdrawConsentForm,
)
from community_hub.referrals.intake import find_client
from community_hub.referrals.labels import all_labels
from community_hub.referrals.models import Client, Purpose, Referral
from community_hub.referrals.states import Status
from community_hub.volunteers.forms import show_errors
from community_hub.volunteers.views import today

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
# The client a worker is finding a meeting for (their id, never their reference), kept while
# they go through the finder and back to "Refer a client here".
REFERRING_FOR = "referring_for_client"
STAFF = (Role.WORKER.value, Role.COORDINATOR.value, Role.ADMIN.value)
PAGE_SIZE = 25


@bp.context_processor
def _labels() -> dict[str, Any]:
    return all_labels()


def organisation_id() -> int:
    """The organisation whose clients this user works with; staff without one get 403."""
    if current_user.organisation_id is None:
        abort(403)
    return int(current_user.organisation_id)


def client_data(form: ClientForm | ClientEditForm, reference: str) -> services.ClientData:
    return services.ClientData(
        reference=reference,
        birth_decade=form.birth_decade.data or "",
        gender=form.gender.data or "",
        preferred_language=form.preferred_language.data or "en",
        preferred_contact=form.preferred_contact.data or "phone",
        do_not_contact=bool(form.do_not_contact.data),
        postcode_district=form.postcode_district.data or "",
        substances=form.substances.data or "",
        goal=form.goal.data or "",
    )


@bp.route("/")
@roles_required(*STAFF)
def desk() -> Any:
    """Follow-ups due today and overdue, then the organisation's referrals."""
    org, day = organisation_id(), today()
    due_today, overdue = followups.due_for(current_user, day)
    status = request.args.get("status", "")
    stmt = (
        select(Referral)
        .where(Referral.organisation_id == org)
        .options(
            selectinload(Referral.client),
            selectinload(Referral.meeting),
            selectinload(Referral.peer),
            selectinload(Referral.service),
        )
    )
    if status in {s.value for s in Status}:
        stmt = stmt.where(Referral.status == status)
    else:
        status = ""
    page = db.paginate(
        stmt.order_by(Referral.updated_at.desc(), Referral.id.desc()),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    audit.record(current_user, "list", "organisation", org, f"referrals page {page.page}")
    db.session.commit()
    return render_template(
        "referrals/desk.html",
        due_today=due_today,
        overdue=overdue,
        page=page,
        status=status,
        today=day,
    )


@bp.route("/clients/find", methods=["POST"])
@roles_required(*STAFF)
def find() -> Any:
    """Go to a client by their reference (posted, so it never sits in a URL or an access log)."""
    organisation_id()
    reference = request.form.get("reference", "").strip()[:40]
    found = find_client(current_user, reference) if reference else None
    if found is not None:
        return redirect(url_for("referrals.client", client_id=found.id))
    if reference:
        flash(_("No client has that reference."), "error")
    return redirect(url_for("referrals.desk"))


@bp.route("/clients/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_client() -> Any:
    """Add a client by their service reference: no name, address or date of birth."""
    organisation_id()
    form = ClientForm()
    if form.validate_on_submit():
        try:
            added = services.add_client(client_data(form, form.reference.data or ""), current_user)
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Client added."), "success")
            return redirect(url_for("referrals.client", client_id=added.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("referrals/client_edit.html", form=form, client=None), status


def _render_client(
    client: Client, consent_form: ConsentForm | None = None, status: int = 200
) -> Any:
    day = today()
    if consent_form is None:
        consent_form = ConsentForm(formdata=None)
        consent_form.given_on.data = day
    referrals = db.session.scalars(
        select(Referral).where(Referral.client_id == client.id).order_by(Referral.id.desc())
    ).all()
    current = {p.value: consent.current(client, p, day) for p in Purpose}
    latest = {p.value: consent.latest(client, p) for p in Purpose}
    page = render_template(
        "referrals/client.html",
        client=client,
        referrals=referrals,
        current=current,
        latest=latest,
        consent_form=consent_form,
        today=day,
    )
    db.session.commit()
    return page, status


@bp.route("/clients/<int:client_id>")
@roles_required(*STAFF)
def client(client_id: int) -> Any:
    """A client: their details, consents and referrals."""
    session.pop(REFERRING_FOR, None)  # back from finding them a meeting
    return _render_client(services.client_for(current_user, client_id))


@bp.route("/clients/<int:client_id>/find-meeting")
@roles_required(*STAFF)
def find_meeting_for(client_id: int) -> Any:
    """Go to the meeting finder with this client in hand: "Refer a client here" brings them."""
    found = services.client_for(current_user, client_id)
    session[REFERRING_FOR] = found.id  # the id only: a reference never goes in the cookie
    db.session.commit()
    return redirect(url_for("meetings.finder"))


@bp.route("/clients/<int:client_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_client(client_id: int) -> Any:
    """Change a client's contact preferences and details."""
    found = services.client_for(current_user, client_id)
    form = ClientEditForm(obj=found)
    if form.validate_on_submit():
        try:
            services.update_client(found, client_data(form, found.reference), current_user)
        except ValidationFailed as failed:
            show_errors(form, failed)
            found = services.client_for(current_user, client_id)
        else:
            db.session.commit()
            flash(_("Client details saved."), "success")
            return redirect(url_for("referrals.client", client_id=found.id))
    status = 400 if form.errors or form.form_errors else 200
    db.session.commit()
    return render_template("referrals/client_edit.html", form=form, client=found), status


@bp.route("/clients/<int:client_id>/consents", methods=["POST"])
@roles_required(*STAFF)
def give_consent(client_id: int) -> Any:
    """Record a consent for one purpose."""
    found = services.client_for(current_user, client_id)
    form = ConsentForm(prefix="")
    if form.validate_on_submit():
        try:
            consent.give(
                found,
                form.purpose.data or "",
                form.given_on.data or today(),
                form.method.data or "",
                current_user,
                today(),
                form.expires_on.data,
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
            found = services.client_for(current_user, client_id)
        else:
            db.session.commit()
            flash(_("Consent recorded."), "success")
            return redirect(url_for("referrals.client", client_id=found.id))
    return _render_client(found, form, 400)


@bp.route("/clients/<int:client_id>/consents/<purpose>/withdraw", methods=["GET", "POST"])
@roles_required(*STAFF)
def withdraw_consent(client_id: int, purpose: str) -> Any:
    """Withdraw a consent, once confirmed: what depended on it stops at once."""
    found = services.client_for(current_user, client_id)
    if purpose not in {p.value for p in Purpose}:
        abort(404)
    form = WithdrawConsentForm()
    if form.validate_on_submit() and form.confirm.data == "yes":
        consent.withdraw(found, Purpose(purpose), current_user, today(), form.reason.data or "")
        db.session.commit()
        flash(_("Consent withdrawn. Anything that depended on it has stopped."), "success")
        return redirect(url_for("referrals.client", client_id=found.id))
    status = 400 if form.errors else 200
    page = render_template(
        "referrals/withdraw_consent.html",
        client=found,
        purpose=purpose,
        form=form,
        given=consent.current(found, Purpose(purpose), today()),
    )
    db.session.commit()
    return page, status


# Routes on this blueprint from their own modules (they import `bp` from here).
from community_hub.referrals import (  # noqa: E402
    views_audit,  # noqa: F401
    views_followups,  # noqa: F401
    views_handover,  # noqa: F401
    views_outcomes,  # noqa: F401
    views_peers,  # noqa: F401
    views_referrals,  # noqa: F401
    views_subject,  # noqa: F401
)
