"""Asking to be put in touch with a peer: the request goes to the peer's organisation, never
to the peer directly, and only that organisation's coordinators (or an admin) see it."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.auth.models import Role, User, utcnow
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.outbox import notify_organisation
from community_hub.meetings.services import EMAIL_RE, PHONE_RE, ValidationFailed
from community_hub.people.models import (
    ContactMethod,
    ContactRequest,
    PeerSupporter,
    RequestStatus,
)
from community_hub.urls import site_url


def create_contact_request(
    peer: PeerSupporter,
    first_name: str,
    contact_method: str,
    reply_phone: str = "",
    reply_email: str = "",
    message: str = "",
    consent: bool = False,
) -> ContactRequest:
    """Queue a request for the peer's organisation; no account is needed."""
    errors: dict[str, str] = {}
    first_name = first_name.strip()
    reply_phone, reply_email, message = reply_phone.strip(), reply_email.strip(), message.strip()
    if not peer.is_public:
        errors["peer"] = "This peer supporter is not taking requests at the moment."
    if not first_name:
        errors["first_name"] = "Enter your first name, or a name we can call you."
    elif len(first_name) > 60:
        errors["first_name"] = "Your name must be 60 characters or fewer."
    if contact_method == ContactMethod.PHONE:
        if not PHONE_RE.match(reply_phone):
            errors["reply_phone"] = "Enter a phone number we can call or text, like 07700 900123."
        reply_email = ""
    elif contact_method == ContactMethod.EMAIL:
        if not EMAIL_RE.match(reply_email) or len(reply_email) > 254:
            errors["reply_email"] = "Enter an email address like name@example.org."
        reply_phone = ""
    else:
        errors["contact_method"] = "Choose how we should contact you: phone or email."
    if len(message) > 2000:
        errors["message"] = "Please keep your message under 2,000 characters."
    if not consent:
        errors["consent"] = (
            "Tick the box to agree that the organisation may contact you, "
            "so we can pass on your request."
        )
    if errors:
        raise ValidationFailed(errors)
    request = ContactRequest(
        peer=peer,
        organisation_id=peer.organisation_id,
        first_name=first_name,
        contact_method=contact_method,
        reply_phone=reply_phone,
        reply_email=reply_email,
        message=message,
        consent_to_contact=True,
    )
    db.session.add(request)
    db.session.flush()
    link = site_url("manage_people.contact_request", request_id=request.id)
    notify_organisation(
        peer.organisation, emails.contact_request, peer=peer.display_name, link=link
    )
    return request


def requests_for(user: User, status: str | None = RequestStatus.NEW.value) -> list[ContactRequest]:
    """Requests for this coordinator's organisation (all, for admins), oldest first."""
    stmt = select(ContactRequest).order_by(ContactRequest.created_at, ContactRequest.id)
    if user.role != Role.ADMIN.value:
        stmt = stmt.where(ContactRequest.organisation_id == user.organisation_id)
    if status is not None:
        stmt = stmt.where(ContactRequest.status == status)
    return list(db.session.scalars(stmt))


def handle_contact_request(request: ContactRequest, handled_by: User, note: str) -> None:
    """Mark a request dealt with, recording who and what happened."""
    note = note.strip()
    if request.status != RequestStatus.NEW.value:
        raise ValidationFailed({"note": "This request has already been dealt with."})
    if len(note) < 3:
        raise ValidationFailed({"note": "Say what was done, for example: called back, met Tue."})
    if len(note) > 2000:
        raise ValidationFailed({"note": "Keep the note under 2,000 characters."})
    request.status = RequestStatus.HANDLED.value
    request.handled_at = utcnow()
    request.handled_by_id = handled_by.id
    request.handled_note = note
