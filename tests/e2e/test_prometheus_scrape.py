"""A real Prometheus (Debian's package) scrapes a running `workflow serve --store redis` under a small load; every
PromQL expression of the chart (the prometheus-adapter rule, the KEDA triggers, the alert rules) and of the Grafana
dashboards returns data. The load is made so that every alert condition holds: a backlog, failures, incidents and a
full slot pool."""
import subprocess
import time

import pytest
import requests

from chart_helpers import adapter_queries, alert_rules, dashboard_queries, render
from conftest import _free_port
from worker_helpers import answers_ok, redis_engine, redis_server, wait_until

T = 15
ALERT_VALUES = {"metrics": {"prometheusRule": {"backlogThreshold": 10, "failureRatio": 0.01}}}


@pytest.fixture
def prometheus(tmp_path):
    def start(target):
        port = _free_port()
        config = tmp_path / "prometheus.yml"
        config.write_text(f"""
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
scrape_configs:
  - job_name: workflow
    metrics_path: /metrics
    static_configs: [{{targets: ["{target}"]}}]
""")
        proc = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                                 f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                                stdout=open(tmp_path / "prometheus.log", "wb"), stderr=subprocess.STDOUT)
        started.append(proc)
        url = f"http://127.0.0.1:{port}"

        wait_until(lambda: answers_ok(f"{url}/-/ready", timeout=1), 60, "prometheus ready")
        return url
    started = []
    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=30)


def query(prometheus_url, expr):
    r = requests.get(f"{prometheus_url}/api/v1/query", params={"query": expr}, timeout=T)
    body = r.json()
    assert r.status_code == 200 and body["status"] == "success", (expr, body)
    return body["data"]["result"]


def backlog(url):
    """etl_pool full (24 of its 24 slots leased) and 16 extract tasks left queued: a backlog."""
    s = requests.Session()
    for _ in range(40):
        r = s.post(f"{url}/process-definition/key/etl_pipeline/start", timeout=T,
                   json={"variables": {"batchId": {"value": "b"}, "source": {"value": "/nonexistent.csv"}}})
        assert r.status_code == 200, r.text
    r = s.post(f"{url}/external-task/fetchAndLock", timeout=T, json={
        "workerId": "load", "maxTasks": 30, "topics": [{"topicName": "etl.extract", "lockDuration": 600000}]})
    assert r.status_code == 200 and len(r.json()) == 24, r.text


def orders(url, n=6):
    """A wave of orders: completions, failures (one to an incident), a BPMN error that ends an instance, a lock
    that runs out. Run twice, a few scrapes apart, so every counter rises between scrapes and rate() sees it."""
    s = requests.Session()
    for _ in range(n + 1):
        r = s.post(f"{url}/process-definition/key/order_fulfilment/start", timeout=T,
                   json={"variables": {"orderId": {"value": "o"}, "amount": {"value": 50}}})
        assert r.status_code == 200, r.text

    def fetch(topic, count, lock=600000):
        r = s.post(f"{url}/external-task/fetchAndLock", timeout=T,
                   json={"workerId": "load", "maxTasks": count, "topics": [{"topicName": topic, "lockDuration": lock}]})
        assert r.status_code == 200, r.text
        return r.json()

    def post(task, verb, body):
        r = s.post(f"{url}/external-task/{task['id']}/{verb}", json={"workerId": "load", **body}, timeout=T)
        assert r.status_code == 204, r.text

    validate = fetch("order.validate", n)
    for task in validate[:n - 2]:
        post(task, "complete", {})
    post(validate[n - 2], "failure", {"errorMessage": "validator down", "retries": 0})
    post(validate[n - 1], "failure", {"errorMessage": "validator slow", "retries": 2, "retryTimeout": 600000})
    assert len(fetch("order.validate", 1, lock=500)) == 1
    payments = fetch("order.payment", n)
    post(payments[0], "bpmnError", {"errorCode": "PAYMENT_DECLINED", "errorMessage": "card declined"})
    for task in payments[1:]:
        post(task, "complete", {})
    post(fetch("order.notify-declined", 1)[0], "complete", {})


def test_every_chart_and_dashboard_query_returns_data(workflow_bin, tmp_path, prometheus):
    with redis_server(tmp_path) as redis_url, \
            redis_engine(workflow_bin, redis_url, tmp_path, extra=("--scale-interval", "1")) as url:
        prometheus_url = prometheus(url.replace("http://", "").replace("/engine-rest", ""))
        wait_until(lambda: query(prometheus_url, 'up{job="workflow"} == 1'), 30, "the first scrape")
        backlog(url)
        orders(url)
        # The counters exist now; once scraped (and the 0.5 s lock counted as expired), a second wave raises them.
        wait_until(lambda: query(prometheus_url, "workflow_lock_expirations_total"), 30, "the first wave scraped")
        time.sleep(2)
        orders(url)
        wait_until(lambda: query(prometheus_url, "rate(workflow_lock_expirations_total[1m]) > 0")
                   and query(prometheus_url, "rate(workflow_tasks_bpmn_errors_total[1m]) > 0")
                   and query(prometheus_url, "rate(workflow_tasks_failed_total[1m]) > 0"), 60, "the second wave's rates")

        expressions = [("prometheus-adapter: workflow_pool_demand", q) for q in adapter_queries("IO_INTENSIVE")]
        for _, obj in render({"autoscaling": {"mode": "keda"}}):
            if obj["kind"] == "ScaledObject":
                expressions.append((f"KEDA {obj['metadata']['name']}", obj["spec"]["triggers"][0]["metadata"]["query"]))
        for rule in alert_rules(render(ALERT_VALUES))["groups"][0]["rules"]:
            expressions.append((f"alert {rule['alert']}", rule["expr"]))
        expressions += dashboard_queries()
        empty = []
        for name, expr in expressions:
            if not query(prometheus_url, expr):
                empty.append(f"{name}: {expr}")
        assert not empty, "queries without data:\n" + "\n".join(empty)
        demand = query(prometheus_url, adapter_queries("IO_INTENSIVE")[0])
        assert float(demand[0]["value"][1]) == 40  # 16 queued + 24 in flight
        print(f"\nPromQL checked with data: {len(expressions)}")
        for name, expr in expressions:
            print(f"  {name}: {expr}")
