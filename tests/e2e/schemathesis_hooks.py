"""Schemathesis hooks for the contract run (tests/e2e/test_openapi_contract.py).

* A generated fetchAndLock may ask to long-poll for up to 30 minutes (the documented maximum); the run caps that to
  half a second so it finishes, without changing what the server is asked to do otherwise.
* Path parameters are drawn from the generated value *or* from ids that exist on the server (deployments,
  definitions, instances, tasks, variables), passed in WORKFLOW_CONTRACT_IDS as JSON {parameter: [values]}, so the
  run reaches real resources instead of answering 404 to every random id.
"""
import json
import os

import schemathesis
from hypothesis import strategies as st

MAX_LONG_POLL_MS = 500
KNOWN = json.loads(os.environ.get("WORKFLOW_CONTRACT_IDS", "{}"))


@schemathesis.hook
def flatmap_path_parameters(ctx, parameters):
    if not parameters:
        return st.just(parameters)
    choices = {}
    for name, value in parameters.items():
        known = KNOWN.get(name, [])
        choices[name] = st.sampled_from([value, *known]) if known else st.just(value)
    return st.fixed_dictionaries(choices)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("asyncResponseTimeout"), int):
        body["asyncResponseTimeout"] = min(max(body["asyncResponseTimeout"], 0), MAX_LONG_POLL_MS)
