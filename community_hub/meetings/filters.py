"""The finder's filters panel: rendered once for each set of choices, then kept.

The panel (days, times, distances, fellowships, types, each with its label) is most of the
finder page's markup, and it is the same for everyone who made the same choices in the same
language, wherever they are. The page keeps the last few hundred renderings, keyed by those
choices, the language, whether a search was made (the panel folds) and the fellowships
offered; the rest of the page, the place and the results, is rendered for each request.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, NamedTuple

from flask import current_app, has_app_context, render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import Select, event, select
from werkzeug.datastructures import MultiDict

from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, shown_fellowship_names
from community_hub.meetings.params import RADIUS_CHOICES
from community_hub.meetings.types import COMMON_FILTERS

# Everything in the query string the panel shows. A parameter not listed here must not
# change the panel, or a kept rendering would show another search's choices.
PANEL_PARAMS = ("day", "time", "within", "radius", "search", "fellowship", "mode", "type")
KEEP = 256  # renderings kept per app: typed search words make most keys unique


class FellowshipChoice(NamedTuple):
    """A fellowship as the panel offers it (Fellowship's own shown names, without the ORM)."""

    slug: str
    shown_name: str
    shown_short_name: str


def fellowship_choices() -> list[FellowshipChoice]:
    """Every fellowship, by name, in the reader's language."""
    return [
        FellowshipChoice(slug, *shown_fellowship_names(slug, name, short))
        for slug, name, short in _fellowship_rows()
    ]


# Fellowships change rarely (an import, a coordinator): the list is read once a minute per
# worker, and at once on the worker that saved a change.
CHOICES_SECONDS = 60.0


def _fellowship_rows() -> tuple[tuple[str, str, str], ...]:
    kept: dict[str, Any] = current_app.extensions.setdefault("fellowship_rows", {})
    found = kept.get("rows")
    now = time.monotonic()
    if found is not None and now - found[0] < CHOICES_SECONDS:
        return found[1]
    rows = tuple(
        (slug, name, short)
        for slug, name, short in db.session.connection().execute(_choices_statement())
    )
    kept["rows"] = (now, rows)
    return rows


@event.listens_for(Fellowship, "after_insert")
@event.listens_for(Fellowship, "after_update")
@event.listens_for(Fellowship, "after_delete")
def _forget_fellowships(*_args: Any) -> None:
    if has_app_context():
        current_app.extensions.pop("fellowship_rows", None)


@functools.cache
def _choices_statement() -> Select[str, str, str]:
    return select(Fellowship.slug, Fellowship.name, Fellowship.short_name).order_by(Fellowship.name)


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.renderings: OrderedDict[tuple, Markup] = OrderedDict()


def panel(args: MultiDict[str, str], fellowships: Sequence[Any], searched: bool) -> Markup:
    """The filters panel for these choices, from the kept renderings when it can be."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    kept: _Kept = app.extensions.setdefault("finder_filters", _Kept())
    key = (
        str(get_locale() or "en"),
        searched,
        tuple((name, tuple(args.getlist(name))) for name in PANEL_PARAMS),
        tuple((f.slug, f.shown_name, f.shown_short_name) for f in fellowships),
    )
    with kept.lock:
        html = kept.renderings.get(key)
        if html is not None:
            kept.renderings.move_to_end(key)
            return html
    # A rendered template: every value in it was escaped by Jinja's autoescaping.
    html = Markup(  # noqa: S704  # nosec B704
        render_template(
            "meetings/_filters.html",
            args=args,
            fellowships=fellowships,
            searched=searched,
            filter_types=COMMON_FILTERS,
            radius_choices=RADIUS_CHOICES,
        )
    )
    if not app.jinja_env.auto_reload:  # while templates are being edited, always afresh
        with kept.lock:
            kept.renderings[key] = html
            while len(kept.renderings) > KEEP:
                kept.renderings.popitem(last=False)
    return html
