"""Public pages for people."""

from flask import Blueprint

bp = Blueprint("people", __name__)
