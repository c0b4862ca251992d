"""Reading the Open Referral UK API in tests, and the UK profile's schemas to check it with.

The schemas are the profile's own files in shared/reference/oruk (beside the repository, as
the HSDS tests find theirs). Each endpoint's answer is checked against the schema the
profile's OpenAPI document gives for it (its `$ref`s to raw.githubusercontent.com resolved to
the local copies, never fetched), leniently as published and strictly (no field the profile
does not define), as upstream CI checks its examples.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need
from tests.test_hsds import strict

BASE = "/api/oruk"
ORUK = Path(__file__).resolve().parents[2] / "shared/reference/oruk"
RAW = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
PROFILE_API = "urn:oruk:openapi.json"
# The profile's OpenAPI gives compiled/service.json for /service_at_locations/{id}, clearly
# a slip (a service has a name and a status; a service_at_location has neither): we check
# that endpoint against compiled/service_at_location.json. /organizations is not in the
# profile's document; its compiled schemas are.
OWN_SCHEMA = {
    "/service_at_locations/{id}": "compiled/service_at_location.json",
    "/organizations": "compiled/organization_list.json",
    "/organizations/{id}": "compiled/organization.json",
}


def get(client: Any, path: str, **params: Any) -> Any:
    response = client.get(BASE + path, query_string=params)
    assert response.status_code == 200, (path, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def all_items(client: Any, path: str, per_page: int = 200, **params: Any) -> list[Any]:
    first = get(client, path, per_page=per_page, **params)
    items = list(first["contents"])
    for number in range(2, first["total_pages"] + 1):
        items += get(client, path, page=number, per_page=per_page, **params)["contents"]
    assert len(items) == first["total_items"]
    return items


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = {item["id"]: item for item in items}
    assert len(found) == len(items), "ids are unique"
    return found


def _load(name: str) -> Any:
    return json.loads((ORUK / name).read_text())


@cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    definitions = _load("compiled/service_with_definitions.json")["definitions"]

    def resource(contents: Any) -> Any:
        return Resource.from_contents(contents, default_specification=DRAFT202012)

    resources = [
        (RAW + f"compiled/{path.name}", resource(json.loads(path.read_text())))
        for path in (ORUK / "compiled").glob("*.json")
    ]
    for name in ("taxonomy", "taxonomy_term"):
        schema = {"$ref": f"#/definitions/{name}", "definitions": definitions}
        resources.append((RAW + f"{name}.json", resource(schema)))
    resources.append((PROFILE_API, resource(_load("openapi.json"))))
    return Registry().with_resources(resources)


def _pointer(path: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"{PROFILE_API}#/paths/{escaped}/get/responses/200/content/application~1json/schema"


@cache
def endpoint_validator(path: str) -> Any:
    """The profile's schema for a 200 answer of this endpoint (e.g. "/services/{id}")."""
    from jsonschema import Draft202012Validator, FormatChecker

    if path in OWN_SCHEMA:
        schema: dict[str, Any] = {"$ref": RAW + OWN_SCHEMA[path]}
        if not path.endswith("}"):  # a list: the profile's Page around the items
            schema = {
                "allOf": [{"$ref": f"{PROFILE_API}#/components/schemas/Page"}],
                "properties": {"contents": {"type": "array", "items": schema}},
            }
    else:
        schema = {"$ref": _pointer(path)}
    if path != "/" and not path.endswith("}"):
        schema["required"] = ["contents"]  # a page always has its contents
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


@cache
def record_validator(schema_file: str, strictly: bool) -> Any:
    """One record against a compiled schema (or a definition: "taxonomy", "taxonomy_term")."""
    from jsonschema import Draft202012Validator, FormatChecker

    if schema_file in ("taxonomy", "taxonomy_term"):
        definitions = _load("compiled/service_with_definitions.json")["definitions"]
        schema = {"$ref": f"#/definitions/{schema_file}", "definitions": definitions}
        if strictly:
            schema = {**schema, "definitions": strict(definitions)}
    else:
        schema = _load(schema_file)
        schema = strict(schema) if strictly else schema
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(validator: Any, instance: Any) -> list[tuple[str, str]]:
    return [
        ("/".join(map(str, e.absolute_path)) or "<root>", e.message)
        for e in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    ]


@pytest.fixture
def profile() -> None:
    """The UK profile's schemas, and jsonschema with its format checkers."""
    if not (ORUK / "compiled/service.json").is_file():
        need(f"the Open Referral UK schemas are not at {ORUK} (check out shared/ beside the repo)")
    try:
        from jsonschema import FormatChecker
    except ImportError:
        need('jsonschema is not installed: pip install "jsonschema[format-nongpl]"')
    checker = FormatChecker()
    assert {"uri", "date-time", "uuid", "email"} <= set(checker.checkers)
