"""The OpenAPI document at /engine-rest/openapi.json: valid OpenAPI 3, and the live server keeps it.

schemathesis generates requests from the document (coverage, fuzzing and stateful phases) against the running
server (a server of its own: the run deletes things), with ids of real deployments, definitions, instances, tasks and variables mixed into the path parameters.
The checks are: no 5xx, every status code documented, content types, response bodies and headers as documented.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import requests
from openapi_spec_validator import validate

HERE = Path(__file__).resolve().parent
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance")


def test_document_is_valid_openapi(server):
    response = requests.get(f"{server}/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    validate(document)  # raises on any violation of the OpenAPI 3.0 schema
    operations = sum(len(methods) for methods in document["paths"].values())
    assert operations >= 70, "the document lists every implemented operation"
    for path in ["/external-task/fetchAndLock", "/process-instance/{id}/variables/{varName}/data",
                 "/history/variable-instance", "/external-task/retries", "/message"]:
        assert path in document["paths"], path


def seed(server):
    """Real resources for the run: ids by path-parameter name."""
    definition = requests.get(f"{server}/process-definition/key/order_fulfilment", timeout=10).json()
    instances = []
    for n in range(3):
        body = {"businessKey": f"contract-{n}", "variables": {"amount": {"value": 120 + n, "type": "Integer"},
                                                              "raw": {"value": "AQID", "type": "Bytes"}}}
        started = requests.post(f"{server}/process-definition/key/order_fulfilment/start", json=body, timeout=10)
        assert started.status_code == 200, started.text
        instances.append(started.json()["id"])
    locked = requests.post(f"{server}/external-task/fetchAndLock", timeout=10, json={
        "workerId": "contract", "maxTasks": 2, "topics": [{"topicName": "order.validate", "lockDuration": 600000}]})
    tasks = [task["id"] for task in locked.json()]
    tasks += [task["id"] for task in requests.get(f"{server}/external-task", timeout=10).json()]
    deployments = [deployment["id"] for deployment in requests.get(f"{server}/deployment", timeout=10).json()]
    variables = [v["id"] for v in requests.get(f"{server}/history/variable-instance", timeout=10).json()]
    return {
        "id": sorted(set(instances + tasks + deployments + variables + [definition["id"]])),
        "key": ["order_fulfilment", "etl_pipeline", "invoice_reminder"],
        "varName": ["amount", "raw"],
        "resourceId": ["order-fulfilment.bpmn"],
    }


def test_live_server_keeps_the_document(own_server):
    server = own_server
    env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks", WORKFLOW_CONTRACT_IDS=json.dumps(seed(server)),
               PYTHONPATH=str(HERE))
    command = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{server}/openapi.json", "--url", server,
               "--checks", CHECKS, "--max-examples", os.environ.get("CONTRACT_MAX_EXAMPLES", "25"),
               "--request-timeout", "10", "--seed", "20261122"]
    run = subprocess.run(command, cwd=HERE, env=env, capture_output=True, text=True, timeout=1800)
    output = run.stdout + run.stderr
    summary = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-4000:]
    print(summary)  # the figures (operations, cases, failures) land in the test log
    assert run.returncode == 0, f"schemathesis found problems:\n{output[-20000:]}"
    tested = re.search(r"Tested: (\d+)", summary)
    assert tested and int(tested.group(1)) >= 70, summary
    assert re.search(r"(\d+) generated, \1 passed", summary), summary
