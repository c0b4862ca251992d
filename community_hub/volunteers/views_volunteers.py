"""A volunteer's record: details, stage and pauses, checks and training."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community_hub.accounts.people_views import invite_and_say
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteering.applications import applications_of
from community_hub.volunteers import dashboard as board
from community_hub.volunteers import links, services
from community_hub.volunteers.forms import (
    SOURCE_LABELS,
    CheckForm,
    PauseForm,
    StageForm,
    VolunteerForm,
    show_errors,
)
from community_hub.volunteers.manage import known_roles
from community_hub.volunteers.models import Source, Volunteer
from community_hub.volunteers.profile import profile
from community_hub.volunteers.requirement_models import Check
from community_hub.volunteers.views import (
    MANAGERS,
    bp,
    own_organisation,
    owned,
    today,
)


@bp.route("/people")
@roles_required(*MANAGERS)
def volunteer_list() -> Any:
    """Everyone in the programme, by first name, with their stage and how they came to it."""
    volunteers = services.volunteers_for(current_user)
    source = request.args.get("source")  # "" is a real choice: added by staff
    if source in {s.value for s in Source}:
        volunteers = [v for v in volunteers if v.source == source]
    else:
        source = None
    return render_template(
        "volunteers/list.html", volunteers=volunteers, source=source, source_labels=SOURCE_LABELS
    )


def _peer_choices(form: VolunteerForm, organisation_id: int) -> None:
    form.peer_id.choices = [SelectChoice(0, _("No profile"))] + [
        SelectChoice(p.id, p.display_name) for p in links.linkable_peers(organisation_id)
    ]


def _data(form: VolunteerForm) -> services.VolunteerData:
    fields = services.VolunteerData.__dataclass_fields__
    values = {name: getattr(form, name).data or "" for name in fields}
    values["languages"] = ",".join(form.languages.data or [])
    return services.VolunteerData(**values)


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_volunteer() -> Any:
    """Add someone who has enquired about volunteering."""
    organisation = own_organisation()
    form = VolunteerForm()
    _peer_choices(form, organisation.id)
    if form.validate_on_submit():
        try:
            volunteer = services.add_volunteer(_data(form), organisation, current_user)
            links.link_volunteer_to_peer(volunteer, form.peer_id.data or 0)
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Added %(name)s.", name=volunteer.first_name), "success")
            return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("volunteers/edit.html", form=form, volunteer=None), status


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_volunteer(volunteer_id: int) -> Any:
    """Correct a volunteer's details and contact preferences."""
    volunteer = owned(Volunteer, volunteer_id)
    form = VolunteerForm(obj=volunteer)
    _peer_choices(form, volunteer.organisation_id)
    if not form.is_submitted():
        form.languages.data = volunteer.language_list
        peer = links.peer_of(volunteer)
        form.peer_id.data = peer.id if peer else 0
    if form.validate_on_submit():
        try:
            services.update_volunteer(volunteer, _data(form))
            links.link_volunteer_to_peer(volunteer, form.peer_id.data or 0)
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=volunteer.first_name), "success")
            return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("volunteers/edit.html", form=form, volunteer=volunteer), status


def _render_volunteer(volunteer: Volunteer, status: int = 200, **forms: Any) -> Any:
    check_form = forms.pop("check_form", None) or CheckForm(prefix="check", formdata=None)
    check_form.requirement_type_id.choices = [
        SelectChoice(r.id, r.shown_name) for r in board.requirement_types(volunteer.organisation_id)
    ]
    if check_form.completed_on.data is None and not check_form.errors:
        check_form.completed_on.data = today()
    return render_template(
        "volunteers/volunteer.html",
        record=profile(volunteer, today()),
        today=today(),
        stage_form=forms.get("stage_form") or StageForm(prefix="stage", formdata=None),
        pause_form=forms.get("pause_form") or PauseForm(prefix="pause", formdata=None),
        check_form=check_form,
        applications=applications_of(volunteer.id),
        readiness=board.readiness_of(
            volunteer, known_roles(volunteer.organisation_id) or [""], today()
        ),
    ), status


@bp.route("/<int:volunteer_id>")
@roles_required(*MANAGERS)
def volunteer(volunteer_id: int) -> Any:
    """A volunteer's whole record: stage and history, checks, placements, courses, hours."""
    return _render_volunteer(owned(Volunteer, volunteer_id))


@bp.route("/<int:volunteer_id>/invite", methods=["POST"])
@roles_required(*MANAGERS)
def invite_volunteer(volunteer_id: int) -> Any:
    """Invite a volunteer to sign in, at their record's email; the account is linked to it."""
    volunteer = owned(Volunteer, volunteer_id)
    invite_and_say(volunteer.email, Role.VOLUNTEER.value, volunteer.organisation, volunteer)
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))


@bp.route("/<int:volunteer_id>/stage", methods=["POST"])
@roles_required(*MANAGERS)
def change_stage(volunteer_id: int) -> Any:
    """Move a volunteer along (or back along) the pathway, with a reason."""
    volunteer = owned(Volunteer, volunteer_id)
    form = StageForm(prefix="stage")
    if form.validate_on_submit():
        try:
            services.change_stage(
                volunteer, form.stage.data or "", current_user, form.reason.data or ""
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s is now: %(stage)s.",
                    name=volunteer.first_name,
                    stage=volunteer.stage_label,
                ),
                "success",
            )
            return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))
    return _render_volunteer(volunteer, 400, stage_form=form)


@bp.route("/<int:volunteer_id>/pause", methods=["POST"])
@roles_required(*MANAGERS)
def pause(volunteer_id: int) -> Any:
    """Pause at the volunteer's request: the record stays, active placements go on hold."""
    volunteer = owned(Volunteer, volunteer_id)
    form = PauseForm(prefix="pause")
    if form.validate_on_submit():
        try:
            services.pause(volunteer, form.pause_reason.data or "", today())
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("%(name)s is paused.", name=volunteer.first_name), "success")
            return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))
    return _render_volunteer(volunteer, 400, pause_form=form)


@bp.route("/<int:volunteer_id>/resume", methods=["POST"])
@roles_required(*MANAGERS)
def resume(volunteer_id: int) -> Any:
    """Welcome a volunteer back; placements on hold are restarted by hand."""
    volunteer = owned(Volunteer, volunteer_id)
    services.resume(volunteer)
    db.session.commit()
    flash(_("%(name)s is no longer paused.", name=volunteer.first_name), "success")
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))


@bp.route("/<int:volunteer_id>/checks", methods=["POST"])
@roles_required(*MANAGERS)
def record_check(volunteer_id: int) -> Any:
    """Record a check or training (DBS level, certificate number and update service for DBS)."""
    volunteer = owned(Volunteer, volunteer_id)
    form = CheckForm(prefix="check")
    types = {r.id: r for r in board.requirement_types(volunteer.organisation_id)}
    form.requirement_type_id.choices = [SelectChoice(i, r.name) for i, r in types.items()]
    if form.validate_on_submit():
        try:
            services.record_check(
                volunteer,
                types[form.requirement_type_id.data],
                form.completed_on.data,
                current_user,
                today(),
                dbs_level=form.dbs_level.data or "",
                certificate_number=form.certificate_number.data or "",
                update_service=bool(form.update_service.data),
                notes=form.notes.data or "",
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Recorded for %(name)s.", name=volunteer.first_name), "success")
            return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))
    return _render_volunteer(volunteer, 400, check_form=form)


@bp.route("/<int:volunteer_id>/checks/<int:check_id>/renewal", methods=["POST"])
@roles_required(*MANAGERS)
def start_renewal(volunteer_id: int, check_id: int) -> Any:
    """Mark a renewal as in progress: reminders pause and nothing is blocked."""
    volunteer = owned(Volunteer, volunteer_id)
    check = db.session.get(Check, check_id)
    if check is None or check.volunteer_id != volunteer.id:
        abort(404)
    try:
        services.start_renewal(check, today())
    except ValidationFailed as failed:
        db.session.rollback()
        for message in failed.errors.values():
            flash(message, "error")
    else:
        db.session.commit()
        flash(
            _("Renewal in progress: %(name)s.", name=check.requirement_type.shown_name), "success"
        )
    return redirect(url_for("volunteers.volunteer", volunteer_id=volunteer.id))
