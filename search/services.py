"""Search over everything a user may see: cases (number, parcel id, address, title), sheet text,
markup text and replies. What may be seen is the one rule of documents.selectors and
reviews.services.audience; this module only finds words in it.

PostgreSQL: full-text search on the expression indexes of `vectors` (websearch syntax, ranked,
highlighted by ts_headline). Each kind takes at most CANDIDATES matching rows from its index
before ranking them, so a word found on half the sheets costs the same as a rare one. SQLite:
case-insensitive containment, unranked.
"""

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse

from documents.models import Case, DocumentVersion, Page
from documents.selectors import visible_versions
from reviews.models import Annotation, Comment
from reviews.services.audience import readable_annotations, readable_replies
from search import vectors
from search.query import BadQuery, parse

CANDIDATES = 500  # matching rows of one kind ranked per search
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


KINDS = {
    "case": Kind("case", vectors.CASE, "title"),
    "sheet": Kind("sheet", vectors.SHEET, "text"),
    "annotation": Kind("annotation", vectors.ANNOTATION, "text"),
    "comment": Kind("comment", vectors.COMMENT, "body"),
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
                # of compiling for a query that runs in milliseconds.
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(settings.SEARCH_TIMEOUT_MS)])
        ranked, complete = [], True
        for kind, rows in _visible(user).items():
            try:
                with transaction.atomic():
                    ranked += [(kind, pk, rank) for pk, rank in found(KINDS[kind], rows, query, wanted)]
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


def _postgres(kind, rows, query, wanted):
    """(pk, rank) of the best `wanted` among the first CANDIDATES visible rows the index finds.
    Two plain queries, not one nested: the visibility conditions then apply to the rows the GIN
    index found, rather than PostgreSQL building every visible row's id to compare them with."""
    tsquery = _tsquery(kind, query)
    vector = kind.indexed.expression()
    candidates = list(
        rows.alias(vector=vector).filter(vector=tsquery).order_by().values_list("pk", flat=True)[:CANDIDATES]
    )
    ranked = (
        rows.model.objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(vector, tsquery))
        .order_by("-rank", "-pk")
        .values_list("pk", "rank")
    )
    return list(ranked[:wanted]) if candidates else []


def _fallback(kind, rows, query, wanted):
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
