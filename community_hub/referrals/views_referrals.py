"""Make a referral from a meeting, peer or resource page; move it; match a peer; export it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.meetings.occurrences import next_held, rule_of
from community_hub.meetings.schedule import zone
from community_hub.meetings.services import ValidationFailed
from community_hub.people.models import PeerSupporter
from community_hub.referrals import audit, consent, fhir, matching, services
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.forms import MoveForm, OfferForm, ReferralForm
from community_hub.referrals.intake import Intake, start_referral
from community_hub.referrals.labels import STATUS_LABELS
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import ReferralData, TransitionRefused
from community_hub.referrals.states import TRANSITIONS, Status
from community_hub.referrals.views import (
    STAFF,
    bp,
    client_data,
    organisation_id,
    today,
)
from community_hub.resources.models import Service
from community_hub.volunteers.forms import show_errors


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _target(form: ReferralForm) -> tuple[Meeting | None, PeerSupporter | None, Service | None]:
    """The listing being referred to, from the form or the 'refer a client here' link."""
    source = request.form if request.method == "POST" else request.args
    meeting = db.session.get(Meeting, _int(source.get("meeting_id")) or 0)
    peer = db.session.get(PeerSupporter, _int(source.get("peer_id")) or 0)
    service_id = (source.get("service_id") or "")[:36]
    service = db.session.get(Service, service_id) if service_id else None
    if request.method == "GET":
        form.meeting_id.data = str(meeting.id) if meeting else ""
        form.peer_id.data = str(peer.id) if peer else ""
        form.service_id.data = service.id if service else ""
    return meeting, peer, service


def _next_date(meeting: Meeting) -> date:
    now = datetime.now(UTC)
    occurrence = next_held(rule_of(meeting), meeting.one_offs, now)
    return occurrence.start.astimezone(zone(meeting.timezone)).date()


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new() -> Any:
    """Screen 1 of 3: who, how the link is made, when, and the client's consents."""
    organisation_id()
    form = ReferralForm()
    meeting, peer, service = _target(form)
    if request.method == "GET":
        client_id = _int(request.args.get("client_id"))
        if client_id is not None:
            form.reference.data = services.client_for(current_user, client_id).reference
        if meeting is not None:
            form.planned_first_meeting.data = _next_date(meeting)
    if form.validate_on_submit():
        data = ReferralData(
            link_method=form.link_method.data or "",
            meeting_id=meeting.id if meeting else None,
            peer_id=peer.id if peer else None,
            service_id=service.id if service else None,
            group_name="" if (meeting or peer or service) else form.group_name.data or "",
            made_by=form.made_by.data or "",
            peer_gender_preference=form.peer_gender_preference.data or "",
            planned_first_meeting=form.planned_first_meeting.data,
            note=form.note.data or "",
        )
        agreed = [p.value for p in Purpose if getattr(form, f"consent_{p.value}").data]
        intake = Intake(
            client_data(form, form.reference.data or ""),
            data,
            agreed,
            form.consent_method.data or "",
        )
        try:
            referral, _new = start_referral(intake, current_user, today())
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Referral made."), "success")
            if referral.link_method == "accompanied" and referral.made_by == "peer":
                return redirect(url_for("referrals.match", referral_id=referral.id))
            return redirect(url_for("referrals.referral", referral_id=referral.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "referrals/new.html", form=form, meeting=meeting, peer=peer, service=service
    ), status


def allowed_moves(referral: Referral) -> list[Status]:
    current = Status(referral.status)
    if current == Status.ON_HOLD:
        return [Status(referral.held_from), Status.CLOSED]
    return [s for s in Status if s in TRANSITIONS[current] and s != Status.MATCHED]


def _render(referral: Referral, form: MoveForm | None = None, status: int = 200) -> Any:
    if form is None:
        form = MoveForm(formdata=None)
    form.to.choices = [
        SelectChoice(s.value, str(STATUS_LABELS[s.value])) for s in allowed_moves(referral)
    ]
    day = today()
    meeting = db.session.get(Meeting, referral.meeting_id) if referral.meeting_id else None
    peer = db.session.get(PeerSupporter, referral.peer_id) if referral.peer_id else None
    service = db.session.get(Service, referral.service_id) if referral.service_id else None
    can_match = (
        referral.link_method == "accompanied"
        and referral.made_by == "peer"
        and referral.status == Status.REQUESTED.value
    )
    db.session.commit()
    return render_template(
        "referrals/referral.html",
        referral=referral,
        meeting=meeting,
        peer=peer,
        service=service,
        form=form,
        can_match=can_match,
        follow_up_consent=consent.current(referral.client, Purpose.FOLLOW_UP, day),
        today=day,
    ), status


@bp.route("/<int:referral_id>")
@roles_required(*STAFF)
def referral(referral_id: int) -> Any:
    """One referral: target, status and history, follow-ups, what can happen next."""
    return _render(services.referral_for(current_user, referral_id))


@bp.route("/<int:referral_id>/move", methods=["POST"])
@roles_required(*STAFF)
def move(referral_id: int) -> Any:
    """Move a referral to its next status, with a reason where one is needed."""
    found = services.referral_for(current_user, referral_id)
    form = MoveForm()
    form.to.choices = [SelectChoice(s.value, s.value) for s in allowed_moves(found)]
    if not form.validate_on_submit():
        return _render(found, form, 400)
    try:
        services.move(
            found,
            Status(form.to.data),
            current_user,
            today(),
            form.reason.data or "",
            closed_reason=form.closed_reason.data or "",
        )
    except TransitionRefused as refused:
        db.session.rollback()
        found = services.referral_for(current_user, referral_id)
        form.form_errors.append(str(refused))
        return _render(found, form, 400)
    db.session.commit()
    flash(_("Referral is now: %(status)s.", status=STATUS_LABELS[found.status]), "success")
    return redirect(url_for("referrals.referral", referral_id=found.id))


@bp.route("/<int:referral_id>/match", methods=["GET", "POST"])
@roles_required(*STAFF)
def match(referral_id: int) -> Any:
    """Screen 2 of 3: offer the referral to a peer who is cleared to go with the client today."""
    found = services.referral_for(current_user, referral_id)
    day = today()
    candidates = matching.candidates(found, day)
    form = OfferForm()
    form.peer_id.choices = [SelectChoice(c.peer.id, c.peer.display_name) for c in candidates]
    if form.validate_on_submit():
        peer = db.session.get(PeerSupporter, form.peer_id.data)
        if peer is None:
            abort(404)
        try:
            matching.offer(found, peer, current_user, day)
        except (ConsentMissing, TransitionRefused) as refused:
            db.session.rollback()
            found = services.referral_for(current_user, referral_id)
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(
                _(
                    "Offered to %(name)s. They or their coordinator will accept or decline.",
                    name=peer.display_name,
                ),
                "success",
            )
            return redirect(url_for("referrals.referral", referral_id=found.id))
    status = 400 if form.errors or form.form_errors else 200
    share = consent.current(found.client, Purpose.SHARE_WITH_PEER, day)
    db.session.commit()
    return render_template(
        "referrals/match.html", referral=found, candidates=candidates, form=form, share=share
    ), status


@bp.route("/<int:referral_id>/fhir.json")
@roles_required(*STAFF)
def fhir_task(referral_id: int) -> Any:
    """The referral as a FHIR R4 Task."""
    found = services.referral_for(current_user, referral_id)
    body = fhir.task(found)
    db.session.commit()
    return jsonify(body)


@bp.route("/fhir.json")
@roles_required(*STAFF)
def fhir_bundle() -> Any:
    """Every referral of the organisation as a FHIR Bundle of Tasks (each export is audited)."""
    org = organisation_id()
    referrals = db.session.scalars(
        select(Referral).where(Referral.organisation_id == org).order_by(Referral.id)
    ).all()
    for item in referrals:
        audit.record(current_user, "export", "referral", item.id, "FHIR bundle")
    body = fhir.bundle(list(referrals))
    db.session.commit()
    response = jsonify(body)
    response.headers["Content-Disposition"] = "attachment; filename=referrals-fhir.json"
    return response
