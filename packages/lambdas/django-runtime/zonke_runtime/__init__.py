"""zonke's runtime for Django on AWS Lambda (container image) and ECS.

- ``zonke_runtime.handler``: the Lambda handler (``zonke_runtime.handler.handler``): HTTP events
  (Function URL and HTTP API, payload 2.0) to Django through ``wsgi_adapter``, and the ``warm``
  and ``manage`` events;
- ``zonke_runtime.wsgi``: the same Django as a WSGI application for gunicorn on ECS
  (``zonke_runtime.wsgi:application``);
- ``zonke_runtime.secrets``: Secrets Manager secrets as environment variables, loaded before
  Django is imported, and reloaded when the database refuses a rotated password;
- ``zonke_runtime.db.postgresql``: Django's PostgreSQL backend, reconnecting with the rotated
  password after one refusal.

Importing this package imports nothing else (importing ``handler`` or ``wsgi`` is the init: it
sets Django up); boto3 is imported when a secret is first read.
"""

__version__ = "0.1.0"
