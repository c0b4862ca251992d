"""Coordinators publish their organisation's volunteering opportunities and see who applied."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteering import services
from community_hub.volunteering.forms import OpportunityForm
from community_hub.volunteering.models import Opportunity
from community_hub.volunteers.forms import show_errors
from community_hub.volunteers.views import MANAGERS, own_organisation, scope, today

bp = Blueprint("manage_volunteering", __name__, url_prefix="/volunteers/opportunities")


def _owned(opportunity_id: int) -> Opportunity:
    """The opportunity if this user runs its organisation's programme; 404 otherwise."""
    found = db.session.get(Opportunity, opportunity_id)
    if found is None or not can_manage_organisation(current_user, found.organisation_id):
        abort(404)
    return found


def _fill_choices(form: OpportunityForm, organisation_id: int) -> None:
    form.host_organisation_id.choices = [SelectChoice(0, _("At our own premises"))] + [
        SelectChoice(o.id, o.name) for o in services.host_choices()
    ]
    form.requirement_ids.choices = [
        SelectChoice(r.id, r.shown_name) for r in services.requirement_choices(organisation_id)
    ]


def _data(form: OpportunityForm) -> services.OpportunityData:
    data = services.OpportunityData(
        closes_on=form.closes_on.data,
        host_organisation_id=form.host_organisation_id.data or 0,
        requirement_ids=list(form.requirement_ids.data or []),
        lived_experience_welcome=bool(form.lived_experience_welcome.data),
        published=bool(form.published.data),
    )
    for name in services.LIMITS:
        setattr(data, name, getattr(form, name).data or "")
    return data


def _edit(opportunity: Opportunity | None) -> Any:
    organisation = opportunity.organisation if opportunity else own_organisation()
    form = OpportunityForm(obj=opportunity)
    _fill_choices(form, organisation.id)
    if opportunity is not None and not form.is_submitted():
        form.host_organisation_id.data = opportunity.host_organisation_id or 0
        form.requirement_ids.data = [r.id for r in opportunity.requirements]
        form.published.data = opportunity.published_at is not None
    if form.validate_on_submit():
        try:
            if opportunity is None:
                saved = services.create_opportunity(_data(form), organisation, today())
            else:
                services.update_opportunity(opportunity, _data(form), today())
                saved = opportunity
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Saved: %(title)s.", title=saved.title), "success")
            return redirect(url_for("manage_volunteering.index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "volunteering/manage/edit.html", form=form, opportunity=opportunity
    ), status


@bp.route("/")
@roles_required(*MANAGERS)
def index() -> Any:
    """The organisation's opportunities, open ones first, with how many people applied."""
    return render_template(
        "volunteering/manage/index.html",
        opportunities=services.opportunities_for(scope()),
        today=today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new() -> Any:
    """Publish a new opportunity (or keep it as a draft)."""
    return _edit(None)


@bp.route("/<int:opportunity_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(opportunity_id: int) -> Any:
    """Change an opportunity; its public address stays the same."""
    return _edit(_owned(opportunity_id))


@bp.route("/<int:opportunity_id>/archive", methods=["POST"])
@roles_required(*MANAGERS)
def archive(opportunity_id: int) -> Any:
    """Take an opportunity off the public page; applications are kept."""
    opportunity = _owned(opportunity_id)
    services.archive_opportunity(opportunity)
    db.session.commit()
    flash(
        _("Archived: %(title)s. It no longer shows to the public.", title=opportunity.title),
        "success",
    )
    return redirect(url_for("manage_volunteering.index"))


@bp.route("/<int:opportunity_id>/restore", methods=["POST"])
@roles_required(*MANAGERS)
def restore(opportunity_id: int) -> Any:
    """Put an archived opportunity back (it shows if published and not past its closing date)."""
    opportunity = _owned(opportunity_id)
    services.restore_opportunity(opportunity)
    db.session.commit()
    flash(_("Restored: %(title)s.", title=opportunity.title), "success")
    return redirect(url_for("manage_volunteering.index"))
