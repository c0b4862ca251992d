"""Public pages: volunteering opportunities near a place, and applying to one. No account."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db, limiter
from community_hub.geo.params import RADII, place_from_args, radius_from_args
from community_hub.meetings.services import ValidationFailed
from community_hub.publicforms import public_form
from community_hub.volunteering import search
from community_hub.volunteering.applications import (
    ApplicationData,
    check_application,
    submit_application,
)
from community_hub.volunteering.forms import ApplicationForm
from community_hub.volunteering.models import Opportunity
from community_hub.volunteers.views import today
from community_hub.web import public

bp = Blueprint("volunteering", __name__)
DEFAULT_RADIUS = "25mi"  # people travel further to volunteer than to a meeting


@bp.route("/volunteer")
@public
def index() -> Any:
    """Open opportunities, nearest first when a place is given, otherwise newest first."""
    errors: dict[str, str] = {}
    place = place_from_args(request.args, errors)
    radius_choice, radius_km = radius_from_args(request.args, errors, DEFAULT_RADIUS)
    day = today()
    results: list[tuple[float | None, Opportunity]] = []
    if place and not errors:
        results = list(search.nearby_opportunities(place[0], place[1], radius_km, day))
    elif not errors:
        results = [(None, o) for o in search.open_opportunities(day)]
    return render_template(
        "volunteering/index.html",
        args=request.args,
        errors=errors,
        results=results,
        place_label=place[2] if place else "",
        radius_choice=radius_choice,
        radius_choices=RADII,
    ), (400 if errors else 200)


def _consent_label(opportunity: Opportunity) -> str:
    return _(
        "I agree that %(organisation)s may keep these details to contact me about volunteering",
        organisation=opportunity.organisation.name,
    )


def _data(form: ApplicationForm) -> ApplicationData:
    return ApplicationData(
        first_name=form.first_name.data or "",
        contact_method=form.contact_method.data or "",
        reply_phone=form.reply_phone.data or "",
        reply_email=form.reply_email.data or "",
        availability=form.availability.data or "",
        about=form.about.data or "",
        consent=bool(form.consent.data),
    )


def _found(slug: str) -> tuple[Opportunity, bool]:
    """The open opportunity, or (for its own coordinators only) a preview of a closed one."""
    item = search.open_opportunity(slug, today())
    if item is not None:
        return item, False
    candidate = db.session.scalar(select(Opportunity).where(Opportunity.slug == slug))
    if (
        candidate is None
        or request.method == "POST"
        or not current_user.is_authenticated
        or not can_manage_organisation(current_user, candidate.organisation_id)
    ):
        abort(404)
    return candidate, True


@bp.route("/volunteer/<opportunity_slug>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["APPLICATION_RATE_LIMIT"], methods=["POST"])
@public
@public_form
def opportunity(opportunity_slug: str) -> Any:
    """One opportunity: what it involves, the checks it needs, and the application form."""
    item, preview = _found(opportunity_slug)
    form = ApplicationForm()
    form.consent.label.text = _consent_label(item)
    if not preview and form.validate_on_submit():
        try:
            if form.nickname.data:  # only robots fill the hidden field: answer alike, save nothing
                check_application(item, _data(form), today())
            else:
                submit_application(item, _data(form), today())
        except ValidationFailed as failed:
            db.session.rollback()
            for name, message in failed.errors.items():
                form.set_error(name, message)
        else:
            db.session.commit()
            return redirect(url_for("volunteering.thanks", opportunity_slug=item.slug), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "volunteering/opportunity.html",
        opportunity=item,
        form=form,
        preview=preview,
        retention_days=current_app.config["APPLICATION_RETENTION_DAYS"],
    ), status


@bp.route("/volunteer/<opportunity_slug>/thanks")
@public
def thanks(opportunity_slug: str) -> Any:
    """After applying: who will be in touch, and roughly when. Nothing about the application."""
    item = db.session.scalar(
        select(Opportunity).where(
            Opportunity.slug == opportunity_slug, Opportunity.published_at.is_not(None)
        )
    )
    if item is None:
        abort(404)
    return render_template("volunteering/thanks.html", opportunity=item)
