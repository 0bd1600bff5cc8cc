"""The applicant's photo, brought to the batch's spec or refused with the reason."""

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageStat

from jianding.errors import RuleViolation
from jianding.uploads import CheckedFile, image_encode

# A light background: the border of the photo averages at least this (0-255).
LIGHT_BACKGROUND = 170
BORDER_FRACTION = 0.06


def photo_convert(image: Image.Image, *, batch, field: str = "file") -> CheckedFile:
    """Crop, scale, make grey where the batch asks, and fit the size limit.

    Refuses a photo whose background is not light, since cropping cannot fix it.
    """
    width, height = batch.photo_width, batch.photo_height
    if image.width < width // 2 or image.height < height // 2:
        raise RuleViolation(
            _("The photo is too small (%(w)d × %(h)d px); take one of at least %(min_w)d × %(min_h)d px.")
            % {"w": image.width, "h": image.height, "min_w": width // 2, "min_h": height // 2},
            field=field,
            code="photo_too_small",
        )
    fitted = ImageOps.fit(image.convert("RGB"), (width, height), method=Image.Resampling.LANCZOS)
    if batch.photo_black_and_white:
        fitted = fitted.convert("L")
    if _border_brightness(fitted) < LIGHT_BACKGROUND:
        raise RuleViolation(
            _("The background of the photo is too dark; stand in front of a white or light wall."),
            field=field,
            code="photo_dark_background",
        )
    for quality in (90, 82, 74, 66, 58, 50, 42):
        checked = image_encode(fitted, quality=quality)
        if checked.size <= batch.photo_max_kb * 1024:
            return checked
    raise RuleViolation(
        _("The photo cannot be made smaller than %(kb)d KB; take a plainer one.")
        % {"kb": batch.photo_max_kb},
        field=field,
        code="photo_too_heavy",
    )


def _border_brightness(image: Image.Image) -> float:
    grey = image.convert("L")
    band = max(1, int(min(grey.size) * BORDER_FRACTION))
    w, h = grey.size
    strips = [(0, 0, w, band), (0, 0, band, h), (w - band, 0, w, h)]  # top, left, right: not the shoulders
    return sum(ImageStat.Stat(grey.crop(box)).mean[0] for box in strips) / len(strips)
