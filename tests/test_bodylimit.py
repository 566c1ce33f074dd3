"""Request bodies are bounded while they stream in (civicreview/bodylimit.py), at the ASGI level:
the client's `http.request` messages are counted as the application takes them."""

import json

import pytest

from civicreview.asgi import application, django_asgi_app
from civicreview.bodylimit import BodyLimit

MB = 1024 * 1024
CHUNK = 256 * 1024


class Client:
    """Plays the server's part: hands out the body in chunks, counting those taken, and keeps what is sent."""

    def __init__(self, chunks, more_after_last=False):
        self.chunks = list(chunks)
        self.more_after_last = more_after_last
        self.taken = 0
        self.sent = []

    async def receive(self):
        if self.taken == len(self.chunks):
            return {"type": "http.disconnect"}
        self.taken += 1
        last = self.taken == len(self.chunks)
        return {"type": "http.request", "body": self.chunks[self.taken - 1], "more_body": not last}

    async def send(self, message):
        self.sent.append(message)

    @property
    def status(self):
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        assert len(starts) == 1, f"expected one answer, got {len(starts)}"
        return starts[0]["status"]

    @property
    def json(self):
        return json.loads(b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body"))


def http_scope(path="/api/cases/1/documents/", *, headers=()):
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 1), "server": ("testserver", 80),
    }  # fmt: skip


TOKEN = (b"authorization", b"Token 0123456789abcdef")


def chunks(total_bytes):
    return [b"x" * CHUNK] * (total_bytes // CHUNK)


@pytest.fixture
def one_mb_uploads(settings):
    settings.MAX_UPLOAD_MB = 1
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = CHUNK  # anonymous requests: 256 KiB


async def test_a_chunked_body_over_the_limit_stops_being_read_once_past_it(one_mb_uploads):
    client = Client(chunks(250 * MB))  # no Content-Length: a chunked upload

    await application(http_scope(headers=[TOKEN]), client.receive, client.send)

    assert client.status == 413
    assert client.json == {"detail": "The request is larger than the upload limit of 1 MB."}
    # 1 MB and the 64 KiB allowed for the form around the file: the fifth 256 KiB chunk is past it.
    assert client.taken == 5, f"{client.taken} of {len(client.chunks)} chunks were read"


async def test_the_refusal_closes_the_connection(one_mb_uploads):
    client = Client(chunks(4 * MB))

    await application(http_scope(headers=[TOKEN]), client.receive, client.send)

    assert (b"connection", b"close") in client.sent[0]["headers"]


async def test_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read(one_mb_uploads):
    client = Client(chunks(250 * MB))
    declared = (b"content-length", str(250 * MB).encode())

    await application(http_scope(headers=[TOKEN, declared]), client.receive, client.send)

    assert client.status == 413
    assert client.taken == 0


@pytest.mark.parametrize("size", [2 * CHUNK, 8 * MB])
async def test_a_large_body_without_credentials_is_refused_early(one_mb_uploads, size):
    declared = Client(chunks(size))
    streamed = Client(chunks(size))

    await application(http_scope(headers=[(b"content-length", str(size).encode())]), declared.receive, declared.send)
    await application(http_scope(), streamed.receive, streamed.send)

    assert declared.status == streamed.status == 413
    assert declared.json == {"detail": "Without a login a request may carry at most 0.25 MB; log in first."}
    assert (declared.taken, streamed.taken) == (0, 2)


@pytest.mark.parametrize(
    "credentials",
    [
        [TOKEN],
        [(b"cookie", b"csrftoken=abc; sessionid=0123456789")],
        [(b"cookie", b"sessionid=1"), (b"cookie", b"a=b")],
    ],
    ids=["authorization header", "session cookie", "cookies split over headers"],
)
async def test_a_body_under_the_limit_reaches_the_app_whole(one_mb_uploads, credentials):
    received = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            received.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"taken"})

    client = Client(chunks(MB))

    await BodyLimit(app)(http_scope(headers=credentials), client.receive, client.send)

    assert client.status == 201
    assert sum(map(len, received)) == MB


async def test_a_cookie_without_a_session_is_no_credential(one_mb_uploads):
    client = Client(chunks(MB))

    await application(http_scope(headers=[(b"cookie", b"csrftoken=abc")]), client.receive, client.send)

    assert client.status == 413 and client.taken == 2


async def test_after_the_refusal_the_app_sends_nothing_more(one_mb_uploads):
    async def app(scope, receive, send):
        while (await receive())["type"] == "http.request":
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"late"})

    client = Client(chunks(4 * MB))

    await BodyLimit(app)(http_scope(headers=[TOKEN]), client.receive, client.send)

    assert client.status == 413 and len(client.sent) == 2


async def test_websockets_and_lifespan_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    for kind in ("websocket", "lifespan"):
        await BodyLimit(app)({"type": kind}, None, None)

    assert seen == ["websocket", "lifespan"]


def test_the_served_application_is_bounded():
    assert isinstance(application.application_mapping["http"], BodyLimit)
    assert application.application_mapping["http"].app is django_asgi_app
