"""The WSGI application: gunicorn's on ECS (``gunicorn example_django.wsgi``), and the one zonke's
Lambda runtime serves. Django is set up here, at import, so a Lambda instance pays for it during
its init (and warmers keep that paid), never on a viewer's first request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_django.settings")

application = get_wsgi_application()
