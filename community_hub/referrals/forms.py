"""Forms for the referral pages; the services do the real validation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from community_hub.catalogue import lazy_gettext as _l
from community_hub.referrals.consent import METHODS
from community_hub.referrals.labels import (
    CLOSED_LABELS,
    CONSENT_METHOD_LABELS,
    CONTACT_LABELS,
    GOAL_LABELS,
    LINK_LABELS,
    PURPOSE_LABELS,
    SUBSTANCE_LABELS,
)
from community_hub.referrals.services import BIRTH_DECADES
from community_hub.volunteers.forms import ServiceErrors

YES_NO = [
    SelectChoice("", _l("Not asked")),
    SelectChoice("yes", _l("Yes")),
    SelectChoice("no", _l("No")),
]


def _choices(labels: dict[str, object], blank: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(k, v) for k, v in labels.items()]


class ClientFields:
    """The minimal, pseudonymous client record (no name, address or date of birth)."""

    birth_decade = SelectField(
        _l("Decade of birth (optional)"),
        default="",
        choices=[SelectChoice("", _l("Not given"))] + [SelectChoice(d, d) for d in BIRTH_DECADES],
    )
    gender = StringField(
        _l("Gender (optional, as the client describes it)"), validators=[Length(max=60)]
    )
    preferred_language = StringField(
        _l("Preferred language"),
        default="en",
        validators=[Length(max=10)],
        description=_l("A language code, for example en, cy or pl."),
    )
    preferred_contact = SelectField(
        _l("How they prefer to be contacted"), default="phone", choices=_choices(CONTACT_LABELS)
    )
    do_not_contact = BooleanField(_l("Do not contact this client"))
    postcode_district = StringField(
        _l("Postcode district (optional)"),
        validators=[Length(max=8)],
        description=_l("Only the first part of the postcode, like DN4. Never the full postcode."),
    )
    substances = SelectField(
        _l("Substances"), default="", choices=_choices(SUBSTANCE_LABELS, _l("Not given"))
    )
    goal = SelectField(_l("Goal"), default="", choices=_choices(GOAL_LABELS, _l("Not given")))


class ClientForm(ClientFields, ServiceErrors, FlaskForm):
    reference = StringField(
        _l("Client reference"),
        validators=[Length(max=40)],
        description=_l("Your service's reference for the client. Never their name."),
    )


class ClientEditForm(ClientFields, ServiceErrors, FlaskForm):
    pass


class ConsentChoices:
    """Consents given in the session, recorded with the referral."""

    consent_share_with_peer = BooleanField(PURPOSE_LABELS["share_with_peer"])
    consent_follow_up = BooleanField(PURPOSE_LABELS["follow_up"])
    consent_outcome_to_referrer = BooleanField(PURPOSE_LABELS["outcome_to_referrer"])
    consent_method = SelectField(
        _l("How consent was given"),
        default=METHODS[0],
        choices=_choices(CONSENT_METHOD_LABELS),
    )


class ReferralForm(ClientFields, ConsentChoices, ServiceErrors, FlaskForm):
    reference = StringField(
        _l("Client reference"),
        validators=[Length(max=40)],
        description=_l(
            "An existing client's reference, or a new one. Never their name. The details below "
            "are only used for a new client."
        ),
    )
    meeting_id = HiddenField()
    peer_id = HiddenField()
    service_id = HiddenField()
    group_name = StringField(
        _l("Group or meeting, if it is not listed here"), validators=[Length(max=200)]
    )
    link_method = RadioField(
        _l("How the link is made"), choices=_choices(LINK_LABELS), default="accompanied"
    )
    made_by = RadioField(
        _l("Who makes it"),
        choices=[SelectChoice("worker", _l("Me")), SelectChoice("peer", _l("A peer supporter"))],
        default="peer",
    )
    planned_first_meeting = DateField(_l("Planned first meeting"), validators=[Optional()])
    peer_gender_preference = StringField(
        _l("Peer's gender, if the client has a preference"), validators=[Length(max=60)]
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Length(max=2000)],
        description=_l("Only what the link needs. No health details."),
    )


class ConsentForm(ServiceErrors, FlaskForm):
    purpose = SelectField(_l("Consent to"), choices=_choices(PURPOSE_LABELS))
    given_on = DateField(_l("Date given"), validators=[InputRequired(_l("Enter the date."))])
    method = SelectField(_l("How it was given"), choices=_choices(CONSENT_METHOD_LABELS))
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])


class WithdrawConsentForm(ServiceErrors, FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=2000)])
    confirm = HiddenField()  # "yes" only from the confirmation page's button


class MoveForm(ServiceErrors, FlaskForm):
    to = SelectField(
        _l("Move to"), choices=[], validators=[InputRequired(_l("Choose what happens next."))]
    )
    closed_reason = SelectField(
        _l("Why it is closed (when closing)"),
        default="",
        choices=_choices(CLOSED_LABELS, _l("Choose a reason")),
    )
    reason = TextAreaField(_l("Note (needed when reopening)"), validators=[Length(max=2000)])


class OfferForm(ServiceErrors, FlaskForm):
    peer_id = RadioField(
        _l("Peer supporter"), coerce=int, validators=[InputRequired(_l("Choose a peer supporter."))]
    )


class RespondForm(ServiceErrors, FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=2000)])


class WithdrawOfferForm(ServiceErrors, FlaskForm):
    reason = TextAreaField(
        _l("Why you can no longer go"),
        validators=[
            InputRequired(_l("Say why you can no longer go, so the worker can plan.")),
            Length(max=2000),
        ],
        description=_l("The worker sees this. Say nothing about the client."),
    )


class PlanForm(ServiceErrors, FlaskForm):
    planned_first_meeting = DateField(_l("Date of the first meeting"), validators=[Optional()])
    meeting_point = StringField(
        _l("Meeting point"),
        validators=[Length(max=200)],
        description=_l("Where and when the peer meets the client, like “outside the main door at "
                       "18:50”. No names or health details."),
    )  # fmt: skip


class MeetingPointForm(ServiceErrors, FlaskForm):
    meeting_point = StringField(
        _l("Meeting point"),
        validators=[Length(max=200)],
        description=_l("Where and when the peer meets the client. No names or health details."),
    )


class MessageForm(ServiceErrors, FlaskForm):
    body = TextAreaField(
        _l("Message"),
        validators=[Length(max=1000)],
        description=_l("About the plan only: never the client's name, reference or health."),
    )


class PlainForm(ServiceErrors, FlaskForm):
    """A button that changes something: CSRF and nothing else."""


def _barc_items() -> dict[str, RadioField]:
    from community_hub.referrals.recovery_capital import ANSWERS, ITEMS

    choices = [SelectChoice(str(value), label) for value, label in ANSWERS]
    return {
        f"item_{n}": RadioField(text, choices=choices, validators=[Optional()])
        for n, text in enumerate(ITEMS, start=1)
    }


BarcFields = type("BarcFields", (), _barc_items())  # the ten BARC-10 statements, each 1-6


class BarcForm(BarcFields, ServiceErrors, FlaskForm):  # type: ignore[misc, valid-type]
    pass


def barc_scores(form: FlaskForm) -> list[int | None]:
    """The ten answers as numbers (None where left blank)."""
    values: list[int | None] = []
    for n in range(1, 11):
        raw = getattr(form, f"item_{n}").data
        values.append(int(raw) if raw and str(raw).isdigit() else None)
    return values


class FollowUpForm(BarcFields, ServiceErrors, FlaskForm):  # type: ignore[misc, valid-type]
    attended_first_meeting = SelectField(
        _l("Attended the first meeting?"), choices=YES_NO, default=""
    )
    first_meeting_on = DateField(_l("Date of the first meeting"), validators=[Optional()])
    meetings_since = IntegerField(
        _l("How many meetings since?"),
        validators=[Optional(), NumberRange(0, 500, _l("Enter how many meetings, from 0 to 500."))],
    )
    attending_weekly = SelectField(_l("Attending at least weekly?"), choices=YES_NO, default="")
    has_sponsor_or_mentor = SelectField(_l("Has a sponsor or mentor?"), choices=YES_NO, default="")
    doing_service = SelectField(_l("Doing service?"), choices=YES_NO, default="")
    satisfaction = SelectField(
        _l("How satisfied are they (1 to 5)?"),
        default="",
        choices=[SelectChoice("", _l("Not asked"))]
        + [SelectChoice(str(n), str(n)) for n in range(1, 6)],
    )
    barriers = TextAreaField(
        _l("Anything that got in the way"),
        validators=[Length(max=2000)],
        description=_l("For example transport, childcare, times, feeling unwelcome."),
    )


class AttemptForm(ServiceErrors, FlaskForm):
    method = SelectField(_l("How"), default="phone", choices=_choices(CONTACT_LABELS))
    reached = BooleanField(_l("Reached the client"))


class StaffAttendanceForm(ServiceErrors, FlaskForm):
    attended_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    fellowship_id = SelectField(_l("Fellowship"), coerce=int, validators=[InputRequired()])
