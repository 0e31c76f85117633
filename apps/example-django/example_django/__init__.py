"""The Django project that zonke's examples deploy: settings, URLs and the WSGI application."""
