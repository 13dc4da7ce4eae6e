"""The Swift worker runtime (`workflow worker`) with the reference ETL workers, on the Redis store, as separate
processes: a 1,000-instance run with three workers (one on direct Redis, two over REST, one of those with its
handlers on NIO's event loops) of which one is killed with SIGKILL; a SIGTERM drain under load, with either executor;
and a circuit breaker that opens, probes and closes.
"""
import os
import signal
import sqlite3
import time

import pytest
import requests

from worker_helpers import (HTTP_TIMEOUT, Worker, count, finished_etl, max_concurrency, redis_engine, redis_server,
                            settled_tasks, start_etl, wait_until, write_batches)

INSTANCES = int(os.environ.get("WORKER_KILL_INSTANCES", "1000"))


@pytest.fixture
def stack(workflow_bin, tmp_path):
    with redis_server(tmp_path) as redis_url, redis_engine(workflow_bin, redis_url, tmp_path) as url:
        yield redis_url, url


def worker(workflow_bin, tmp_path, stack, name, transport="rest", extra=()):
    redis_url, url = stack
    return Worker(workflow_bin, name, tmp_path, transport=transport, url=url, redis_url=redis_url,
                  database=tmp_path / "etl.sqlite", extra=("--log-level", "warning", *extra))


def assert_every_batch_processed(url, database, batches):
    bad = sum(1 for b in batches if b[3])
    assert count(url, "/process-instance/count") == 0
    assert count(url, "/history/activity-instance/count", activityId="EndEvent_BatchLoaded", finished="true") == len(batches) - bad
    assert count(url, "/history/activity-instance/count", activityId="EndEvent_BatchQuarantined", finished="true") == bad
    # Each service task ran to completion exactly once per instance: four steps, plus the quarantine of bad batches.
    assert count(url, "/history/activity-instance/count", activityType="serviceTask", finished="true") == 4 * len(batches) + bad
    assert count(url, "/incident/count") == 0
    db = sqlite3.connect(database)
    loaded = dict(db.execute("SELECT batch_id, count(*) FROM etl_records GROUP BY batch_id").fetchall())
    quarantined = dict(db.execute("SELECT batch_id, count(*) FROM etl_quarantine GROUP BY batch_id").fetchall())
    for batch_id, _, rows, is_bad in batches:
        assert (quarantined if is_bad else loaded).get(batch_id) == rows, batch_id
        assert batch_id not in (loaded if is_bad else quarantined), batch_id


def test_thousand_instances_three_workers_one_killed(workflow_bin, tmp_path, stack):
    _, url = stack
    batches = write_batches(tmp_path, INSTANCES)
    began = time.monotonic()
    start_etl(url, batches)
    # Short locks so the killed worker's tasks come back soon; concurrency above the slot pools' sizes, so that
    # the pools are what limits (3 workers x 16 IO + 2 CPU + 4 general handlers, against 24 and 8 slots).
    # Handlers take 20 ms more than their work, so that many run at once and the slots run out.
    common = ("--lock-duration", "3000", "--long-poll", "2000", "--concurrency", "IO=16,CPU=2,GENERAL=4",
              "--simulate-latency-ms", "20")
    workers = [worker(workflow_bin, tmp_path, stack, "w-redis", "redis", common),
               worker(workflow_bin, tmp_path, stack, "w-rest-1", "rest", common),
               worker(workflow_bin, tmp_path, stack, "w-rest-2", "rest", (*common, "--executor", "event-loops"))]
    try:
        wait_until(lambda: finished_etl(url) >= INSTANCES // 3, 120, "a third of the instances")
        killed = workers[0]
        killed.proc.send_signal(signal.SIGKILL)
        killed_at = time.time_ns()
        killed.proc.wait(timeout=10)
        done_at_kill = finished_etl(url)
        wait_until(lambda: finished_etl(url) == INSTANCES, 240, f"all {INSTANCES} instances")
        elapsed = time.monotonic() - began
    finally:
        for w in workers:
            w.stop()

    assert_every_batch_processed(url, tmp_path / "etl.sqlite", batches)
    settled = settled_tasks(workers)
    duplicates = {task: n for task, n in settled.items() if n > 1}
    assert not duplicates, duplicates
    killed_tasks = {e["task"] for e in killed.events() if e["event"] == "started"} - \
        {e["task"] for e in killed.events() if e["event"] == "settled"}
    # Every task's outcome is on record once, except a report the killed worker got accepted but died before
    # logging (the history above proves each task completed exactly once in the engine).
    expected = 4 * INSTANCES + sum(1 for b in batches if b[3])
    assert expected - len(killed_tasks) <= len(settled) <= expected
    peak = max_concurrency(workers, cut_off={killed.name: killed_at})
    assert peak.get("etl_pool", 0) <= 24, peak
    assert peak.get("dq_pool", 0) <= 8, peak
    # The pools were really exercised: the workers could run more than the slots allow.
    assert peak.get("etl_pool", 0) >= 18, peak
    assert peak.get("dq_pool", 0) >= 6, peak
    print(f"\nworker kill run: instances={INSTANCES} seconds={elapsed:.1f} finished_at_kill={done_at_kill} "
          f"in_flight_at_kill={len(killed_tasks)} peak={peak} settled={len(settled)} duplicates=0 lost=0 "
          f"per_worker={ {w.name: sum(1 for e in w.events() if e['event'] == 'settled') for w in workers} }")


@pytest.mark.parametrize("executor", ["pool", "event-loops"])
def test_sigterm_drains_within_the_grace_period(workflow_bin, tmp_path, stack, executor):
    _, url = stack
    batches = write_batches(tmp_path, 120)
    start_etl(url, batches)
    # Slow handlers (300 ms), so the drain has work in flight; a long lock, so nothing finishes by lock expiry.
    draining = worker(workflow_bin, tmp_path, stack, "w-drain", "rest",
                      ("--simulate-latency-ms", "300", "--lock-duration", "60000", "--long-poll", "1000",
                       "--grace-period", "10", "--executor", executor))
    try:
        wait_until(lambda: sum(1 for e in draining.events() if e["event"] == "settled") >= 40, 60, "40 tasks done")
        signalled_ns = time.time_ns()
        draining.proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        code = draining.proc.wait(timeout=15)
        exit_seconds = time.monotonic() - signalled
    finally:
        draining.stop()
    assert code == 0, draining.log_path.read_text()[-3000:]
    assert exit_seconds < 10, exit_seconds
    events = draining.events()
    started = {e["task"] for e in events if e["event"] == "started"}
    done = {e["task"] for e in events if e["event"] == "settled"}
    assert started == done, "every handler that started finished and was reported before the exit"
    # Handlers were running when the signal came, and finished after it: the drain waited for them.
    started_at = {e["task"]: e["t"] for e in events if e["event"] == "started"}
    in_flight = [e["task"] for e in events if e["event"] == "handled" and e["t"] > signalled_ns
                 and started_at[e["task"]] < signalled_ns]
    assert in_flight, "no handler was running at SIGTERM"
    assert not [e for e in events if e["event"] == "started" and e["t"] > signalled_ns], "fetched after SIGTERM"

    # What the drained worker did not take is all still there: a second worker finishes it, nothing twice.
    rest = worker(workflow_bin, tmp_path, stack, "w-after", "redis", ("--long-poll", "1000"))
    try:
        wait_until(lambda: finished_etl(url) == len(batches), 120, "every instance")
    finally:
        rest.stop()
    assert_every_batch_processed(url, tmp_path / "etl.sqlite", batches)
    settled = settled_tasks([draining, rest])
    assert all(n == 1 for n in settled.values())
    print(f"\nsigterm drain: exit_seconds={exit_seconds:.2f} in_flight_at_signal={len(in_flight)} "
          f"done_by_drained={len(done)} done_after={len(settled) - len(done)}")


def test_grace_period_over_unlocks_running_tasks(workflow_bin, tmp_path, stack):
    _, url = stack
    batches = write_batches(tmp_path, 10, bad_every=0)
    start_etl(url, batches)
    # Handlers take 20 s, the grace period 1 s, locks 120 s: the running tasks must be unlocked, not left locked.
    slow = worker(workflow_bin, tmp_path, stack, "w-slow", "rest",
                  ("--simulate-latency-ms", "20000", "--lock-duration", "120000", "--grace-period", "1",
                   "--long-poll", "1000", "--concurrency", "IO=4"))
    try:
        wait_until(lambda: sum(1 for e in slow.events() if e["event"] == "started") >= 4, 30, "4 handlers running")
        slow.proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        code = slow.proc.wait(timeout=10)
        exit_seconds = time.monotonic() - signalled
    finally:
        slow.stop()
    assert code == 0
    assert exit_seconds < 5, exit_seconds
    unlocked = {e["task"] for e in slow.events() if e["event"] == "unlocked"}
    assert len(unlocked) >= 4
    # Fetchable again at once, long before the 120 s locks would have run out.
    r = requests.post(f"{url}/external-task/fetchAndLock", timeout=HTTP_TIMEOUT, json={
        "workerId": "check", "maxTasks": 100, "topics": [{"topicName": "etl.extract", "lockDuration": 1000}]})
    assert r.status_code == 200 and {t["id"] for t in r.json()} >= unlocked, r.text


def test_circuit_breaker_opens_probes_and_closes(workflow_bin, tmp_path, stack):
    _, url = stack
    batches = write_batches(tmp_path, 6, bad_every=0)
    missing = [(b[0], b[1] + ".later", b[2], b[3]) for b in batches]  # extract fails: the file is not there yet
    start_etl(url, missing)
    breaker = worker(workflow_bin, tmp_path, stack, "w-breaker", "rest",
                     ("--breaker-failures", "3", "--breaker-open-seconds", "2", "--retries", "20",
                      "--retry-base-ms", "50", "--long-poll", "500", "--concurrency", "IO=1"))
    try:
        def extract_runs():
            return [e for e in breaker.events() if e["event"] == "started" and e["topic"] == "etl.extract"]
        # Three failures open the circuit; the probe after 2 s fails too and opens it again.
        wait_until(lambda: len(extract_runs()) >= 5, 30, "two probes")
        for _, path, _, _ in missing:
            os.rename(path[:-len(".later")], path)
        wait_until(lambda: finished_etl(url) == len(batches), 60, "every instance after the source appeared")
    finally:
        breaker.stop()
    runs = [e["t"] / 1e9 for e in breaker.events() if e["event"] == "started" and e["topic"] == "etl.extract"]
    outcomes = [e["outcome"] for e in breaker.events() if e["event"] == "handled" and e["topic"] == "etl.extract"]
    assert outcomes[:4] == ["failure"] * 4, outcomes
    assert runs[2] - runs[0] < 1.5, runs  # failures back to back while closed
    assert runs[3] - runs[2] >= 1.9, runs  # open: no fetch for the open duration, then one probe
    assert runs[4] - runs[3] >= 1.9, runs  # the probe failed: open again
    assert "complete" in outcomes
    first_success = outcomes.index("complete")
    assert outcomes[first_success:] == ["complete"] * (len(outcomes) - first_success), outcomes
    assert count(url, "/incident/count") == 0
