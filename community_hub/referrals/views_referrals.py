"""Make a referral from a meeting, peer or resource page; move it; match a peer; export it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for
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
from community_hub.referrals import (
    audit,
    consent,
    fhir,
    matching,
    recovery_capital,
    services,
    targets,
)
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.forms import (
    MessageForm,
    MoveForm,
    OfferForm,
    PlainForm,
    PlanForm,
    ReferralForm,
)
from community_hub.referrals.intake import Intake, start_referral
from community_hub.referrals.labels import STATUS_LABELS
from community_hub.referrals.models import Client, Purpose, Referral
from community_hub.referrals.services import ReferralData, TransitionRefused
from community_hub.referrals.states import FORWARD, PEER_MOVES, TRANSITIONS, Status
from community_hub.referrals.views import (
    REFERRING_FOR,
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
    """The listing being referred to, from the form or the 'refer a client here' link.

    Only a public listing can be a target: any other id answers 404, as if it did not exist.
    """
    source = request.form if request.method == "POST" else request.args
    meeting_id, peer_id = _int(source.get("meeting_id")), _int(source.get("peer_id"))
    service_id = (source.get("service_id") or "")[:36] or None
    meeting = targets.listed_meeting(meeting_id)
    peer = targets.listed_peer(peer_id)
    service = targets.listed_service(service_id)
    asked = (meeting_id, peer_id, service_id)
    found = (meeting, peer, service)
    if any(a is not None and t is None for a, t in zip(asked, found, strict=True)):
        abort(404)
    if request.method == "GET":
        form.meeting_id.data = str(meeting.id) if meeting else ""
        form.peer_id.data = str(peer.id) if peer else ""
        form.service_id.data = service.id if service else ""
    return meeting, peer, service


def next_date(meeting: Meeting) -> date:
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
        elif session.get(REFERRING_FOR):
            held = db.session.get(Client, int(session[REFERRING_FOR]))
            if held is not None and held.organisation_id == current_user.organisation_id:
                form.reference.data = held.reference
                audit.record(current_user, "view", "client", held.id, "referral form")
            else:
                session.pop(REFERRING_FOR, None)
        if meeting is not None:
            form.planned_first_meeting.data = next_date(meeting)
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
            session.pop(REFERRING_FOR, None)
            flash(_("Referral made."), "success")
            then = "match" if services.needs_share_consent(intake.referral) else "referral"
            if recovery_capital.may_offer(referral, recovery_capital.BASELINE, today()):
                return redirect(
                    url_for("referrals.recovery_capital", referral_id=referral.id, then=then)
                )
            return redirect(url_for(f"referrals.{then}", referral_id=referral.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "referrals/new.html", form=form, meeting=meeting, peer=peer, service=service
    ), status


def allowed_moves(referral: Referral) -> list[Status]:
    """The worker's moves: forward ones first (in order), then the rest; never a peer's move.

    Offering to a peer has its own page (match), so it is not a move here either.
    """
    current = Status(referral.status)
    if current == Status.ON_HOLD:
        return [Status(referral.held_from), Status.CLOSED]
    here = FORWARD.index(current) if current in FORWARD else -1
    moves: list[Status] = [
        s for s in TRANSITIONS[current] if s != Status.MATCHED and (current, s) not in PEER_MOVES
    ]
    ahead = [s for s in moves if s in FORWARD and FORWARD.index(s) > here]
    forward: list[Status] = sorted(ahead, key=FORWARD.index)
    rest: list[Status] = sorted((s for s in moves if s not in forward), key=list(Status).index)
    return forward + rest


def move_choices(referral: Referral) -> list[SelectChoice]:
    """The move form's options: no default, so nothing is chosen by accident."""
    blank = [SelectChoice("", _("Choose what happens next"))]
    return blank + [
        SelectChoice(s.value, str(STATUS_LABELS[s.value])) for s in allowed_moves(referral)
    ]


def render_referral(
    referral: Referral, status: int = 200, form: MoveForm | None = None, **forms: Any
) -> Any:
    """The referral page, with any form that failed showing its errors."""
    if form is None:
        form = MoveForm(formdata=None)
    form.to.choices = move_choices(referral)
    day = today()
    can_match = (
        referral.link_method == "accompanied"
        and referral.made_by == "peer"
        and referral.status == Status.REQUESTED.value
    )
    plan_form = forms.get("plan_form") or PlanForm(formdata=None, prefix="plan", obj=referral)
    message_form = forms.get("message_form") or MessageForm(formdata=None, prefix="message")
    outcome = consent.current(referral.client, Purpose.OUTCOME_TO_REFERRER, day)
    page = render_template(
        "referrals/referral.html",
        referral=referral,
        meeting=referral.meeting,
        peer=referral.peer,
        service=referral.service,
        form=form,
        plan_form=plan_form,
        message_form=message_form,
        button_form=PlainForm(formdata=None),
        can_match=can_match,
        peer_name=matching.peer_name(referral),
        follow_up_consent=consent.current(referral.client, Purpose.FOLLOW_UP, day),
        outcome_consent=outcome,
        scores=recovery_capital.taken(referral),
        barc_baseline=recovery_capital.may_offer(referral, recovery_capital.BASELINE, day),
        point_label=recovery_capital.point_label,
        today=day,
    )
    db.session.commit()
    return page, status


@bp.route("/<int:referral_id>")
@roles_required(*STAFF)
def referral(referral_id: int) -> Any:
    """One referral: target, status and history, follow-ups, what can happen next."""
    return render_referral(services.referral_for(current_user, referral_id))


@bp.route("/<int:referral_id>/move", methods=["POST"])
@roles_required(*STAFF)
def move(referral_id: int) -> Any:
    """Move a referral to its next status, with a reason where one is needed."""
    found = services.referral_for(current_user, referral_id)
    form = MoveForm()
    form.to.choices = move_choices(found)
    if not form.validate_on_submit():
        return render_referral(found, 400, form)
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
        return render_referral(found, 400, form)
    db.session.commit()
    flash(_("Referral is now: %(status)s.", status=STATUS_LABELS[found.status]), "success")
    return redirect(url_for("referrals.referral", referral_id=found.id))


@bp.route("/<int:referral_id>/match", methods=["GET", "POST"])
@roles_required(*STAFF)
def match(referral_id: int) -> Any:
    """Screen 2 of 3: offer the referral to a peer who passes every matching rule today."""
    found = services.referral_for(current_user, referral_id)
    day = today()
    show_all = request.args.get("all") == "1"
    matched = matching.match(found, day, show_all=show_all)
    candidates = matched.candidates
    form = OfferForm()
    form.peer_id.choices = [SelectChoice(c.peer.id, c.peer.display_name) for c in candidates]
    _allow_any_passing_peer(form, found, day)
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
    page = render_template(
        "referrals/match.html",
        referral=found,
        candidates=candidates,
        matched=matched,
        form=form,
        share=share,
        handover_form=PlainForm(formdata=None),
        waiting=found.status == Status.REQUESTED.value and found.made_by == "peer",
        show_all=show_all,
    )
    db.session.commit()
    return page, status


def _allow_any_passing_peer(form: OfferForm, referral: Referral, day: date) -> None:
    """A peer beyond the page shown may be chosen too, when they pass every rule."""
    chosen = request.form.get("peer_id", "")
    if request.method != "POST" or not chosen.isdigit():
        return
    if any(choice.value == int(chosen) for choice in form.peer_id.choices):
        return
    peer = db.session.get(PeerSupporter, int(chosen))
    if peer is not None and matching.passes(referral, peer, day):
        form.peer_id.choices.append(SelectChoice(peer.id, peer.display_name))


@bp.route("/<int:referral_id>/warm-handover", methods=["POST"])
@roles_required(*STAFF)
def warm_handover(referral_id: int) -> Any:
    """No peer can go with the client: the worker introduces them in a warm handover instead."""
    found = services.referral_for(current_user, referral_id)
    form = PlainForm()
    why = matching.match(found, today()).why_none() or _("The worker chose a handover.")
    if form.validate_on_submit():
        try:
            services.use_warm_handover(found, current_user, today(), why)
        except TransitionRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash(_("This is now a warm handover: introduce the client yourself."), "success")
    return redirect(url_for("referrals.referral", referral_id=referral_id))


@bp.route("/<int:referral_id>/fhir.json")
@roles_required(*STAFF)
def fhir_referral(referral_id: int) -> Any:
    """The referral as FHIR R4: ServiceRequest, Task, Consent and QuestionnaireResponses."""
    found = services.referral_for(current_user, referral_id)
    body = fhir.referral_bundle([found])
    audit.record(current_user, "export", "referral", found.id, "FHIR")
    db.session.commit()
    return jsonify(body)


@bp.route("/fhir.json")
@roles_required(*STAFF)
def fhir_bundle() -> Any:
    """Every referral of the organisation as one FHIR Bundle (each export is audited)."""
    org = organisation_id()
    referrals = db.session.scalars(
        select(Referral).where(Referral.organisation_id == org).order_by(Referral.id)
    ).all()
    for item in referrals:
        audit.record(current_user, "export", "referral", item.id, "FHIR bundle")
    body = fhir.referral_bundle(list(referrals))
    db.session.commit()
    response = jsonify(body)
    response.headers["Content-Disposition"] = "attachment; filename=referrals-fhir.json"
    return response
