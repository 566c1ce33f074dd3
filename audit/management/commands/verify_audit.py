"""python manage.py verify_audit: check that the audit trail's hash chain is unbroken."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import verify


class Command(BaseCommand):
    help = "Recompute every audit entry's hash and check each links to the one before; exit 1 on tampering."

    def handle(self, *args, **options):
        result = verify()
        if not result.intact:
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"The audit trail was tampered with ({len(result.problems)} problem(s) shown above).")
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {result.entries} entries; the last hash is {result.last_hash}.")
        )
