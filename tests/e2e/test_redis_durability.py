"""Durability on Redis (appendonly yes): `workflow serve --store redis` is killed with SIGKILL in the middle of a
10,000-instance run and started again; a worker that dies holding leases (it never completes them) loses nothing
either, its tasks come back when their leases run out. Every instance completes; no task is completed twice.
"""
import os
import signal
import subprocess
import threading
import time

import pytest
import requests

from conftest import REPO_ROOT, _free_port
from worker_helpers import answers_ok

INSTANCES = int(os.environ.get("DURABILITY_INSTANCES", "10000"))


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def healthy(url):
    return answers_ok(url.replace("/engine-rest", "/health/ready"))


@pytest.fixture
def redis_with_aof(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--appendonly", "yes",
                             "--appendfsync", "everysec", "--save", "", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
               10, "redis-server")
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_engine_killed_mid_run_loses_and_repeats_nothing(workflow_bin, redis_with_aof, tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/engine-rest"
    log = open(tmp_path / "serve.log", "ab")

    def serve():
        proc = subprocess.Popen([str(workflow_bin), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--store", "redis", "--redis-url", redis_with_aof], cwd=REPO_ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: healthy(url), 60, "workflow serve")
        except BaseException:
            proc.kill()  # never leave a server behind
            raise
        return proc

    engine = serve()
    try:
        with open(REPO_ROOT / "bench" / "one-task.bpmn", "rb") as fh:
            assert requests.post(f"{url}/deployment/create", files={"one-task.bpmn": fh}, timeout=30).status_code == 200

        def start_range(first, count):
            session = requests.Session()
            for i in range(first, first + count):
                r = session.post(f"{url}/process-definition/key/one_task/start", json={"businessKey": f"d-{i}"}, timeout=60)
                assert r.status_code == 200, r.text
        starters = [threading.Thread(target=start_range, args=(n * INSTANCES // 4, INSTANCES // 4)) for n in range(4)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()

        # A worker that takes leases and dies: its 50 tasks must come back to the others when the 2 s leases end.
        abandoned = requests.post(f"{url}/external-task/fetchAndLock", timeout=30, json={
            "workerId": "doomed", "maxTasks": 50, "topics": [{"topicName": "bench", "lockDuration": 2000}]}).json()
        assert len(abandoned) == 50

        completed, lock, stop = [], threading.Lock(), threading.Event()

        def worker(name):
            session = requests.Session()
            body = {"workerId": name, "maxTasks": 20, "asyncResponseTimeout": 1000,
                    "topics": [{"topicName": "bench", "lockDuration": 30000}]}
            while not stop.is_set():
                try:
                    tasks = session.post(f"{url}/external-task/fetchAndLock", json=body, timeout=30).json()
                    for task in tasks:
                        r = session.post(f"{url}/external-task/{task['id']}/complete", json={"workerId": name}, timeout=30)
                        if r.status_code == 204:
                            with lock:
                                completed.append(task["id"])
                except (requests.RequestException, ValueError):
                    session = requests.Session()
                    time.sleep(0.1)  # the engine is down: try again until it is back

        workers = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
        for t in workers:
            t.start()
        wait_until(lambda: len(completed) >= INSTANCES // 3, 300, "a third of the tasks")
        engine.send_signal(signal.SIGKILL)
        engine.wait(timeout=10)
        killed_at = len(completed)
        engine = serve()

        def all_done():
            try:
                return requests.get(f"{url}/process-instance/count", timeout=10).json() == {"count": 0}
            except (requests.RequestException, ValueError):
                return False
        wait_until(all_done, 600, "every instance to complete")
        stop.set()
        for t in workers:
            t.join()

        finished = requests.get(f"{url}/history/process-instance/count", timeout=60,
                                params={"processDefinitionKey": "one_task", "finished": "true"}).json()
        assert finished == {"count": INSTANCES}, finished
        assert len(completed) == len(set(completed)), "a task was completed twice"
        # Completions whose answer was lost in the kill were applied once and then answered 404 to the retry.
        assert INSTANCES - 40 <= len(completed) <= INSTANCES
        assert {t["id"] for t in abandoned} <= set(completed), "the dead worker's tasks were completed by others"
        print(f"durability: {INSTANCES} instances, engine killed after {killed_at} completions, "
              f"{len(completed)} completions answered 204, 0 duplicates")
    finally:
        if engine.poll() is None:
            engine.terminate()
            engine.wait(timeout=30)
        log.close()
