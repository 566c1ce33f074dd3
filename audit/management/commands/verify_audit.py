"""python manage.py verify_audit [--anchor FILE]: check that every chain of the audit trail is unbroken
(and, with an anchor file, that none lost entries since its newest anchor)."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import BadAnchor, newest_anchor, verify


class Command(BaseCommand):
    help = (
        "Recompute every audit entry's keyed hash and check each links to the one before in its chain; "
        "with --anchor, check every chain still reaches the head the file's newest anchor saw. Exit 1 on tampering."
    )

    def add_arguments(self, parser):
        parser.add_argument("--anchor", metavar="FILE", help="an anchor file written by audit_anchor")

    def handle(self, *args, **options):
        try:
            anchor = newest_anchor(options["anchor"]) if options["anchor"] else None
        except BadAnchor as error:
            raise CommandError(str(error)) from error
        result = verify(anchor=anchor)
        if not result.intact:
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"The audit trail was tampered with ({len(result.problems)} problem(s) shown above).")
        against = f"; every head of the anchor of {anchor['at']} is in place" if anchor else ""
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {result.entries} entries in {result.chains} chains{against}.")
        )
