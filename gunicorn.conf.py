"""gunicorn reads this file by itself when started in the checkout; the settings live in the
package (``coop_tracker/gunicorn_conf.py``) so that an installed wheel has them as well."""

from coop_tracker.gunicorn_conf import *  # noqa: F403
