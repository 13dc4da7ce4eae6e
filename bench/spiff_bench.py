#!/usr/bin/env python3
"""Baseline: SpiffWorkflow (Python BPMN engine) on the same work as our Swift benchmark.

(a) parse throughput: every well-formed .bpmn / .bpmn20.xml file of ../shared/bpmn-corpus is parsed with
    SpiffWorkflow's CamundaParser (XML parse + building every executable process spec, since Spiff builds
    specs lazily in get_spec). Each file gets a fresh parser, inside try/except: files Spiff rejects are
    counted as rejected, their bytes still count (the time was spent on them).
(b) instances/s for a one-task process: create BpmnWorkflow, do_engine_steps, find the waiting task,
    complete it, run to the end.

    Default: bench/one-task.bpmn (serviceTask camunda:type="external" camunda:topic="bench"). Spiff's
    CamundaParser maps it to its generic ServiceTask (not manual); do_engine_steps runs it, its hook returns
    None, so the task stays STARTED: a real wait state, like a Camunda external task. We complete it with
    task.complete() (the "worker's complete") and run to the end. Camunda's attributes are ignored by Spiff.
    `--user` uses bench/one-task-user.bpmn instead (same shape, userTask: READY + manual, then task.run()).

Usage: python bench/spiff_bench.py [--corpus DIR] [--instances N] [--repeat R] [--rounds K] [--user]
Output lines:
    spiff parse: files=... bytes=... seconds=... MB/s=...
    spiff instances: n=... seconds=... instances/s=...      (one line per round)
    spiff instances best of K: instances/s=...               (with --rounds K > 1)
"""
import argparse
import csv
import logging
import os
import sys
import time
import warnings

from lxml import etree

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.util.task import TaskState

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "bpmn-corpus"))

# No DTD loading, no external entities, no network (the corpus has XXE test files).
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def is_bpmn_name(path):
    return path.endswith(".bpmn") or path.endswith(".bpmn20.xml")


def corpus_files(corpus):
    """Well-formed BPMN files of the corpus: INDEX.tsv's well_formed column when present, else an lxml check."""
    index = os.path.join(corpus, "INDEX.tsv")
    files = []
    if os.path.exists(index):
        with open(index, newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if is_bpmn_name(row["path"]) and row.get("well_formed") == "yes":
                    files.append(os.path.join(corpus, row["path"]))
    else:
        for dirpath, _, names in os.walk(corpus):
            for name in names:
                p = os.path.join(dirpath, name)
                if not is_bpmn_name(p):
                    continue
                try:
                    with open(p, "rb") as fh:
                        etree.fromstring(fh.read(), SAFE_PARSER)
                    files.append(p)
                except Exception:
                    pass
    return sorted(files)


def parse_one(data, filename):
    parser = CamundaParser()
    root = etree.fromstring(data, SAFE_PARSER)
    parser.add_bpmn_xml(root, filename=filename)
    parser.find_all_specs()  # Spiff parses the task specs lazily: force it


def bench_parse(corpus, repeat):
    paths = corpus_files(corpus)
    blobs = []
    for p in paths:
        with open(p, "rb") as fh:
            blobs.append((p, fh.read()))
    total_bytes = sum(len(b) for _, b in blobs)
    parsed = rejected = 0
    reasons = {}
    start = time.perf_counter()
    for r in range(repeat):
        for p, data in blobs:
            try:
                parse_one(data, os.path.basename(p))
                if r == 0:
                    parsed += 1
            except Exception as e:  # Spiff rejects many valid-but-unsupported models
                if r == 0:
                    rejected += 1
                    reasons[type(e).__name__] = reasons.get(type(e).__name__, 0) + 1
    seconds = time.perf_counter() - start
    nbytes = total_bytes * repeat
    mbs = nbytes / seconds / 1e6 if seconds > 0 else float("inf")
    print(f"spiff parse: files={len(blobs) * repeat} bytes={nbytes} seconds={seconds:.3f} MB/s={mbs:.2f}")
    why = ", ".join(f"{k}={v}" for k, v in sorted(reasons.items()))
    print(f"  (per pass: parsed={parsed} rejected={rejected}{'; ' + why if why else ''}; repeat={repeat})")


def bench_instances(n, user, rounds=1):
    path = os.path.join(HERE, "one-task-user.bpmn" if user else "one-task.bpmn")
    parser = CamundaParser()
    parser.add_bpmn_file(path)
    spec = parser.get_spec("one_task")
    subprocesses = parser.get_subprocess_specs("one_task")

    def run_one():
        wf = BpmnWorkflow(spec, subprocesses)
        wf.do_engine_steps()
        if wf.is_completed():
            raise RuntimeError("instance ended without waiting on its task")
        if user:
            waiting = wf.get_tasks(state=TaskState.READY, manual=True)
        else:
            waiting = wf.get_tasks(state=TaskState.STARTED, spec_name="Task_Bench")
        if len(waiting) != 1:
            raise RuntimeError(f"expected one waiting task, got {waiting}")
        task = waiting[0]
        task.data["result"] = "ok"  # what a worker would send as variables
        if user:
            task.run()
        else:
            task.complete()
        wf.do_engine_steps()
        if not wf.is_completed():
            raise RuntimeError("instance did not complete")

    run_one()  # warm-up, and a check that the process behaves as expected
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            run_one()
        seconds = time.perf_counter() - start
        rates.append(n / seconds if seconds > 0 else float("inf"))
        print(f"spiff instances: n={n} seconds={seconds:.3f} instances/s={rates[-1]:.1f}")
    if rounds > 1:
        print(f"spiff instances best of {rounds}: instances/s={max(rates):.1f}")
    if user:
        print("  (bench/one-task-user.bpmn: userTask READY -> task.run())")
    else:
        print("  (bench/one-task.bpmn: Spiff leaves the external serviceTask STARTED (waiting) -> task.complete())")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--instances", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=1, help="parse passes over the corpus")
    ap.add_argument("--user", action="store_true",
                    help="use bench/one-task-user.bpmn (userTask) instead of the external serviceTask for (b)")
    ap.add_argument("--rounds", type=int, default=1, help="timed rounds of --instances each (the best is printed too)")
    ap.add_argument("--skip-parse", action="store_true")
    ap.add_argument("--skip-instances", action="store_true")
    args = ap.parse_args()

    logging.disable(logging.CRITICAL)  # Spiff logs every task state change
    warnings.simplefilter("ignore")

    if not args.skip_parse:
        if not os.path.isdir(args.corpus):
            print(f"corpus not found: {args.corpus}", file=sys.stderr)
            return 2
        bench_parse(args.corpus, args.repeat)
    if not args.skip_instances:
        bench_instances(args.instances, args.user, max(1, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
