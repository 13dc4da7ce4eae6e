"""Rendering charts/workflow through the Helm v4 SDK, and the PromQL it (and its dashboards) uses."""
import json
from pathlib import Path

import helm_python
import yaml

from conftest import REPO_ROOT

CHART = REPO_ROOT / "charts" / "workflow"


def render(values=None):
    """Every manifest of the chart rendered with `values`, as (template, object) pairs."""
    chart = helm_python.Chart.load(str(CHART))
    try:
        rendered = chart.render(values or {}, name="demo", namespace="workflow", is_install=True)
    finally:
        chart.close()
    objects = []
    for template, text in sorted(rendered.items()):
        for document in yaml.safe_load_all(text):
            if document:
                objects.append((template, document))
    return objects


def alert_rules(objects):
    rules = [o for _, o in objects if o["kind"] == "PrometheusRule"]
    assert len(rules) == 1
    return rules[0]["spec"]


def adapter_queries(pool):
    """The prometheus-adapter external rules' queries, with the label matchers an HPA for `pool` sends."""
    rules = yaml.safe_load((CHART / "prometheus-adapter" / "rules.yaml").read_text())["rules"]["external"]
    return [r["metricsQuery"].replace("<<.LabelMatchers>>", f'pool="{pool}"') for r in rules]


def dashboard_queries():
    """Every panel query of the dashboards, with Grafana's variables given values."""
    queries = []
    for path in sorted((CHART / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                queries.append((f"{path.name}: {panel['title']}",
                                target["expr"].replace("$pool", ".*").replace("$__rate_interval", "1m")))
    return queries
