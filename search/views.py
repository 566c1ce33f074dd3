"""The results page of the header's search box, rendered on the server (no script needed)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from search import services
from search.query import BadQuery

PAGE_SIZE = 20
LABELS = {"case": "Case", "sheet": "Sheet", "annotation": "Markup", "comment": "Reply"}


@login_required
def search_page(request):
    text = request.GET.get("q", "")
    offset = int(request.GET["offset"]) if request.GET.get("offset", "").isdigit() else 0
    context = {"q": text, "hits": [], "error": "", "offset": offset}
    if text.strip():
        try:
            hits, more, complete = services.search_bounded(request.user, text, offset=offset, limit=PAGE_SIZE)
        except BadQuery as error:
            context["error"] = str(error)
        else:
            context.update(
                hits=[(LABELS[hit.type], hit) for hit in hits],
                last=offset + len(hits),
                complete=complete,
                next_offset=offset + PAGE_SIZE if more else None,
                previous_offset=max(0, offset - PAGE_SIZE) if offset else None,
            )
    return render(request, "search/results.html", context, status=400 if context["error"] else 200)
