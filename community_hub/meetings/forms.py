"""Forms for coordinators' meeting editing and the public's change suggestions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from community_hub.meetings.suggestions import KINDS
from community_hub.publicforms import PublicForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
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
    start_time = TimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter the start time, for example 19:30."))]
    )
    end_time = TimeField(_l("End time (optional)"), validators=[Optional()])
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
    conference_url = StringField(_l("Online joining link"), validators=[Length(max=500)])
    conference_url_notes = StringField(
        _l("Notes for joining online (e.g. passcode)"), validators=[Length(max=500)]
    )
    conference_phone = StringField(_l("Dial-in phone number"), validators=[Length(max=60)])
    conference_phone_notes = StringField(_l("Notes for dialling in"), validators=[Length(max=500)])
    contact_name = StringField(_l("Contact first name"), validators=[Length(max=60)])
    contact_email = StringField(_l("Contact email"), validators=[Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=60)])
    contact_public = BooleanField(_l("The group agrees to publish this contact"))

    def set_error(self, field_name: str, message: str) -> None:
        field = getattr(self, field_name, None)
        if field is not None:
            field.errors = [*list(field.errors), message]
        else:
            self.form_errors.append(message)


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
    latitude = FloatField(_l("Latitude (optional)"), validators=[Optional()])
    longitude = FloatField(_l("Longitude (optional)"), validators=[Optional()])
    timezone = StringField(_l("Time zone"), default="Europe/London", validators=[Length(max=64)])
    location_notes = TextAreaField(
        _l("How to find the room (e.g. side door, first floor)"), validators=[Length(max=2000)]
    )
    accessibility_notes = TextAreaField(
        _l("Accessibility (step-free access, hearing loop, toilets)"),
        validators=[Length(max=2000)],
    )
