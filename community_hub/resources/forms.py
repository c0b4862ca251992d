"""The coordinator's form for a community resource: the service, its place, times and phones."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from community_hub.catalogue import lazy_gettext as _l
from community_hub.meetings.forms import MultiCheckboxField
from community_hub.numbers import DecimalCommaFloatField
from community_hub.resources.models import LocationType
from community_hub.resources.validation import DAYS, LANGUAGES, STATUSES

# Blank rows offered for opening times and phone numbers; empty rows are ignored.
SCHEDULE_ROWS = 3
PHONE_ROWS = 2


class ResourceForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    name_cy = StringField(_l("Name in Welsh (optional)"), validators=[Length(max=200)])
    alternate_name = StringField(_l("Also known as (optional)"), validators=[Length(max=200)])
    category = SelectField(_l("Kind of resource"), choices=[])
    status = SelectField(
        _l("Status"), choices=[SelectChoice(value, label) for value, label in STATUSES.items()]
    )
    description = TextAreaField(
        _l("What happens there"),
        validators=[Length(max=4000)],
        description=_l("In plain words, as you would tell someone on the phone."),
    )
    description_cy = TextAreaField(
        _l("Description in Welsh (optional)"), validators=[Length(max=4000)]
    )
    eligibility_description = TextAreaField(
        _l("Who it is for"),
        validators=[Length(max=2000)],
        description=_l("For example: adults in recovery and their families; no referral needed."),
    )
    pathways_welcome = StringField(
        _l("Recovery pathways welcome (optional)"),
        validators=[Length(max=300)],
        description=_l("For example: people on a prescription welcome; abstinence-based."),
    )
    minimum_age = IntegerField(
        _l("Youngest age (optional)"),
        validators=[Optional()],
        description=_l("Leave both ages empty when it is for every age."),
    )
    maximum_age = IntegerField(_l("Oldest age (optional)"), validators=[Optional()])
    application_process = TextAreaField(
        _l("How to start (optional)"),
        validators=[Length(max=2000)],
        description=_l("Just turn up, phone first, or ask your key worker to refer you."),
    )
    fees_description = StringField(
        _l("Cost (optional)"), validators=[Length(max=300)], description=_l("For example: free.")
    )
    languages = MultiCheckboxField(
        _l("Languages spoken"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGES.items()],
    )
    url = StringField(_l("Website (optional)"), validators=[Length(max=300)])
    email = StringField(_l("Email (optional)"), validators=[Length(max=254)])

    location_type = SelectField(
        _l("How people take part"),
        choices=[
            SelectChoice(LocationType.PHYSICAL.value, _l("In person, at a place")),
            SelectChoice(LocationType.VIRTUAL.value, _l("Online only")),
        ],
    )
    location_name = StringField(_l("Name of the building (optional)"), validators=[Length(max=200)])
    approximate = BooleanField(_l("Show only the town, not the address (for example safe housing)"))
    address_1 = StringField(_l("Street address"), validators=[Length(max=300)])
    city = StringField(_l("Town or city"), validators=[Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=12)])
    region = StringField(_l("Area (e.g. South Wales)"), validators=[Length(max=120)])
    latitude = DecimalCommaFloatField(_l("Latitude (optional)"), validators=[Optional()])
    longitude = DecimalCommaFloatField(_l("Longitude (optional)"), validators=[Optional()])
    accessibility_notes = TextAreaField(
        _l("Accessibility (step-free access, hearing loop, toilets)"),
        validators=[Length(max=2000)],
    )

    def set_error(self, field_name: str, message: str) -> None:
        field = self._fields.get(field_name)
        if field is not None:
            field.errors = [*list(field.errors), message]
        else:
            self.form_errors.append(message)


for _n in range(1, SCHEDULE_ROWS + 1):
    setattr(
        ResourceForm,
        f"schedule{_n}_days",
        MultiCheckboxField(
            _l("Days"), choices=[SelectChoice(code, label) for code, label in DAYS.items()]
        ),
    )
    setattr(ResourceForm, f"schedule{_n}_opens_at", TimeField(_l("Opens"), validators=[Optional()]))
    setattr(
        ResourceForm, f"schedule{_n}_closes_at", TimeField(_l("Closes"), validators=[Optional()])
    )
    setattr(
        ResourceForm,
        f"schedule{_n}_description",
        StringField(_l("Note (optional, e.g. women only)"), validators=[Length(max=200)]),
    )
for _n in range(1, PHONE_ROWS + 1):
    setattr(
        ResourceForm,
        f"phone{_n}_number",
        StringField(
            _l("Phone number (optional)") if _n == 1 else _l("Another phone number (optional)"),
            validators=[Length(max=40)],
        ),
    )
    setattr(
        ResourceForm,
        f"phone{_n}_description",
        StringField(_l("What this number is for (optional)"), validators=[Length(max=200)]),
    )
