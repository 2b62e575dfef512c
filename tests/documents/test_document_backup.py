"""``flask backup`` and ``flask restore`` with the uploaded document files: a real ODT uploaded,
backed up, lost, and brought back by the restore (SQLite, the embedded default, always); with S3
storage the backup says the files stay in the bucket."""

from __future__ import annotations

import hashlib
import io
import shutil
import stat
import tarfile
from pathlib import Path

from sqlalchemy import select

from coop_tracker import create_app
from coop_tracker.core.actor import Actor
from coop_tracker.documents.models import Document
from coop_tracker.documents.services import (
    DocumentInput,
    Upload,
    VersionInput,
    create_document,
    read_version_file,
)
from coop_tracker.extensions import db
from tests.conftest import _config, _migrate_and_seed
from tests.factories import Factory


def _app(tmp_path: Path, **extra):
    database = tmp_path / "live.sqlite3"
    app = create_app(_config(f"sqlite:///{database}", tmp_path) | extra)
    _migrate_and_seed(app)
    return app


def _upload(app, data: bytes, title: str) -> int:
    with app.app_context():
        agreement = Factory(db.session).agreement(phase="active", title=f"Samverkan {title}")
        document = create_document(
            db.session,
            agreement,
            DocumentInput(
                doc_type="avtal",
                title=title,
                first=VersionInput(reference="KS 2026/1", file=Upload("avtal.odt", data)),
            ),
            actor=Actor.system(),
        )
        db.session.commit()
        document_id = document.id
        db.engine.dispose()
    return document_id


def _cli(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.engine.dispose()
    return result


def test_backup_then_restore_brings_the_files_back(tmp_path, make_file):
    app = _app(tmp_path)
    data = make_file("odt", ["Avtalet om gemensam överförmyndare."])
    kept_id = _upload(app, data, "Avtal om överförmyndare")
    backup = tmp_path / "backups" / "2026-12-07.backup"

    result = _cli(app, "backup", "-o", str(backup))
    assert result.exit_code == 0, result.output
    archive = Path(f"{backup}.documents.tar")
    assert f"Dokumentfiler: 1 st skrivna till {archive}." in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        [member] = tar.getmembers()
        assert member.name.startswith("documents/")
        assert tar.extractfile(member).read() == data

    # After the backup: a second document, and then the folder is lost.
    _upload(app, make_file("odt", ["Senare."]), "Efter säkerhetskopian")
    folder = Path(app.config["DOCUMENT_DIR"])
    shutil.rmtree(folder)

    restored = _cli(app, "restore", "--yes", str(backup))
    assert restored.exit_code == 0, restored.output
    assert f"Dokumentfiler: 1 st återställda till {folder}." in restored.output
    with app.app_context():
        documents = db.session.scalars(select(Document)).all()
        assert [d.id for d in documents] == [kept_id]  # the database is the backup's
        version = documents[0].current
        back = read_version_file(version)
        assert back == data and hashlib.sha256(back).hexdigest() == version.sha256
        db.engine.dispose()
    assert stat.S_IMODE(next(p for p in folder.rglob("*") if p.is_file()).stat().st_mode) == 0o600


def test_restore_keeps_the_folder_it_replaces_and_refuses_a_bad_archive(tmp_path, make_file):
    app = _app(tmp_path)
    _upload(app, make_file("odt", ["Ett."]), "Ett")
    backup = tmp_path / "a.backup"
    assert _cli(app, "backup", "-o", str(backup)).exit_code == 0
    again = _cli(app, "backup", "-o", str(backup))
    assert again.exit_code != 0 and "finns redan" in again.output

    restored = _cli(app, "restore", "--yes", str(backup))
    assert restored.exit_code == 0, restored.output
    folder = Path(app.config["DOCUMENT_DIR"])
    [kept] = [p for p in folder.parent.iterdir() if p.name.startswith("documents.before-restore")]
    assert any(p.is_file() for p in kept.rglob("*"))
    assert f"De tidigare dokumentfilerna ligger kvar i {kept}." in restored.output

    # An archive with a path out of the folder is refused before the database is touched.
    bad = tmp_path / "b.backup"
    shutil.copyfile(backup, bad)
    with tarfile.open(f"{bad}.documents.tar", "w") as tar:
        info = tarfile.TarInfo("../utanför.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hej"))
    refused = _cli(app, "restore", "--yes", str(bad))
    assert refused.exit_code != 0
    assert "innehåller något annat än dokumentfiler: ../utanför.txt" in refused.output
    assert not (folder.parent / "utanför.txt").exists()


def test_a_backup_without_the_archive_leaves_the_folder_alone(tmp_path, make_file):
    app = _app(tmp_path)
    backup = tmp_path / "tom.backup"
    result = _cli(app, "backup", "-o", str(backup))
    assert "Inga dokumentfiler att kopiera" in result.output
    assert not Path(f"{backup}.documents.tar").exists()
    _upload(app, make_file("odt", ["Senare."]), "Senare")
    restored = _cli(app, "restore", "--yes", str(backup))
    assert restored.exit_code == 0 and "lämnas som den är" in restored.output
    assert any(p.is_file() for p in Path(app.config["DOCUMENT_DIR"]).rglob("*"))


def test_with_s3_storage_the_backup_says_the_files_stay_in_the_bucket(tmp_path):
    app = _app(tmp_path, DOCUMENT_STORAGE="s3", DOCUMENT_S3_BUCKET="kommunens-dokument")
    backup = tmp_path / "s3.backup"
    result = _cli(app, "backup", "-o", str(backup))
    assert result.exit_code == 0, result.output
    assert "S3-bucketen kommunens-dokument och ingår inte i säkerhetskopian" in result.output
    assert "versionshantering" in result.output
    assert not Path(f"{backup}.documents.tar").exists()
