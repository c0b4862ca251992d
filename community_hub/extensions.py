"""Flask extensions, created unbound and initialised in create_app()."""

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so Alembic migrations are stable on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: Flask-SQLAlchemy's db.Model at run time, its typed base for mypy.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()


@cache
def available_locales() -> list[str]:
    """English plus every language with a compiled catalogue in community_hub/translations."""
    root = Path(__file__).parent / "translations"
    return ["en", *sorted(p.parent.parent.name for p in root.glob("*/LC_MESSAGES/messages.mo"))]


def select_locale() -> str:
    """The visitor's chosen language (a preference cookie), else their browser's, else English.

    Only languages we have translations for are chosen, so a page never claims to be Welsh
    while showing English text. Outside a request (CLI, seed, background work) it is English.
    """
    if not has_request_context():
        return "en"
    locales = list(available_locales())
    chosen = request.cookies.get("lang")
    if chosen in locales:
        return chosen
    return request.accept_languages.best_match(locales) or "en"
