"""Reading the Open Referral UK query parameters, with a 400 that names any bad one.

An empty value is the same as leaving the parameter out (forms send empty fields). A
parameter given twice, or one an endpoint does not take, is refused rather than ignored, so
a consumer never mistakes an unfiltered list for a filtered one. Ids that are well formed
but name nothing we publish (another directory's taxonomy term, say) match nothing.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, time

from werkzeug.datastructures import MultiDict

from community_hub.geo.geocode import geocode
from community_hub.geo.spatial import MAX_RADIUS_KM
from community_hub.interop.hsds_ids import find_organisation
from community_hub.interop.hsds_query import DEFAULT_PER_PAGE, MAX_PER_PAGE, ListQuery, Near
from community_hub.interop.oruk_filters import BYDAY, Filters
from community_hub.interop.oruk_search import MAX_LENGTH, split_words
from community_hub.interop.oruk_taxonomies import taxonomy_by_id, term_by_id

PAGING = ("page", "per_page")
FILTERS = (
    "search", "taxonomy_term_id", "taxonomy_id", "organization_id", "minimum_age",
    "maximum_age", "day", "start_time", "end_time", "postcode", "proximity", "modified_after",
)  # fmt: skip
DAY_NAMES = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MAX_AGE = 150
MAX_POSTCODE = 120


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


# The grammar of each parameter, as a regular expression the OpenAPI document publishes and
# the parser uses: what one accepts, the other does (JSON Schema patterns have no flags).
_DAY = "(?:" + "|".join(_any_case(w) for w in (*BYDAY, *DAY_NAMES)) + ")"
PATTERNS = {
    # Numbers are written as JSON writes them (the document gives their types and ranges).
    "number": r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "time": r"^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$",
    "day": rf"^ *{_DAY} *(?:, *{_DAY} *)*$",
    "moment": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?$",
}
_MATCH = {name: re.compile(pattern) for name, pattern in PATTERNS.items()}


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


class Args:
    """The request's parameters, each read once; the checks shared by every endpoint."""

    def __init__(self, args: MultiDict[str, str], allowed: tuple[str, ...]):
        for name in args:
            if name not in allowed:
                raise BadParameter(name[:40], f"Unsupported parameter {name[:40]!r}.")
            if len(args.getlist(name)) > 1:
                raise BadParameter(name, f"Give {name} once.")
        self.values = {name: args[name] for name in args if args[name].strip()}

    def get(self, name: str, grammar: str = "", explain: str = "") -> str | None:
        raw = self.values.get(name)
        if raw is not None and grammar and not _MATCH[grammar].match(raw):
            raise BadParameter(name, f"{name} must be {explain}.")
        return raw

    def whole(self, name: str, default: int, maximum: int = 10**9 - 1) -> int:
        """A whole number, written as JSON may write one (16, 16.0 or 1.6e1 are all 16)."""
        value = self.number(name, 1, maximum, "a whole number")
        if value is None:
            return default
        if not value.is_integer():
            raise BadParameter(name, f"{name} must be a whole number from 1 to {maximum}.")
        return int(value)

    def number(self, name: str, low: float, high: float, what: str = "a number") -> float | None:
        explain = f"{what} from {low:g} to {high:g}"
        raw = self.get(name, "number", explain)
        if raw is None:
            return None
        value = float(raw)
        if not (math.isfinite(value) and low <= value <= high):
            raise BadParameter(name, f"{name} must be {explain}.")
        return value

    def uuid(self, name: str) -> str | None:
        raw = self.get(name, "uuid", "an id (a UUID)")
        return raw.lower() if raw else None

    def time(self, name: str) -> time | None:
        raw = self.get(name, "time", "a 24-hour time like 18:30")
        return time.fromisoformat(raw) if raw else None

    def days(self) -> frozenset[int]:
        raw = self.get("day", "day", "MO, TU, WE, TH, FR, SA or SU (or a weekday's name)")
        if raw is None:
            return frozenset()
        days = set()
        for part in raw.split(","):
            word = part.strip().lower()
            days.add(BYDAY.index(word.upper()) if len(word) == 2 else DAY_NAMES.index(word))
        return frozenset(days)

    def moment(self, name: str) -> datetime | None:
        explain = "a date and time like 2026-03-01T09:00:00Z"
        raw = self.get(name, "moment", explain)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise BadParameter(name, f"{name} must be {explain}.") from None
        if value.tzinfo is not None:  # stored times are naive UTC
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


def paging(args: Args) -> tuple[int, int]:
    return args.whole("page", 1), args.whole("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)


def _search(args: Args) -> tuple[str, ...]:
    text = args.get("search") or ""
    if len(text) > MAX_LENGTH:
        raise BadParameter("search", f"search takes up to {MAX_LENGTH} characters.")
    return split_words(text)


def _near(args: Args) -> Near | None:
    postcode, proximity = args.get("postcode"), args.number("proximity", 1, MAX_RADIUS_KM * 1000)
    if postcode is None:
        if proximity is not None:
            raise BadParameter("proximity", "proximity needs a postcode to measure from.")
        return None
    found = geocode(postcode) if len(postcode) <= MAX_POSTCODE else None
    if found is None:
        raise BadParameter("postcode", "We could not find that postcode. Try DN1 3AA or DN1.")
    radius_km = proximity / 1000 if proximity is not None else MAX_RADIUS_KM
    return Near(found.latitude, found.longitude, radius_km)


def list_query(request_args: MultiDict[str, str]) -> ListQuery:
    """A list of services or places: paging, filters and the place to measure from."""
    args = Args(request_args, PAGING + FILTERS)
    page, per_page = paging(args)
    term_id, taxonomy_id = args.uuid("taxonomy_term_id"), args.uuid("taxonomy_id")
    organisation_id = args.uuid("organization_id")
    term = term_by_id(term_id) if term_id else None
    taxonomy = taxonomy_by_id(taxonomy_id) if taxonomy_id else None
    organisation = find_organisation(organisation_id, False) if organisation_id else None
    filters = Filters(
        words=_search(args),
        term=term,
        taxonomy=taxonomy,
        organisation_id=organisation.id if organisation else None,
        minimum_age=args.number("minimum_age", 0, MAX_AGE),
        maximum_age=args.number("maximum_age", 0, MAX_AGE),
        days=args.days(),
        start_time=args.time("start_time"),
        end_time=args.time("end_time"),
        modified_after=args.moment("modified_after"),
        nothing=bool(
            (term_id and term is None)
            or (taxonomy_id and taxonomy is None)
            or (organisation_id and organisation is None)
        ),
    )
    return ListQuery(page=page, per_page=per_page, filters=filters, near=_near(args))
