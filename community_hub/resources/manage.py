"""Coordinators manage their organisation's resources listings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from community_hub.accounts.acting import working_organisation
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role
from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db
from community_hub.freshness import is_stale
from community_hub.resources import services
from community_hub.resources.forms import PHONE_ROWS, SCHEDULE_ROWS, ResourceForm
from community_hub.resources.models import Service
from community_hub.resources.services import (
    PhoneData,
    ResourceData,
    ScheduleData,
    ValidationFailed,
)
from community_hub.resources.validation import LANGUAGES

bp = Blueprint("manage_resources", __name__, url_prefix="/manage/resources")
MANAGERS = (Role.COORDINATOR.value, Role.ADMIN.value)


def _today() -> date:
    return datetime.now(UTC).date()


def _owned(service_id: str) -> Service:
    """The resource if this user may manage it; 404 otherwise, so others learn nothing."""
    service = db.session.get(Service, service_id)
    if service is None or not can_manage_organisation(current_user, service.organisation_id):
        abort(404)
    return service


def _organisation() -> Organisation:
    """The organisation new records belong to (an administrator chooses one to act for)."""
    return working_organisation()


def _fill_choices(form: ResourceForm, service: Service | None) -> None:
    form.category.choices = [SelectChoice("", _("Choose one"))] + [
        SelectChoice(t.code, t.shown_term) for t in services.taxonomy_terms()
    ]
    # Keep codes set by an import or the seed that the form does not offer.
    extra = [c for c in (service.language_list if service else []) if c not in LANGUAGES]
    form.languages.choices = [SelectChoice(c, label) for c, label in LANGUAGES.items()] + [
        SelectChoice(c, c) for c in extra
    ]


def _prefill(form: ResourceForm, service: Service) -> None:
    """Show the saved resource: the service's fields come from `obj`, the rest from here."""
    form.category.data = service.taxonomy_term.code if service.taxonomy_term else ""
    form.languages.data = service.language_list
    place = service.location
    if place is not None:
        form.location_type.data = place.location_type
        form.location_name.data = place.name
        form.approximate.data = place.approximate
        for name in ("address_1", "city", "postcode", "region", "latitude", "longitude"):
            form[name].data = getattr(place, name)
        form.accessibility_notes.data = place.accessibility_notes
    for n, schedule in enumerate(service.schedules[:SCHEDULE_ROWS], start=1):
        form[f"schedule{n}_days"].data = schedule.day_codes
        form[f"schedule{n}_opens_at"].data = schedule.opens_at
        form[f"schedule{n}_closes_at"].data = schedule.closes_at
        form[f"schedule{n}_description"].data = schedule.description
    for n, phone in enumerate(service.phones[:PHONE_ROWS], start=1):
        form[f"phone{n}_number"].data = phone.number
        form[f"phone{n}_description"].data = phone.description


def _data(form: ResourceForm, service: Service | None) -> ResourceData:
    def text(name: str) -> str:
        return str(form[name].data or "")

    data = ResourceData(
        name=text("name"),
        category=text("category"),
        languages=list(form.languages.data or []),
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        approximate=bool(form.approximate.data),
        minimum_age=form.minimum_age.data,
        maximum_age=form.maximum_age.data,
        timezone=service.location.timezone if service and service.location else "Europe/London",
        schedules=[
            ScheduleData(
                days=list(form[f"schedule{n}_days"].data or []),
                opens_at=form[f"schedule{n}_opens_at"].data,
                closes_at=form[f"schedule{n}_closes_at"].data,
                description=text(f"schedule{n}_description"),
            )
            for n in range(1, SCHEDULE_ROWS + 1)
        ],
        phones=[
            PhoneData(text(f"phone{n}_number"), text(f"phone{n}_description"))
            for n in range(1, PHONE_ROWS + 1)
        ],
    )
    for name in (
        "name_cy", "alternate_name", "description", "description_cy", "url", "email", "status",
        "fees_description", "eligibility_description", "application_process",
        "pathways_welcome", "location_type", "location_name", "address_1", "city", "postcode",
        "region", "accessibility_notes",
    ):  # fmt: skip
        setattr(data, name, text(name))
    return data


def _edit(service: Service | None) -> Any:
    organisation = service.organisation if service else _organisation()
    form = ResourceForm(obj=service)
    _fill_choices(form, service)
    if service is not None and not form.is_submitted():
        _prefill(form, service)
    if form.validate_on_submit():
        try:
            if service is None:
                saved = services.create_resource(_data(form, None), organisation, _today())
            else:
                saved = services.update_resource(service, _data(form, service), _today())
        except ValidationFailed as failed:
            db.session.rollback()
            for name, message in failed.errors.items():
                form.set_error(name, message)
        else:
            db.session.commit()
            flash(_("Saved: %(name)s.", name=saved.name), "success")
            return redirect(url_for("manage_resources.index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "resources/manage/edit.html",
        form=form,
        service=service,
        schedule_rows=range(1, SCHEDULE_ROWS + 1),
        phone_rows=range(1, PHONE_ROWS + 1),
    ), status


@bp.route("/")
@roles_required(*MANAGERS)
def index() -> Any:
    """The organisation's resources, with those not confirmed recently first."""
    today = _today()
    stale_after = current_app.config.get("STALE_AFTER_DAYS", services.STALE_AFTER_DAYS)
    items = services.resources_for(current_user, include_archived=True)
    stale = [s for s in items if s.archived_at is None and is_stale(s, today, stale_after)]
    return render_template(
        "resources/manage/index.html",
        resources=items,
        stale=stale,
        today=today,
        stale_after=stale_after,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new() -> Any:
    """Add a resource; it is placed from its postcode or town unless a position is given."""
    return _edit(None)


@bp.route("/<service_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(service_id: str) -> Any:
    """Change a resource; saving also confirms it is current."""
    return _edit(_owned(service_id))
