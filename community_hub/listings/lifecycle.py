"""One lifecycle for every kind of listing: confirm, archive, restore, and revert a change.

Services flush nothing themselves and never commit: the view commits once. Every change they
make is recorded in the history by construction (listings/history.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect

from community_hub.auth.models import User, utcnow
from community_hub.listings import history
from community_hub.listings.models import ListingChange
from community_hub.listings.registry import KINDS, Kind
from community_hub.meetings.services import ValidationFailed

ACTIONS = ("confirm", "archive", "restore")


def confirm(listing: Any, today: date) -> None:
    """Record that a coordinator checked the listing is still right (a change to its record:
    feed readers syncing with `modified_after` or `updated` see the fresh confirmation)."""
    listing.last_confirmed = today
    listing.updated_at = utcnow()


def archive(kind: Kind, listing: Any) -> None:
    """Take a listing off public pages without losing it."""
    refusal = kind.archive_refusal(listing)
    if refusal:
        raise ValidationFailed({"archive": refusal})
    listing.archived_at = utcnow()
    listing.updated_at = utcnow()


def restore(listing: Any) -> None:
    """Put an archived listing back."""
    listing.archived_at = None
    listing.updated_at = utcnow()


def act(kind: Kind, listing: Any, action: str, today: date) -> None:
    """Confirm, archive or restore."""
    if action == "confirm":
        confirm(listing, today)
    elif action == "archive":
        archive(kind, listing)
    elif action == "restore":
        restore(listing)
    else:
        raise ValidationFailed({"action": _("Choose confirm, archive or restore.")})


# ---- revert ----------------------------------------------------------------------------------


def _part(kind: Kind, listing: Any, name: str) -> tuple[Any, str]:
    """The object holding a field ("location.city" is the resource's place) and its column."""
    for prefix, get in kind.parts.items():
        if name.startswith(prefix):
            return get(listing), name[len(prefix) :]
    return listing, name


def _revertible(kind: Kind, listing: Any, name: str) -> bool:
    holder, column = _part(kind, listing, name)
    return holder is not None and column in inspect(type(holder)).columns


def current_value(kind: Kind, listing: Any, name: str) -> Any:
    holder, column = _part(kind, listing, name)
    return history.to_json(getattr(holder, column, None)) if holder is not None else None


def revert_problems(change: ListingChange, listing: Any) -> list[str]:
    """Why this change cannot be reverted now (empty when it can)."""
    kind = KINDS[change.kind]
    if listing is None:
        return [_("The listing no longer exists.")]
    if change.reverted_by_id is not None:
        return [_("This change has already been reverted.")]
    if change.action == "created":
        return [_("Adding a listing cannot be reverted: archive it instead.")]
    if not change.changes:
        return [_("This change recorded no values to go back to.")]
    problems = []
    for name, (_old, new) in change.changes.items():
        label = kind.label_for(name)
        if name in kind.private:
            problems.append(
                _("%(field)s: its old value is not kept. Edit the listing instead.", field=label)
            )
        elif not _revertible(kind, listing, name):
            problems.append(_("%(field)s cannot be reverted here: edit the listing.", field=label))
        elif current_value(kind, listing, name) != new:
            problems.append(
                _(
                    "%(field)s has changed since: revert the later change first, "
                    "or edit the listing.",
                    field=label,
                )
            )
    return problems


def _column_type(holder: Any, column: str) -> type:
    try:
        return inspect(type(holder)).columns[column].type.python_type
    except NotImplementedError:  # JSON columns
        return object


def revert(change: ListingChange, by: User) -> Any:
    """Put back the old values of one change, as a new change in the history."""
    kind = KINDS[change.kind]
    listing = kind.get(change.listing_id)
    problems = revert_problems(change, listing)
    if problems:
        raise ValidationFailed({"revert": " ".join(problems)})
    with history.recorded_as("revert", user=by, reverting=change.id):
        for name, (old, _new) in change.changes.items():
            holder, column = _part(kind, listing, name)
            setattr(holder, column, history.from_json(_column_type(holder, column), old))
        kind.after_change(listing)
        kind.check(listing, set(change.changes))
        if hasattr(listing, "updated_at"):
            listing.updated_at = utcnow()
    return listing
