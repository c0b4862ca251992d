"""Numbers typed by people: "2,5" means 2.5 to many (Welsh and European keyboards alike)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import FloatField

# One comma between digits, and no point: a decimal comma. "1,250" stays ambiguous only for
# thousands, which no field here takes (hours, coordinates).
_DECIMAL_COMMA = re.compile(r"^\s*([+-]?\d*),(\d+)\s*$")


def decimal_text(text: str) -> str:
    """'2,5' -> '2.5'; anything else unchanged (so its own error message still applies)."""
    return _DECIMAL_COMMA.sub(r"\1.\2", text)


def parse_decimal(text: str) -> Decimal | None:
    """A finite Decimal from '2.5' or '2,5'; None when it is not a number."""
    try:
        value = Decimal(decimal_text(text).strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


class DecimalCommaFloatField(FloatField):
    """A FloatField that also takes a decimal comma."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [decimal_text(valuelist[0]), *valuelist[1:]]
        super().process_formdata(valuelist)
