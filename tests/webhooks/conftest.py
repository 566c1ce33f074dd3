"""A local webhook receiver on a thread, and an endpoint registered for it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.workflows.conftest import decide, plans, submit  # noqa: F401  (plans under review, for their events)
from webhooks.models import EVENTS, Endpoint


class Receiver:
    """Records every POST (headers, body); answers with `statuses` in turn, then the last one."""

    def __init__(self):
        self.requests = []
        self.statuses = [200]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def events(self):
        return [json.loads(request["body"])["event"] for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def endpoint(db, receiver):
    return Endpoint.objects.create(name="Permitting", url=receiver.url, events=list(EVENTS), secret="s3cret-shared")
