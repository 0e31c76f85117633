"""A command that fails in the way asked, for the manage tests."""

import logging
import sys

from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger("catalog.commands")


class Command(BaseCommand):
    help = "Fails on purpose: --how error|exit|raise|ok; --lines N prints N long lines first"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--how", default="error")
        parser.add_argument("--code", type=int, default=3)
        parser.add_argument("--lines", type=int, default=0)

    def handle(self, *args, how: str, code: int, lines: int, **options):  # type: ignore[no-untyped-def]
        self.stdout.write("tinyfail starts")
        self.stderr.write("tinyfail warns on stderr")
        logger.info("tinyfail logs through logging")
        print("tinyfail prints")
        for number in range(lines):
            self.stdout.write(f"line {number:06d} " + "x" * 88)
        if how == "error":
            raise CommandError("tinyfail: a command error", returncode=code)
        if how == "exit":
            sys.exit(code)
        if how == "raise":
            raise ValueError("tinyfail: an unexpected exception")
        self.stdout.write(self.style.SUCCESS("tinyfail done"))
