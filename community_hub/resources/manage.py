"""Coordinators manage their organisation's resources listings."""

from flask import Blueprint

bp = Blueprint("manage_resources", __name__, url_prefix="/manage/resources")
