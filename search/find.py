"""Find in a plan set: which sheets hold the words, how often, and a line around the first.

The sheets' text was extracted at intake (Page.text), so the server answers from the database
in one indexed read of the version's pages; the viewer then places the highlights on the one
sheet it is drawing from that sheet's PDF.js text content (it has the page loaded anyway).
Matching is literal and case-insensitive, as a reader expects of Ctrl+F: every word or
"quoted phrase" must be on the sheet (OR for either, -word for none).
"""

from search.query import parse
from search.services import highlight


def find_in_version(version, text):
    query = parse(text)
    pages = version.pages.order_by("number").values_list("number", "label", "title", "text")
    hits = []
    for number, label, title, body in pages:
        lower = body.lower()
        if not all(any(term.lower() in lower for term in group) for group in query.groups):
            continue
        if any(term.lower() in lower for term in query.excluded):
            continue
        count = sum(lower.count(term) for term in query.terms)
        hits.append({
            "page": number, "label": label, "title": title, "count": count,
            "snippet": highlight(body, query.terms, width=100),
        })  # fmt: skip
    return {"terms": query.terms, "total": sum(hit["count"] for hit in hits), "pages": hits}
