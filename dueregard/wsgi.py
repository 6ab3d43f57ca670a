"""WSGI entry point (gunicorn dueregard.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueregard.settings")

application = get_wsgi_application()
