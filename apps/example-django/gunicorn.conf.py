"""gunicorn's settings for the ECS web command (``gunicorn example_django.wsgi``).

- Binds ``0.0.0.0:$PORT`` (8000) inside the container: the task's security group admits only the
  internal load balancer. ``GUNICORN_BIND`` overrides it (the tests bind 127.0.0.1).
- ``WEB_CONCURRENCY`` sync workers, default 3 (gunicorn's advice is 2 per vCPU + 1; a container's
  CPU count says little about its CPU quota, so it is not guessed). Each serves one request at a
  time, so each holds at most one database connection (see example_django/database.py).
- Access and error logs go to stdout, which ECS sends to CloudWatch Logs.
- The settings are loaded in the master, before any worker forks (``on_starting``): a mistake in
  the environment stops gunicorn once, with its message and exit status 1, instead of every
  worker failing to boot with a traceback (see example_django/startup.py).
- No control socket (gunicorn 25.1+ opens one in ``$HOME/.gunicorn`` by default, for
  ``gunicornc``): nothing in a task uses it, a read-only root filesystem has no room for it, and
  it is one more way in.
- ``forwarded_allow_ips`` stays at gunicorn's default (loopback only), so gunicorn itself never
  trusts X-Forwarded-*; example_django.edge decides that, from the CloudFront mark.
"""

import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
# CloudFront waits at most 60 s for an origin; a worker busy for longer answers nobody.
timeout = 60
graceful_timeout = 25  # ECS stops a task with SIGTERM, then SIGKILL 30 s later
accesslog = "-"
errorlog = "-"
control_socket_disable = True


def on_starting(server: object) -> None:
    from example_django.startup import load_settings

    load_settings()
