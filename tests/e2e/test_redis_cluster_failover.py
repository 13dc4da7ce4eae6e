"""`workflow serve --store redis --redis-cluster` on the real 6-node Redis Cluster that scripts/test.sh starts
(REDIS_CLUSTER, REDIS_CLUSTER_DIR), with a master killed (SIGKILL) in the middle of the work: its replica is
promoted, the engine follows the new slot map and goes on. Every instance completes; no task is completed twice.
A request whose Redis reply was lost with the master fails (the engine never sends a changing script twice); the
worker sends it again, as Camunda workers do.

It runs last (the file name sorts after the others, and nothing else uses the cluster) because it kills a node.
"""
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import REPO_ROOT, running_server

NODES = os.environ.get("REDIS_CLUSTER", "")
CLUSTER_DIR = os.environ.get("REDIS_CLUSTER_DIR", "")
INSTANCES = 300
pytestmark = pytest.mark.skipif(not NODES and not os.environ.get("CI"),
                                reason="needs REDIS_CLUSTER (scripts/test.sh starts a cluster)")


def masters():
    port = NODES.split(",")[0].split(":")[1]
    out = subprocess.run(["redis-cli", "-p", port, "cluster", "nodes"], capture_output=True, text=True, check=True).stdout
    return [line.split()[1].split("@")[0] for line in out.splitlines() if " master " in f" {line} " and "fail" not in line]


def test_engine_rides_out_a_master_failover(workflow_bin, tmp_path):
    assert NODES and CLUSTER_DIR, "CI must provide the cluster"
    args = ["--store", "redis", "--redis-cluster", NODES]
    with running_server(workflow_bin, tmp_path, extra_args=args) as url:
        with open(REPO_ROOT / "bench" / "one-task.bpmn", "rb") as fh:
            deployed = requests.post(f"{url}/deployment/create", files={"one-task.bpmn": fh},
                                     data={"deployment-name": "failover"}, timeout=30)
        assert deployed.status_code == 200, deployed.text
        ids = []
        for i in range(INSTANCES):
            started = requests.post(f"{url}/process-definition/key/one_task/start", timeout=60,
                                    json={"businessKey": f"failover-{i}"})
            assert started.status_code == 200, started.text
            ids.append(started.json()["id"])

        completed, errors, lock = [], [], threading.Lock()

        def worker(name):
            body = {"workerId": name, "maxTasks": 5, "topics": [{"topicName": "bench", "lockDuration": 5000}]}
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with lock:
                    if len(completed) >= INSTANCES:
                        return
                try:
                    tasks = requests.post(f"{url}/external-task/fetchAndLock", json=body, timeout=60).json()
                except (requests.RequestException, ValueError) as error:
                    errors.append(str(error))
                    time.sleep(0.2)
                    continue
                if not isinstance(tasks, list):
                    errors.append(str(tasks))
                    time.sleep(0.2)
                    continue
                for task in tasks:
                    # A complete whose answer was lost in the failover is sent again; a 404 then means the first
                    # one went through (the engine does not resend a script whose reply it lost).
                    for attempt in range(20):
                        try:
                            r = requests.post(f"{url}/external-task/{task['id']}/complete", json={"workerId": name},
                                              timeout=60)
                        except requests.RequestException as error:
                            errors.append(str(error))
                            time.sleep(0.2)
                            continue
                        if r.status_code == 204 or (r.status_code == 404 and attempt > 0):
                            with lock:
                                completed.append(task["id"])
                            break
                        errors.append(f"{r.status_code} {r.text}")
                        time.sleep(0.2)

        workers = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
        for w in workers:
            w.start()
        while True:
            with lock:
                if len(completed) >= INSTANCES // 3:
                    break
            time.sleep(0.05)
        victim = masters()[0]
        pid = int(Path(CLUSTER_DIR, victim.split(":")[1], "redis.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        killed_at = len(completed)
        for w in workers:
            w.join()

        assert len(completed) == INSTANCES, f"completed {len(completed)} of {INSTANCES}; errors: {errors[:5]}"
        assert len(set(completed)) == INSTANCES, "a task was completed twice"
        assert killed_at < INSTANCES, "the master died while work was left"
        assert victim not in masters(), "the killed master's replica was promoted"
        for instance in ids[::25]:
            history = requests.get(f"{url}/history/process-instance/{instance}", timeout=30).json()
            assert history["state"] == "COMPLETED", history
        running = requests.get(f"{url}/process-instance/count", timeout=30).json()
        assert running == {"count": 0}
        print(f"failover: killed {victim} after {killed_at} of {INSTANCES} completions; "
              f"{len(errors)} requests failed during the failover and were retried by the workers")
