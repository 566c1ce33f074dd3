"""The full-text expressions of PostgreSQL search, written once: the migration indexes exactly
these (GIN expression indexes), and the queries filter on exactly these, so the planner matches
the index. Columns are qualified with their table so that a query joining other tables (a
markup's version and case) stays unambiguous; PostgreSQL compares the expressions unqualified.

`left(…, 200000)`: a tsvector holds at most 1 MB; a sheet with more text than that must not make
intake fail, so only its first 200,000 characters are searchable.
"""

from typing import NamedTuple


class Indexed(NamedTuple):
    name: str
    table: str
    config: str  # the text search configuration: "simple" keeps numbers and names as written
    columns: tuple[str, ...]

    @property
    def sql(self):
        text = " || ' ' || ".join(f'"{self.table}"."{column}"' for column in self.columns)
        return f"to_tsvector('{self.config}'::regconfig, left({text}, 200000))"


CASE = Indexed("search_case_vector", "documents_case", "simple", ("number", "parcel_id", "address", "title"))
SHEET = Indexed("search_page_vector", "documents_page", "english", ("label", "title", "text"))
ANNOTATION = Indexed("search_annotation_vector", "reviews_annotation", "english", ("text",))
COMMENT = Indexed("search_comment_vector", "reviews_comment", "english", ("body",))

ALL = (CASE, SHEET, ANNOTATION, COMMENT)
