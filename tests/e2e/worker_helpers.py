"""Helpers for the worker-runtime tests: a Redis-backed `workflow serve`, `workflow worker` processes with activity
logs, ETL batches as CSV files, and reading what the workers recorded."""
import contextlib
import json
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import REPO_ROOT, _free_port

HTTP_TIMEOUT = 30


def answers_ok(url, timeout=2):
    """Whether GET url answers 200 (False while nothing listens or it does not answer in time)."""
    try:
        return requests.get(url, timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def wait_until(predicate, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@contextlib.contextmanager
def redis_server(tmp_path):
    """A throwaway redis-server (no persistence) on a free loopback port."""
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
                   10, "redis-server")
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def redis_engine(workflow_bin, redis_url, tmp_path, extra=()):
    """`workflow serve --store redis` with processes/ deployed; yields the engine-rest URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/engine-rest"
    log = open(tmp_path / "serve.log", "ab")
    proc = subprocess.Popen([str(workflow_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", "redis",
                             "--redis-url", redis_url, "--processes", "processes", *extra],
                            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: answers_ok(url.replace("/engine-rest", "/health/ready")), 60, "workflow serve")
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


class Worker:
    """One `workflow worker` process writing its activity log to `<dir>/<name>.jsonl`."""

    def __init__(self, workflow_bin, name, directory, *, transport, url, redis_url, database, extra=()):
        self.name = name
        self.activity = Path(directory) / f"{name}.jsonl"
        self.log_path = Path(directory) / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(workflow_bin), "worker", "--example", "etl", "--transport", transport, "--url", url,
             "--redis-url", redis_url, "--worker-id", name, "--database", str(database),
             "--activity-log", str(self.activity), *extra],
            cwd=REPO_ROOT, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def events(self):
        if not self.activity.exists():
            return []
        return [json.loads(line) for line in self.activity.read_text().splitlines() if line.strip()]


def write_batches(directory, count, bad_every=10, rows=8):
    """`count` CSV batches; every `bad_every`-th has rows the data-quality check rejects. Returns
    [(batchId, path, expected_records, bad)]."""
    batches = []
    for n in range(count):
        bad = bad_every and n % bad_every == bad_every - 1
        lines = ["id,customer,amount,currency"]
        for r in range(rows):
            if bad and r == 0:
                lines.append(f"{r},,12.00,EUR")  # no customer
            else:
                lines.append(f"{r},Customer {n}-{r},{(n * 7 + r) % 500}.{r % 10}5,{['EUR', 'usd', 'GBP', 'chf'][r % 4]}")
        path = Path(directory) / f"batch-{n:05d}.csv"
        path.write_text("\n".join(lines) + "\n")
        batches.append((f"batch-{n:05d}", str(path), rows, bool(bad)))
    return batches


def start_etl(url, batches):
    session = requests.Session()
    ids = {}
    for batch_id, path, _, _ in batches:
        r = session.post(f"{url}/process-definition/key/etl_pipeline/start", timeout=HTTP_TIMEOUT, json={
            "businessKey": batch_id,
            "variables": {"batchId": {"value": batch_id, "type": "String"}, "source": {"value": path, "type": "String"}},
        })
        assert r.status_code == 200, r.text
        ids[batch_id] = r.json()["id"]
    return ids


def count(url, path, **params):
    r = requests.get(f"{url}{path}", params=params, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()["count"]


def finished_etl(url):
    return count(url, "/history/process-instance/count", processDefinitionKey="etl_pipeline", finished="true")


def max_concurrency(workers, cut_off=None):
    """The most tasks per slot pool running at once across the workers, from their `started`/`handled` events.
    `cut_off` maps a worker's name to the time (ns) it was killed: its handlers still open stopped then."""
    points = []
    for worker in workers:
        open_tasks = {}
        for e in worker.events():
            pool = e.get("slotPool")
            if pool is None:
                continue
            if e["event"] == "started":
                open_tasks[e["task"]] = (e["t"], pool)
                points.append((e["t"], 1, pool))
            elif e["event"] in ("handled", "lockLost") and e["task"] in open_tasks:
                del open_tasks[e["task"]]
                points.append((e["t"], -1, pool))
        for _, (started, pool) in open_tasks.items():
            points.append(((cut_off or {}).get(worker.name, started), -1, pool))
    running, peak = {}, {}
    # At equal times an end counts before a start: a slot freed and taken at the same nanosecond is not an overlap.
    for _, delta, pool in sorted(points, key=lambda p: (p[0], p[1])):
        running[pool] = running.get(pool, 0) + delta
        peak[pool] = max(peak.get(pool, 0), running[pool])
    return peak


def settled_tasks(workers):
    """task id -> how many times an outcome of it was accepted by the engine, over all workers."""
    settled = {}
    for worker in workers:
        for e in worker.events():
            if e["event"] == "settled":
                settled[e["task"]] = settled.get(e["task"], 0) + 1
    return settled
