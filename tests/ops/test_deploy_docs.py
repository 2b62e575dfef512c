"""The production files in deploy/ are the ones the README shows, and they hold together."""

from __future__ import annotations

import re
import subprocess

from coop_tracker import PROJECT_ROOT
from coop_tracker.config import DefaultConfig

DEPLOY = PROJECT_ROOT / "deploy"
README = (PROJECT_ROOT / "README.md").read_text()


def test_readme_shows_every_deploy_file_verbatim():
    for name in (
        "samverkanskollen.service",
        "samverkanskollen-scheduler.service",
        "env.example",
        "nginx.conf",
        "samverkanskollen-audit-prune.service",
        "samverkanskollen-audit-prune.timer",
    ):
        assert (DEPLOY / name).read_text().strip() in README, name


def test_env_example_names_only_real_settings():
    """Every COOP_TRACKER_* in the example is a setting the app or gunicorn reads."""
    outside_config = {"INSTANCE_PATH", "BIND", "WORKERS"}
    names = re.findall(r"^COOP_TRACKER_([A-Z_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    assert names
    unknown = [n for n in names if n not in outside_config and not hasattr(DefaultConfig, n)]
    assert unknown == []
    gunicorn_conf = (PROJECT_ROOT / "coop_tracker" / "gunicorn_conf.py").read_text()
    assert "COOP_TRACKER_BIND" in gunicorn_conf and "COOP_TRACKER_WORKERS" in gunicorn_conf


def test_the_env_file_is_valid_for_the_shell_and_the_wrapper_script_parses(tmp_path):
    script = f"set -eu; set -a; . {DEPLOY / 'env.example'}; set +a; "
    script += 'printf "%s\\n" "$COOP_TRACKER_SQLALCHEMY_ENGINE_OPTIONS" "$COOP_TRACKER_MAIL_SENDER"'
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        '{"pool_size": 2, "max_overflow": 2}',
        "Samverkanskollen <noreply@example.se>",
    ]
    subprocess.run(["sh", "-n", str(DEPLOY / "samverkan")], check=True)
