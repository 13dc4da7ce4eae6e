"""`workflow validate FILE...`: exit 0 on the shipped processes, non-zero with a message on broken XML."""
import subprocess

from conftest import REPO_ROOT


def _validate(workflow_bin, *files):
    return subprocess.run([str(workflow_bin), "validate", *map(str, files)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)


def test_validate_shipped_processes(workflow_bin):
    files = sorted((REPO_ROOT / "processes").glob("*.bpmn")) + [REPO_ROOT / "bench" / "one-task.bpmn"]
    r = _validate(workflow_bin, *files)
    assert r.returncode == 0, f"rc={r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"


def test_validate_rejects_malformed_xml(workflow_bin, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text('<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn='
                      '"http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">\n')
    r = _validate(workflow_bin, broken)
    assert r.returncode != 0, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    assert (r.stdout + r.stderr).strip(), "no parse error printed"


def test_dead_letters_are_listed_and_retried(workflow_bin, base_url):
    """`workflow dead-letters` lists a task failed down to 0 retries; `retry ID` makes it fetchable again."""
    import requests

    started = requests.post(f"{base_url}/process-definition/key/order_fulfilment/start", timeout=15, json={
        "businessKey": "dead-letter-cli", "variables": {"amount": {"value": 10, "type": "Integer"},
                                                        "orderId": {"value": "dl-1", "type": "String"}}})
    assert started.status_code == 200, started.text
    fetch = {"workerId": "cli-test", "maxTasks": 1, "topics": [
        {"topicName": "order.validate", "lockDuration": 60000, "businessKey": "dead-letter-cli"}]}
    task = requests.post(f"{base_url}/external-task/fetchAndLock", json=fetch, timeout=15).json()[0]
    failed = requests.post(f"{base_url}/external-task/{task['id']}/failure", timeout=15,
                           json={"workerId": "cli-test", "errorMessage": "validator down", "retries": 0})
    assert failed.status_code == 204, failed.text

    def cli(*args):
        return subprocess.run([str(workflow_bin), "dead-letters", *args, "--url", base_url], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=60)

    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if line.startswith(task["id"]))
    assert "order.validate" in line and "validator down" in line
    retried = cli("retry", task["id"], "--retries", "2")
    assert retried.returncode == 0, retried.stderr
    assert task["id"] not in cli("list").stdout
    again = requests.post(f"{base_url}/external-task/fetchAndLock", json=fetch, timeout=15).json()
    assert [(t["id"], t["retries"]) for t in again] == [(task["id"], 2)]
    missing = cli("retry", "no-such-task")
    assert missing.returncode == 1 and "RestException" in missing.stderr


def test_serve_refuses_bad_store_options_clearly(workflow_bin):
    """Bad serve options end the command with a message, before anything listens."""
    cases = [
        (["--topic-pool", "orders"], "expected TOPIC=POOL"),
        (["--topic-pool", "orders=GPU"], "expected TOPIC=POOL"),
        (["--store", "postgres"], "--store must be memory or redis"),
        (["--http-threads", "0"], "--http-threads must be between 1 and 256"),
        (["--http-threads", "many"], "--http-threads"),
        (["--store", "redis", "--redis-url", "redis://user:pw@h:1"], "not a Redis URL"),
        (["--store", "redis", "--redis-url", "redis://127.0.0.1:1"], "cannot reach Redis"),
        (["--store", "redis", "--redis-cluster", "127.0.0.1:1"], "cannot read the Redis Cluster's slots"),
    ]
    for args, message in cases:
        r = subprocess.run([str(workflow_bin), "serve", "--port", "0", *args], cwd=REPO_ROOT,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode != 0, f"{args}: {r.stdout}{r.stderr}"
        assert message in r.stderr, f"{args}: {r.stderr}"


def test_serve_allocates_through_jemalloc(workflow_bin, tmp_path):
    """`workflow` links jemalloc ahead of glibc (Allocator.swift): the running server maps libjemalloc, resolves
    `malloc` to it, and logs jemalloc's version at start."""
    from conftest import _free_port
    from worker_helpers import answers_ok, wait_until

    port = _free_port()
    log_path = tmp_path / "serve.log"
    serve = subprocess.Popen([str(workflow_bin), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=REPO_ROOT,
                             stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: answers_ok(f"http://127.0.0.1:{port}/health"), 60, "serve healthy")
        maps = open(f"/proc/{serve.pid}/maps").read()
        assert "libjemalloc.so" in maps, "libjemalloc is not mapped into `workflow serve`"
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    log = log_path.read_text()
    assert "malloc: jemalloc 5." in log, log[:2000]
    # The dynamic linker binds the executable's malloc to jemalloc, not glibc.
    bindings = subprocess.run([str(workflow_bin), "--help"], env={"LD_DEBUG": "bindings", "PATH": "/usr/bin:/bin"},
                              capture_output=True, text=True, timeout=60).stderr
    malloc = [line for line in bindings.splitlines() if "normal symbol `malloc'" in line]
    assert malloc and all("libjemalloc" in line for line in malloc), malloc[:5]
