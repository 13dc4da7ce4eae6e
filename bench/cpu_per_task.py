#!/usr/bin/env python3
"""CPU time per task of each process in the REST / direct-Redis benchmark with the Swift workers: Redis
(INFO cpu), `workflow serve` and the `workflow worker` processes (/proc/PID/stat), over the task phase only
(from the first worker's start to the last completion; the instances are started before).

Usage: python bench/cpu_per_task.py --redis redis://127.0.0.1:6399 --mode rest|rest-single|redis [--tasks 20000]
(rest-single: over REST with one request per complete, `workflow worker --no-batch-completes`)
Needs the release build (`swift build -c release --product workflow`) and bench/requirements.txt.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rest_bench  # noqa: E402


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redis", default="redis://127.0.0.1:6399")
    ap.add_argument("--mode", choices=["rest", "rest-single", "redis"], default="rest")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--tasks", type=int, default=20000)
    args = ap.parse_args()
    store = redis.Redis.from_url(args.redis)
    store.flushdb()

    def redis_cpu():
        info = store.info("cpu")
        return info["used_cpu_user"] + info["used_cpu_sys"]

    latest, at_start, marks, done = {}, {}, {}, threading.Event()
    # The workflow processes, as the benchmark starts them (pgrep in the loop cost 5 % of the machine).
    processes = {}

    def sample():
        # The last CPU reading of each workflow process (a process that exited keeps its last one).
        while not done.is_set():
            for pid, kind in list(processes.items()):
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    latest[pid] = (kind, seconds)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    popen = subprocess.Popen

    def first_worker_marks(*a, **k):
        command = " ".join(a[0])
        if command.find(" worker ") >= 0 and not marks:
            marks.update(redis=redis_cpu(), at=time.time())
            at_start.update({pid: cpu_seconds(pid) or seconds for pid, (_, seconds) in latest.items()})
        process = popen(*a, **k)
        if " serve " in command or " worker " in command:
            processes[process.pid] = "serve" if " serve " in command else "worker"
            latest.setdefault(process.pid, (processes[process.pid], cpu_seconds(process.pid) or 0))
        return process

    rest_bench.subprocess.Popen = first_worker_marks
    run = argparse.Namespace(redis=args.redis, workers=args.workers, tasks=args.tasks)
    rest_bench.bench_swift_workers(run, "redis" if args.mode == "redis" else "rest", args.mode != "rest-single")
    done.set()
    sampler.join()
    per_task = {
        kind: sum(seconds - at_start.get(pid, 0) for pid, (k, seconds) in latest.items() if k == kind) / args.tasks * 1e6
        for kind in ("serve", "worker")
    }
    redis_us = (redis_cpu() - marks["redis"]) / args.tasks * 1e6
    print(f"cpu per task ({args.mode}): redis={redis_us:.0f}us serve={per_task['serve']:.0f}us "
          f"workers={per_task['worker']:.0f}us total={redis_us + per_task['serve'] + per_task['worker']:.0f}us")


if __name__ == "__main__":
    main()
