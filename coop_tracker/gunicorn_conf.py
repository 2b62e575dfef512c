"""gunicorn settings for Samverkanskollen: ``gunicorn -c python:coop_tracker.gunicorn_conf``.

Part of the package, so an installed wheel has it too (``gunicorn.conf.py`` in the checkout
only imports it, for gunicorn started there without ``-c``). Command-line flags win over
these values, e.g. ``--workers 4``.
Each request is logged by the application itself (logger ``coop_tracker.access``, with its
request id), so gunicorn's own access log stays off.
"""

import gc
import os

bind = os.environ.get("COOP_TRACKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("COOP_TRACKER_WORKERS", "2"))
timeout = 60
# Behind a reverse proxy the proxy keeps connections alive; two seconds is plenty locally.
keepalive = 2


def post_worker_init(worker):
    """Move everything loaded at start-up (modules, templates, reference data) out of the
    garbage collector's sight.

    A worker starts with about 165,000 long-lived objects; every full collection walked them
    all, which cost 20–100 ms in the middle of ordinary page views on the national data set.
    Frozen objects are never scanned again; request garbage is still collected at the usual
    pace (raising the thresholds as well let a PDF report's reference cycles pile up: +76 MB a
    report).
    """
    gc.collect()
    gc.freeze()
    config = getattr(worker.wsgi, "config", None)  # None when wrapped (ProxyFix, say)
    if config is not None:
        config["GC_FREEZE"] = True  # the network cache freezes its entries too
