"""Camunda 7 compatibility, driven by the real clients against `workflow serve`.

Every call goes through pycamunda 0.6.1 or camunda-external-task-client-python3 4.5.0; plain HTTP only for history,
which neither client has. The models (tests/e2e/compat_models.py) are deployed together in one multipart request.
"""
import time

import pycamunda.deployment
import pycamunda.externaltask
import pycamunda.incident
import pycamunda.message
import pycamunda.processdef
import pycamunda.processinst
import pycamunda.version
import pytest
import requests
from camunda.client.engine_client import EngineClient
from camunda.client.external_task_client import ExternalTaskClient

from compat_models import ALL

HTTP_TIMEOUT = 15


@pytest.fixture(scope="module")
def url(server):
    create = pycamunda.deployment.Create(url=server, name="compat", source="pytest")
    for xml in ALL.values():
        create.add_resource(xml.encode())  # raw bytes: parts named resource-0.. with no .bpmn file name
    deployment = create()
    assert {d.key for d in deployment.deployed_process_definitions.values()} == set(ALL)
    return server


def python_client(url, worker_id, lock_duration=60000, timeout=3000):
    return ExternalTaskClient(worker_id=worker_id, engine_base_url=url,
                              config={"asyncResponseTimeout": timeout, "lockDuration": lock_duration})


def pycamunda_fetch(url, worker_id, topic, lock_duration=60000, timeout=3000):
    fetch = pycamunda.externaltask.FetchAndLock(url=url, worker_id=worker_id, max_tasks=1,
                                                async_response_timeout=timeout)
    fetch.add_topic(name=topic, lock_duration=lock_duration)
    return fetch()


def start(url, key, business_key=None, **variables):
    engine = EngineClient(engine_base_url=url)
    return engine.start_process(key, variables, business_key=business_key)["id"]


def test_deployment_and_definitions(url):
    deployments = pycamunda.deployment.GetList(url=url, name="compat")()
    assert len(deployments) == 1
    assert len(pycamunda.deployment.GetResources(url=url, id_=deployments[0].id_)()) == 3
    definition = pycamunda.processdef.Get(url=url, key="compat_payment")()
    assert definition.name == "Compat payment" and definition.version == 1
    assert "compat.charge" in pycamunda.processdef.GetXML(url=url, key="compat_payment")()
    assert pycamunda.version.Get(url=url)().startswith("7.")


def test_start_with_typed_variables_of_every_type(url):
    starter = pycamunda.processdef.StartInstance(url=url, key="compat_payment", business_key="typed",
                                                 with_variables_in_return=True)
    values = {
        "s": ("text", "String", None), "i": (7, "Integer", None), "sh": (3, "Short", None),
        "l": (2 ** 40, "Long", None), "d": (1.5, "Double", None), "b": (True, "Boolean", None),
        "dt": ("2024-01-01T10:00:00.000+0100", "Date", None), "j": ('{"a": [1, 2]}', "Json", None),
        "n": (None, "Null", None), "by": ("AQID", "Bytes", None),
        "o": ('{"k":"v"}', "Object", {"objectTypeName": "java.util.HashMap",
                                      "serializationDataFormat": "application/json"}),
    }
    for name, (value, type_, info) in values.items():
        starter.add_variable(name=name, value=value, type_=type_, value_info=info)
    instance = starter()
    stored = pycamunda.processinst.VariablesGetList(url=url, process_instance_id=instance.id_)()
    assert {name: variable.type_ for name, variable in stored.items()} == {n: v[1] for n, v in values.items()}
    assert stored["l"].value == 2 ** 40 and stored["d"].value == 1.5 and stored["b"].value is True
    assert stored["dt"].value == "2024-01-01T09:00:00.000+0000"
    assert stored["by"].value == "AQID" and stored["n"].value is None
    assert stored["o"].value_info["objectTypeName"] == "java.util.HashMap"
    one = pycamunda.processinst.VariablesGet(url=url, process_instance_id=instance.id_, var_name="i")()
    assert one.value == 7 and one.type_ == "Integer"
    raw = pycamunda.processinst.VariablesGet(url=url, process_instance_id=instance.id_, var_name="by", binary=True)()
    assert raw == b"\x01\x02\x03"
    pycamunda.processinst.VariablesUpdate(url=url, process_instance_id=instance.id_, var_name="s", value="new",
                                          type_="String")()
    modify = pycamunda.processinst.VariablesModify(url=url, process_instance_id=instance.id_, deletions=["n"])
    modify.add_variable(name="added", value=1, type_="Long")
    modify()
    pycamunda.processinst.VariablesDelete(url=url, process_instance_id=instance.id_, var_name="o")()
    stored = pycamunda.processinst.VariablesGetList(url=url, process_instance_id=instance.id_)()
    assert stored["s"].value == "new" and stored["added"].type_ == "Long" and "n" not in stored and "o" not in stored
    pycamunda.processinst.Delete(url=url, id_=instance.id_)()
    with pytest.raises(pycamunda.NotFound):
        pycamunda.processinst.Get(url=url, id_=instance.id_)()


def test_fetch_with_filters_and_complete_with_global_and_local_variables(url):
    first = start(url, "compat_payment", business_key="filter-1", customer="c1")
    second = start(url, "compat_payment", business_key="filter-2", customer="c2")
    worker = python_client(url, "compat-filter")
    tasks = worker.fetch_and_lock("compat.charge", process_variables={"customer": "c2"}, variables=["customer"])
    assert [t["processInstanceId"] for t in tasks] == [second]
    task = tasks[0]
    assert task["variables"] == {"customer": {"type": "String", "value": "c2", "valueInfo": {}}}
    assert task["businessKey"] == "filter-2" and task["retries"] is None and task["workerId"] == "compat-filter"
    assert worker.complete(task["id"], {"charged": True}, {"receipt": "r-1"}) is True
    variables = pycamunda.processinst.VariablesGetList(url=url, process_instance_id=second)()
    assert variables["charged"].value is True and "receipt" not in variables, "local variables stay local"
    # The next task, through pycamunda: complete with a global and a local variable; the instance ends.
    ship = pycamunda_fetch(url, "compat-pycamunda", "compat.ship")
    assert [t.process_instance_id for t in ship] == [second]
    complete = pycamunda.externaltask.Complete(url=url, id_=ship[0].id_, worker_id="compat-pycamunda")
    complete.add_variable(name="shipped", value="yes", type_="String")
    complete.add_local_variable(name="parcel", value="p-1", type_="String")
    complete()
    with pytest.raises(pycamunda.NotFound):
        pycamunda.processinst.Get(url=url, id_=second)()
    assert pycamunda.processinst.Get(url=url, id_=first)().business_key == "filter-1"


def test_failure_down_to_an_incident_and_back(url):
    instance = start(url, "compat_payment", business_key="fail-1", customer="fail")
    worker = python_client(url, "compat-fail")
    task = worker.fetch_and_lock("compat.charge", process_variables={"customer": "fail"})[0]
    assert worker.failure(task["id"], "card service down", "trace...", 1, 0) is True
    task = worker.fetch_and_lock("compat.charge", process_variables={"customer": "fail"})[0]
    assert task["retries"] == 1 and task["errorMessage"] == "card service down"
    assert worker.failure(task["id"], "still down", "trace 2", 0, 0) is True
    incidents = pycamunda.incident.GetList(url=url, process_instance_id=instance)()
    assert len(incidents) == 1
    assert incidents[0].incident_type == pycamunda.incident.IncidentType.failed_external_task
    assert incidents[0].configuration == task["id"] and incidents[0].incident_message == "still down"
    fetched = pycamunda.externaltask.Get(url=url, id_=task["id"])()  # also reads /errorDetails
    assert fetched.retries == 0 and fetched.error_details == "trace 2"
    pycamunda.externaltask.SetRetries(url=url, id_=task["id"], retries=2)()
    assert len(pycamunda.incident.GetList(url=url, process_instance_id=instance)()) == 0
    again = worker.fetch_and_lock("compat.charge", process_variables={"customer": "fail"})
    assert [(t["id"], t["retries"]) for t in again] == [(task["id"], 2)]


def test_bpmn_error_is_caught_by_the_boundary_event(url):
    instance = start(url, "compat_payment", business_key="declined", customer="declined")
    worker = python_client(url, "compat-error")
    task = worker.fetch_and_lock("compat.charge", process_variables={"customer": "declined"})[0]
    assert worker.bpmn_failure(task["id"], "CARD_DECLINED", "insufficient funds", {"attempt": 1}) is True
    notify = worker.fetch_and_lock("compat.notify", process_variables={"customer": "declined"})
    assert [t["processInstanceId"] for t in notify] == [instance]
    variables = notify[0]["variables"]
    assert variables["declineCode"]["value"] == "CARD_DECLINED"
    assert variables["declineMessage"]["value"] == "insufficient funds"
    assert variables["attempt"] == {"type": "Integer", "value": 1, "valueInfo": {}}


def test_extend_lock_foreign_worker_and_lock_expiry(url):
    instance = start(url, "compat_payment", business_key="locks", customer="locks")
    mine = {"customer": "locks"}
    task = python_client(url, "worker-a", lock_duration=1000).fetch_and_lock("compat.charge", process_variables=mine)[0]
    assert task["processInstanceId"] == instance
    pycamunda.externaltask.ExtendLock(url=url, id_=task["id"], new_duration=1500, worker_id="worker-a")()
    with pytest.raises(pycamunda.BadRequest):
        pycamunda.externaltask.ExtendLock(url=url, id_=task["id"], new_duration=1000, worker_id="worker-b")()
    with pytest.raises(pycamunda.BadRequest):
        pycamunda.externaltask.Complete(url=url, id_=task["id"], worker_id="worker-b")()
    # Once the lock runs out another worker fetches the task (its long poll is woken by the expiry).
    started = time.monotonic()
    taken = python_client(url, "worker-b", timeout=10000).fetch_and_lock("compat.charge", process_variables=mine)
    assert [t["id"] for t in taken] == [task["id"]] and taken[0]["workerId"] == "worker-b"
    assert time.monotonic() - started < 8, "woken when the lock expired, not at the 10 s timeout"
    with pytest.raises(pycamunda.BadRequest):
        pycamunda.externaltask.Complete(url=url, id_=task["id"], worker_id="worker-a")()
    pycamunda.externaltask.Complete(url=url, id_=task["id"], worker_id="worker-b")()


def test_message_correlation_by_instance_business_key_and_start_event(url):
    by_instance = start(url, "compat_wait", business_key="pay-1")
    by_key = start(url, "compat_wait", business_key="pay-2")
    correlate = pycamunda.message.CorrelateSingle(url=url, message_name="CompatPaid",
                                                  process_instance_id=by_instance, result_enabled=True)
    correlate.add_process_variable(name="paidBy", value="card", type_="String")
    (result,) = correlate()
    assert result.result_type == pycamunda.message.ResultType.execution
    assert result.execution.process_instance_id == by_instance
    engine = EngineClient(engine_base_url=url)
    answered = engine.correlate_message("CompatPaid", business_key="pay-2")
    assert [r["execution"]["processInstanceId"] for r in answered] == [by_key]
    with pytest.raises(pycamunda.BadRequest):
        pycamunda.message.CorrelateSingle(url=url, message_name="CompatPaid", business_key="nobody")()
    (started,) = pycamunda.message.CorrelateSingle(url=url, message_name="CompatOrderPlaced", business_key="ord-9",
                                                   result_enabled=True)()
    assert started.result_type == pycamunda.message.ResultType.process_definition
    pack = python_client(url, "compat-pack").fetch_and_lock("compat.pack")
    assert [t["businessKey"] for t in pack] == ["ord-9"]
    assert [t["processInstanceId"] for t in pack] == [started.process_instance.id_]


def test_history_queries(url):
    ended = requests.get(f"{url}/history/process-instance", timeout=HTTP_TIMEOUT,
                         params={"processDefinitionKey": "compat_wait", "finished": "true"}).json()
    assert {h["businessKey"] for h in ended} >= {"pay-1", "pay-2"}
    assert all(h["state"] == "COMPLETED" and h["endTime"] for h in ended)
    instance = next(h["id"] for h in ended if h["businessKey"] == "pay-1")
    activities = requests.get(f"{url}/history/activity-instance", timeout=HTTP_TIMEOUT,
                              params={"processInstanceId": instance}).json()
    assert [a["activityId"] for a in activities] == ["Start", "Paid", "End"]
    variables = requests.get(f"{url}/history/variable-instance", timeout=HTTP_TIMEOUT,
                             params={"processInstanceId": instance}).json()
    assert [(v["name"], v["value"]) for v in variables] == [("paidBy", "card")]
    incidents = requests.get(f"{url}/history/incident", timeout=HTTP_TIMEOUT, params={"resolved": "true"}).json()
    assert any(i["incidentMessage"] == "still down" for i in incidents)
