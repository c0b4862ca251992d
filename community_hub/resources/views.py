"""Public pages for resources."""

from flask import Blueprint

bp = Blueprint("resources", __name__)
