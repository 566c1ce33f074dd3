"""python manage.py audit_anchor [--to FILE]: copy every audit chain's head out of the database."""

import os

from django.core.management.base import BaseCommand, CommandError

from audit.chain import canonical, current_anchor


class Command(BaseCommand):
    help = (
        "Append one line (the time, and every audit chain's entry count and last hash) to FILE, or print it. "
        "Keep FILE where a database writer cannot change it (append-only, another host); "
        "`verify_audit --anchor FILE` checks the database against its newest line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="FILE", help="the file to append to (default: standard output)")

    def handle(self, *args, **options):
        anchor = current_anchor()
        line = canonical(anchor)
        if not options["to"]:
            self.stdout.write(line)
            return
        try:
            with open(options["to"], "a", encoding="utf-8") as file:
                file.write(line + "\n")
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            raise CommandError(f"cannot append to {options['to']}: {error.strerror}") from error
        self.stdout.write(
            f"Anchored {len(anchor['heads'])} chain head(s) ({anchor['entries']} entries) in {options['to']}."
        )
