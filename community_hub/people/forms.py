"""Forms for coordinators' peer and champion listings and the public's contact requests."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from community_hub.catalogue import lazy_gettext as _l
from community_hub.meetings.forms import MultiCheckboxField
from community_hub.numbers import DecimalCommaFloatField
from community_hub.people.vocab import LANGUAGES, LEVELS, OFFERS, PATHWAYS, VISIBILITIES
from community_hub.publicforms import PublicForm


def choices(vocabulary: Mapping[str, object]) -> list[SelectChoice]:
    # Labels stay lazy: a form built at import must still speak the reader's language.
    return [SelectChoice(code, label) for code, label in vocabulary.items()]


class ErrorsMixin:
    """Put a service's ValidationFailed messages on the fields they name."""

    form_errors: list[str]

    def set_errors(self, errors: Mapping[str, str]) -> None:
        for name, message in errors.items():
            field = getattr(self, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*list(field.errors), message]
            else:
                self.form_errors.append(message)


class ListingForm(ErrorsMixin, FlaskForm):
    display_name = StringField(
        _l("First name or chosen name"),
        validators=[Length(max=60)],
        description=_l("Shown publicly. Never a surname."),
    )
    area = StringField(
        _l("Area they cover"),
        validators=[Length(max=120)],
        description=_l("Shown publicly, for example: Doncaster and Mexborough."),
    )
    centre_place = StringField(
        _l("Main town or postcode district"),
        validators=[Length(max=120)],
        description=_l(
            "Used to work out distances from the centre of the area, for example Doncaster "
            "or DN4. Never a home address or full postcode."
        ),
    )
    latitude = DecimalCommaFloatField(
        _l("Latitude of the area centre (optional)"), validators=[Optional()]
    )
    longitude = DecimalCommaFloatField(
        _l("Longitude of the area centre (optional)"), validators=[Optional()]
    )
    bio = TextAreaField(
        _l("Short profile"),
        validators=[Length(max=1000)],
        description=_l("In their words, what they want people to know. Shown publicly."),
    )
    bio_cy = TextAreaField(
        _l("Short profile in Welsh (optional)"),
        validators=[Length(max=1000)],
        description=_l("Shown instead of the profile above to people reading in Welsh."),
    )
    private_phone = StringField(
        _l("Phone for the coordinator (private)"), validators=[Length(max=40)]
    )
    private_email = StringField(
        _l("Email for the coordinator (private)"), validators=[Length(max=254)]
    )


class PeerForm(ListingForm):
    languages = MultiCheckboxField(_l("Languages"), choices=choices(LANGUAGES), default=["en"])
    gender = StringField(
        _l("Gender (optional, in their words)"),
        validators=[Length(max=60)],
        description=_l("Only if they want it shown: some people ask for a woman or a man peer."),
    )
    pathways = MultiCheckboxField(
        _l("Fellowships and recovery pathways they know"), choices=choices(PATHWAYS)
    )
    offers = MultiCheckboxField(_l("What they offer"), choices=choices(OFFERS))
    availability = StringField(
        _l("Usually available"),
        validators=[Length(max=200)],
        description=_l("Short, for example: weekday evenings, Saturday mornings."),
    )
    paid = BooleanField(_l("This is a paid role (leave unticked for a volunteer)"))
    volunteer_id = SelectField(
        _l("Their volunteer record"),
        coerce=int,
        validate_choice=False,
        description=_l(
            "Linking the record lets them be offered to go with clients once their checks and "
            "training are current, and lets them see those offers when they sign in."
        ),
    )


class ChampionForm(ListingForm):
    level = RadioField(_l("Champion level"), choices=choices(LEVELS), validators=[Optional()])
    visibility = RadioField(
        _l("Who can see the profile"),
        choices=choices(VISIBILITIES),
        default="public",
        validators=[Optional()],
    )


class ConsentForm(ErrorsMixin, FlaskForm):
    how = TextAreaField(
        _l("How consent was given"),
        validators=[Length(max=1000)],
        description=_l(
            "For example: agreed in person at supervision and read the profile text. "
            "Record consent only after the person has seen what will be shown."
        ),
    )
    search_engines = BooleanField(
        _l("They also agree that search engines such as Google may find their profile"),
        description=_l(
            "Leave this unticked unless they asked for it: without it, the profile can be "
            "found on this site but search engines are asked not to list it."
        ),
    )


class ContactRequestForm(ErrorsMixin, PublicForm):
    first_name = StringField(_l("Your first name"), validators=[Length(max=60)])
    contact_method = RadioField(
        _l("How should we contact you?"),
        choices=[SelectChoice("phone", _l("Phone or text")), SelectChoice("email", _l("Email"))],
        validators=[Optional()],
    )
    reply_phone = StringField(_l("Phone number"), validators=[Length(max=40)])
    reply_email = StringField(_l("Email address"), validators=[Length(max=254)])
    message = TextAreaField(
        _l("Message (optional)"),
        validators=[Length(max=2000)],
        description=_l(
            "Anything that would help, like a good time to call. "
            "You do not have to say anything about your situation."
        ),
    )
    consent = BooleanField(_l("I agree that the organisation may contact me about this request"))


class HandleRequestForm(ErrorsMixin, FlaskForm):
    note = TextAreaField(
        _l("What was done"),
        validators=[Length(max=2000)],
        description=_l("For example: phoned back, first meeting arranged for Tuesday."),
    )
