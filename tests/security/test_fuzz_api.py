"""The JSON API against its own OpenAPI document (schemathesis), and every API parameter of the
undocumented feeds driven with hostile values (hypothesis): never a 500, always JSON that says
what was wrong, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from community_hub.geo.geocode import geocode
from community_hub.interop.oruk_params import FILTERS, PAGING

MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def test_the_api_conforms_to_its_openapi_document(demo_region: Flask) -> None:
    """Every operation in /api/v1/openapi.json, valid and invalid input, every check."""
    # Driven by hand rather than with schemathesis' pytest plugin, whose fixture loader does
    # not work with the pytest we run.
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_region)
    # A NUL character is refused with 400 everywhere (PostgreSQL cannot store one).
    loaded.config.generation.update(allow_x00=False)
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert operations, "the document describes the API"
    for operation in operations:
        for mode in MODES:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=80,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def conforms(case: Any) -> None:
                given_place = {
                    k for k in ("lat", "lng") if (case.query or {}).get(k) not in (None, "")
                }
                if len(given_place) == 1:
                    # The one rule the document can only state in words: both or neither.
                    response = case.call()
                    assert response.status_code == 400, case.as_curl_command()
                    return
                case.call_and_validate()

            conforms()


def breaks_a_rule_in_words(query: dict[str, Any]) -> bool:
    """The rules /api/oruk/openapi.json can only state in words: a postcode we can find,
    proximity only with a postcode, a date that exists (no 30 February)."""
    given = {k: str(v) for k, v in query.items() if str(v).strip()}
    if "proximity" in given and "postcode" not in given:
        return True
    if "postcode" in given and geocode(given["postcode"]) is None:
        return True
    try:
        datetime.fromisoformat(given.get("modified_after", "2026-01-01").replace("Z", "+00:00"))
    except ValueError:
        return True
    return False


def test_the_open_referral_uk_api_conforms_to_its_openapi_document(demo_region: Flask) -> None:
    """Every operation in /api/oruk/openapi.json, valid and invalid input, every check."""
    loaded = schemathesis.openapi.from_wsgi("/api/oruk/openapi.json", demo_region)
    loaded.config.generation.update(allow_x00=False)
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) == 11, "the document describes every endpoint"
    for operation in operations:
        # Only query parameters can be invalid: / takes nothing and {id} takes any text.
        queried = any(p.location == "query" for p in operation.iter_parameters())
        modes = MODES if queried else MODES[:1]
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=40,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def conforms(case: Any) -> None:
                if breaks_a_rule_in_words(case.query or {}):
                    assert case.call().status_code == 400, case.as_curl_command()
                    return
                case.call_and_validate()

            conforms()


# ---- every parameter of every public feed, with hostile values (hypothesis) --------------------

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT, "' OR 1=1 --", "1; DROP TABLE meeting;--", '"><img src=x onerror=alert(1)>',
    "Llanfairpwllgwyngyll", "Ystradgynlais", "Aberdâr", "Ynys Môn", "🙂🙃", "\u202eevil",
    "مرحبا", "\x00", "\x1b[31m", "\r\nX-Injected: 1", "%00", "../../etc/passwd",
    "nan", "NaN", "inf", "-inf", "-1e308", "1e309", "91", "-181", "1e-320", "0", "-1",
    "2026-02-30", "0000-00-00", "99999-01-01", "[]", "{}", "true", "null", "a" * 5000,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(codec="utf-8"), max_size=80),
    st.floats().map(str),
    st.integers(-(2**70), 2**70).map(str),
)
# Each public feed and the query parameters it reads (the meetings API's from its document).
FEEDS = {
    "/api/v1/nearby": ["lat", "lng", "radius_km", "kind"],
    "/api/hsds/services": ["page", "per_page"],
    "/api/oruk/services": list(FILTERS + PAGING),
    "/api/oruk/service_at_locations": list(FILTERS + PAGING),
    "/api/oruk/organizations": list(PAGING),
    "/api/oruk/taxonomy_terms": [*PAGING, "taxonomy_id"],
    "/api/meetings.json": [],
    "/api/meetings.csv": [],
    "/api/resources.csv": [],
    "/meetings.ics": ["q", "lat", "lng", "radius", "radius_km", "day", "time", "type", "mode"],
}


def assert_not_live_markup(response: Any) -> None:
    """HTML never carries the payload unescaped; anything else is never sniffed as HTML."""
    if response.mimetype == "text/html":
        assert SCRIPT not in response.get_data(as_text=True)
    else:
        # A JSON error may quote the bad value back; as JSON it is data, never markup.
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def _documented_parameters(app: Flask) -> list[str]:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return [p["name"] for p in document["paths"]["/api/v1/meetings"]["get"]["parameters"]]


def fuzz_feed(client: Any, path: str, names: list[str]) -> None:
    keys = st.sampled_from([*names, "unknown", SCRIPT])

    @given(query=st.lists(st.tuples(keys, VALUES), max_size=5))
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def survives(query: list[tuple[str, str]]) -> None:
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query)
        assert_not_live_markup(response)
        if response.status_code == 400 and response.is_json:
            assert response.get_json()["message"], (path, query)

    survives()


def test_every_feed_parameter_survives_hostile_values(demo_region: Flask) -> None:
    """Never a 500; a 400 says what was wrong; nothing is echoed back as live markup."""
    feeds = {**FEEDS, "/api/v1/meetings": _documented_parameters(demo_region)}
    client = demo_region.test_client()
    hsds_id = client.get("/api/hsds/services?per_page=1").get_json()["contents"][0]["id"]
    feeds[f"/api/hsds/services/{hsds_id}"] = []

    for path, names in feeds.items():
        fuzz_feed(client, path, names)

    for bad_id in (SCRIPT, "' OR 1=1 --", "a" * 5000, "%00", "Llanfairpwllgwyngyll"):
        for path in ("/api/hsds/services", "/api/oruk/services", "/api/oruk/service_at_locations",
                     "/api/oruk/organizations", "/api/oruk/taxonomies",
                     "/api/oruk/taxonomy_terms"):  # fmt: skip
            response = client.get(f"{path}/{bad_id}")
            assert response.status_code in (400, 404), (path, bad_id)
            assert_not_live_markup(response)
