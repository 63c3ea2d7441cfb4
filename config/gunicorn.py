"""gunicorn's settings (`gunicorn --config python:config.gunicorn`, see docker-compose.yml).

Its own logs, the access log included, go through Polku's LOGGING: JSON lines on stdout,
identity codes and secret path segments (a password key, a feed token) redacted,
like every other line. The access line names the path only: a
query string or a referrer could carry a name searched for, which no filter recognises.
"""

import os

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logconfig_dict = settings.LOGGING
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
