"""etl_pipeline (processes/etl-pipeline.bpmn): extension properties reach the worker; DQ_FAILED boundary path."""
from e2e_helpers import assert_instance_finished, new_worker, run_one, start_instance

EXPECTED = {
    "etl.extract": {"workerPool": "IO_INTENSIVE", "slotPool": "etl_pool", "slots": "1"},
    "etl.transform": {"workerPool": "CPU_INTENSIVE", "slotPool": "etl_pool", "slots": "1"},
    "etl.load": {"workerPool": "IO_INTENSIVE", "slotPool": "etl_pool", "slots": "1"},
    "dq.check": {"workerPool": "GENERAL_PURPOSE", "slotPool": "dq_pool", "slots": "1"},
    "etl.quarantine": {"workerPool": "GENERAL_PURPOSE", "slotPool": "etl_pool", "slots": "1"},
}


def _props_then(result):
    def handler(task):
        props = task.get_extension_properties()  # the client sends includeExtensionProperties: true
        assert props == EXPECTED[task.get_topic_name()], (task.get_topic_name(), props)
        return result(task)
    return handler


def test_etl_loaded(base_url, order_id):
    inst = start_instance(base_url, "etl_pipeline", {"batchId": order_id, "orderId": order_id})
    pv = {"orderId": order_id}
    worker = new_worker(base_url, "pytest-etl-worker")
    for topic in ("etl.extract", "etl.transform", "etl.load"):
        run_one(worker, topic, _props_then(lambda t: t.complete({t.get_topic_name().replace(".", "_"): True})), pv)
    run_one(worker, "dq.check", _props_then(lambda t: t.complete({"dqScore": 100})), pv)
    assert_instance_finished(base_url, inst["id"])


def test_etl_quarantined_on_dq_failure(base_url, order_id):
    inst = start_instance(base_url, "etl_pipeline", {"batchId": order_id, "orderId": order_id})
    pv = {"orderId": order_id}
    worker = new_worker(base_url, "pytest-etl-worker-dq")
    for topic in ("etl.extract", "etl.transform", "etl.load"):
        run_one(worker, topic, _props_then(lambda t: t.complete()), pv)
    run_one(worker, "dq.check", _props_then(lambda t: t.bpmn_error("DQ_FAILED", "3 null keys")), pv)

    def quarantine(task):
        assert task.get_variable("dqErrorCode") == "DQ_FAILED"
        return task.complete({"quarantined": True})

    run_one(worker, "etl.quarantine", _props_then(quarantine), pv)
    assert_instance_finished(base_url, inst["id"])
