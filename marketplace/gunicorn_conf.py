"""Gunicorn's settings for production: ``gunicorn --config python:marketplace.gunicorn_conf``.

Kept in the package rather than as ``gunicorn.conf.py`` at the repository root: it is found
wherever the package is installed (a container need not start in the repository's folder), it
is imported and tested like any module, and gunicorn never picks it up by accident, as it would
a ``gunicorn.conf.py`` in the folder it starts in (the scale benchmark runs its own gunicorn
there with settings of its own).

Sizes come from the environment; the defaults suit a machine of two cores.
"""

from __future__ import annotations

import os

from marketplace.config import log_format, whole_number
from marketplace.logs import dict_config

wsgi_app = "marketplace.wsgi:app"
proc_name = "marketplace"

# ``BIND`` as gunicorn spells it ("0.0.0.0:8000", "unix:/run/marketplace.sock"), else the
# loopback interface on ``PORT``, for a proxy on the same machine.
bind = [os.environ.get("BIND") or f"127.0.0.1:{whole_number(os.environ, 'PORT', '5000')}"]

# One process per core: ranking and page rendering are CPU work that only separate processes
# run in parallel, and each process holds its own copy of the matching index's working set.
# Threads cover the waits on PostgreSQL and Redis within a process.
workers = whole_number(os.environ, "WEB_CONCURRENCY", str(len(os.sched_getaffinity(0))))
threads = whole_number(os.environ, "GUNICORN_THREADS", "4")
worker_class = "gthread"

# A worker's first ranking loads the index from its snapshot (under a second at 100k
# solutions) or, with no snapshot yet, builds it from the stored vectors (about 20 s). With
# gthread the timeout only ends a worker whose main loop stops answering the arbiter; 120 s
# lets a build finish on a busy machine and still ends a worker that hangs.
timeout = 120
# On a restart or shutdown, requests in flight may finish: longer than any ordinary request,
# and than an index build at 100k solutions.
graceful_timeout = 30
# A fresh process now and then bounds any slow growth of memory; restarts are staggered so
# the workers never recycle together, and cheap, since preloading means no re-import.
max_requests = 2000
max_requests_jitter = 200

# Build the app once in the arbiter and fork the workers from it: code and settings are shared
# copy-on-write, and a configuration error stops the server once, before any worker starts.
# It is safe because building the app loads no index and, at most, leaves idle connections in
# the pool, which each worker drops (``post_fork``). Each worker loads its own LiveIndex
# lazily; their snapshot is memory-mapped, so the workers of a machine share its pages anyway.
preload_app = True


def post_fork(server, worker) -> None:
    """Two processes must never talk over one database connection, so each worker forgets
    the pool it inherited, without closing connections that belong to the arbiter, and opens
    its own. (Redis clients notice the new process themselves.)"""
    from marketplace.extensions import db
    from marketplace.wsgi import app

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


# The app writes one access line per request, with its id, duration, status and address; the
# server's own lines go through the same handler, so standard output carries one format.
accesslog = None
logconfig_dict = dict_config(log_format(os.environ))

# Forwarded headers are believed in one place only: the app's ProxyFix, which trusts exactly
# ``PROXY_HOPS`` proxies for the client's address, scheme and host. Gunicorn trusting them as
# well (by default from 127.0.0.1) would be a second reading that could disagree.
forwarded_allow_ips = ""

# The runtime control socket (``gunicornc``) is not used here; without it nothing else listens,
# and two servers run by one user do not contend for its default path.
control_socket_disable = True
