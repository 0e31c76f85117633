#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_django.settings")
    from django.core.management import execute_from_command_line

    from example_django.startup import exit_on_settings_error

    # A mistake in the environment prints its message, without a traceback.
    with exit_on_settings_error():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
