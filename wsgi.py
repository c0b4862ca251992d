"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

from community_hub import create_app

app = create_app()
