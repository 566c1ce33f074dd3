"""Search over everything a user may see: cases (number, parcel id, address, title), sheet text,
markup text and replies. What may be seen is the one rule of documents.selectors and
reviews.services.audience; this module only finds words in it.

PostgreSQL: full-text search on the stored vectors of `vectors` (websearch syntax, ranked,
highlighted by ts_headline). Each kind takes at most POOL matching rows from its GIN index, then
keeps those the user may read (the rule asked row by row) and ranks at most CANDIDATES of them,
so a word found on half the sheets costs about what a rare one does, whoever searches. Only when
the user may read too few of a full pool is the search started from their cases instead (see
`_postgres`). SQLite: case-insensitive containment, unranked.
"""

import html
import re
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchQueryField, SearchRank
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast
from django.urls import reverse

from documents.models import Case, DocumentVersion, Page
from documents.selectors import visible_versions
from reviews.models import Annotation, Comment
from reviews.services.audience import readable_annotations, readable_replies
from search import vectors
from search.query import BadQuery, parse

CANDIDATES = 500  # matching rows of one kind ranked per search
POOL = 2000  # matching rows of one kind taken from its index before the visibility rule is asked
FEW_CASES = 2000  # a user seeing at most this many cases is searched from their cases when the pool fails
_FOLLOWED_BY = "<(-|[0-9]+)>"  # a tsquery's phrase operators
MAX_LIMIT = 50
MAX_OFFSET = CANDIDATES - MAX_LIMIT
SNIPPET_CHARS = 160
_START, _STOP = "\ue000", "\ue001"  # ts_headline's marks, replaced by <mark> once the text is escaped
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.S)


@dataclass
class Hit:
    type: str
    case: int
    case_number: str
    version: int | None
    page: int | None
    snippet: str  # HTML: the text escaped, the words found in <mark>
    url: str
    rank: float = 0.0


@dataclass
class Kind:
    name: str
    indexed: vectors.Indexed
    text: str  # the field quoted in the snippet
    scope: str  # the field naming a row's case (a case) or version (the rest): a user with few cases is searched by it


KINDS = {
    "case": Kind("case", vectors.CASE, "title", "pk"),
    "sheet": Kind("sheet", vectors.SHEET, "text", "version"),
    "annotation": Kind("annotation", vectors.ANNOTATION, "text", "version"),
    "comment": Kind("comment", vectors.COMMENT, "body", "annotation__version"),
}
_MODELS: dict[str, Any] = {"case": Case, "sheet": Page, "annotation": Annotation, "comment": Comment}
PRIORITY = {"case": 0, "sheet": 1, "annotation": 1, "comment": 1}  # a case named by its number comes first


def search(user, text, *, offset=0, limit=20):
    """(hits, more): the page of hits from `offset`, best first, and whether more follow."""
    hits, more, _complete = search_bounded(user, text, offset=offset, limit=limit)
    return hits, more


def search_bounded(user, text, *, offset=0, limit=20):
    """`search`, and whether every kind was searched in full: on PostgreSQL a kind whose query
    runs past SEARCH_TIMEOUT_MS (a phrase rechecked on thousands of rows) is left out."""
    query = parse(text)
    if not 0 <= offset <= MAX_OFFSET or not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"offset must be 0 to {MAX_OFFSET} and limit 1 to {MAX_LIMIT}.")
    wanted = offset + limit + 1
    with transaction.atomic():
        found = _fallback
        if connection.vendor == "postgresql":
            found = _postgres
            with connection.cursor() as cursor:
                # to_tsvector's high cost estimate makes PostgreSQL JIT-compile these plans: ~0.9 s
                # of compiling for a query that runs in milliseconds. A pool of a common word is
                # cheapest from its GIN index: a sequential scan reads (and decompresses) every
                # row's vector until it has the pool; the planner, counting on stopping early,
                # prefers it, and a word on 1 row in 20 then reads 40,000 rows.
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(settings.SEARCH_TIMEOUT_MS)])
        ranked, complete = [], True
        cases = _FewCases(user)
        for kind, rows in _visible(user).items():
            try:
                with transaction.atomic():
                    ranked += [(kind, pk, rank) for pk, rank in found(KINDS[kind], rows, query, wanted, cases)]
            except OperationalError:  # the statement timeout
                complete = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
        ranked.sort(key=lambda row: (PRIORITY[row[0]], -row[2]))
        page = ranked[offset : offset + limit]
        return _hits(page, query), len(ranked) > offset + limit, complete


def _visible(user):
    return {
        "case": Case.objects.visible_to(user),
        "sheet": Page.objects.filter(version__in=visible_versions(user).filter(status=DocumentVersion.Status.READY)),
        "annotation": readable_annotations(user),
        "comment": readable_replies(user),
    }


def _tsquery(kind, query):
    return SearchQuery(query.text, search_type="websearch", config=kind.indexed.config)


class _Few(NamedTuple):
    cases: list[int]
    versions: list[int]


class _FewCases:
    """The ids of the cases a user may see, and of their versions, when the cases are few (at
    most FEW_CASES), else None; read once, when first asked, never for staff (every case).
    Given as lists, the search starts from them (an index on the version, not the join's guess)."""

    def __init__(self, user):
        self.user = user
        self.found: _Few | None = None
        self.read = user.is_staff
        # Asked first (before any pool) for a user in no department, an applicant: their cases
        # are likely few, and a pool would likely hold none of them.
        self.first = not user.is_staff and not user.groups.exists()

    def __call__(self):
        if not self.read:
            visible = Case.objects.visible_to(self.user).order_by().values_list("pk", flat=True)
            cases = list(visible[: FEW_CASES + 1])
            if len(cases) <= FEW_CASES:
                versions = DocumentVersion.objects.filter(document__case__in=cases).values_list("pk", flat=True)
                self.found = _Few(cases, list(versions))
            self.read = True
        return self.found


def _postgres(kind, rows, query, wanted, few_cases):
    """(pk, rank) of the best `wanted` of at most CANDIDATES visible matching rows.

    From the index: the first POOL matching rows, visible or not, then the visibility rule asked
    of each (an EXISTS per row, not every case the user sees built as a set): every match when
    the pool is not full, and enough when the user sees a fair share of it. A user who sees
    fewer than `wanted` of a full pool is searched again from their cases' versions when the
    cases are few (FEW_CASES at most), otherwise as one query, PostgreSQL's choice, bounded by
    the statement timeout. A user in no department (an applicant) is searched from their few
    cases' versions straight away."""
    exact = _matches(kind.indexed.expression(), _tsquery(kind, query))
    few = few_cases() if few_cases.first else None
    if few is not None:
        return _ranked(kind, query, _from_few(kind, rows, exact, few), wanted)
    loose = _matches(kind.indexed.expression(), _loose(_tsquery(kind, query))) if _has_phrase(query) else exact
    pool = list(rows.model.objects.filter(loose).order_by().values_list("pk", flat=True)[:POOL])
    found = rows.filter(pk__in=pool)
    candidates = _first(found if loose is exact else found.filter(exact))  # a phrase: its words in order
    if len(pool) == POOL and len(candidates) < wanted:
        few = few_cases()
        candidates = _first(rows.filter(exact)) if few is None else _from_few(kind, rows, exact, few)
    return _ranked(kind, query, candidates, wanted)


def _from_few(kind, rows, exact, few):
    return _first(
        rows.filter(**{f"{kind.scope}__in": few.cases if kind.name == "case" else few.versions}).filter(exact)
    )


def _ranked(kind, query, candidates, wanted):
    """(pk, rank) of the best `wanted` candidates, ranked by ts_rank (each row's stored vector)."""
    ranked = (
        _MODELS[kind.name]
        .objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(kind.indexed.expression(), _tsquery(kind, query)))
        .order_by("-rank", "-pk")
        .values_list("pk", "rank")
    )
    return list(ranked[:wanted]) if candidates else []


def _first(rows):
    return list(rows.order_by().values_list("pk", flat=True)[:CANDIDATES])


def _matches(vector, tsquery):
    return Func(vector, tsquery, arg_joiner=" @@ ", template="(%(expressions)s)", output_field=BooleanField())


def _has_phrase(query):
    """A phrase (or a word websearch_to_tsquery splits into one, "fire-rated") and nothing left
    out: its words without their order then find every row the query does, and more."""
    return not query.excluded and any(not term.isalnum() for term in query.terms)


def _loose(tsquery):
    """`tsquery` with "followed by" made "and": GIN finds those rows exactly, where a phrase
    needs every row holding its words read again (the index keeps no positions): 188,000
    sheets for "fire rated assembly" (docs/performance.md)."""
    as_text = Cast(tsquery, TextField())
    words = Func(as_text, Value(_FOLLOWED_BY), Value("&"), Value("g"), function="regexp_replace")
    return Cast(words, SearchQueryField())


def _fallback(kind, rows, query, wanted, _few_cases):
    for group in query.groups:
        rows = rows.filter(_any_column(kind, group))
    for term in query.excluded:
        rows = rows.exclude(_any_column(kind, [term]))
    return [(pk, 0.0) for pk in rows.order_by("-pk").values_list("pk", flat=True)[:wanted]]


def _any_column(kind, terms):
    condition = Q()
    for column in kind.indexed.columns:
        for term in terms:
            condition |= Q(**{f"{column}__icontains": term})
    return condition


# --- what a hit says -----------------------------------------------------------------------


def _hits(page, query):
    ids = {}
    for kind, pk, _rank in page:
        ids.setdefault(kind, []).append(pk)
    described = {}
    for kind, pks in ids.items():
        described.update({(kind, pk): hit for pk, hit in _DESCRIBE[kind](pks, query).items()})
    hits = []
    for kind, pk, rank in page:
        hit = described[(kind, pk)]
        hit.rank = float(rank)
        hits.append(hit)
    return hits


def _snippets(kind, pks, query):
    """{pk: snippet HTML} of the rows' text around the words found."""
    rows = _MODELS[kind.name].objects.filter(pk__in=pks)
    if connection.vendor != "postgresql":
        return {pk: highlight(text, query.terms) for pk, text in rows.values_list("pk", kind.text)}
    headline = SearchHeadline(
        F(kind.text),
        _tsquery(kind, query),
        config=kind.indexed.config,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    return {pk: _marked(text) for pk, text in rows.annotate(headline=headline).values_list("pk", "headline")}


def _marked(headline):
    return _MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", html.escape(headline, quote=False))


def marked_words(snippet):
    """The words a snippet marks, each once (what the viewer is asked to find)."""
    return list(dict.fromkeys(word.lower() for word in re.findall(r"<mark>(.*?)</mark>", snippet)))


def highlight(text, terms, width=SNIPPET_CHARS):
    """HTML of `text` around the first term found, every term in <mark> (no index needed)."""
    lower = text.lower()
    starts = [lower.find(term) for term in terms if lower.find(term) >= 0]
    start = max(0, min(starts, default=0) - width // 3)
    window = text[start : start + width]
    pattern = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    parts = re.split(f"({pattern})", window, flags=re.I) if pattern else [window]
    out = "".join(
        f"<mark>{html.escape(part, quote=False)}</mark>" if index % 2 else html.escape(part, quote=False)
        for index, part in enumerate(parts)
    )
    return ("… " if start else "") + out + (" …" if start + width < len(text) else "")


def _describe_cases(pks, query):
    found = Case.objects.filter(pk__in=pks)
    return {
        case.pk: Hit(
            "case",
            case.pk,
            case.number,
            None,
            None,
            highlight(" · ".join(filter(None, [case.number, case.title, case.address, case.parcel_id])), query.terms),
            reverse("documents:case-detail", args=[case.pk]),
        )
        for case in found
    }


def _describe_sheets(pks, query):
    snippets = _snippets(KINDS["sheet"], pks, query)
    found = Page.objects.filter(pk__in=pks).select_related("version__document__case").defer("text")
    return {page.pk: _located("sheet", page.version, page.number, snippets[page.pk]) for page in found}


def _describe_annotations(pks, query):
    snippets = _snippets(KINDS["annotation"], pks, query)
    found = Annotation.objects.filter(pk__in=pks).select_related("version__document__case")
    return {markup.pk: _located("annotation", markup.version, markup.page, snippets[markup.pk]) for markup in found}


def _describe_comments(pks, query):
    snippets = _snippets(KINDS["comment"], pks, query)
    found = Comment.objects.filter(pk__in=pks).select_related("annotation__version__document__case")
    return {
        reply.pk: _located("comment", reply.annotation.version, reply.annotation.page, snippets[reply.pk])
        for reply in found
    }


def _located(kind, version, page, snippet):
    case = version.document.case
    url = reverse("documents:viewer", args=[version.pk]) + f"#page={page}"
    words = marked_words(snippet)
    if kind == "sheet" and words:
        url += "&find=" + quote(" ".join(_as_term(html.unescape(word)) for word in words))
    return Hit(kind, case.pk, case.number, version.pk, page, snippet, url)


def _as_term(words):
    return f'"{words}"' if " " in words else words


_DESCRIBE = {
    "case": _describe_cases,
    "sheet": _describe_sheets,
    "annotation": _describe_annotations,
    "comment": _describe_comments,
}
