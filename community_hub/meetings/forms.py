"""Forms for coordinators' meeting editing and the public's change suggestions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from community_hub.catalogue import lazy_gettext as _l
from community_hub.meetings.suggestions import KINDS
from community_hub.numbers import DecimalCommaFloatField
from community_hub.publicforms import PublicForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FieldErrors:
    """Put a service's message on the field it names (or above the form)."""

    form_errors: list[str]

    def set_error(self, field_name: str, message: str) -> None:
        field = getattr(self, field_name, None)
        if field is not None:
            field.errors = [*list(field.errors), message]
        else:
            self.form_errors.append(message)


class MeetingForm(FieldErrors, FlaskForm):
    name = StringField(_l("Meeting name"), validators=[Length(max=200)])
    name_cy = StringField(_l("Name in Welsh (optional)"), validators=[Length(max=200)])
    fellowship_id = SelectField(_l("Fellowship"), coerce=int, validators=[InputRequired()])
    day = SelectField(
        _l("Day"),
        coerce=int,
        choices=[
            SelectChoice(1, _l("Monday")), SelectChoice(2, _l("Tuesday")),
            SelectChoice(3, _l("Wednesday")), SelectChoice(4, _l("Thursday")),
            SelectChoice(5, _l("Friday")), SelectChoice(6, _l("Saturday")),
            SelectChoice(0, _l("Sunday")),
        ],
        validators=[InputRequired()],
    )  # fmt: skip
    monthly_week = SelectField(
        _l("How often"),
        choices=[
            SelectChoice("", _l("Every week")),
            SelectChoice("1", _l("Once a month: the first of that day")),
            SelectChoice("2", _l("Once a month: the second of that day")),
            SelectChoice("3", _l("Once a month: the third of that day")),
            SelectChoice("4", _l("Once a month: the fourth of that day")),
            SelectChoice("-1", _l("Once a month: the last of that day")),
        ],
        validators=[Optional()],
        description=_l(
            "With Saturday, “the first of that day” is the first Saturday of each month. "
            "Monthly meetings are left out of the Meeting Guide feed, which holds weekly "
            "meetings only; they are in the finder, on calendars and in HSDS."
        ),
    )
    start_time = TimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter the start time, for example 19:30."))]
    )
    end_time = TimeField(
        _l("End time (optional)"),
        validators=[Optional()],
        description=_l("Earlier than the start time for a meeting that runs past midnight."),
    )
    venue_id = SelectField(_l("Venue"), coerce=int)
    timezone = StringField(
        _l("Time zone"),
        validators=[Length(max=64)],
        description=_l("Leave empty to use the venue's. Online-only meetings need one."),
    )
    types = MultiCheckboxField(_l("Meeting types"), choices=[])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    notes_cy = TextAreaField(_l("Notes in Welsh (optional)"), validators=[Length(max=2000)])
    group_name = StringField(_l("Group name"), validators=[Length(max=200)])
    group_notes = TextAreaField(_l("Notes about the group"), validators=[Length(max=2000)])
    conference_url = StringField(_l("Online joining link"), validators=[Length(max=500)])
    conference_url_notes = StringField(
        _l("Notes for joining online (e.g. passcode)"), validators=[Length(max=500)]
    )
    conference_phone = StringField(_l("Dial-in phone number"), validators=[Length(max=200)])
    conference_phone_notes = StringField(_l("Notes for dialling in"), validators=[Length(max=500)])
    contact_name = StringField(_l("Contact first name"), validators=[Length(max=60)])
    contact_email = StringField(_l("Contact email"), validators=[Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=60)])
    contact_2_name = StringField(_l("Second contact first name"), validators=[Length(max=60)])
    contact_2_email = StringField(_l("Second contact email"), validators=[Length(max=254)])
    contact_2_phone = StringField(_l("Second contact phone"), validators=[Length(max=60)])
    contact_3_name = StringField(_l("Third contact first name"), validators=[Length(max=60)])
    contact_3_email = StringField(_l("Third contact email"), validators=[Length(max=254)])
    contact_3_phone = StringField(_l("Third contact phone"), validators=[Length(max=60)])
    contact_public = BooleanField(_l("The group agrees to publish these contacts"))
    venmo = StringField(_l("Venmo (optional, e.g. @GroupName)"), validators=[Length(max=120)])
    square = StringField(_l("Cash App (optional, e.g. $GroupName)"), validators=[Length(max=120)])
    paypal = StringField(_l("PayPal.me name (optional)"), validators=[Length(max=120)])


class SuggestionForm(PublicForm):
    kind = SelectField(
        _l("What is wrong?"),
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(k, v) for k, v in KINDS.items()],
        validators=[DataRequired(_l("Choose what is wrong with this listing."))],
    )
    message = TextAreaField(
        _l("What should it say?"),
        validators=[
            DataRequired(_l("Tell us what should change.")),
            Length(min=5, max=2000, message=_l("Write between 5 and 2,000 characters.")),
        ],
    )
    reply_email = EmailField(
        _l("Your email, if you would like a reply (optional)"),
        validators=[Optional(), Length(max=254)],
    )


class ResolveForm(FlaskForm):
    status = SelectField(
        _l("Outcome"),
        choices=[
            SelectChoice("applied", _l("Changed the listing")),
            SelectChoice("dismissed", _l("No change needed")),
        ],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])


class VenueForm(FlaskForm):
    name = StringField(_l("Venue name"), validators=[Length(max=200)])
    address = StringField(_l("Street address"), validators=[Length(max=300)])
    city = StringField(_l("Town or city"), validators=[Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=12)])
    region = StringField(_l("Area (e.g. South Wales)"), validators=[Length(max=120)])
    latitude = DecimalCommaFloatField(_l("Latitude (optional)"), validators=[Optional()])
    longitude = DecimalCommaFloatField(_l("Longitude (optional)"), validators=[Optional()])
    timezone = StringField(_l("Time zone"), default="Europe/London", validators=[Length(max=64)])
    location_notes = TextAreaField(
        _l("How to find the room (e.g. side door, first floor)"), validators=[Length(max=2000)]
    )
    accessibility_notes = TextAreaField(
        _l("Accessibility (step-free access, hearing loop, toilets)"),
        validators=[Length(max=2000)],
    )


class OneOffForm(FieldErrors, FlaskForm):
    """A one-off change to a meeting's dates."""

    kind = RadioField(
        _l("What changes"),
        choices=[
            SelectChoice("cancelled", _l("No meeting on one date")),
            SelectChoice("closed", _l("Closed for a while, until a reopening date")),
            SelectChoice("moved", _l("Another time or venue on one date")),
        ],
        validators=[InputRequired(_l("Choose what changes."))],
    )
    on_date = DateField(
        _l("Date"),
        validators=[InputRequired(_l("Enter the date, for example 25/12/2026."))],
        description=_l("One of the meeting's own dates. For a closure, the first date closed."),
    )
    until_date = DateField(
        _l("Meets again on (closures)"),
        validators=[Optional()],
        description=_l("The first date it is held again."),
    )
    start_time = TimeField(_l("New start time (moves)"), validators=[Optional()])
    end_time = TimeField(_l("New end time (moves, optional)"), validators=[Optional()])
    venue_id = SelectField(_l("Venue that day (moves)"), coerce=int, validators=[Optional()])
    note = StringField(
        _l("Reason, shown to the public (optional)"),
        validators=[Length(max=200)],
        description=_l("For example: Christmas Day; the hall is being repainted."),
    )
