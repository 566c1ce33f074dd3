"""Serving a stored file with HTTP range requests, so PDF.js fetches only what it draws."""

import re

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
IN_MEMORY = 8 * 1024 * 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


def ranged_file_response(request, field_file, *, content_type, filename, etag=None):
    """`field_file` whole (200) or the one byte range asked for (206); 404 when there is no file.

    `etag` (without quotes) names this content: given, a range is served only if an
    If-Range header, when sent, still names it, and the whole file otherwise.
    """
    if not field_file:
        raise Http404("No file.")
    filename = CONTROL_CHARACTERS.sub(" ", filename)  # a header value cannot hold a line break
    size = field_file.size
    header = request.headers.get("Range", "").strip()
    match = RANGE.match(header) if header and _if_range_holds(request, etag) else None
    response: HttpResponse | StreamingHttpResponse
    if not match or (not match[1] and not match[2]):
        response = FileResponse(field_file.open("rb"), content_type=content_type, filename=filename)
    else:
        first, last = _byte_range(match, size)
        if first is None:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        body = _read(field_file, first, last)
        if last - first < IN_MEMORY:  # PDF.js asks for small chunks: answer them directly
            body = b"".join(body)
            response = HttpResponse(body, status=206, content_type=content_type)
        else:
            response = StreamingHttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = content_disposition_header(False, filename)  # type: ignore[assignment]
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


def _if_range_holds(request, etag):
    """False when the client's If-Range names other content than ours (its cached part is stale)."""
    if_range = request.headers.get("If-Range")
    return not if_range or (etag is not None and if_range.strip() == f'"{etag}"')


def _byte_range(match, size):
    if not match[1]:  # the last N bytes
        length = int(match[2])
        return (max(0, size - length), size - 1) if length else (None, None)
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    return (first, last) if first <= last else (None, None)


def _read(field_file, first, last):
    with field_file.open("rb") as file:
        file.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = file.read(min(CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
