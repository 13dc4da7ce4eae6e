"""`workflow validate FILE...`: exit 0 on the shipped processes, non-zero with a message on broken XML."""
import subprocess

from conftest import REPO_ROOT


def _validate(workflow_bin, *files):
    return subprocess.run([str(workflow_bin), "validate", *map(str, files)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)


def test_validate_shipped_processes(workflow_bin):
    files = sorted((REPO_ROOT / "processes").glob("*.bpmn")) + [REPO_ROOT / "bench" / "one-task.bpmn"]
    r = _validate(workflow_bin, *files)
    assert r.returncode == 0, f"rc={r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"


def test_validate_rejects_malformed_xml(workflow_bin, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text('<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn='
                      '"http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">\n')
    r = _validate(workflow_bin, broken)
    assert r.returncode != 0, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    assert (r.stdout + r.stderr).strip(), "no parse error printed"
