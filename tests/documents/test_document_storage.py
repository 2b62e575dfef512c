"""File storage: the instance folder by default, and an S3-compatible store by configuration,
here a real S3 server (moto's server mode, over HTTP on a free port) started by the test."""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from coop_tracker.documents.storage import LocalStorage, S3Storage, StorageError, new_key

BUCKET = "samverkanskollen-dokument"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_app(app, s3_server):
    import boto3

    settings = {
        "DOCUMENT_STORAGE": "s3",
        "DOCUMENT_S3_BUCKET": BUCKET,
        "DOCUMENT_S3_ENDPOINT_URL": s3_server,
        "DOCUMENT_S3_REGION": "eu-north-1",
        "DOCUMENT_S3_ACCESS_KEY_ID": "testnyckel",
        "DOCUMENT_S3_SECRET_ACCESS_KEY": "testhemlighet",
        "DOCUMENT_S3_PREFIX": "vansbro",
    }
    app.config.update(settings)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-north-1",
        aws_access_key_id="testnyckel",
        aws_secret_access_key="testhemlighet",
    )
    existing = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
    if BUCKET not in existing:
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
    return client


def test_upload_and_download_through_an_s3_server(s3_app, factory, api_as, make_file):
    agreement = factory.agreement(phase="active")
    editor = api_as("editor", "2021")
    data = make_file("pdf", ["Avtalet lagras i objektlagringen."])
    created = editor.post(
        f"/api/v1/agreements/{agreement.id}/documents",
        data={"type": "avtal", "title": "Avtal", "file": (io.BytesIO(data), "avtal.pdf")},
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.get_json()
    keys = [o["Key"] for o in s3_app.list_objects_v2(Bucket=BUCKET)["Contents"]]
    stored = [k for k in keys if k.startswith("vansbro/documents/")]
    assert stored, keys
    objects = {k: s3_app.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in stored}
    assert data in objects.values()
    body = created.get_json()
    assert body["current"]["file_url"] == f"/api/v1/documents/{body['id']}/versions/1/file"
    download = editor.get(body["current"]["file_url"])
    assert download.status_code == 200 and download.data == data
    found = editor.get("/api/v1/search?q=objektlagring").get_json()
    assert [i["document"]["id"] for i in found["items"]] == [body["id"]]


def test_a_missing_object_is_a_clear_404(s3_app, factory, api_as, make_file, session):
    from coop_tracker.documents.models import DocumentVersion

    agreement = factory.agreement(phase="active")
    editor = api_as("editor", "2021")
    created = editor.post(
        f"/api/v1/agreements/{agreement.id}/documents",
        data={
            "type": "avtal",
            "title": "Avtal",
            "file": (io.BytesIO(make_file("odt", ["x"])), "a.odt"),
        },
        content_type="multipart/form-data",
    ).get_json()
    version = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == created["id"])
    ).one()
    s3_app.delete_object(Bucket=BUCKET, Key=f"vansbro/{version.storage_key}")
    response = editor.get(f"/api/v1/documents/{created['id']}/file")
    assert response.status_code == 404
    assert "Filen finns inte i lagringen" in response.get_json()["message"]


def test_s3_storage_round_trip(s3_app, s3_server):
    store = S3Storage(
        BUCKET,
        endpoint_url=s3_server,
        region="eu-north-1",
        access_key_id="testnyckel",
        secret_access_key="testhemlighet",
    )
    key = new_key()
    store.put(key, b"%PDF-1.7 innehall", "application/pdf")
    assert store.get(key) == b"%PDF-1.7 innehall"
    store.delete(key)
    with pytest.raises(StorageError):
        store.get(key)


def test_local_files_are_private_and_keys_stay_inside(tmp_path):
    store = LocalStorage(tmp_path / "documents")
    key = new_key()
    store.put(key, b"data", "application/pdf")
    path = tmp_path / "documents" / key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.get(key) == b"data"
    with pytest.raises(StorageError):
        store.get("../../etc/passwd")
    with pytest.raises(StorageError):
        store.get("documents/ab/finns-inte")
