"""Applying to volunteer: one transaction makes an Enquiry volunteer and the application.

No account is needed. The organisation's coordinators are emailed a link to the record, never
the applicant's details (those stay in the database, erased by volunteering/retention.py if the
person never moves on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.outbox import notify_organisation
from community_hub.meetings.services import ValidationFailed
from community_hub.urls import site_url
from community_hub.volunteering.models import Opportunity, VolunteeringApplication
from community_hub.volunteers.models import Source
from community_hub.volunteers.services import EMAIL_RE, PHONE_RE, VolunteerData, add_volunteer

CONTACT_METHODS = ("phone", "email")
# Service errors on the volunteer record, shown on the application form's own fields.
FORM_FIELDS = {"email": "reply_email", "phone": "reply_phone"}


@dataclass
class ApplicationData:
    first_name: str = ""
    contact_method: str = ""  # phone or email
    reply_phone: str = ""
    reply_email: str = ""
    availability: str = ""
    about: str = ""
    consent: bool = False


def check_application(
    opportunity: Opportunity, data: ApplicationData, today: date
) -> ApplicationData:
    """The application tidied, or ValidationFailed with one message per field; saves nothing."""
    errors: dict[str, str] = {}
    first_name, availability = data.first_name.strip(), data.availability.strip()
    phone, email, about = data.reply_phone.strip(), data.reply_email.strip(), data.about.strip()
    if not opportunity.is_open(today):
        errors["opportunity"] = _("This opportunity has closed.")
    if not first_name:
        errors["first_name"] = _("Enter your first name, or the name you use.")
    elif len(first_name) > 60:
        errors["first_name"] = _("Your name must be 60 characters or fewer.")
    if data.contact_method == "phone":
        if not PHONE_RE.match(phone):
            errors["reply_phone"] = _(
                "Enter a phone number we can call or text, like 07700 900123."
            )
        email = ""
    elif data.contact_method == "email":
        if not EMAIL_RE.match(email) or len(email) > 254:
            errors["reply_email"] = _("Enter an email address like name@example.org.")
        phone = ""
    else:
        errors["contact_method"] = _("Choose how we should contact you: phone or email.")
    if not availability:
        errors["availability"] = _("Tell us when you could usually volunteer.")
    elif len(availability) > 500:
        errors["availability"] = _("Please keep this under 500 characters.")
    if len(about) > 2000:
        errors["about"] = _("Please keep this under 2,000 characters.")
    if not data.consent:
        errors["consent"] = _(
            "Tick the box to agree that %(organisation)s may keep your details, so they can "
            "contact you about volunteering.",
            organisation=opportunity.organisation.name,
        )
    if errors:
        raise ValidationFailed(errors)
    return ApplicationData(
        first_name, data.contact_method, phone, email, availability, about, consent=True
    )


def submit_application(
    opportunity: Opportunity, data: ApplicationData, today: date
) -> VolunteeringApplication:
    """Record an application: an Enquiry volunteer, the application, an email to coordinators."""
    data = check_application(opportunity, data, today)
    try:
        volunteer = add_volunteer(
            VolunteerData(
                first_name=data.first_name,
                email=data.reply_email,
                phone=data.reply_phone,
                contact_preference=data.contact_method,
                availability=data.availability,
            ),
            opportunity.organisation,
            None,
            # Stored in the record's history as written, like the other automatic reasons.
            reason=f"Applied online: {opportunity.title}",
            source=Source.APPLICATION.value,
        )
    except ValidationFailed as failed:
        raise ValidationFailed(
            {FORM_FIELDS.get(name, name): message for name, message in failed.errors.items()}
        ) from None
    application = VolunteeringApplication(
        opportunity=opportunity,
        volunteer=volunteer,
        organisation_id=opportunity.organisation_id,
        about=data.about,
        consent_at=utcnow(),
    )
    db.session.add(application)
    db.session.flush()
    notify_organisation(
        opportunity.organisation,
        emails.volunteering_application,
        opportunity=opportunity.title,
        link=site_url("volunteers.volunteer", volunteer_id=volunteer.id),
    )
    return application


def applications_of(volunteer_id: int) -> list[VolunteeringApplication]:
    """The applications that brought a volunteer in, oldest first (for their record page)."""
    return list(
        db.session.scalars(
            select(VolunteeringApplication)
            .where(VolunteeringApplication.volunteer_id == volunteer_id)
            .order_by(VolunteeringApplication.created_at, VolunteeringApplication.id)
        )
    )
