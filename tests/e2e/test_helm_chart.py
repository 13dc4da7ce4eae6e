"""charts/workflow: lint and render through the Helm v4 SDK (default values, and KEDA instead of HPAs), every
manifest valid against the Kubernetes schemas, the alert rules accepted by promtool, and what the chart promises
(one worker Deployment per pool, drain-aware grace periods, non-root pods, probes, the processes ConfigMap)."""
import subprocess

import helm_python
import kubernetes_validate
import pytest
import yaml

from chart_helpers import CHART, alert_rules, render
from conftest import REPO_ROOT

KUBE_VERSION = "1.30.0"
# Kinds from CRDs (prometheus-operator, KEDA): kubernetes-validate has no schema for them; their shape is
# checked below field by field.
CRD_KINDS = {"ServiceMonitor", "PrometheusRule", "ScaledObject"}
KEDA = {"autoscaling": {"mode": "keda"}, "workers": {"pools": {"memory": {"enabled": True, "minReplicas": 0}}}}


def test_lint_is_clean():
    for values in ({}, KEDA):
        report = helm_python.lint(str(CHART), values, strict=True, kube_version=f"v{KUBE_VERSION}")
        assert report["errors"] == [], report
        assert all(m["severity"] < 2 for m in report["messages"]), report


@pytest.mark.parametrize("values", [{}, KEDA], ids=["default", "keda"])
def test_every_manifest_is_valid(values):
    objects = render(values)
    kinds = sorted(o["kind"] for _, o in objects)
    print(f"\nrendered ({'keda' if values else 'default'}): {kinds}")
    for template, obj in objects:
        if obj["kind"] in CRD_KINDS:
            assert obj["metadata"]["name"] and obj["spec"], template
            continue
        kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)


def test_what_the_chart_promises():
    objects = render()
    by_kind = {}
    for _, o in objects:
        by_kind.setdefault(o["kind"], []).append(o)
    deployments = {d["metadata"]["name"]: d for d in by_kind["Deployment"]}
    workers = {n: d for n, d in deployments.items() if "-worker-" in n}
    assert set(workers) == {f"demo-workflow-worker-{p}" for p in ("cpu", "io", "network", "general")}
    for name, deployment in workers.items():
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        args = container["args"]
        grace = int(args[args.index("--grace-period") + 1])
        assert pod["terminationGracePeriodSeconds"] > grace, name  # the drain finishes before SIGKILL
        assert "--pools" in args and container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind["HorizontalPodAutoscaler"]}
    assert set(hpas) == set(workers)
    metric = hpas["demo-workflow-worker-io"]["spec"]["metrics"][0]["external"]
    assert metric["metric"] == {"name": "workflow_pool_demand", "selector": {"matchLabels": {"pool": "IO_INTENSIVE"}}}
    assert metric["target"] == {"type": "AverageValue", "averageValue": "32"}
    engine = deployments["demo-workflow-engine"]["spec"]["template"]["spec"]["containers"][0]
    assert engine["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert engine["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert {"name": "WORKFLOW_REDIS_URL", "value": "redis://redis-master:6379"} in engine["env"]
    processes = next(c for c in by_kind["ConfigMap"] if c["metadata"]["name"] == "demo-workflow-processes")
    shipped = {p.name: p.read_text() for p in (REPO_ROOT / "processes").glob("*.bpmn")}
    assert processes["data"] == shipped, "charts/workflow/files/processes must be a copy of processes/"
    dashboards = next(c for c in by_kind["ConfigMap"] if c["metadata"]["name"] == "demo-workflow-dashboards")
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1" and "workflow-overview.json" in dashboards["data"]
    assert {p["metadata"]["name"] for p in by_kind["PodDisruptionBudget"]} >= {"demo-workflow-engine"}
    assert [s["kind"] for s in by_kind["ServiceMonitor"]] == ["ServiceMonitor"]


def test_keda_scaled_objects_replace_the_hpas():
    objects = render(KEDA)
    assert not [o for _, o in objects if o["kind"] == "HorizontalPodAutoscaler"]
    scaled = {o["spec"]["scaleTargetRef"]["name"]: o for _, o in objects if o["kind"] == "ScaledObject"}
    memory = scaled["demo-workflow-worker-memory"]["spec"]
    assert memory["minReplicaCount"] == 0
    trigger = memory["triggers"][0]
    assert trigger["type"] == "prometheus" and trigger["metadata"]["threshold"] == "1"
    assert trigger["metadata"]["query"] == 'max(workflow_pool_queued{pool="MEMORY_INTENSIVE"}) + max(workflow_pool_in_flight{pool="MEMORY_INTENSIVE"})'


def test_promtool_accepts_the_alert_rules(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(alert_rules(render())))
    out = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SUCCESS: 4 rules found" in out.stdout, out.stdout
    names = [r["alert"] for r in alert_rules(render())["groups"][0]["rules"]]
    assert names == ["WorkerQueueBacklog", "HighWorkerFailureRate", "IncidentsOpen", "SlotPoolSaturated"]


def test_a_bad_autoscaling_mode_fails_the_render():
    with pytest.raises(helm_python.HelmError, match="autoscaling.mode must be hpa or keda"):
        render({"autoscaling": {"mode": "cron"}})


VARIANTS = {
    "redis-cluster": {"redis": {"clusterNodes": "redis-0:6379,redis-1:6379,redis-2:6379"}},
    "redis-secret": {"redis": {"existingSecret": "workflow-redis", "existingSecretKey": "url"}},
    "workers-on-redis": {"workers": {"transport": "redis"}},
    "minimal": {"autoscaling": {"enabled": False}, "processes": {"enabled": False},
                "metrics": {"serviceMonitor": {"enabled": False}, "prometheusRule": {"enabled": False}},
                "grafana": {"dashboards": {"enabled": False}},
                "engine": {"podDisruptionBudget": {"enabled": False}}, "workers": {"podDisruptionBudget": {"enabled": False}}},
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_value_variants_render_valid_manifests(name):
    objects = render(VARIANTS[name])
    for template, obj in objects:
        if obj["kind"] not in CRD_KINDS:
            kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)
    deployments = {o["metadata"]["name"]: o for _, o in objects if o["kind"] == "Deployment"}
    engine_env = deployments["demo-workflow-engine"]["spec"]["template"]["spec"]["containers"][0]["env"]
    if name == "redis-cluster":
        assert {"name": "WORKFLOW_REDIS_CLUSTER", "value": "redis-0:6379,redis-1:6379,redis-2:6379"} in engine_env
    if name == "redis-secret":
        assert {"name": "WORKFLOW_REDIS_URL", "valueFrom": {"secretKeyRef": {"name": "workflow-redis", "key": "url"}}} in engine_env
    if name == "workers-on-redis":
        worker = deployments["demo-workflow-worker-io"]["spec"]["template"]["spec"]["containers"][0]
        assert worker["args"][worker["args"].index("--transport") + 1] == "redis"
        assert any(e["name"] == "WORKFLOW_REDIS_URL" for e in worker["env"])
    if name == "minimal":
        kinds = {o["kind"] for _, o in objects}
        assert kinds == {"Deployment", "Service"}, kinds
        assert all(d["spec"].get("replicas") for n, d in deployments.items() if "-worker-" in n)
        assert "--processes" not in deployments["demo-workflow-engine"]["spec"]["template"]["spec"]["containers"][0]["args"]
