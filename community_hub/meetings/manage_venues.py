"""Coordinators add and correct their organisation's venues."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db
from community_hub.meetings.forms import VenueForm
from community_hub.meetings.manage import MANAGERS, _organisation, bp
from community_hub.meetings.models import Venue
from community_hub.meetings.services import ValidationFailed
from community_hub.meetings.venues import VenueData, save_venue, venues_for


def _data(form: VenueForm) -> VenueData:
    return VenueData(
        name=form.name.data or "",
        address=form.address.data or "",
        city=form.city.data or "",
        postcode=form.postcode.data or "",
        region=form.region.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        timezone=form.timezone.data or "",
        location_notes=form.location_notes.data or "",
        accessibility_notes=form.accessibility_notes.data or "",
    )


def _edit(venue: Venue | None) -> Any:
    organisation = venue.organisation if venue and venue.organisation else _organisation()
    form = VenueForm(obj=venue)
    if venue is None and not form.is_submitted():
        form.timezone.data = organisation.timezone  # the organisation's own zone to start with
    if form.validate_on_submit():
        try:
            saved = save_venue(venue, _data(form), organisation)
        except ValidationFailed as failed:
            db.session.rollback()
            for name, message in failed.errors.items():
                getattr(form, name).errors = [message]
        else:
            db.session.commit()
            flash(_("Venue saved: %(name)s.", name=saved.name), "success")
            return redirect(url_for("manage.venues"))
    status = 400 if form.errors else 200
    return render_template("meetings/manage/venue.html", form=form, venue=venue), status


@bp.route("/venues")
@roles_required(*MANAGERS)
def venues() -> Any:
    """The organisation's venues."""
    items = venues_for(current_user.organisation_id, include_shared=False)
    today = datetime.now(UTC).date()
    return render_template("meetings/manage/venues.html", venues=items, today=today)


@bp.route("/venues/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_venue() -> Any:
    """Add a venue; its position comes from the postcode or town unless given."""
    return _edit(None)


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_venue(venue_id: int) -> Any:
    """Correct a venue; its meetings move with it."""
    venue = db.session.get(Venue, venue_id)
    if venue is None or not can_manage_organisation(current_user, venue.organisation_id):
        abort(404)
    return _edit(venue)
