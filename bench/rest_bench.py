#!/usr/bin/env python3
"""End to end over REST on the Redis store, beside Celery 5 on the same Redis, with the same number of worker
processes.

workflow: `workflow serve --store redis` (release build) on the Redis at --redis; N worker processes, each a loop
of fetchAndLock (maxTasks 50, long poll) then one complete per task, over keep-alive HTTP (requests). Measures
tasks/s from the first fetch to the last complete, instances/s of the starts, and p50/p99 from a task's fetch
answer to its complete answer.

Celery: N prefork worker processes (`celery worker -c N`) with a no-op task on the same Redis (another db);
the driver queues the tasks first (apply_async in a loop), as the workflow side starts its instances first, then
starts the workers. Both sides measure tasks/s from the first completion to the last, by the times those were
recorded (the engine's history; the Celery task's own stamp), and poll for the end every 50 ms.

With --swift-workers, also `workflow worker` processes (the Swift runtime) over REST and on Redis directly;
--rounds R runs those and Celery R times in alternation and prints the best of each and their ratios (the host's
speed drifts over minutes, so one run of each, minutes apart, compares two different machines).

Usage: python bench/rest_bench.py --redis redis://127.0.0.1:6399 --workers 4 --tasks 20000 [--swift-workers --rounds 3]
"""
import argparse
import json
import multiprocessing as mp
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

import redis
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# The binary measured (another build can be compared in alternation: WORKFLOW_BIN=/path/to/workflow).
BIN = os.environ.get("WORKFLOW_BIN", os.path.join(REPO, ".build/release/workflow"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(url, name, deadline, results):
    session = requests.Session()
    body = {"workerId": name, "maxTasks": 50, "asyncResponseTimeout": 1000,
            "topics": [{"topicName": "bench", "lockDuration": 60000}]}
    done, latencies, idle, first, last = 0, [], 0, None, time.time()
    while time.time() < deadline and idle < 3:
        tasks = session.post(f"{url}/external-task/fetchAndLock", json=body, timeout=60).json()
        fetched = time.perf_counter()
        if not tasks:
            idle += 1
            continue
        idle = 0
        for task in tasks:
            r = session.post(f"{url}/external-task/{task['id']}/complete", json={"workerId": name}, timeout=60)
            assert r.status_code == 204, r.text
            done += 1
            latencies.append(time.perf_counter() - fetched)
            last = time.time()
            first = first or last
    results.put((done, latencies, first or last, last))


def starter(url, count, results):
    session = requests.Session()
    for _ in range(count):
        r = session.post(f"{url}/process-definition/key/one_task/start", json={}, timeout=60)
        assert r.status_code == 200, r.text
    results.put(count)


def start_server(args):
    port = free_port()
    url = f"http://127.0.0.1:{port}/engine-rest"
    server = subprocess.Popen([BIN, "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--store", "redis", "--redis-url", args.redis, "--log-level", "error"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        with open(os.path.join(HERE, "one-task.bpmn"), "rb") as fh:
            assert requests.post(f"{url}/deployment/create", files={"one-task.bpmn": fh}, timeout=30).status_code == 200
    except BaseException:
        server.kill()
        raise
    return server, url


def start_instances(url, args):
    """Starts args.tasks instances of one_task from args.workers processes; returns (started, seconds)."""
    queue = mp.Queue()
    began = time.time()
    starters = [mp.Process(target=starter, args=(url, args.tasks // args.workers, queue)) for _ in range(args.workers)]
    for p in starters:
        p.start()
    started = sum(queue.get() for _ in starters)
    for p in starters:
        p.join()
    return started, time.time() - began


def bench_workflow(args):
    server, url = start_server(args)
    try:
        queue = mp.Queue()
        started, start_seconds = start_instances(url, args)
        began = time.time()
        workers = [mp.Process(target=worker, args=(url, f"w{n}", began + 600, queue)) for n in range(args.workers)]
        for p in workers:
            p.start()
        outcomes = [queue.get() for _ in workers]
        for p in workers:
            p.join()
        done = sum(o[0] for o in outcomes)
        # From the first complete to the last (each worker ends after 3 empty long polls, which is not work).
        first, last = min(o[2] for o in outcomes), max(o[3] for o in outcomes)
        latencies = sorted(l for o in outcomes for l in o[1])
        seconds = max(0.001, last - first)
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[int(len(latencies) * 0.99)] * 1000
        print(f"workflow rest+redis: workers={args.workers} tasks={done} started={started} "
              f"start instances/s={started / start_seconds:.0f} tasks/s={done / seconds:.0f} "
              f"fetch-to-complete p50={p50:.2f}ms p99={p99:.2f}ms")
        assert done == started, f"completed {done} of {started}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def completion_window(store):
    """Seconds from the first instance's end to the last, as the engine recorded them in `hend` (its end times are
    seconds since 2001; only their difference counts)."""
    ends = []
    for partition in range(16):
        for value in store.hvals(f"wf:{{p{partition:02d}}}:hend"):
            end = json.loads(value).get("endTime")
            if end is not None:
                ends.append(float(end))
    return max(ends) - min(ends) if len(ends) > 1 else 0


def bench_swift_workers(args, transport, batch_completes=True):
    """The same run with `workflow worker --example bench` processes (the Swift worker runtime) instead of the
    Python loop: over REST, or with --transport redis straight on the store. Over REST the runtime sends the
    completes that are ready at the same moment in one request (POST /external-task/complete); with
    batch_completes=False, one request per complete, as a Camunda client does. tasks/s from the first completed
    instance to the last, by the end times the engine wrote to the store's history (`hend`), read once all have
    ended; meanwhile the ended instances are counted every 50 ms with HLEN on the store's 16 partitions (asking the
    REST API would load the engine it measures, and polling every 5 ms cost the host 4 to 8 % of a core)."""
    server, url = start_server(args)
    workers = []
    try:
        started, _ = start_instances(url, args)
        store = redis.Redis.from_url(args.redis)

        def finished():
            pipe = store.pipeline(transaction=False)
            for partition in range(16):
                pipe.hlen(f"wf:{{p{partition:02d}}}:hend")
            return sum(pipe.execute())
        for n in range(args.workers):
            workers.append(subprocess.Popen(
                [BIN, "worker", "--example", "bench", "--transport", transport,
                 "--url", url, "--redis-url", args.redis, "--worker-id", f"swift-{n}", "--concurrency", "GENERAL=64",
                 "--long-poll", "1000", "--log-level", "error"] + ([] if batch_completes else ["--no-batch-completes"])
                # Over REST the handlers share NIO's loops with the HTTP client; on Redis directly the Redis client's
                # threads answer, and the loops were slower there than the cooperative pool (BENCHMARKS.md, stop 21).
                + (["--executor", "event-loops"] if transport == "rest" else []),
                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.time() + 600
        done = 0
        while done < started and time.time() < deadline:
            time.sleep(0.05)
            done = finished()
        seconds = max(0.001, completion_window(store))
        label = transport if batch_completes else f"{transport} (one request per complete)"
        print(f"workflow {label} swift workers + redis: workers={args.workers} tasks={done} tasks/s={done / seconds:.0f}")
        assert done == started, f"completed {done} of {started}"
        return done / seconds
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=60)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def bench_celery(args):
    broker = args.redis.rstrip("/") + "/1"
    env = dict(os.environ, CELERY_BENCH_BROKER=broker, PYTHONPATH=os.path.join(HERE, "celery"))
    celery = os.path.join(os.path.dirname(sys.executable), "celery")
    sys.path.insert(0, os.path.join(HERE, "celery"))
    os.environ["CELERY_BENCH_BROKER"] = broker
    import noop_tasks
    r = redis.Redis.from_url(broker)
    run = str(time.time_ns())
    key = f"celery-bench:{run}:done"
    # Queued first, as the workflow side's instances are started first; then the workers drain the queue.
    began = time.time()
    for _ in range(args.tasks):
        noop_tasks.noop.apply_async((run, args.tasks))
    sent = time.time() - began
    workers = subprocess.Popen([celery, "-A", "noop_tasks", "worker", "-c", str(args.workers), "--pool", "prefork",
                                "--loglevel", "ERROR", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                               cwd=os.path.join(HERE, "celery"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Polled every 50 ms as the workflow side is; the first and the last task stamp their times.
        deadline = time.time() + 600
        while int(r.get(key) or 0) < args.tasks and time.time() < deadline:
            time.sleep(0.05)
        done = int(r.get(key) or 0)
        first, last = r.get(f"celery-bench:{run}:first"), r.get(f"celery-bench:{run}:last")
        seconds = max(0.001, float(last) - float(first)) if first and last else 600
        print(f"celery {noop_tasks.celery_version} redis: workers={args.workers} tasks={done} "
              f"send tasks/s={args.tasks / sent:.0f} tasks/s={done / seconds:.0f}")
        return done / seconds
    finally:
        workers.send_signal(signal.SIGTERM)
        workers.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redis", default="redis://127.0.0.1:6399")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--swift-workers", action="store_true", help="also run with the Swift worker runtime (rest and redis)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="with --swift-workers: the Swift runs and Celery this many times in alternation, then the best "
                         "of each (the host's speed drifts over minutes; interference only slows a round down)")
    args = ap.parse_args()
    bench_workflow(args)
    if not args.swift_workers:
        bench_celery(args)
        return
    best = {"rest": 0.0, "rest-single": 0.0, "redis": 0.0, "celery": 0.0}
    ratios = []
    for _ in range(max(1, args.rounds)):
        got = {}
        for kind, transport, batch in (("rest", "rest", True), ("rest-single", "rest", False), ("redis", "redis", True)):
            redis.Redis.from_url(args.redis).flushdb()
            got[kind] = bench_swift_workers(args, transport, batch)
        got["celery"] = bench_celery(args)
        ratios.append(got["rest"] / got["celery"])
        best = {kind: max(best[kind], got[kind]) for kind in best}
    print(f"best of {max(1, args.rounds)} alternating rounds: workflow rest swift workers {best['rest']:.0f} tasks/s, "
          f"rest with one request per complete {best['rest-single']:.0f} tasks/s, "
          f"redis swift workers {best['redis']:.0f} tasks/s, celery {best['celery']:.0f} tasks/s; "
          f"ratio rest/celery {best['rest'] / best['celery']:.2f}x, redis/celery {best['redis'] / best['celery']:.2f}x; "
          f"rest/celery within each round {', '.join(f'{r:.2f}x' for r in ratios)} (median {statistics.median(ratios):.2f}x)")


if __name__ == "__main__":
    main()
