"""End-to-end fixtures: one `workflow serve` per pytest session, on a free loopback port.

The binary is ${WORKFLOW_BIN:-.build/debug/workflow} (relative paths are taken from the repo root); it is started
with cwd = repo root and `--processes processes`, so every processes/*.bpmn is deployed at start. Its stdout and
stderr go to a log file whose tail is attached to every failing test's report.
"""
import contextlib
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60
LOG_TAIL_BYTES = 20000

_server_log_path = None  # set by the `server` fixture, read by the report hook


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail():
    if _server_log_path is None or not _server_log_path.exists():
        return "(no server log)"
    data = _server_log_path.read_bytes()
    if len(data) > LOG_TAIL_BYTES:
        data = b"...(truncated)...\n" + data[-LOG_TAIL_BYTES:]
    return data.decode("utf-8", errors="replace")


def _workflow_bin():
    b = Path(os.environ.get("WORKFLOW_BIN", ".build/debug/workflow"))
    return b if b.is_absolute() else REPO_ROOT / b


@pytest.fixture(scope="session")
def workflow_bin():
    b = _workflow_bin()
    if not b.exists():
        pytest.fail(f"workflow binary not found at {b}: build it with `swift build` or set WORKFLOW_BIN")
    return b


@contextlib.contextmanager
def running_server(workflow_bin, log_dir, extra_args=()):
    """Starts `workflow serve` on a free loopback port (with `extra_args`), waits for GET /health, yields the
    engine-rest base URL, stops it (SIGTERM, then SIGKILL)."""
    global _server_log_path
    previous_log_path = _server_log_path
    port = _free_port()
    log_path = log_dir / "workflow-serve.log"
    _server_log_path = log_path
    cmd = [str(workflow_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--processes", "processes",
           *extra_args]
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`{' '.join(cmd)}` exited with {proc.returncode} before it was healthy.\n"
                            f"--- server log ---\n{_log_tail()}", pytrace=False)
            try:
                if requests.get(f"{root}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"GET {root}/health did not answer 200 within {STARTUP_TIMEOUT_S}s.\n"
                            f"--- server log ---\n{_log_tail()}", pytrace=False)
            time.sleep(0.2)
        yield f"{root}/engine-rest"
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode} during the tests.\n"
                        f"--- server log ---\n{_log_tail()}", pytrace=False)
    finally:
        if proc.poll() is None:
            proc.terminate()  # SIGTERM
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
        _server_log_path = previous_log_path


@pytest.fixture(scope="session")
def server(workflow_bin, tmp_path_factory):
    """One server shared by the session's tests (each test keeps to its own instances)."""
    with running_server(workflow_bin, tmp_path_factory.mktemp("workflow-server")) as url:
        yield url


@pytest.fixture(scope="module")
def own_server(workflow_bin, tmp_path_factory):
    """A server for one module alone, for tests that may delete anything (the schemathesis contract run)."""
    with running_server(workflow_bin, tmp_path_factory.mktemp("workflow-own-server")) as url:
        yield url


@pytest.fixture
def base_url(server):
    return server


@pytest.fixture
def order_id():
    """A unique value tests put in a process variable, used as fetchAndLock `processVariables` filter so that
    one test never fetches another test's tasks."""
    return f"it-{uuid.uuid4().hex[:12]}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and _server_log_path is not None:
        rep.sections.append(("workflow serve log (tail)", _log_tail()))
