"""A real uvicorn server stops reading an upload once it is past the limit (civicreview/bodylimit.py):
a 250 MB chunked upload is answered 413 having read little more than MAX_UPLOAD_MB.

What the server process read is measured from outside, by its read_chars (every byte it read from
sockets and files), and what the client got to send by counting; the client sends with a small
socket buffer and looks for the answer between chunks, as a browser does."""

import json
import os
import select
import socket
import subprocess
import sys

import psutil
import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.integration.conftest import ROOT, free_port
from tests.integration.test_realtime_servers import wait_until_healthy

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MB = 1024 * 1024
UPLOAD = 250 * MB
CHUNK = 64 * 1024
ALLOWANCE = 3 * MB  # socket buffers, the server's own read-ahead, its log and database traffic


@pytest.fixture
def server(transactional_db, tmp_path):
    """One uvicorn process serving the app with MAX_UPLOAD_MB=1."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1",
        "MAX_UPLOAD_MB": "1",
    }
    env.pop("REDIS_URL", None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "civicreview.asgi:application", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process)
        yield port, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def chunked_upload(port, headers, total):
    """POST `total` bytes chunked; returns (bytes sent, status, JSON answer) once answered or cut off."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHUNK)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(10)
    head = [
        "POST /api/cases/1/documents/ HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked",
        "Content-Type: multipart/form-data; boundary=x", *headers,
    ]  # fmt: skip
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    frame = f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n"
    sent = 0
    try:
        while sent < total and not select.select([sock], [], [], 0)[0]:
            sock.sendall(frame)
            sent += CHUNK
        answer = read_answer(sock)
    finally:
        sock.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return sent, int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


def read_answer(sock):
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except ConnectionResetError:
        pass  # closed on us with our unread bytes still in its buffer: what was answered is kept
    return answer


@pytest.mark.parametrize("anonymous", [False, True], ids=["with a token", "without credentials"])
def test_a_250_mb_chunked_upload_is_refused_having_read_about_the_limit(server, anonymous):
    port, process = server
    headers = (
        []
        if anonymous
        else [f"Authorization: Token {Token.objects.create(user=User.objects.create_user('planner')).key}"]
    )
    limit = 10 * MB if anonymous else 1 * MB  # DATA_UPLOAD_MAX_MEMORY_SIZE; MAX_UPLOAD_MB
    before = process.io_counters().read_chars

    sent, status, answer = chunked_upload(port, headers, UPLOAD)

    read = process.io_counters().read_chars - before
    assert status == 413, answer
    assert "MB" in answer["detail"]
    assert read <= limit + ALLOWANCE, f"the server read {read / MB:.1f} MB of a {UPLOAD // MB} MB upload"
    assert sent < limit + 4 * ALLOWANCE, f"the client got to send {sent / MB:.1f} MB before the answer"
