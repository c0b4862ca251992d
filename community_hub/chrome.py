"""The parts of every page that are the same for every visitor: the public menu, the
"Need help right now?" lines and the footer.

They do not depend on who asks or what they searched, only on the language, the nation whose
help lines are shown, the site's configuration and where the site is mounted. Each is
rendered once for each of those and kept for the life of the process, so a page does not
translate and link the same thirty sentences again on every request.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

FRAGMENTS = ("public_nav", "crisis", "footer")


def chrome(name: str, nation: str = "") -> Markup:
    """One of FRAGMENTS, rendered from templates/chrome/<name>.html."""
    if name not in FRAGMENTS:
        raise ValueError(f"No page fragment called {name!r}.")
    key = (name, str(get_locale() or "en"), nation, request.script_root)
    kept: dict[tuple[str, str, str, str], Markup] = current_app.extensions["chrome"]
    found = kept.get(key)
    if found is None:
        context = {}
        if name == "crisis":
            from community_hub.core.crisis import crisis_lines

            context = {"nation": nation, "crisis_lines": crisis_lines(nation)}
        # Jinja escaped everything the template put in: the result is safe HTML as it stands.
        html = render_template(f"chrome/{name}.html", **context)
        found = Markup(html)  # noqa: S704  # nosec B704
        if not current_app.jinja_env.auto_reload:  # while templates are edited, always afresh
            kept[key] = found
    return found


def init_app(app: Flask) -> None:
    app.extensions["chrome"] = {}
    app.add_template_global(chrome, "chrome")
