"""The full-text expressions of PostgreSQL search, written once: the migration indexes exactly
these, and the queries filter on exactly these, so the planner uses the index.

Cases, markups and replies (short text): GIN expression indexes. In a query the columns are
Django expressions, qualified with the table's alias of that query (PostgreSQL compares the
expressions without the qualification).

Sheets (hundreds of words each): the vector is stored, in a generated column `search_vector`
that PostgreSQL keeps up to date, under a GIN index. An expression index would do for finding
them, but ranking and rechecking compute the vector again from the text for every candidate —
~0.8 ms a sheet, 400 ms for 500 candidates (docs/performance.md) — where a stored one is read.
The column is PostgreSQL's alone (the model does not name it; SQLite searches without it).

`left(…, 200000)`: a tsvector holds at most 1 MB; a sheet with more text than that must not make
intake fail, so only its first 200,000 characters are searchable.
"""

from typing import NamedTuple

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Func
from django.db.models.expressions import RawSQL

TEMPLATE = "to_tsvector('%(config)s'::regconfig, left(%(expressions)s, 200000))"
STORED_COLUMN = "search_vector"


class Indexed(NamedTuple):
    name: str
    table: str
    config: str  # the text search configuration: "simple" keeps numbers and names as written
    columns: tuple[str, ...]
    stored: bool = False  # in the generated column STORED_COLUMN, rather than an expression index

    @property
    def sql(self):
        """The expression, as the migration writes it."""
        return TEMPLATE % {"config": self.config, "expressions": " || ' ' || ".join(self.columns)}

    @property
    def indexed_sql(self):
        """What the GIN index holds."""
        return STORED_COLUMN if self.stored else f"({self.sql})"

    def expression(self):
        """The vector in a query: re-aliased with the query (in a subquery too). The stored column
        is named unqualified: in the queries of `search.services` its table is the only one in
        its FROM with a column of that name (visibility is a subquery)."""
        if self.stored:
            return RawSQL(STORED_COLUMN, [], output_field=SearchVectorField())
        return _Vector(*self.columns, config=self.config)


class _Vector(Func):
    template = TEMPLATE
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


CASE = Indexed("search_case_vector", "documents_case", "simple", ("number", "parcel_id", "address", "title"))
SHEET = Indexed("search_page_vector", "documents_page", "english", ("label", "title", "text"), stored=True)
ANNOTATION = Indexed("search_annotation_vector", "reviews_annotation", "english", ("text",))
COMMENT = Indexed("search_comment_vector", "reviews_comment", "english", ("body",))

ALL = (CASE, SHEET, ANNOTATION, COMMENT)
