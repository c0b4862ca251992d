"""Reading an uploaded or fetched file as Meeting Guide rows: JSON (guarded) or our CSV."""

from __future__ import annotations

import json
import re
from typing import Any


class FeedError(ValueError):
    """The file is not a Meeting Guide feed at all (not JSON, not a list)."""


# A Meeting Guide feed nests four levels at most (list, meeting, types, ...): anything much
# deeper is not a feed, and parsing it would exhaust the stack.
MAX_DEPTH = 32
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep(content: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON nests deeper than `limit`, found without parsing it (strings skipped)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(content):
        bracket = token.group(0)
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (b"]", b"}"):
            depth -= 1
    return False


def parse_feed(text: str | bytes) -> list[dict[str, Any]]:
    content = text.encode() if isinstance(text, str) else text
    if too_deep(content):
        raise FeedError(
            f"The file nests more than {MAX_DEPTH} levels deep, so it is not a Meeting Guide "
            "feed: a feed is a list of meetings."
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FeedError(f"The file is not valid JSON: {error}") from error
    except RecursionError as error:  # belt and braces: never a 500 for a hostile file
        raise FeedError("The file nests too deeply to be a Meeting Guide feed.") from error
    if not isinstance(data, list):
        raise FeedError("A Meeting Guide feed is a JSON list of meetings.")
    return data


def read_upload(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows from an uploaded .json feed or .csv spreadsheet."""
    from community_hub.interop.csv_format import feed_rows_from_csv

    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FeedError("The spreadsheet is not UTF-8 text: save it as CSV UTF-8.") from error
        return feed_rows_from_csv(text)
    return parse_feed(content)
