"""Where uploaded files live: one interface, the instance folder by default or any
S3-compatible object store by configuration. Files are read back only through the app's
permission-checked downloads; nothing here makes a public or presigned address."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

from coop_tracker.core.backup_files import document_place
from coop_tracker.core.files import private_dir, write_private


class StorageError(Exception):
    """The store could not keep or give back a file."""


class Storage(Protocol):
    """Put, read and delete files by key."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    """A key no one can guess or collide with: the file's name in the store."""
    token = secrets.token_hex(16)
    return f"documents/{token[:2]}/{token}"


class LocalStorage:
    """Files in a folder (by default ``instance/documents``), readable by the service user
    only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError(f"key outside the store: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        private_dir(path.parent)
        write_private(path, data)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise StorageError(f"no file {key!r}") from error

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Files as objects in a bucket of any S3-compatible store (AWS, MinIO, Ceph, Garage …)."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        prefix: str = "",
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            return bytes(answer["Body"].read())
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error


def make_storage(app: Flask) -> Storage:
    """The store the configuration names: DOCUMENT_STORAGE = "local" (default) or "s3"."""
    kind = (app.config.get("DOCUMENT_STORAGE") or "local").lower()
    if kind == "s3":
        bucket = app.config.get("DOCUMENT_S3_BUCKET")
        if not bucket:
            raise RuntimeError("DOCUMENT_STORAGE is s3 but DOCUMENT_S3_BUCKET is not set")
        return S3Storage(
            bucket,
            endpoint_url=app.config.get("DOCUMENT_S3_ENDPOINT_URL"),
            region=app.config.get("DOCUMENT_S3_REGION"),
            access_key_id=app.config.get("DOCUMENT_S3_ACCESS_KEY_ID"),
            secret_access_key=app.config.get("DOCUMENT_S3_SECRET_ACCESS_KEY"),
            prefix=app.config.get("DOCUMENT_S3_PREFIX") or "",
        )
    if kind != "local":
        raise RuntimeError(f"DOCUMENT_STORAGE must be local or s3, not {kind!r}")
    folder = document_place(app.config, app.instance_path).folder
    assert folder is not None  # local storage always has a folder
    return LocalStorage(folder)


def storage() -> Storage:
    """The current app's store, made once per configuration."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = tuple(
        (name, app.config.get(name))
        for name in (
            "DOCUMENT_STORAGE",
            "DOCUMENT_DIR",
            "DOCUMENT_S3_BUCKET",
            "DOCUMENT_S3_ENDPOINT_URL",
            "DOCUMENT_S3_PREFIX",
        )
    )
    cached = app.extensions.get("document_storage")
    if cached is None or cached[0] != settings:
        cached = (settings, make_storage(app))
        app.extensions["document_storage"] = cached
    return cached[1]
