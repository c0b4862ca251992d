"""HSDS 3 export: every record valid against the official schemas, paging, errors, privacy."""

from __future__ import annotations

import copy
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need
from tests.hsds_helpers import get_page, public_counts

HSDS = Path(__file__).resolve().parents[2] / "shared/reference/hsds"
LIST_URL = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/"
    "service_list.json"
)


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """Upstream CI's strict copy: additionalProperties false on every object with properties."""
    s = copy.deepcopy(schema)

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            if n.get("type") == "object" and "properties" in n:
                n.setdefault("additionalProperties", False)
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(s)
    return s


@cache
def validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    def load(name: str) -> dict[str, Any]:
        return json.loads((HSDS / name).read_text())

    checker = FormatChecker()
    assert "uri" in checker.checkers and "date-time" in checker.checkers, (
        'install "jsonschema[format-nongpl]" so uri and date-time are checked'
    )
    service, listed = load("compiled/service.json"), load("compiled/service_list.json")
    page_schema = {
        "allOf": [load("openapi.json")["components"]["schemas"]["Page"]],
        "properties": {"contents": {"type": "array", "items": {"$ref": LIST_URL}}},
        "required": ["contents"],
    }
    registry = Registry().with_resource(
        LIST_URL, Resource.from_contents(listed, default_specification=DRAFT202012)
    )
    return {
        "service": Draft202012Validator(service, format_checker=checker),
        "service_strict": Draft202012Validator(strict(service), format_checker=checker),
        "list": Draft202012Validator(listed, format_checker=checker),
        "list_strict": Draft202012Validator(strict(listed), format_checker=checker),
        "page": Draft202012Validator(page_schema, format_checker=checker, registry=registry),
    }


def errors(name: str, instance: Any) -> list[tuple[str, str]]:
    found = validators()[name].iter_errors(instance)
    return [
        ("/".join(map(str, e.absolute_path)) or "<root>", e.message)
        for e in sorted(found, key=lambda e: list(e.absolute_path))
    ]


@pytest.fixture
def schemas() -> None:
    if not (HSDS / "compiled/service.json").is_file():
        need(f"the HSDS schemas are not at {HSDS} (check out shared/ beside the repo)")
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        need('jsonschema is not installed: pip install "jsonschema[format-nongpl]"')


def test_every_exported_record_validates(demo_region, client, schemas):
    """Every page, every list item and every full record, lenient and strict."""
    total = sum(public_counts())
    assert total > 100
    first = get_page(client, per_page=37)
    assert first["total_items"] == total
    seen: list[str] = []
    for number in range(1, first["total_pages"] + 1):
        page = get_page(client, page=number, per_page=37)
        assert errors("page", page) == []
        for item in page["contents"]:
            assert errors("list", item) == [], item["id"]
            assert errors("list_strict", item) == [], item["id"]
            seen.append(item["id"])
    assert len(seen) == len(set(seen)) == total
    for service_id in seen:
        response = client.get(f"/api/hsds/services/{service_id}")
        assert response.status_code == 200, service_id
        record = response.get_json()
        assert record["id"] == service_id
        assert errors("service", record) == [], record["name"]
        assert errors("service_strict", record) == [], record["name"]


def test_validation_catches_a_broken_record(schemas):
    """The validators really check formats (uuid, uri, date-time) and unknown fields."""
    broken = {
        "id": "7",
        "name": "x",
        "status": "open",
        "url": "not a url",
        "last_modified": "yesterday",
        "schedules": [{"id": str(uuid.uuid4()), "freq": "DAILY", "timezone": "Europe/London"}],
        "colour": "red",
    }
    found = {path for path, _message in errors("service", broken)}
    assert {"id", "status", "url", "last_modified", "schedules/0/freq"} <= found
    assert "schedules/0/timezone" in found
    assert any(m.startswith("Additional properties") for _p, m in errors("service_strict", broken))
