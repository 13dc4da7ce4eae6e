"""The Celery side of the REST benchmark: a no-op task on a Redis broker. Each run counts its completions in a
Redis key so the driver sees when every task has run (no result backend round trip per task); the first and the
last completion also write their time."""
import os
import time

import redis
import celery
from celery import Celery

celery_version = celery.__version__

BROKER = os.environ.get("CELERY_BENCH_BROKER", "redis://127.0.0.1:6399/1")
app = Celery("noop_tasks", broker=BROKER)
app.conf.update(task_ignore_result=True, worker_prefetch_multiplier=50, task_acks_late=False,
                broker_connection_retry_on_startup=True, worker_hijack_root_logger=False)
counter = redis.Redis.from_url(BROKER)


@app.task(name="noop")
def noop(run, total=0):
    done = counter.incr(f"celery-bench:{run}:done")
    # The first and the last completion stamp their time, so the driver can poll slowly and still time the run exactly.
    if done == 1 or done == total:
        counter.set(f"celery-bench:{run}:{'first' if done == 1 else 'last'}", repr(time.time()))
