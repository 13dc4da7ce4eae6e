"""invoice_reminder (processes/invoice-reminder.bpmn): event-based gateway resolved by POST /message."""
import requests

from e2e_helpers import (HTTP_TIMEOUT, assert_error_body, assert_instance_finished, new_worker, run_one,
                         start_instance)


def test_payment_received_message_path(base_url, order_id):
    inst = start_instance(base_url, "invoice_reminder", {"invoiceId": order_id, "orderId": order_id},
                          business_key=order_id)
    pid = inst["id"]
    pv = {"orderId": order_id}
    worker = new_worker(base_url, "pytest-invoice-worker")

    run_one(worker, "invoice.send", lambda task: task.complete({"sentTo": "customer@example.org"}), pv)

    # the instance now waits at the event-based gateway (message or 72 h timer)
    r = requests.get(f"{base_url}/process-instance/{pid}", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text

    r = requests.post(f"{base_url}/message", json={
        "messageName": "PaymentReceived", "processInstanceId": pid, "resultEnabled": True,
        "processVariables": {"paidAmount": {"value": 99, "type": "Integer"}}}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text
    results = r.json()
    assert isinstance(results, list) and len(results) == 1, results
    assert results[0]["resultType"] == "Execution", results
    assert "variables" not in results[0], results  # only with variablesInResultEnabled (pycamunda breaks)

    def archive(task):
        assert task.get_variable("paidAmount") == 99
        return task.complete({"archived": True})

    t = run_one(worker, ["invoice.archive", "invoice.remind"], archive, pv)
    assert t.get_topic_name() == "invoice.archive"
    assert_instance_finished(base_url, pid)

    # nothing waits for the message any more: correlation mismatch is 400
    r = requests.post(f"{base_url}/message", json={
        "messageName": "PaymentReceived", "processInstanceId": pid, "resultEnabled": True},
        timeout=HTTP_TIMEOUT)
    assert_error_body(r, 400)


def test_message_without_name_is_400(base_url):
    r = requests.post(f"{base_url}/message", json={"resultEnabled": True}, timeout=HTTP_TIMEOUT)
    assert_error_body(r, 400)
