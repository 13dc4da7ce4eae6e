"""Shared helpers for the end-to-end tests (plain HTTP via requests, and the real Python external-task client).

About camunda-external-task-client-python3 4.5.0 (read from its installed source):
* `ExternalTaskWorker.subscribe()` is `while True: _fetch_and_execute_safe(...)` and that catches *BaseException*
  (so even SystemExit/KeyboardInterrupt raised in a handler is swallowed, followed by `sleepSeconds` of sleep):
  it cannot be stopped from inside. We therefore drive the worker one round at a time with its public
  `fetch_and_execute(topic_names, action, process_variables, variables)`: one fetchAndLock (long poll up to
  asyncResponseTimeout), then the handler, then complete/failure/bpmnError; it raises `NoExternalTaskFound`
  when nothing came back and lets any other error (HTTP status, handler assertion) propagate.
* complete / failure report success only for HTTP **204** (a 200 makes the executor raise
  "Not able to mark complete ..."); bpmnError calls `raise_for_status()` and then also requires 204.
"""
import time

import requests
from camunda.external_task.external_task_worker import ExternalTaskWorker, NoExternalTaskFound

WORKER_CONFIG = {
    "maxTasks": 1,
    "lockDuration": 10000,
    "asyncResponseTimeout": 5000,
    "retries": 3,
    "retryTimeout": 1000,
    "sleepSeconds": 1,
}
HTTP_TIMEOUT = 15


def new_worker(base_url, worker_id="pytest-worker"):
    return ExternalTaskWorker(worker_id=worker_id, base_url=base_url, config=dict(WORKER_CONFIG))


def run_one(worker, topics, handler, process_variables=None, attempts=3):
    """Fetches exactly one task of `topics` (a name or a list) with the real client and runs `handler` on it.
    Returns the ExternalTask that was handled. Fails after `attempts` empty long polls."""
    handled = []

    def action(task):
        handled.append(task)
        return handler(task)

    for _ in range(attempts):
        try:
            worker.fetch_and_execute(topics, action, process_variables=process_variables)
        except NoExternalTaskFound:
            continue
        assert len(handled) == 1, f"expected one task, handled {len(handled)}"
        return handled[0]
    raise AssertionError(f"no external task for topics {topics} (filter {process_variables}) "
                         f"after {attempts} long polls")


def start_instance(base_url, key, variables=None, business_key=None):
    body = {"variables": {k: typed(v) for k, v in (variables or {}).items()}}
    if business_key is not None:
        body["businessKey"] = business_key
    r = requests.post(f"{base_url}/process-definition/key/{key}/start", json=body, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, f"start {key}: {r.status_code} {r.text}"
    inst = r.json()
    assert inst["id"], inst
    assert inst.get("ended") is False, inst
    return inst


def typed(v):
    """A Camunda VariableValueDto for a plain Python value."""
    if isinstance(v, bool):
        return {"value": v, "type": "Boolean"}
    if isinstance(v, int):
        return {"value": v, "type": "Integer" if -2**31 <= v < 2**31 else "Long"}
    if isinstance(v, float):
        return {"value": v, "type": "Double"}
    if v is None:
        return {"value": None, "type": "Null"}
    return {"value": str(v), "type": "String"}


def assert_error_body(r, status):
    """Every error answer is JSON {type, message, code} (camunda-rest.md section 6)."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    body = r.json()
    assert isinstance(body, dict), body
    for key in ("type", "message", "code"):
        assert key in body, f"error body lacks {key!r}: {body}"
    assert isinstance(body["type"], str) and body["type"], body
    return body


def assert_instance_finished(base_url, instance_id, timeout=10.0):
    """GET /process-instance/{id} is 404 (with an error body) and the history says COMPLETED."""
    deadline = time.monotonic() + timeout
    while True:
        r = requests.get(f"{base_url}/process-instance/{instance_id}", timeout=HTTP_TIMEOUT)
        if r.status_code == 404 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert_error_body(r, 404)
    h = requests.get(f"{base_url}/history/process-instance/{instance_id}", timeout=HTTP_TIMEOUT)
    assert h.status_code == 200, f"history: {h.status_code} {h.text}"
    hist = h.json()
    assert hist["id"] == instance_id, hist
    assert hist["state"] == "COMPLETED", hist
    return hist
