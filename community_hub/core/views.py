"""Health check, the 'help right now' page and the language switch."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from community_hub.auth.views import home_for, safe_next
from community_hub.core import newcomers
from community_hub.extensions import db
from community_hub.web import public

bp = Blueprint("core", __name__)


@bp.route("/healthz")
@public
def healthz() -> Any:
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/help")
@public
def help_now() -> Any:
    """Where to get help right now, when no meeting is on: the lines for the nation searched."""
    from community_hub.core.crisis import crisis_lines
    from community_hub.core.nations import NATIONS

    return render_template(
        "core/help.html",
        crisis_lines=crisis_lines(),
        nations=NATIONS,
        crisis_by_nation=isinstance(current_app.config["CRISIS_LINES"], dict),
    )


bp.add_app_template_global(newcomers.explain_type, "explain_type")
bp.add_app_template_global(newcomers.kind_of, "newcomer_kind")


@bp.route("/first-meeting/<guide_name>")
@public
def first_meeting(guide_name: str) -> Any:
    """What happens at a first meeting of one kind of fellowship, for someone who has never been."""
    guide = newcomers.guide(guide_name)
    if guide is None:
        abort(404)
    others = [k for k in newcomers.GUIDES if k != guide_name]
    return render_template(
        "core/first_meeting.html",
        guide=guide,
        shared=newcomers.SHARED,
        kind=guide_name,
        others=[(k, newcomers.GUIDES[k].title) for k in others],
    )


# Staff areas and the API are not for search engines. Peer supporters' and champions' profiles
# are marked noindex on the page itself unless the person agreed to be findable.
ROBOTS = """User-agent: *
Disallow: /manage/
Disallow: /admin/
Disallow: /referrals/
Disallow: /volunteers/
Disallow: /reports/
Allow: /reports/public
Disallow: /account
Disallow: /login
Disallow: /invitation
Disallow: /api/
Disallow: /my-meetings
"""


@bp.route("/robots.txt")
@public
def robots() -> Any:
    """What search engines may crawl."""
    return Response(ROBOTS, mimetype="text/plain")


@bp.route("/home")
@public
def home() -> Any:
    """The front door: the meeting finder, or a signed-in person's own start page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("meetings.finder"))


@bp.route("/favicon.ico")
@public
def favicon() -> Any:
    """Browsers ask for /favicon.ico whatever the page links: answer with the SVG icon."""
    return send_from_directory(
        current_app.static_folder or "static", "favicon.svg", max_age=7 * 24 * 3600
    )


@bp.route("/language/<code>")
@public
def language(code: str) -> Any:
    """Remember a language choice in a preference cookie (no tracking)."""
    target = safe_next(request.args.get("next")) or url_for("meetings.finder")
    response = redirect(target)
    if code in ("en", "cy"):
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/vendor/leaflet/<path:filename>")
@public
def leaflet(filename: str) -> Any:
    """Leaflet, installed from PyPI (XStatic-Leaflet), served locally: never from a CDN."""
    from xstatic.pkg import leaflet as xleaflet

    return send_from_directory(xleaflet.BASE_DIR, filename, max_age=7 * 24 * 3600)
