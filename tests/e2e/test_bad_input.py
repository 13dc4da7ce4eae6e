"""Bad input answers with the right status and a JSON {type, message, code} body (camunda-rest.md section 6)."""
import uuid
from pathlib import Path

import requests

from e2e_helpers import HTTP_TIMEOUT, assert_error_body, start_instance

MALFORMED_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Broken"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="broken_process" isExecutable="true">
    <bpmn:startEvent id="start">
  </bpmn:process>
"""


def test_deploy_malformed_xml_is_400(base_url):
    r = requests.post(f"{base_url}/deployment/create",
                      data={"deployment-name": "broken", "deployment-source": "pytest"},
                      files={"data": ("broken.bpmn", MALFORMED_BPMN, "application/octet-stream")},
                      timeout=HTTP_TIMEOUT)
    assert_error_body(r, 400)


def test_deploy_valid_file(base_url):
    with open(Path(__file__).resolve().parents[2] / "bench" / "one-task.bpmn", "rb") as fh:
        content = fh.read()
    r = requests.post(f"{base_url}/deployment/create",
                      data={"deployment-name": "one-task", "deployment-source": "pytest"},
                      files={"data": ("one-task.bpmn", content, "application/octet-stream")},
                      timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    dep = r.json()
    defs = dep["deployedProcessDefinitions"] or {}
    assert any(d["key"] == "one_task" for d in defs.values()), dep


def test_start_unknown_process_key_is_404(base_url):
    r = requests.post(f"{base_url}/process-definition/key/no_such_process_{uuid.uuid4().hex[:8]}/start",
                      json={"variables": {}}, timeout=HTTP_TIMEOUT)
    assert_error_body(r, 404)
    r = requests.get(f"{base_url}/process-definition/key/no_such_process", timeout=HTTP_TIMEOUT)
    assert_error_body(r, 404)


def test_complete_unknown_task_is_404(base_url):
    r = requests.post(f"{base_url}/external-task/{uuid.uuid4()}/complete",
                      json={"workerId": "w", "variables": {}, "localVariables": {}}, timeout=HTTP_TIMEOUT)
    assert_error_body(r, 404)


def test_unknown_process_instance_is_404(base_url):
    r = requests.get(f"{base_url}/process-instance/{uuid.uuid4()}", timeout=HTTP_TIMEOUT)
    assert_error_body(r, 404)


def test_complete_with_wrong_worker_is_400(base_url, order_id):
    inst = start_instance(base_url, "order_fulfilment", {"amount": 10, "orderId": order_id})
    try:
        r = requests.post(f"{base_url}/external-task/fetchAndLock", json={
            "workerId": "owner", "maxTasks": 1, "asyncResponseTimeout": 5000,
            "topics": [{"topicName": "order.validate", "lockDuration": 10000,
                        "processVariables": {"orderId": order_id}}]}, timeout=HTTP_TIMEOUT)
        assert r.status_code == 200, r.text
        tasks = r.json()
        assert len(tasks) == 1 and tasks[0]["processInstanceId"] == inst["id"], tasks
        task_id = tasks[0]["id"]
        r = requests.post(f"{base_url}/external-task/{task_id}/complete",
                          json={"workerId": "intruder", "variables": {}}, timeout=HTTP_TIMEOUT)
        body = assert_error_body(r, 400)
        assert "intruder" in (body["message"] or ""), body
        # the owner still can
        r = requests.post(f"{base_url}/external-task/{task_id}/complete",
                          json={"workerId": "owner", "variables": {}}, timeout=HTTP_TIMEOUT)
        assert r.status_code == 204, r.text
    finally:
        # best effort; DELETE /process-instance is not in every build of the engine yet
        requests.delete(f"{base_url}/process-instance/{inst['id']}", timeout=HTTP_TIMEOUT)


def test_invalid_json_body_is_400(base_url):
    headers = {"Content-Type": "application/json"}
    r = requests.post(f"{base_url}/process-definition/key/order_fulfilment/start",
                      data=b'{"variables": {', headers=headers, timeout=HTTP_TIMEOUT)
    assert_error_body(r, 400)
    r = requests.post(f"{base_url}/external-task/fetchAndLock", data=b"not json at all", headers=headers,
                      timeout=HTTP_TIMEOUT)
    assert_error_body(r, 400)
    r = requests.post(f"{base_url}/external-task/{uuid.uuid4()}/complete", data=b"[1,2", headers=headers,
                      timeout=HTTP_TIMEOUT)
    assert r.status_code in (400, 404), r.text  # Camunda parses the body first: 400
    assert_error_body(r, r.status_code)
