"""How the application runs: settings that must hold in every process that loads it."""

from __future__ import annotations

import subprocess
import sys


def test_sqlalchemy_runs_without_its_compiled_extensions():
    """With them, exporting the national register crashed at exit (see coop_tracker/__init__)."""
    code = "import coop_tracker, sqlalchemy.util._has_cy as c; print(c.HAS_CYEXTENSION)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
