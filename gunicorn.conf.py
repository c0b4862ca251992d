"""gunicorn settings for community_hub: `gunicorn -c gunicorn.conf.py wsgi:app`.

The access log leaves out query strings and the Referer: they can hold what a person searched
for, their position ("use my location"), or a token from an invitation or password-reset
link. Each line keeps the client address, time, method, path, status, size and duration.
Every setting can be overridden on the command line or in the environment shown.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
# Only the reverse proxy in front may say who the client is (with TRUSTED_PROXIES=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# %(U)s is the path without its query string; %(r)s, %(q)s and %(f)s would log it.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss'
timeout = 60
graceful_timeout = 20
