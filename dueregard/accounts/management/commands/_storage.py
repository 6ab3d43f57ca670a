"""Where the uploaded files live, for `backup` and `restore`."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError


def media_root() -> Path:
    """The folder of the default file storage (MEDIA_ROOT). Backups copy files on disk, so
    another storage (object storage, say) is refused: back it up with its own tools."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise CommandError(
            f"The default file storage is {type(storage).__name__}; backup and restore copy "
            "the files under MEDIA_ROOT of a FileSystemStorage only."
        )
    return Path(storage.location)
