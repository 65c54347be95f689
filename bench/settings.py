"""Limits shared by every measurement: each stops after SECONDS or its job count."""

SECONDS = 5
CLIENTS = 8  # concurrent connections of the load tools and of the "8 workers" runs
THREADS = 2  # pgbench and wrk threads
BATCH = 1000  # jobs per batched enqueue
QUEUE = "bench"  # the queue the claim runs drain
ENQUEUE_QUEUE = "enqueue"
