"""People and invitations: administrators see everyone, coordinators their own organisation."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community_hub.accounts import invitations
from community_hub.accounts import organisations as orgs
from community_hub.accounts import people as people_service
from community_hub.accounts.admin_views import bp
from community_hub.accounts.forms import InviteForm, RoleForm
from community_hub.accounts.labels import ROLE_LABELS
from community_hub.accounts.models import Invitation
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role, User
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers.forms import show_errors
from community_hub.volunteers.models import Volunteer

TEAM = (Role.ADMIN.value, Role.COORDINATOR.value)


def _organisation_choices(form: InviteForm | RoleForm) -> None:
    if current_user.role == Role.ADMIN.value:
        choices = [SelectChoice(0, _("No organisation"))] + [
            SelectChoice(o.id, o.name) for o in orgs.organisations()
        ]
    else:
        own = current_user.organisation
        choices = [SelectChoice(own.id, own.name)] if own is not None else []
    form.organisation_id.choices = choices


def _role_choices(form: InviteForm | RoleForm, roles: tuple[str, ...]) -> None:
    form.role.choices = [SelectChoice(r, str(ROLE_LABELS[Role(r)])) for r in roles]


def _chosen_organisation(form: InviteForm | RoleForm) -> Organisation | None:
    chosen = form.organisation_id.data
    return db.session.get(Organisation, chosen) if chosen else None


@bp.route("/people")
@roles_required(*TEAM)
def people() -> Any:
    """Everyone with an account (a coordinator's own organisation), with filters."""
    args = request.args
    organisation = args.get("organisation", "")
    wanted = people_service.PeopleFilter(
        role=args.get("role", ""),
        organisation_id=int(organisation) if organisation.isdigit() else None,
        active=args.get("active", ""),
        signed_in=args.get("signed_in", ""),
    )
    scope = None if current_user.role == Role.ADMIN.value else current_user.organisation_id
    return render_template(
        "accounts/people.html",
        people=people_service.visible_people(current_user, wanted),
        wanted=wanted,
        organisations=orgs.organisations(include_archived=True)
        if current_user.role == Role.ADMIN.value
        else [],
        invitations=invitations.pending_for(scope, include_expired=True),
        may_manage=lambda person: people_service.may_manage(current_user, person),
    )


@bp.route("/people/invite", methods=["GET", "POST"])
@roles_required(*TEAM)
def invite() -> Any:
    """Invite someone by email: they choose their own name and password."""
    form = InviteForm()
    _role_choices(form, invitations.grantable_roles(current_user))
    _organisation_choices(form)
    chosen = request.args.get("organisation", "")
    if not form.is_submitted() and chosen.isdigit():
        form.organisation_id.data = int(chosen)
    if form.validate_on_submit():
        try:
            invitation, _link = invitations.invite(
                form.email.data or "", form.role.data or "", _chosen_organisation(form),
                current_user,
            )  # fmt: skip
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("admin.people"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("accounts/invite.html", form=form), status


def _visible_person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or not people_service.may_see(current_user, person):
        abort(404)
    return person


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@roles_required(*TEAM)
def person(user_id: int) -> Any:
    """Someone's account: role and organisation (administrators change them), active or not."""
    found = _visible_person(user_id)
    form = RoleForm(obj=found) if current_user.role == Role.ADMIN.value else None
    if form is not None:
        _role_choices(form, tuple(r.value for r in Role))
        _organisation_choices(form)
        if not form.is_submitted():
            form.organisation_id.data = found.organisation_id or 0
        elif form.validate_on_submit():
            try:
                people_service.change_role(
                    found, form.role.data or "", _chosen_organisation(form), current_user
                )
            except ValidationFailed as failed:
                show_errors(form, failed)
            else:
                db.session.commit()
                flash(_("Saved %(name)s.", name=found.display_name), "success")
                return redirect(url_for("admin.person", user_id=found.id))
    elif request.method == "POST":
        abort(403)
    status = 400 if form is not None and (form.errors or form.form_errors) else 200
    page = render_template(
        "accounts/person.html",
        person=found,
        form=form,
        may_manage=people_service.may_manage(current_user, found),
    )
    return page, status


def _switch(user_id: int, active: bool) -> Any:
    found = _visible_person(user_id)
    if not people_service.may_manage(current_user, found):
        abort(403)
    try:
        if active:
            people_service.reactivate(found, current_user)
        else:
            people_service.deactivate(found, current_user)
    except ValidationFailed as failed:
        db.session.rollback()
        for message in failed.errors.values():
            flash(message, "error")
    else:
        db.session.commit()
        message = (
            _("%(name)s can sign in again.", name=found.display_name)
            if active
            else _("%(name)s is signed out everywhere and can no longer sign in.",
                   name=found.display_name)
        )  # fmt: skip
        flash(message, "success")
    return redirect(url_for("admin.person", user_id=found.id))


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
@roles_required(*TEAM)
def deactivate(user_id: int) -> Any:
    """Switch off a leaver's account at once; what they recorded stays."""
    return _switch(user_id, active=False)


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
@roles_required(*TEAM)
def reactivate(user_id: int) -> Any:
    """Let a returner sign in again."""
    return _switch(user_id, active=True)


def _visible_invitation(invitation_id: int) -> Invitation:
    found = db.session.get(Invitation, invitation_id)
    if found is None or not (
        current_user.role == Role.ADMIN.value
        or (
            found.organisation_id is not None
            and found.organisation_id == current_user.organisation_id
            and found.role in invitations.grantable_roles(current_user)
        )
    ):
        abort(404)
    return found


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles_required(*TEAM)
def revoke_invitation(invitation_id: int) -> Any:
    """Stop an invitation working (an email not yet sent is not sent)."""
    found = _visible_invitation(invitation_id)
    invitations.revoke(found, current_user)
    db.session.commit()
    flash(_("The invitation to %(email)s no longer works.", email=found.email), "success")
    return redirect(url_for("admin.people"))


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@roles_required(*TEAM)
def resend_invitation(invitation_id: int) -> Any:
    """Send a new link (the old one stops working), for 72 hours more."""
    found = _visible_invitation(invitation_id)
    volunteer = db.session.get(Volunteer, found.volunteer_id) if found.volunteer_id else None
    invite_and_say(found.email, found.role, found.organisation, volunteer)
    return redirect(url_for("admin.people"))


def invite_and_say(
    email: str, role: str, organisation: Organisation | None, volunteer: Volunteer | None = None
) -> bool:
    """Invite on the signed-in person's behalf, then say it is sent, or why it could not be."""
    try:
        invitation, _link = invitations.invite(
            email, role, organisation, current_user, volunteer=volunteer
        )
    except ValidationFailed as failed:
        db.session.rollback()
        for message in failed.errors.values():
            flash(message, "error")
        return False
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
    return True
