"""Serving a stored file with HTTP range requests, so PDF.js fetches only what it draws."""

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
IN_MEMORY = 8 * 1024 * 1024


def ranged_file_response(request, field_file, *, content_type, filename):
    size = field_file.size
    header = request.headers.get("Range", "").strip()
    match = RANGE.match(header) if header else None
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
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


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
