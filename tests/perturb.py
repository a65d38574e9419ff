"""Perturbed renders of the fake's screens: other capture sizes, another font, JPEG, noise, crops.

render_case(spec, perturbation) boots the simulated guest and returns (image bytes, os type).
PERTURBATIONS are (name, function of a PIL image -> PIL image | None for size/font, extra render args).
"""
import contextlib
import io
import random

from fakeazure.guest import boot, guest_from_spec, render_screenshot


def _jpeg(image, quality=35):
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    from PIL import Image
    return Image.open(io.BytesIO(out.getvalue()))


def _noise(image, sigma=18, seed=11):
    from PIL import Image, ImageChops
    rng = random.Random(seed)
    tile = bytes(max(0, min(255, int(128 + rng.gauss(0, sigma)))) for _ in range(128 * 128))
    noise = Image.new("L", image.size)
    piece = Image.frombytes("L", (128, 128), tile)
    for x in range(0, image.width, 128):
        for y in range(0, image.height, 128):
            noise.paste(piece, (x, y))
    plus = noise.point(lambda v: max(0, v - 128)).convert("RGB")
    minus = noise.point(lambda v: max(0, 128 - v)).convert("RGB")
    return ImageChops.subtract(ImageChops.add(image.convert("RGB"), plus), minus)


def _crop_right(image):
    return image.crop((0, 0, int(image.width * 0.85), image.height))


def _crop_bottom(image):
    return image.crop((0, 0, image.width, int(image.height * 0.8)))


@contextlib.contextmanager
def _serif_font():
    """Draw with DejaVu Serif instead of the Segoe UI stand-in (another font than Windows')."""
    from fakeazure.guest import render
    saved = dict(render.FONT_FILES)
    for role in ("ui", "ui-light", "ui-bold"):
        render.FONT_FILES[role] = ("DejaVuSerif.ttf",)
    render.font.cache_clear()
    try:
        yield
    finally:
        render.FONT_FILES.clear()
        render.FONT_FILES.update(saved)
        render.font.cache_clear()


PERTURBATIONS = [
    ("800x600", None, {"size": (800, 600)}),
    ("1280x720", None, {"size": (1280, 720)}),
    ("serif", None, {"font": "serif"}),
    ("jpeg35", _jpeg, {}),
    ("noise18", _noise, {}),
    ("crop-right", _crop_right, {}),
    ("crop-bottom", _crop_bottom, {}),
]


def render_case(spec, perturbation=None):
    """(image bytes, os type) of the screen the guest described by ``spec`` shows, maybe perturbed."""
    result = boot(guest_from_spec(spec))
    name, change, extra = perturbation or ("clean", None, {})
    size = extra.get("size") or (None, None)
    if extra.get("font") == "serif":
        with _serif_font():
            data = render_screenshot(result, *size)
    else:
        data = render_screenshot(result, *size)
    if change is not None:
        from PIL import Image
        image = change(Image.open(io.BytesIO(data)))
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG")
        data = out.getvalue()
    return data, result.os_type
