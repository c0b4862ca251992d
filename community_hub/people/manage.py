"""Coordinators manage their organisation's people listings."""

from flask import Blueprint

bp = Blueprint("manage_people", __name__, url_prefix="/manage/people")
