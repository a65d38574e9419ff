"""Boot diagnostics screenshot: a BMP of what the guest's console shows.

Layouts and colours imitate each family of screens (OOBE per version, lock screen, Setup dialogs over
the Setup background, update and start-up progress, the Windows 8+ stop screen with its QR block, Windows
Boot Manager's black error page, the blue Recovery page, BIOS text-mode messages, Hyper-V's UEFI boot
summary, BitLocker recovery, Automatic Repair, chkdsk, Safe Mode, GRUB); they are drawn with Pillow, not
copied from real captures.  Fonts: Windows' Segoe UI is not free, so its metric-alike stand-in Open Sans
(fonts-open-sans) draws the graphical screens; Japanese uses IPAexGothic (fonts-ipaexfont-gothic, as Yu
Gothic/Meiryo stand-in); text-mode and console screens use DejaVu Sans Mono.  Any of them missing falls
back to DejaVu, then to Pillow's built-in font.  The capture size is the screen's (screens.size_of) unless
the caller asks for another.

Knowingly left out: images (wallpapers, logos beyond four squares), accessibility icons, exact Microsoft
typography, animation (a spinner is dots), a decodable QR code (the block only looks like one).
"""

from __future__ import annotations

import functools
import io
import os

from PIL import Image, ImageDraw, ImageFont

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
LIGHT_GREY = (204, 204, 204)

THEME_BACKGROUND = {
    "oobe-server": (0, 90, 158),
    "oobe-2012r2": (32, 32, 96),
    "oobe-win10": (0, 40, 94),
    "oobe-win11": (222, 232, 246),
    "lock-server": (0, 78, 140),
    "lock-client": (20, 60, 110),
    "setup-dialog": (13, 58, 118),
    "setup-progress": (0, 99, 177),
    "dialog": (0, 120, 215),
    "boot-error": BLACK,
    "cmd": (12, 12, 12),
    "console": BLACK,
}


FONT_FILES = {  # role -> candidate files, first found wins
    "ui": ("OpenSans-Regular.ttf", "DejaVuSans.ttf"),
    "ui-light": ("OpenSans-Light.ttf", "OpenSans-Regular.ttf", "DejaVuSans.ttf"),
    "ui-bold": ("OpenSans-Semibold.ttf", "OpenSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf",),
    "cjk": ("ipaexg.ttf", "fonts-japanese-gothic.ttf", "NotoSansCJK-Regular.ttc"),
}


@functools.lru_cache(maxsize=None)
def _font_path(name: str) -> str | None:
    for root, _dirs, files in os.walk("/usr/share/fonts"):
        if name in files:
            return os.path.join(root, name)
    return None


def _has_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
               for ch in text)


@functools.lru_cache(maxsize=64)
def font(size: int, bold: bool = False, mono: bool = False, role: str | None = None):
    role = role or ("mono" if mono else "ui-bold" if bold else "ui")
    for name in FONT_FILES[role] + ("DejaVuSans.ttf",):
        path = _font_path(name)
        if path:
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=fnt) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _wrap_any(draw, text: str, fnt, width: int) -> list[str]:
    """Word wrap; Japanese (no spaces) wraps between any two characters."""
    if not _has_cjk(text):
        return _wrap(draw, text, fnt, width)
    lines, current = [], ""
    for ch in text:
        if current and draw.textlength(current + ch, font=fnt) > width:
            lines.append(current)
            current = ch.lstrip()
        else:
            current += ch
    return lines + [current] if current else lines


class _Canvas:
    def __init__(self, width: int, height: int, background):
        self.image = Image.new("RGB", (width, height), background)
        self.draw = ImageDraw.Draw(self.image)
        self.w, self.h = width, height
        self.k = min(width / 1024, height / 768)

    def px(self, value: float) -> int:
        return max(1, int(value * self.k))

    def text(self, x, y, text, size, colour=WHITE, bold=False, mono=False, wrap_to=None, role=None) -> int:
        """Draw (wrapped) text at scaled coordinates; returns the y below it (scaled units)."""
        if _has_cjk(text) and not mono:
            role = "cjk"
        fnt = font(self.px(size), bold, mono, role)
        lines = _wrap_any(self.draw, text, fnt, self.px(wrap_to)) if wrap_to else [text]
        cy = self.px(y)
        for line in lines:
            self.draw.text((self.px(x), cy), line, fill=colour, font=fnt)
            cy += int(self.px(size) * 1.35)
        return cy / self.k

    def centered(self, y, text, size, colour=WHITE, bold=False, role=None) -> int:
        fnt = font(self.px(size), bold, False, "cjk" if _has_cjk(text) else role)
        width = self.draw.textlength(text, font=fnt)
        self.draw.text(((self.w - width) / 2, self.px(y)), text, fill=colour, font=fnt)
        return y + size * 1.35

    def box(self, x, y, w, h, fill, outline=None):
        self.draw.rectangle([self.px(x), self.px(y), self.px(x + w), self.px(y + h)], fill=fill, outline=outline)


def _oobe(c: _Canvas, lines: list[str], theme: str) -> None:
    theme = "oobe-server" if theme == "oobe" else theme
    dark_text = theme == "oobe-win11"
    fg = (26, 26, 26) if dark_text else WHITE
    title, body, button = lines[0], lines[1:-1], lines[-1]
    if theme == "oobe-win11":
        c.box(112, 84, 800, 600, WHITE, outline=(200, 200, 200))
        c.box(132, 104, 300, 560, (232, 240, 252))
        y = c.text(460, 150, title, 26, fg, bold=True, wrap_to=420) + 30
        for row in body:
            c.box(460, y - 6, 420, 40, (243, 243, 243))
            y = c.text(475, y, row, 20, fg) + 22
        c.box(760, 610, 120, 44, (0, 95, 184))
        c.text(800, 620, button, 20, WHITE)
        return
    if theme == "oobe-win10":
        c.box(0, 0, 400, 768, (0, 30, 70))
        y = c.text(440, 120, title, 30, fg, wrap_to=540) + 30
    else:
        y = c.text(100, 90, title, 40, fg, wrap_to=820) + 30
    x = 440 if theme == "oobe-win10" else 100
    index = 0
    while index < len(body):
        row = body[index]
        is_label = row in ("Country or region", "App language", "Keyboard layout", "User name", "Password",
                           "Reenter password")
        if is_label:
            y = c.text(x, y, row, 20, fg) + 4
            value = body[index + 1] if index + 1 < len(body) and row in ("Country or region", "App language",
                                                                           "Keyboard layout", "User name") else ""
            c.box(x, y, 420, 38, WHITE)
            if value:
                c.text(x + 10, y + 6, value, 20, BLACK)
                index += 1
            y += 56
        else:
            y = c.text(x, y, row, 22, fg, wrap_to=820 if x == 100 else 540) + 14
        index += 1
    c.box(840, 680, 130, 44, (0, 120, 215) if theme != "oobe-server" else (0, 60, 110), outline=WHITE)
    c.text(870, 689, button, 20, WHITE)


def _lock(c: _Canvas, lines: list[str]) -> None:
    c.text(60, 480, lines[0], 96, WHITE)
    c.text(64, 610, lines[1], 36, WHITE)
    for extra in lines[2:]:
        c.centered(700, extra, 24, WHITE)


def _setup_dialog(c: _Canvas, lines: list[str]) -> None:
    button, message = lines[-1], lines[-2]
    title = "Install Windows" if "Install Windows" in lines else "Windows Setup"
    background = [line for line in lines[:-2] if line != "Install Windows"]
    y = 40
    for text in background:
        y = c.centered(y + 20, text, 28, WHITE)
    c.box(192, 260, 640, 250, (240, 240, 240), outline=(120, 120, 120))
    c.box(192, 260, 640, 34, WHITE)
    c.text(204, 266, title, 18, BLACK)
    c.text(220, 320, message, 20, BLACK, wrap_to=580)
    c.box(700, 460, 110, 36, (225, 225, 225), outline=(0, 120, 215))
    c.text(740, 467, button, 18, BLACK)


def _progress(c: _Canvas, lines: list[str]) -> None:
    for i in range(5):
        c.box(482 + i * 14, 300, 8, 8, WHITE)
    y = 360
    for line in lines:
        y = c.centered(y, line, 30 if y == 360 else 24, WHITE) + 10


def _boot_error(c: _Canvas, lines: list[str]) -> None:
    y = c.text(80, 60, lines[0], 40, WHITE) + 30
    for line in lines[1:]:
        y = c.text(80, y, line, 22, LIGHT_GREY, wrap_to=860) + 18


def _console(c: _Canvas, lines: list[str], theme: str) -> None:
    y = 20
    if theme == "cmd":
        c.box(0, 0, 1024, 34, WHITE)
        c.text(10, 6, lines[0], 18, BLACK)
        lines, y = lines[1:], 50
    for line in lines:
        y = c.text(12, y, line, 20, LIGHT_GREY, mono=True) + 6


def _dialog(c: _Canvas, lines: list[str]) -> None:
    c.box(262, 180, 500, 360, (240, 240, 240), outline=(90, 90, 90))
    c.box(262, 180, 500, 34, WHITE)
    c.text(274, 186, lines[0], 18, BLACK)
    y = 240
    for line in lines[1:-2]:
        y = c.text(290, y, line, 18, BLACK) + 10
    c.text(520, 500, f"{lines[-2]}      {lines[-1]}", 18, BLACK)


def render_image(theme: str, lines: list[str], width: int = 1024, height: int = 768) -> Image.Image:
    from . import render_family
    background = THEME_BACKGROUND.get(theme, render_family.BACKGROUNDS.get(theme, BLACK))
    c = _Canvas(width, height, background)
    if theme in render_family.LAYOUTS:
        render_family.LAYOUTS[theme](c, lines)
    elif theme.startswith("oobe"):
        _oobe(c, lines, theme)
    elif theme.startswith("lock-"):
        _lock(c, lines)
    elif theme == "setup-dialog":
        _setup_dialog(c, lines)
    elif theme == "setup-progress":
        _progress(c, lines)
    elif theme == "boot-error":
        _boot_error(c, lines)
    elif theme == "dialog":
        _dialog(c, lines)
    else:
        _console(c, lines, theme)
    return c.image


def render_screenshot(result_or_guest, width: int | None = None, height: int | None = None,
                      elapsed: float = 0.0, image_format: str = "BMP") -> bytes:
    """Image bytes (BMP, as boot diagnostics serves them) of the console ``elapsed`` seconds after the boot,
    at the screen's capture size unless ``width``/``height`` say otherwise.  A guest is booted on a copy
    first (the guest is not changed)."""
    from .screens import draw_lines, size_of
    result = result_or_guest
    if not hasattr(result, "screen_lines"):
        from .boot import boot
        result = boot(result_or_guest.copy())
    lines = draw_lines(result.screen, elapsed) if getattr(result, "screen", None) else result.screen_lines
    default_w, default_h = size_of(result.screen.get("id", result.screen_id) if result.screen else result.screen_id,
                                   getattr(result, "generation", "V1"))
    image = render_image(result.theme, lines, int(width or default_w), int(height or default_h))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()
