"""Public "suggest a change" on any meeting, queued for the coordinator who owns it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.outbox import notify_organisation
from community_hub.meetings.models import ChangeSuggestion, SuggestionStatus
from community_hub.meetings.services import EMAIL_RE, ValidationFailed
from community_hub.urls import site_url

KINDS = {
    "time": _l("The day or time is wrong"),
    "place": _l("The address or venue is wrong"),
    "closed": _l("The meeting has closed or moved"),
    "online": _l("The online joining details are wrong"),
    "access": _l("Accessibility information is wrong or missing"),
    "other": _l("Something else"),
}


TARGET_FIELDS = {
    "Meeting": "meeting",
    "PeerSupporter": "peer",
    "RecoveryChampion": "champion",
    "Service": "service",
}


def suggest_change(target: Any, kind: str, message: str, reply_email: str = "") -> ChangeSuggestion:
    """Queue a suggestion about any listing for the organisation that keeps it (no account)."""
    errors = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose what is wrong with this listing.")
    message = message.strip()
    if len(message) < 5:
        errors["message"] = _("Tell us what should change (at least a few words).")
    elif len(message) > 2000:
        errors["message"] = _("Please keep it under 2,000 characters.")
    reply_email = reply_email.strip()
    if reply_email and not EMAIL_RE.match(reply_email):
        errors["reply_email"] = _("Enter an email like name@example.org, or leave it empty.")
    if errors:
        raise ValidationFailed(errors)
    suggestion = ChangeSuggestion(
        kind=kind,
        message=message,
        reply_email=reply_email,
        organisation_id=target.organisation_id,
    )
    setattr(suggestion, TARGET_FIELDS[type(target).__name__], target)
    db.session.add(suggestion)
    db.session.flush()
    link = site_url("manage.review_suggestion", suggestion_id=suggestion.id)
    keeper = db.session.get(Organisation, suggestion.organisation_id or 0)
    if keeper is not None:
        notify_organisation(
            keeper, emails.change_suggestion, listing=suggestion.target_name, link=link
        )
    return suggestion


def pending_for(user: User) -> list[ChangeSuggestion]:
    """Pending suggestions on this coordinator's organisation's meetings (all, for admins)."""
    stmt = (
        select(ChangeSuggestion)
        .where(ChangeSuggestion.status == SuggestionStatus.PENDING.value)
        .order_by(ChangeSuggestion.created_at)
    )
    if user.role != "admin":
        stmt = stmt.where(ChangeSuggestion.organisation_id == user.organisation_id)
    return list(db.session.scalars(stmt))


def resolve(suggestion: ChangeSuggestion, status: str, reviewer: User, note: str = "") -> None:
    """Mark a suggestion applied or dismissed, recording who decided and why."""
    if status not in (SuggestionStatus.APPLIED.value, SuggestionStatus.DISMISSED.value):
        raise ValidationFailed({"status": "Choose whether the change was made or dismissed."})
    if suggestion.status != SuggestionStatus.PENDING.value:
        raise ValidationFailed({"status": "This suggestion has already been dealt with."})
    suggestion.status = status
    suggestion.reviewed_by = reviewer
    suggestion.reviewed_at = utcnow()
    suggestion.review_note = note.strip()[:2000]
