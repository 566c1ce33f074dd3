"""`manage.py import_holds FILE`: place and lift holds from a CSV file, all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from holds import services
from holds.csv_import import COLUMNS, read_rows
from holds.models import Hold


class Command(BaseCommand):
    help = (
        f"Place and lift parcel holds from a CSV file with the columns {', '.join(COLUMNS)} "
        "(action: place or lift, default place). Every row is checked; if any is wrong nothing is changed "
        "and each wrong row is named. Rows already imported (the same external_ref) change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            results = services.apply_batch(None, read_rows(text), source=Hold.Source.IMPORT, first_row=2)
        except services.BatchRejected as rejected:
            for row in rejected.errors:
                for field, messages in row["errors"].items():
                    self.stderr.write(f"row {row['row']}: {field}: {' '.join(messages)}")
            raise CommandError(str(rejected)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(services.summary(results))
