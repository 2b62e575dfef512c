"""The round trip through a real spreadsheet program: export, open and save in LibreOffice
(headless) as CSV and as XLSX, import back: nothing changes and nothing is refused."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coop_tracker.agreements.queries import Filters, all_matching
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.actor import Actor
from coop_tracker.exchange.export import to_csv, to_xlsx
from coop_tracker.exchange.mapping import auto_mapping
from coop_tracker.exchange.parsing import read_upload
from coop_tracker.exchange.services import run_import
from tests.conftest import skip_or_fail
from tests.exchange.registers import canonical_register, rich_register

TODAY = date(2026, 3, 1)
# Semicolon, double quote, UTF-8 (76), from line 1; read as Swedish (1053) like Excel in Sweden.
CSV_IN = "Text - txt - csv (StarCalc):59,34,76,1,,1053"
CSV_OUT = "csv:Text - txt - csv (StarCalc):59,34,76,1"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        skip_or_fail("LibreOffice saknas (apt-get install libreoffice-calc-nogui)")
    return found


def _resave(source: Path, target_ext: str, tmp_path: Path) -> bytes:
    """Open ``source`` in LibreOffice and save it again as ``target_ext``."""
    out = tmp_path / "ut"
    out.mkdir(exist_ok=True)
    args = [
        _soffice(),
        f"-env:UserInstallation=file://{tmp_path / 'profil'}",
        "--headless",
        "--norestore",
    ]
    if source.suffix == ".csv":
        args.append(f"--infilter={CSV_IN}")
    convert = CSV_OUT if target_ext == "csv" else "xlsx:Calc MS Excel 2007 XML"
    args += ["--convert-to", convert, "--outdir", str(out), str(source)]
    subprocess.run(args, check=True, capture_output=True, timeout=180)
    return (out / f"{source.stem}.{target_ext}").read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_saved_again_in_libreoffice_the_export_imports_unchanged(session, factory, tmp_path, fmt):
    rich_register(factory, session)
    stockholm = factory.agreement(
        [("0180", "host"), ("0114", "purchaser")],
        title="Lön i Stockholm och Upplands Väsby",
        areas=["lon"],
        annual_cost="1250000",
        start_on="1926-01-01",
        external_id="17",
    )
    # Stockholm's own number 17: the owner's kommunkod 0180 becomes 180 in a spreadsheet.
    stockholm.external_id_owner = "0180"
    session.commit()
    agreements = all_matching(session, Filters(), restrict=False)
    before = canonical_register(agreements)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    source = tmp_path / f"samverkan.{fmt}"
    source.write_bytes((to_csv if fmt == "csv" else to_xlsx)(agreements, TODAY))

    body = _resave(source, fmt, tmp_path)
    assert body != source.read_bytes()  # LibreOffice really wrote it
    if fmt == "csv":
        assert "\n17;180;" in body.decode("utf-8")  # the spreadsheet dropped 0180's zero

    parsed = read_upload(body, f"sparad.{fmt}")
    result = run_import(
        session, parsed, auto_mapping(parsed.main.headers), actor=Actor.system("import")
    )
    assert result.errors == [] and result.mapping_errors == []
    assert result.count("unchanged") == 3 and result.count("update") == 0
    session.commit()
    session.expire_all()
    after = canonical_register(all_matching(session, Filters(), restrict=False))
    assert after == before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
