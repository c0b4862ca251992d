"""The fields of the Open Referral UK profile of HSDS 3, and keeping a record to them.

The UK profile drops many HSDS 3 fields (service phones, location URLs, language codes,
schedule time zones, eligibility and fees descriptions...) and adds a few (`fees`,
`minimum_age`, `maximum_age`, `taxonomy_term.term`). `SHAPES` spells out, object by object,
the fields the profile's compiled schemas allow; `project` keeps a record to them, so every
record we publish validates against the profile with `additionalProperties: false`.
tests/test_oruk_schemas.py checks `SHAPES` against the profile's schemas field by field.
"""

from __future__ import annotations

from typing import Any

# A shape maps each allowed field to the shape of its value: None for a plain value, a shape
# for an object or for each object of a list.
Shape = dict[str, Any]


def fields(names: str, **nested: Shape) -> Shape:
    """A shape of plain fields (space-separated names) plus nested objects and lists."""
    return dict.fromkeys(names.split()) | nested


TERM = fields("id name description parent_id taxonomy taxonomy_id term_uri term")
ATTRIBUTE = fields("id link_id taxonomy_term_id link_type", taxonomy_term=TERM)
ADDRESS = fields(
    "id location_id attention address_1 city region state_province postal_code country "
    "address_type",
    attributes=ATTRIBUTE,
)
ACCESSIBILITY = fields("id location_id description details url accessibility", attributes=ATTRIBUTE)
LOCATION_LIST = fields(
    "id location_type name description latitude longitude external_identifier "
    "external_identifier_type"
)
LOCATION = LOCATION_LIST | fields(
    "", addresses=ADDRESS, accessibility=ACCESSIBILITY, attributes=ATTRIBUTE
)
SCHEDULE = fields(
    "id service_id service_at_location_id valid_from valid_to dtstart freq interval byday "
    "bymonthday description opens_at closes_at schedule_link attending_type notes"
)
ORGANIZATION_LIST = fields("id name description email website logo uri parent_organization_id")
ORGANIZATION_IDENTIFIER = fields(
    "id organization_id identifier_scheme identifier_type identifier", attributes=ATTRIBUTE
)
ORGANIZATION_IN_SERVICE = ORGANIZATION_LIST | fields(
    "", organization_identifiers=ORGANIZATION_IDENTIFIER, attributes=ATTRIBUTE
)
SERVICE_LIST = fields(
    "id organization_id name description url email status fees accreditations minimum_age "
    "maximum_age assured_date assurer_email alert last_modified",
    organization=ORGANIZATION_LIST,
)
SERVICE_AT_LOCATION = fields("id service_id location_id", location=LOCATION)
# A service as the service_at_location endpoint nests it: everything but its own places.
SERVICE_IN_PLACE = SERVICE_LIST | fields(
    "",
    organization=ORGANIZATION_IN_SERVICE,
    schedules=SCHEDULE,
    service_areas=fields("id service_id name extent extent_type uri service_area"),
    languages=fields("id service_id phone_id"),
    funding=fields("id service_id source"),
    cost_options=fields("id service_id valid_from valid_to option amount amount_description"),
    contacts=fields("id service_id name title", attributes=ATTRIBUTE),
    attributes=ATTRIBUTE,
)
SERVICE = SERVICE_IN_PLACE | fields("", service_at_locations=SERVICE_AT_LOCATION)
TAXONOMY_TERM = TERM
TAXONOMY = fields("id name description uri version", taxonomy_terms=TERM)

SHAPES: dict[str, Shape] = {
    "service": SERVICE,
    "service_list": SERVICE_LIST,
    "service_at_location": SERVICE_AT_LOCATION | fields("", service=SERVICE_IN_PLACE),
    "service_at_location_list": fields(
        "id service_id location_id", location=LOCATION_LIST, service=SERVICE_LIST
    ),
    "organization": ORGANIZATION_IN_SERVICE | fields("", services=SERVICE),
    "organization_list": ORGANIZATION_LIST,
    "taxonomy": TAXONOMY,
    "taxonomy_term": TAXONOMY_TERM,
}


def project(value: Any, shape: Shape | None) -> Any:
    """The value with only the fields its shape allows, at every level."""
    if shape is None:
        return value
    if isinstance(value, list):
        return [project(item, shape) for item in value]
    if isinstance(value, dict):
        return {k: project(v, shape[k]) for k, v in value.items() if k in shape}
    return value


def to_profile(record: dict[str, Any], kind: str) -> dict[str, Any]:
    """A record kept to the profile's fields for one kind of object (a key of SHAPES)."""
    projected: dict[str, Any] = project(record, SHAPES[kind])
    return projected
