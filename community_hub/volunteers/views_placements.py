"""Placements at host organisations: propose, move through the allowed states, supervise."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers import services
from community_hub.volunteers.forms import MoveForm, PlacementForm, SupervisionForm, show_errors
from community_hub.volunteers.hours import record_supervision
from community_hub.volunteers.manage import known_roles, propose_placement
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import Placement
from community_hub.volunteers.placement_models import PlacementStatus as S
from community_hub.volunteers.placements import LABELS, TransitionRefused, allowed_moves, move
from community_hub.volunteers.requirements import gaps, supervision_due, supervision_overdue
from community_hub.volunteers.views import MANAGERS, bp, owned, scope, today


@bp.route("/placements")
@roles_required(*MANAGERS)
def placements() -> Any:
    """Every placement, optionally only those in one state."""
    status = request.args.get("status", "")
    stmt = select(Placement).order_by(Placement.created_at.desc(), Placement.id.desc())
    organisation_id = scope()
    if organisation_id is not None:
        stmt = stmt.where(Placement.organisation_id == organisation_id)
    if status in {s.value for s in S}:
        stmt = stmt.where(Placement.status == status)
    else:
        status = ""
    items = db.session.scalars(stmt).all()
    return render_template("volunteers/placements.html", placements=items, status=status)


def _fill_choices(form: PlacementForm) -> None:
    volunteers = services.volunteers_for(current_user, include_left=False)
    form.volunteer_id.choices = [
        SelectChoice(v.id, v.first_name + f" (#{v.id})") for v in volunteers
    ]
    hosts = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.host_organisation_id.choices = [SelectChoice(o.id, o.name) for o in hosts]


@bp.route("/placements/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_placement() -> Any:
    """Propose a placement: the volunteer, the host, the role and how often supervision is."""
    form = PlacementForm()
    _fill_choices(form)
    if not form.is_submitted():
        form.volunteer_id.data = request.args.get("volunteer_id", type=int)
    if form.validate_on_submit():
        volunteer = owned(Volunteer, form.volunteer_id.data or 0)
        host = db.session.get(Organisation, form.host_organisation_id.data)
        if host is None:
            abort(404)
        try:
            placement = propose_placement(
                volunteer,
                host,
                form.role.data or "",
                form.supervisor_name.data or "",
                form.supervision_every_days.data or 0,
                current_user,
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(
                _(
                    "Placement proposed: %(name)s at %(host)s.",
                    name=volunteer.first_name,
                    host=host.name,
                ),
                "success",
            )
            return redirect(url_for("volunteers.placement", placement_id=placement.id))
    status = 400 if form.errors or form.form_errors else 200
    roles = known_roles(scope())
    return render_template("volunteers/placement_new.html", form=form, roles=roles), status


def _render_placement(
    placement: Placement,
    status: int = 200,
    refused: str = "",
    supervision_form: SupervisionForm | None = None,
) -> Any:
    day = today()
    if supervision_form is None:
        supervision_form = SupervisionForm(prefix="supervision", formdata=None)
        supervision_form.held_on.data = day
    return render_template(
        "volunteers/placement.html",
        placement=placement,
        moves=allowed_moves(placement),
        refused=refused,
        gaps=gaps(placement.volunteer, placement.role, placement.host_organisation_id, day),
        due=supervision_due(placement),
        overdue=supervision_overdue(placement, day),
        supervision_form=supervision_form,
        today=day,
        ACTIVE=S.ACTIVE,
        ENDED=S.ENDED,
        STAGE_LEFT=Stage.LEFT,
    ), status


@bp.route("/placements/<int:placement_id>")
@roles_required(*MANAGERS)
def placement(placement_id: int) -> Any:
    """A placement: where it stands, what can happen next, supervision and history."""
    return _render_placement(owned(Placement, placement_id))


@bp.route("/placements/<int:placement_id>/move", methods=["POST"])
@roles_required(*MANAGERS)
def move_placement(placement_id: int) -> Any:
    """Move a placement to an allowed state; a refused move changes nothing and says why."""
    placement = owned(Placement, placement_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _render_placement(placement, 400, _("Choose what should happen next."))
    try:
        move(
            placement,
            S(form.to.data),
            current_user,
            today(),
            form.reason.data or "",
            end_reason=form.end_reason.data or "",
        )
    except TransitionRefused as refused:
        db.session.rollback()
        return _render_placement(placement, 400, str(refused))
    db.session.commit()
    flash(_("Placement is now: %(status)s.", status=LABELS[S(placement.status)]), "success")
    return redirect(url_for("volunteers.placement", placement_id=placement.id))


@bp.route("/placements/<int:placement_id>/supervision", methods=["POST"])
@roles_required(*MANAGERS)
def add_supervision(placement_id: int) -> Any:
    """Record a supervision session; the next one falls due from its date."""
    placement = owned(Placement, placement_id)
    form = SupervisionForm(prefix="supervision")
    if form.validate_on_submit():
        try:
            record_supervision(
                placement,
                form.held_on.data,
                form.kind.data or "",
                form.notes.data or "",
                current_user,
                today(),
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Supervision recorded."), "success")
            return redirect(url_for("volunteers.placement", placement_id=placement.id))
    return _render_placement(placement, 400, supervision_form=form)
