"""The translation catalogue, looked up once per request rather than once per sentence.

A page says a hundred things through gettext. Flask-Babel finds the catalogue afresh for each
of them (the request's namespace, its locale, the locale's name, a dictionary lookup), which
was a large share of the finder page's time. Here the request keeps the catalogue it found,
together with the locale it was found for: a changed locale (`force_locale`, `refresh`) is a
different object, so the catalogue is looked up again.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.globals import _cv_app
from flask_babel import Domain
from flask_babel.speaklater import LazyString


class RequestDomain(Domain):
    """Flask-Babel's domain, remembering the catalogue for the request's current locale."""

    def get_translations(self) -> Any:
        # The app context itself, not the `g` proxy: a page asks this sixty times, and each
        # trip through werkzeug's proxy costs more than the lookup it guards.
        context = _cv_app.get(None)
        space = getattr(context.g, "_flask_babel", None) if context is not None else None
        if space is None:  # not made yet, or outside any app context
            return super().get_translations()
        kept = getattr(space, "kept_translations", None)
        if kept is not None and kept[0] is getattr(space, "babel_locale", None):
            return kept[1]
        translations = super().get_translations()  # finds the locale too
        space.kept_translations = (space.babel_locale, translations)
        return translations


# The one domain every app shares (Flask-Babel's default domain is per Babel object, and
# there is one Babel object). `gettext` and `ngettext` below go straight to it: hot code (a
# page of results) uses them instead of Flask-Babel's, which look up the domain each time.
DOMAIN = RequestDomain()


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext, answered from the request's kept catalogue."""
    text = DOMAIN.get_translations().ugettext(string)
    return text if not variables else text % variables


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ngettext (``%(num)s`` is the number), from the kept catalogue."""
    variables.setdefault("num", num)
    return DOMAIN.get_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Flask-Babel's lazy_gettext, translated when shown through `gettext` above: a page
    of results shows a few dozen (day names, types, labels), each once per card."""
    return LazyString(gettext, string, **variables)


def init_app(app: Flask) -> None:
    """Swap in the remembering domain after `babel.init_app`; templates use it directly.

    Flask-Babel builds its default domain once (a cached property of the one Babel object)
    and finds each app's catalogue directories at lookup time, so one swap serves every app.
    """
    state = app.extensions["babel"]
    assert state.default_domain == "messages", "the kept catalogue serves the default domain"
    state.instance.__dict__["domain_instance"] = DOMAIN
    find = DOMAIN.get_translations
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: find().ugettext(s),
        ngettext=lambda s, p, n: find().ungettext(s, p, n),
        pgettext=lambda c, s: find().upgettext(c, s),
        npgettext=lambda c, s, p, n: find().unpgettext(c, s, p, n),
        newstyle=True,
    )
