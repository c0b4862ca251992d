"""The crisis lines, in the reader's language.

CRISIS_LINES is configuration, written once in English. The default lines' names and hours are
translated here; a deployer's own line can carry its Welsh as `name_cy` and `hours_cy`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# The default lines' wording (community_hub/config.py DEFAULT_CRISIS_LINES), for translation.
KNOWN = {
    "Samaritans": _l("Samaritans"),
    "DAN 24/7 (Wales drug and alcohol helpline)": _l("DAN 24/7 (Wales drug and alcohol helpline)"),
    "FRANK (drugs information)": _l("FRANK (drugs information)"),
    "Emergency": _l("Emergency"),
    "24 hours, every day, free": _l("24 hours, every day, free"),
    "24 hours, every day, free; text DAN to 81066": _l(
        "24 hours, every day, free; text DAN to 81066"
    ),
    "24 hours, every day": _l("24 hours, every day"),
    "if someone is in danger now": _l("if someone is in danger now"),
}


def _text(line: dict[str, Any], key: str, locale: str) -> str:
    own = line.get(f"{key}_{locale}")
    if own:
        return str(own)
    value = str(line.get(key, ""))
    return str(KNOWN[value]) if value in KNOWN else value


def crisis_lines() -> list[dict[str, str]]:
    """The configured lines with their names and hours in the reader's language."""
    locale = str(get_locale() or "en")
    return [
        {
            **{k: str(v) for k, v in line.items()},
            "name": _text(line, "name", locale),
            "hours": _text(line, "hours", locale),
        }
        for line in current_app.config["CRISIS_LINES"]
    ]
