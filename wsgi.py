"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

import gc

from community_hub import create_app

app = create_app()
# Everything built so far (the app, its templates and the gazetteer) lives as long as the
# worker: move it out of the garbage collector's sight, so a full collection during a request
# has only that request's objects to walk. Measured by bench/search.py and bench/http_load.py.
gc.freeze()
