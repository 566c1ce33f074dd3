"""Browser tests: Debian's Chromium, driven by Playwright, against a real server.

A session-wide server runs in a subprocess (uvicorn, the ASGI app) on its own
SQLite database and media folder in a temporary directory, with the demo data
loaded. The tests use no Django test database: everything they do goes
through the browser or the server's HTTP API.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
UVICORN = ROOT / ".venv" / "bin" / "uvicorn"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "civicreview"
DEMO_CASE_TITLE = "Riverside Commons mixed-use building"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):  # CI installs Chromium (.ci/run): its absence there is a failure, not a skip
        raise pytest.UsageError(f"Chromium is not installed at {CHROMIUM}; the browser tests cannot run.")
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def _python():
    return str(PYTHON) if PYTHON.exists() else sys.executable


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args, check=True):
    return subprocess.run(
        [_python(), "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True, timeout=600
    )


def _wait_healthy(url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /healthz within {timeout} s:\n{log_path.read_text()[-4000:]}")


class Server:
    """The running server: its base URL, environment and `manage.py` against its database.

    `stop()` and `start()` take it down and bring it back on the same port and database,
    as a restart or a network drop looks to a browser.
    """

    def __init__(self, url, env, folder, port):
        self.url = url
        self.env = env
        self.folder = folder
        self.port = port
        self.process = None
        self.log_path = folder / "server.log"

    def manage(self, *args):
        return _manage(self.env, *args)

    def shell(self, code):
        return self.manage("shell", "-c", code).stdout

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [str(UVICORN) if UVICORN.exists() else shutil.which("uvicorn"), "civicreview.asgi:application",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        _wait_healthy(self.url, self.process, self.log_path)

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("civicreview-server")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        MEDIA_ROOT=str(folder / "media"),
        DJANGO_SETTINGS_MODULE="civicreview.settings",
        DEBUG="false",
        DEMO_PASSWORD=PASSWORD,
        CELERY_EAGER_IN_BACKGROUND="true",  # an upload answers at once; processing follows
        PYTHONUNBUFFERED="1",
    )
    _manage(env, "migrate", "--noinput")
    seeded = _manage({**env, "CELERY_EAGER_IN_BACKGROUND": "false"}, "seed_demo", check=False)
    if seeded.returncode != 0:
        raise RuntimeError(f"seed_demo failed:\n{seeded.stdout}\n{seeded.stderr}")

    port = _free_port()
    server = Server(f"http://127.0.0.1:{port}", env, folder, port)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(server):
    return server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every page reports Content-Security-Policy violations to its console, where Chromium also
# writes its own "Refused to … Content Security Policy" errors, and where PDF.js's worker warns
# when the policy refused its WebAssembly (it then falls back to slower JavaScript decoders).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `Content Security Policy violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
  + ` in ${event.sourceFile}:${event.lineNumber}`));
"""


def watch_csp(context):
    """The CSP violations of every page in `context`, as a list that grows while they happen."""
    violations = []
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on(
        "console",
        lambda message: (
            violations.append(f"{message.type}: {message.text}")
            if "content security policy" in message.text.lower()
            else None
        ),
    )
    return violations


@pytest.fixture
def new_page(browser, base_url):
    """A function that opens a fresh browser context (own cookies) and page, logged in as `username`.

    A test whose pages broke the Content-Security-Policy fails (when its contexts close)."""
    contexts = []
    violations = []

    def open_page(username=None, *, device_scale_factor=1, viewport=None):
        context = browser.new_context(
            base_url=base_url,
            viewport=viewport or {"width": 1440, "height": 900},
            device_scale_factor=device_scale_factor,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        violations.append(watch_csp(context))
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        if username:
            log_in(page, username)
        return page

    yield open_page
    for context in contexts:
        context.close()
    broken = [text for found in violations for text in found]
    assert not broken, "the page broke the Content-Security-Policy:\n" + "\n".join(broken)


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture(scope="session")
def demo_case(server):
    """The demo case, as the planner sees it in the API: {"id", "number", "documents": [...]}."""
    code = (
        "import json; from documents.models import Case; "
        f"case = Case.objects.get(title={DEMO_CASE_TITLE!r}); "
        "print(json.dumps({'id': case.pk, 'number': case.number}))"
    )
    return json.loads(server.shell(code).strip().splitlines()[-1])


@pytest.fixture(scope="session")
def demo_version(server, demo_case):
    """The id of the demo plan set's first version, once it is processed."""
    code = (
        "from documents.models import DocumentVersion; "
        f"v = DocumentVersion.objects.filter(document__case_id={demo_case['id']}).order_by('id').first(); "
        "print(v.pk, v.status, v.page_count)"
    )
    for _ in range(120):
        version_id, status, pages = server.shell(code).split()[-3:]
        if status != "processing":
            break
        time.sleep(1)
    assert status == "ready", f"the demo plan set is {status}"
    return {"id": int(version_id), "page_count": int(pages)}
