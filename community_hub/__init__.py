"""community_hub: a public recovery-community directory, volunteer management and referrals."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from community_hub.config import load_config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    load_config(app, test_config)
    from community_hub.templating import LocalisedEnvironment

    app.jinja_environment = LocalisedEnvironment  # fixed sentences translated once per language

    from community_hub import catalogue, chrome, cli, models, postgres, sqlite, urls, web  # noqa: F401 - models: the whole schema
    from community_hub.extensions import (
        babel,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
        select_locale,
    )
    from community_hub.geo import web as geo_web

    db.init_app(app)
    sqlite.init_app(app)  # WAL and a busy timeout, so several processes can write
    postgres.init_app(app)  # prepared statements kept across requests (psycopg)
    # Batch mode lets Alembic alter columns on SQLite (by copying the table).
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    catalogue.init_app(app)  # the catalogue found once per request, not once per sentence
    login_manager.init_app(app)

    from community_hub.accounts.admin_views import bp as admin_bp
    from community_hub.accounts.views import bp as accounts_bp
    from community_hub.areas.views import bp as areas_bp
    from community_hub.areas.views import manage_bp as manage_areas_bp
    from community_hub.auth.views import bp as auth_bp
    from community_hub.core.views import bp as core_bp
    from community_hub.directory import suggest  # noqa: F401 - adds suggestion routes
    from community_hub.directory.views import api as directory_api_bp
    from community_hub.directory.views import bp as directory_bp
    from community_hub.favourites.views import bp as favourites_bp
    from community_hub.interop.hsds_views import bp as hsds_bp
    from community_hub.interop.oruk_views import bp as oruk_bp
    from community_hub.interop.resources_csv import bp as resources_csv_bp
    from community_hub.interop.subscription_views import bp as feeds_bp
    from community_hub.interop.views import bp as interop_bp
    from community_hub.listings.views import bp as listings_bp
    from community_hub.meetings import (
        manage_changes,  # noqa: F401 - adds one-off change routes
        manage_venues,  # noqa: F401 - adds venue routes to manage_bp
    )
    from community_hub.meetings.api import bp as api_bp
    from community_hub.meetings.manage import bp as manage_bp
    from community_hub.meetings.views import bp as meetings_bp
    from community_hub.people.manage import bp as manage_people_bp
    from community_hub.people.views import bp as people_bp
    from community_hub.referrals.views import bp as referrals_bp
    from community_hub.reports.views import bp as reports_bp
    from community_hub.resources.manage import bp as manage_resources_bp
    from community_hub.resources.views import bp as resources_bp
    from community_hub.volunteering.manage import bp as manage_volunteering_bp
    from community_hub.volunteering.views import bp as volunteering_bp
    from community_hub.volunteers.views import bp as volunteers_bp

    for blueprint in (
        core_bp,
        auth_bp,
        accounts_bp,
        admin_bp,
        meetings_bp,
        manage_bp,
        listings_bp,
        api_bp,
        people_bp,
        manage_people_bp,
        resources_bp,
        manage_resources_bp,
        volunteers_bp,
        volunteering_bp,
        manage_volunteering_bp,
        interop_bp,
        feeds_bp,
        hsds_bp,
        oruk_bp,
        resources_csv_bp,
        directory_bp,
        directory_api_bp,
        referrals_bp,
        reports_bp,
        areas_bp,
        manage_areas_bp,
        favourites_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # read-only JSON API: GET only, no cookies needed
    csrf.exempt(oruk_bp)  # the same for Open Referral UK

    web.init_app(app)
    urls.init_app(app)
    chrome.init_app(app)  # the menu, help lines and footer, rendered once per language
    geo_web.init_app(app)
    cli.init_app(app)
    return app
