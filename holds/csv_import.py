"""Reading a CSV file of holds for `manage.py import_holds` (the same rows as the bulk endpoint)."""

import csv
import io

from django.core.exceptions import ValidationError

COLUMNS = ["action", "external_ref", "parcel_id", "kind", "reason"]
REQUIRED = {"external_ref"}


def read_rows(text):
    """The file's rows as dicts of the known columns; ValidationError when the header is wrong.
    Row numbers in errors count the header as row 1, as a spreadsheet shows them."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = REQUIRED - set(header)
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        problems = ([f"missing column(s): {', '.join(sorted(missing))}"] if missing else []) + (
            [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        )
        raise ValidationError(f"The header must name the columns {', '.join(COLUMNS)}; {'; '.join(problems)}.")
    reader.fieldnames = header
    return [{key: (value or "").strip() for key, value in row.items() if key in COLUMNS} for row in reader]
