"""Photos of issues: checked by content, stored under their SHA-256, published without metadata.

The original is kept as uploaded (evidence may need its EXIF); the public copy is re-encoded from
its pixels alone, upright, so that no GPS position, camera serial or comment leaves the service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from gridmgr.errors import GridError
from gridmgr.models import Issue, Photo, Transition

# Pillow's format name → (content type, file extension).
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class PhotoError(GridError):
    """An upload that is not an acceptable photo."""


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def add_photo(
    issue: Issue,
    upload: Readable | bytes,
    kind: str = Photo.Kind.REPORT,
    transition: Transition | None = None,
    now: dt.datetime | None = None,
) -> Photo:
    """Check and store a photo of an issue; the same picture twice returns the first one."""
    data = _read_limited(upload)
    image = _open_image(data)
    digest = hashlib.sha256(data).hexdigest()
    same = issue.photos.filter(sha256=digest, kind=kind).first()
    if same is not None:
        return same
    content_type, ext = FORMATS[str(image.format)]
    photo = Photo(
        issue=issue,
        kind=kind,
        transition=transition,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_at=now or timezone.now(),
    )
    _store(photo.original, f"{digest}.{ext}", data)
    _store(photo.public, f"{digest}.{ext}", public_copy(image))
    photo.save()
    return photo


def _read_limited(upload: Readable | bytes) -> bytes:
    limit = int(settings.GRIDMGR_PHOTO_MAX_BYTES)
    data = upload if isinstance(upload, bytes) else upload.read(limit + 1)
    if len(data) > limit:
        mb = limit / 1024 / 1024
        raise PhotoError(
            f"照片过大（上限 {mb:.1f} MB）", f"the photo is too large (limit {mb:.1f} MB)"
        )
    return data


def _open_image(data: bytes) -> Image.Image:
    """The decoded image, if the bytes are a JPEG, PNG or WebP picture (whatever the name)."""
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as exc:
        raise PhotoError("上传的文件不是图片", "the upload is not an image") from exc
    except Image.DecompressionBombError as exc:
        raise PhotoError("照片像素过多", "the photo has too many pixels") from exc
    if image.format not in FORMATS:
        raise PhotoError(
            f"只接受 JPEG、PNG、WebP 照片（收到 {image.format}）",
            f"only JPEG, PNG and WebP photos are accepted (got {image.format})",
        )
    try:
        image.load()
    except (OSError, SyntaxError) as exc:
        raise PhotoError("图片已损坏，无法读取", "the image is damaged and cannot be read") from exc
    return image


def public_copy(image: Image.Image) -> bytes:
    """The picture re-encoded from its pixels only: upright, no EXIF, GPS, XMP or comments."""
    fmt = str(image.format)
    upright = ImageOps.exif_transpose(image)
    modes = ("L", "RGB") if fmt == "JPEG" else ("L", "LA", "RGB", "RGBA")
    if upright.mode not in modes:
        has_alpha = fmt != "JPEG" and ("A" in upright.getbands() or "transparency" in image.info)
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    out = io.BytesIO()
    clean.save(out, format=fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()


def _store(field: FieldFile, name: str, data: bytes) -> None:
    """Save content under its hashed name, reusing the file if that name is already stored."""
    path = field.field.generate_filename(field.instance, name)
    if field.storage.exists(path):
        field.name = path
    else:
        field.save(name, ContentFile(data), save=False)
