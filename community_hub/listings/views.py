"""Coordinators' lifecycle buttons and history, the same for every kind of listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.auth.services import can_manage_organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.listings import history, lifecycle
from community_hub.listings import present as history_present
from community_hub.listings.models import ListingChange
from community_hub.listings.registry import KINDS, Kind
from community_hub.listings.suggestions import from_suggestion
from community_hub.meetings.services import ValidationFailed

bp = Blueprint("listings", __name__, url_prefix="/manage/listings")
bp.before_app_request(from_suggestion)
MANAGERS = (Role.COORDINATOR.value, Role.ADMIN.value)
LISTING = "/<any(meetings, venues, resources, peers, champions):kind>/<listing_id>"
DONE = {
    "confirm": _l("Confirmed as still correct: %(name)s."),
    "archive": _l("Archived: %(name)s. It no longer shows to the public."),
    "restore": _l("Restored: %(name)s."),
}


def _owned(kind_name: str, listing_id: str) -> tuple[Kind, Any]:
    """The listing if this user may manage it; 404 otherwise, so others learn nothing."""
    kind = KINDS[kind_name]
    listing = kind.get(listing_id[:36])
    if listing is None or not can_manage_organisation(current_user, listing.organisation_id):
        abort(404)
    return kind, listing


@bp.route(LISTING + "/<any(confirm, archive, restore):action>", methods=["POST"])
@roles_required(*MANAGERS)
def act(kind: str, listing_id: str, action: str) -> Any:
    """One click: the listing is still right, or off the public pages, or back on them."""
    found, listing = _owned(kind, listing_id)
    _save(
        lambda: lifecycle.act(found, listing, action, datetime.now(UTC).date()),
        str(DONE[action]) % {"name": found.title(listing)},
    )
    return redirect(url_for(found.list_endpoint))


def _save(change: Callable[[], object], done: str) -> None:
    """Make the change in one transaction and say so, or undo it and say why not."""
    try:
        change()
    except ValidationFailed as failed:
        db.session.rollback()
        for problem in failed.errors.values():
            flash(problem, "error")
    else:
        db.session.commit()
        flash(done, "success")


@bp.route(LISTING + "/history")
@roles_required(*MANAGERS)
def listing_history(kind: str, listing_id: str) -> Any:
    """Every change to a listing, newest first, each with its old and new values."""
    found, listing = _owned(kind, listing_id)
    changes = [
        (
            change,
            history_present.rows(found, change),
            lifecycle.revert_problems(change, listing),
        )
        for change in history.history_of(found.name, listing.id)
    ]
    return render_template(
        "listings/history.html",
        kind=found,
        listing=listing,
        changes=changes,
        present_history=history_present,
    )


@bp.route(LISTING + "/history/<int:change_id>/revert", methods=["POST"])
@roles_required(*MANAGERS)
def revert(kind: str, listing_id: str, change_id: int) -> Any:
    """Put back what one change replaced."""
    found, listing = _owned(kind, listing_id)
    change = db.session.get(ListingChange, change_id)
    if change is None or change.kind != found.name or change.listing_id != str(listing.id):
        abort(404)
    done = _("Reverted: %(name)s is back as it was before that change.", name=found.title(listing))
    _save(lambda: lifecycle.revert(change, current_user), done)
    return redirect(url_for("listings.listing_history", kind=found.name, listing_id=listing.id))
