"""`workflow worker` refuses bad options with exit code 64 and a message naming the option, before it connects."""
import os
import subprocess

import pytest

from conftest import REPO_ROOT

BAD = [
    (["--concurrency", "IO=lots"], "--concurrency"),
    (["--concurrency", "GPU=4"], "--concurrency"),
    (["--pools", "GPU"], "--pools"),
    (["--adaptive-concurrency", "IO=8:4"], "--adaptive-concurrency"),
    (["--adaptive-concurrency", "IO"], "--adaptive-concurrency"),
    (["--example", "payroll"], "--example"),
    (["--transport", "grpc"], "--transport"),
    (["--lock-duration", "0"], "lock duration"),
    (["--health-port", "70000"], "--health-port"),
    (["--transport", "redis", "--redis-url", "http://nowhere"], "--redis-url"),
    (["--log-format", "xml"], "--log-format"),
    (["--executor", "threads"], "--executor"),
]


@pytest.mark.parametrize("args,named", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_options_exit_64_with_a_message(workflow_bin, args, named):
    out = subprocess.run([str(workflow_bin), "worker", "--url", "http://127.0.0.1:9/engine-rest", *args], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 64, (out.returncode, out.stderr)
    assert named in out.stderr, out.stderr


def test_pools_that_leave_no_handler_are_refused(workflow_bin):
    out = subprocess.run([str(workflow_bin), "worker", "--example", "etl", "--pools", "MEMORY_INTENSIVE",
                          "--url", "http://127.0.0.1:9/engine-rest"], cwd=REPO_ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode != 0 and "no handler left" in out.stderr, out.stderr


def test_a_bad_executor_in_the_environment_exits_64(workflow_bin):
    out = subprocess.run([str(workflow_bin), "worker", "--url", "http://127.0.0.1:9/engine-rest"], cwd=REPO_ROOT,
                         env={**os.environ, "WORKFLOW_WORKER_EXECUTOR": "threads"}, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 64, (out.returncode, out.stderr)
    assert "WORKFLOW_WORKER_EXECUTOR" in out.stderr and "'threads'" in out.stderr, out.stderr
