"""Health on the Redis store, with a real redis-server that goes away and comes back: `/health/ready` answers 503
while Redis is unreachable and 200 again after, `/health/live` stays 200 throughout; `--log-format json` writes one
JSON object per line."""
import json
import subprocess

import requests

from conftest import REPO_ROOT, _free_port
from worker_helpers import wait_until


def start_redis(port, directory):
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
               10, "redis-server")
    return proc


def status(url):
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return None


def test_ready_follows_redis_and_logs_are_json(workflow_bin, tmp_path):
    redis_port, port = _free_port(), _free_port()
    redis = start_redis(redis_port, tmp_path)
    log_path = tmp_path / "serve.log"
    serve = subprocess.Popen([str(workflow_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", "redis",
                              "--redis-url", f"redis://127.0.0.1:{redis_port}", "--log-format", "json"],
                             cwd=REPO_ROOT, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: status(f"{root}/health/ready") == 200, 60, "ready")
        redis.terminate()
        redis.wait(timeout=10)
        wait_until(lambda: status(f"{root}/health/ready") == 503, 30, "not ready without Redis")
        body = requests.get(f"{root}/health/ready", timeout=5).json()
        assert body == {"status": "DOWN"}, body
        assert status(f"{root}/health/live") == 200 and status(f"{root}/health") == 200
        redis = start_redis(redis_port, tmp_path)
        wait_until(lambda: status(f"{root}/health/ready") == 200, 30, "ready again with Redis back")
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    assert lines, "no log lines"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in records), records[:3]
    assert any(r["msg"] == "store: redis" and r.get("redis") == f"127.0.0.1:{redis_port}" for r in records), records[:5]
