"""order_fulfilment (processes/order-fulfilment.bpmn) driven by the real camunda-external-task-client-python3."""
import requests

from e2e_helpers import (HTTP_TIMEOUT, assert_instance_finished, new_worker, run_one, start_instance)


def test_processes_deployed_at_start(base_url):
    r = requests.get(f"{base_url}/process-definition", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    # the JS client compares the content type for strict equality (camunda-rest.md section 0)
    assert r.headers.get("Content-Type") == "application/json", r.headers
    keys = {d["key"] for d in r.json()}
    assert {"order_fulfilment", "etl_pipeline", "invoice_reminder"} <= keys, keys
    r = requests.get(f"{base_url}/process-definition/key/order_fulfilment", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["key"] == "order_fulfilment" and d["version"] >= 1, d


def test_order_happy_path_with_fraud_check(base_url, order_id):
    inst = start_instance(base_url, "order_fulfilment", {"amount": 1500, "orderId": order_id},
                          business_key=order_id)
    pid = inst["id"]
    pv = {"orderId": order_id}
    worker = new_worker(base_url, "pytest-order-worker")

    def validate(task):
        assert task.get_process_instance_id() == pid
        assert task.get_variable("amount") == 1500
        assert task.get_business_key() == order_id
        return task.complete({"validated": True})

    run_one(worker, "order.validate", validate, pv)

    # amount > 1000: the conditional flow must lead to the fraud check, not straight to the payment
    t = run_one(worker, ["order.fraud-check", "order.payment"],
                lambda task: task.complete({"fraudScore": 7}), pv)
    assert t.get_topic_name() == "order.fraud-check"

    def charge(task):
        assert task.get_variable("validated") is True
        assert task.get_variable("fraudScore") == 7
        return task.complete({"paymentId": "PAY-" + order_id})

    t = run_one(worker, "order.payment", charge, pv)
    assert t._context.get("priority") == 50, t  # camunda:taskPriority="50"

    # parallel split: both branches are open at once, in any order
    seen = set()
    for _ in range(2):
        t = run_one(worker, ["order.inventory", "order.invoice"],
                    lambda task: task.complete({"reserved": True} if task.get_topic_name() == "order.inventory"
                                               else {"invoiceNo": "INV-" + order_id}), pv)
        seen.add(t.get_topic_name())
    assert seen == {"order.inventory", "order.invoice"}

    def ship(task):
        v = task.get_variables()
        assert v.get("reserved") is True and v.get("invoiceNo") == "INV-" + order_id, v
        assert v.get("paymentId") == "PAY-" + order_id, v
        return task.complete({"trackingNo": "TRK-1"})

    run_one(worker, "order.ship", ship, pv)
    assert_instance_finished(base_url, pid)


def test_order_small_amount_skips_fraud_check(base_url, order_id):
    inst = start_instance(base_url, "order_fulfilment", {"amount": 200, "orderId": order_id})
    pv = {"orderId": order_id}
    worker = new_worker(base_url, "pytest-order-worker-small")
    run_one(worker, "order.validate", lambda task: task.complete({}), pv)
    # default flow: the payment comes next
    t = run_one(worker, ["order.fraud-check", "order.payment"], lambda task: task.complete({}), pv)
    assert t.get_topic_name() == "order.payment"
    for _ in range(2):
        run_one(worker, ["order.inventory", "order.invoice"], lambda task: task.complete(), pv)
    run_one(worker, "order.ship", lambda task: task.complete(), pv)
    assert_instance_finished(base_url, inst["id"])


def test_payment_declined_bpmn_error(base_url, order_id):
    inst = start_instance(base_url, "order_fulfilment", {"amount": 1500, "orderId": order_id})
    pid = inst["id"]
    pv = {"orderId": order_id}
    worker = new_worker(base_url, "pytest-payment-worker")

    run_one(worker, "order.validate", lambda task: task.complete({"validated": True}), pv)
    run_one(worker, "order.fraud-check", lambda task: task.complete({"fraudScore": 99}), pv)
    # the client posts {workerId, errorCode, errorMessage, variables} to /bpmnError and requires 204
    run_one(worker, "order.payment",
            lambda task: task.bpmn_error("PAYMENT_DECLINED", "card expired", {"declinedBy": "bank"}), pv)

    def notify(task):
        assert task.get_topic_name() == "order.notify-declined", "normal path went on after the BPMN error"
        v = task.get_variables()
        # camunda:errorCodeVariable / camunda:errorMessageVariable on the boundary event
        assert v.get("declineCode") == "PAYMENT_DECLINED", v
        assert v.get("declineReason") == "card expired", v
        assert v.get("declinedBy") == "bank", v
        return task.complete({"customerNotified": True})

    t = run_one(worker, ["order.notify-declined", "order.inventory", "order.invoice", "order.ship"], notify, pv)
    assert t.get_topic_name() == "order.notify-declined"
    assert_instance_finished(base_url, pid)
