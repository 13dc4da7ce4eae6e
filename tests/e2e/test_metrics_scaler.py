"""`GET /metrics`, `GET /scaler/recommendations` and `workflow scale` against the running server: after real
traffic on a model of the test's own, the counters and gauges carry it, and the scaler asks for more replicas of
the pool whose queue grows."""
import json
import re
import subprocess
import uuid

import requests

from conftest import REPO_ROOT

TIMEOUT = 15


def model(topic):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.com/metrics">
  <bpmn:process id="metrics_{topic.replace('-', '_')}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="{topic}">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="workerPool" value="MEMORY_INTENSIVE"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def metrics(base_url):
    r = requests.get(base_url.replace("/engine-rest", "/metrics"), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
    samples = {}
    for line in r.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_and_scaler_follow_the_traffic(workflow_bin, base_url):
    topic = f"metrics-{uuid.uuid4().hex[:8]}"
    key = f"metrics_{topic.replace('-', '_')}"
    r = requests.post(f"{base_url}/deployment/create", timeout=TIMEOUT,
                      files={"m.bpmn": ("m.bpmn", model(topic), "text/xml")}, data={"deployment-name": topic})
    assert r.status_code == 200, r.text
    for _ in range(5):
        assert requests.post(f"{base_url}/process-definition/key/{key}/start", json={}, timeout=TIMEOUT).status_code == 200
    fetch = {"workerId": "metrics-worker", "maxTasks": 2, "topics": [{"topicName": topic, "lockDuration": 60000}]}
    tasks = requests.post(f"{base_url}/external-task/fetchAndLock", json=fetch, timeout=TIMEOUT).json()
    assert len(tasks) == 2
    assert requests.post(f"{base_url}/external-task/{tasks[0]['id']}/complete", json={"workerId": "metrics-worker"},
                         timeout=TIMEOUT).status_code == 204

    samples = metrics(base_url)
    assert samples[f'workflow_tasks_fetched_total{{topic="{topic}"}}'] == 2
    assert samples[f'workflow_tasks_completed_total{{topic="{topic}"}}'] == 1
    assert samples[f'workflow_task_duration_seconds_count{{topic="{topic}"}}'] == 1
    assert samples[f'workflow_queue_depth{{topic="{topic}",pool="MEMORY_INTENSIVE",priority="NORMAL"}}'] == 3
    assert samples['workflow_pool_queued{pool="MEMORY_INTENSIVE"}'] >= 3
    assert samples['workflow_pool_in_flight{pool="MEMORY_INTENSIVE"}'] >= 1
    assert samples[f'workflow_instances_started_total{{process="{key}"}}'] == 5
    assert samples[f'workflow_instances_ended_total{{process="{key}",state="COMPLETED"}}'] == 1
    assert samples['workflow_slot_pool_capacity{slot_pool="dq_pool"}'] == 8
    assert any(re.match(r'workflow_http_request_duration_seconds_count\{method="POST",route="/engine-rest/external-task/fetchAndLock"', s)
               for s in samples)

    # The scaler of the engine (every 15 s by default) and `workflow scale` (now): MEMORY has 4 tasks of demand,
    # one task per replica by default on 2 cores, and one worker seen.
    out = subprocess.run([str(workflow_bin), "scale", "--url", base_url, "--once", "--scale-pool", "MEMORY=1:0:3"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    decisions = {d["pool"]: d for d in map(json.loads, out.stdout.splitlines())}
    memory = decisions["MEMORY_INTENSIVE"]
    assert memory["currentReplicas"] == 1 and memory["queued"] >= 3 and memory["inFlight"] >= 1
    assert memory["desiredReplicas"] == 3, memory  # capped at its maximum
    r = requests.get(base_url.replace("/engine-rest", "/scaler/recommendations"), timeout=TIMEOUT)
    assert r.status_code == 200 and {d["pool"] for d in r.json()} == {
        "CPU_INTENSIVE", "IO_INTENSIVE", "MEMORY_INTENSIVE", "NETWORK_INTENSIVE", "GENERAL_PURPOSE"}, r.text


def test_scale_rejects_bad_policies(workflow_bin):
    out = subprocess.run([str(workflow_bin), "scale", "--once", "--scale-pool", "IO=0"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 64 and "--scale-pool 'IO=0'" in out.stderr, out.stderr
