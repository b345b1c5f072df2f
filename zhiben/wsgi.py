"""WSGI entry point (waitress in the embedded run, any WSGI server in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiben.settings")
application = get_wsgi_application()
