"""The full-text vectors of PostgreSQL search, written once: the migration stores and indexes
exactly these, and the queries filter on them, so the planner uses the index.

Each kind's vector is stored, in a generated column `search_vector` that PostgreSQL keeps up to
date, under a GIN index. Expression indexes (the first design) found the rows as fast, but
everything else computes the vector again from the text, row by row: ranking each candidate,
rechecking phrases, and the plans PostgreSQL prefers for a LIMIT (it prices to_tsvector far
below its real cost, ~0.8 ms for a 250-word sheet, and scans in id order filtering on it). On
200,000 sheets, markups and replies that made a search take 0.6–1.4 s (docs/performance.md).
The columns are PostgreSQL's alone (the models do not name them; SQLite searches without them).

`left(…, 200000)`: a tsvector holds at most 1 MB; a sheet with more text than that must not make
intake fail, so only its first 200,000 characters are searchable.
"""

from typing import NamedTuple

from django.contrib.postgres.search import SearchVectorField
from django.db.models.expressions import RawSQL

TEMPLATE = "to_tsvector('%(config)s'::regconfig, left(%(expressions)s, 200000))"
STORED_COLUMN = "search_vector"


class Indexed(NamedTuple):
    name: str  # of the GIN index on the table's STORED_COLUMN
    table: str
    config: str  # the text search configuration: "simple" keeps numbers and names as written
    columns: tuple[str, ...]

    @property
    def sql(self):
        """The generated column's expression."""
        return TEMPLATE % {"config": self.config, "expressions": " || ' ' || ".join(self.columns)}

    def expression(self):
        """The stored vector in a query, qualified by the table's name: the queries of
        `search.services` that use it are never nested (Django would rename the table)."""
        return RawSQL(f'"{self.table}"."{STORED_COLUMN}"', [], output_field=SearchVectorField())


CASE = Indexed("search_case_vector", "documents_case", "simple", ("number", "parcel_id", "address", "title"))
SHEET = Indexed("search_page_vector", "documents_page", "english", ("label", "title", "text"))
ANNOTATION = Indexed("search_annotation_vector", "reviews_annotation", "english", ("text",))
COMMENT = Indexed("search_comment_vector", "reviews_comment", "english", ("body",))

ALL = (CASE, SHEET, ANNOTATION, COMMENT)
