"""The meeting type vocabulary: Meeting Guide's standard codes plus a few UK additions."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

# Codes UK finders need that the Meeting Guide list lacks. Feed readers ignore unknown codes.
LOCAL_TYPES: dict[str, dict[str, str]] = {
    "BSL": {"en": "British Sign Language", "cy": "Iaith Arwyddion Prydain"},
    "HL": {"en": "Hearing Loop", "cy": "Dolen Glyw"},
    "MAR": {"en": "People on a prescription welcome", "cy": "Croeso i bobl ar bresgripsiwn"},
    "CY": {"en": "Welsh language", "cy": "Cymraeg"},
}

# Types a person is most likely to filter by, shown first in the finder.
COMMON_FILTERS = ("O", "C", "W", "M", "BE", "X", "HL", "BSL", "MAR", "Y", "LGBTQ", "CY")


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    data = resources.files("community_hub.meetings") / "data"
    codes: dict[str, dict[str, str]] = json.loads((data / "types.json").read_text("utf-8"))
    codes.update(json.loads((data / "proposed-new.json").read_text("utf-8")))
    codes.update(LOCAL_TYPES)
    return codes


def type_name(code: str, locale: str = "en") -> str:
    names = vocabulary().get(code)
    if not names:
        return code
    return names.get(locale) or names["en"]


def is_known(code: str) -> bool:
    return code in vocabulary()


@cache
def _by_upper() -> dict[str, str]:
    return {code.upper(): code for code in vocabulary()}


def canonical(code: str) -> str:
    """The vocabulary's own spelling of a code, matched without regard to case ('12X12')."""
    cleaned = code.strip()
    return _by_upper().get(cleaned.upper(), cleaned.upper())
