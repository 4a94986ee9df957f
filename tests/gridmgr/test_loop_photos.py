"""Photos are checked by content and size, stored under their hash, and published without EXIF."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile
from pytest_django.fixtures import Settings

from gridmgr.casework.loop import receive
from gridmgr.casework.photos import PhotoError, add_photo
from gridmgr.models import Issue, Photo
from tests.loop import jpeg, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def issue(world: World, media: Path) -> Issue:
    issue, _ = receive(*spot(world), world.categories["rubbish"])
    return issue


def encoded(fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (20, 10), (0, 128, 255, 255)[: len(mode)]).save(out, fmt)
    return out.getvalue()


def test_the_public_copy_of_a_jpeg_has_no_gps_or_exif(issue: Issue) -> None:
    data = jpeg(gps=True)
    upload = SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg")
    photo = add_photo(issue, upload, kind=Photo.Kind.REPORT)
    digest = hashlib.sha256(data).hexdigest()
    assert photo.sha256 == digest and photo.size == len(data)
    assert photo.content_type == "image/jpeg"
    assert photo.original.name == f"photos/original/{digest}.jpg"
    assert photo.public.name == f"photos/public/{digest}.jpg"
    with photo.original.open("rb") as handle:
        kept = Image.open(handle)
        assert kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    with photo.public.open("rb") as handle:
        public = Image.open(handle)
        assert public.format == "JPEG" and public.size == (64, 48)
        assert not public.getexif() and "exif" not in public.info


def test_png_and_webp_are_accepted(issue: Issue) -> None:
    png = add_photo(issue, encoded("PNG", "RGBA"))
    webp = add_photo(issue, encoded("WEBP"))
    assert (png.content_type, webp.content_type) == ("image/png", "image/webp")
    assert png.public.name.endswith(".png") and webp.public.name.endswith(".webp")


def test_a_text_file_named_jpg_is_refused(issue: Issue) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"not a picture at all", content_type="image/jpeg")
    with pytest.raises(PhotoError) as refused:
        add_photo(issue, upload)
    assert (refused.value.zh, refused.value.en) == (
        "上传的文件不是图片",
        "the upload is not an image",
    )
    assert not issue.photos.exists()


def test_other_image_types_are_refused(issue: Issue) -> None:
    with pytest.raises(PhotoError) as refused:
        add_photo(issue, SimpleUploadedFile("photo.jpg", encoded("GIF")))
    assert refused.value.en == "only JPEG, PNG and WebP photos are accepted (got GIF)"
    assert "只接受 JPEG、PNG、WebP 照片" in refused.value.zh


def test_a_truncated_jpeg_is_refused(issue: Issue, monkeypatch: pytest.MonkeyPatch) -> None:
    # WeasyPrint, once imported, makes Pillow accept truncated images process-wide.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    out = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(out, "JPEG")
    with pytest.raises(PhotoError) as refused:
        add_photo(issue, out.getvalue()[:5000])
    assert refused.value.en == "the image is damaged and cannot be read"


def test_an_oversize_photo_is_refused(issue: Issue, settings: Settings) -> None:
    settings.GRIDMGR_PHOTO_MAX_BYTES = 500
    with pytest.raises(PhotoError) as refused:
        add_photo(issue, SimpleUploadedFile("big.jpg", jpeg(gps=True)))
    assert refused.value.zh.startswith("照片过大") and "too large" in refused.value.en
    assert not issue.photos.exists()


def test_the_same_picture_twice_is_stored_once(issue: Issue, media: Path) -> None:
    first = add_photo(issue, jpeg())
    again = add_photo(issue, jpeg())
    assert first == again and issue.photos.count() == 1
    assert len(list((media / "photos" / "original").iterdir())) == 1
