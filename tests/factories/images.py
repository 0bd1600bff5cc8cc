from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def portrait(*, size=(900, 1200), background=(235, 240, 245), fmt="JPEG", exif: bytes | None = None) -> bytes:
    """A colour 'photo': a light background with a dark head and shoulders in the middle."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.15, w * 0.7, h * 0.6), fill=(90, 60, 50))
    draw.rectangle((w * 0.2, h * 0.65, w * 0.8, h), fill=(30, 40, 90))
    buffer = BytesIO()
    kwargs = {"exif": exif} if exif else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
