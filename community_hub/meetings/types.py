"""The meeting type vocabulary: Meeting Guide's standard codes plus a few UK additions."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from babel.support import NullTranslations, Translations

from community_hub.meetings.type_names import CONTEXT

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


@cache
def _catalogue(locale: str) -> NullTranslations:
    """The compiled catalogue for a language (English when there is none)."""
    return Translations.load(str(Path(__file__).parent.parent / "translations"), [locale])


def type_name(code: str, locale: str = "en") -> str:
    """A type's name in a language: the vocabulary's own, else the catalogue's (type_names.py).

    English (the default) is the vocabulary's name, unchanged, for feeds and staff tools.
    """
    names = vocabulary().get(code)
    if not names:
        return code
    if locale in names:
        return names[locale]
    return str(_catalogue(locale).pgettext(CONTEXT, names["en"])) if locale != "en" else names["en"]


def is_known(code: str) -> bool:
    return code in vocabulary()


@cache
def _by_upper() -> dict[str, str]:
    return {code.upper(): code for code in vocabulary()}


def canonical(code: str) -> str:
    """The vocabulary's own spelling of a code, matched without regard to case ('12X12')."""
    cleaned = code.strip()
    return _by_upper().get(cleaned.upper(), cleaned.upper())
