"""Test-side renderer of Windows boot screens (independent of the fake cloud).

``SCREENS`` holds the text of each screen as lines: the first line is the
heading (drawn larger).  ``render(name, look)`` draws one screen with a
``Look`` (size, font, colours, noise, blur, JPEG quality, crop) and returns
encoded image bytes.  Pillow is imported here only; tests that use it skip
when it is missing.
"""

import io
import random
import textwrap
from dataclasses import dataclass

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"

# name: (expected articleId, expected osState, lines)
SCREENS = {
    "oobe_hi_there": ("OSStartUp-OOBE", "running-at-oobe", [
        "Hi there", "Country or region", "United States", "App language",
        "English (United States)", "Keyboard layout", "US", "Next"]),
    "oobe_customize": ("OSStartUp-OOBE", "running-at-oobe", [
        "Customize settings",
        "Type a password for the built-in administrator account that you can use to sign in to this computer.",
        "User name", "Administrator", "Password", "Reenter password", "Finish"]),
    "oobe_2012r2_settings": ("OSStartUp-OOBE", "running-at-oobe", [
        "Settings", "Country or region", "United States", "App language", "English (United States)",
        "Keyboard layout", "US", "Next"]),
    "oobe_win10_region": ("OSStartUp-OOBE", "running-at-oobe", [
        "Let's start with region. Is this right?", "United States", "Uruguay", "Uzbekistan",
        "Vanuatu", "Vatican City", "Yes"]),
    "oobe_win10_keyboard": ("OSStartUp-OOBE", "running-at-oobe", [
        "Is this the right keyboard layout?", "US", "Canadian Multilingual Standard", "English (India)",
        "Irish", "Yes"]),
    "oobe_win11_region": ("OSStartUp-OOBE", "running-at-oobe", [
        "Is this the right country or region?", "United States", "Uruguay", "Uzbekistan", "Yes"]),
    "oobe_win11_keyboard": ("OSStartUp-OOBE", "running-at-oobe", [
        "Is this the right keyboard layout or input method?", "US", "Canadian Multilingual Standard",
        "Yes"]),
    "oobe_second_keyboard": ("OSStartUp-OOBE", "running-at-oobe", [
        "Want to add a second keyboard layout?", "Add layout", "Skip"]),
    "oobe_win10_account": ("OSStartUp-OOBE", "running-at-oobe", [
        "Who's going to use this PC?", "What name do you want to use?", "Next"]),
    "finish": ("OSStartUp-WINDOWS_COULD_NOT_FINISH_CONFIGURING_THE_SYSTEM", "setup-failed", [
        "Windows Setup",
        "Windows could not finish configuring the system. To attempt to resume configuration, restart the computer.",
        "OK", "Setup is starting services"]),
    "complete": ("OSStartUp-WINDOWS_COULD_NOT_COMPLETE_INSTALLATION", "setup-failed", [
        "Install Windows",
        "Windows could not complete the installation. To install Windows on this computer, restart the installation.",
        "OK"]),
    "restarted": ("OSStartUp-COMPUTER_RESTARTED_UNEXPECTEDLY_OR_ENCOUNTERED_AN_UNEXPECTED_ERROR", "setup-failed", [
        "Install Windows",
        "The computer restarted unexpectedly or encountered an unexpected error. Windows installation cannot "
        "proceed. To install Windows, click \"OK\" to restart the computer, and then restart the installation.",
        "OK"]),
    "oobe_sql": ("OSStartUp-OOBE_SQL", "setup-failed", [
        "Getting ready", "Windows Setup",
        "Windows Setup could not configure Windows to run on this computer's hardware.", "OK"]),
    "inplace_upgrade": ("OSStartUp-INPLACE_UPGRADE", "setup-in-progress", [
        "Upgrading Windows", "Your PC will restart several times. Sit back and relax.", "32%"]),
    "getting_windows_ready": ("OSStartUp-GETTING_WINDOWS_READY", "setup-in-progress", [
        "Getting Windows ready", "Don't turn off your computer"]),
    "getting_ready": ("OSStartUp-GETTING_READY", "setup-in-progress", [
        "Getting ready", "Don't turn off your computer"]),
    "preparing": ("OSStartUp-PREPARING_CONFIGURE_WINDOWS", "setup-in-progress", [
        "Preparing to configure Windows.", "Do not turn off your computer."]),
    "stop_error": ("WindowsStopError-0x000000EF-CRITICAL_PROCESS_DIED", "stop-error", [
        ":(",
        "Your PC ran into a problem and needs to restart. We're just collecting some error info, "
        "and then we'll restart for you.",
        "20% complete",
        "For more information about this issue and possible fixes, visit https://www.windows.com/stopcode",
        "If you call a support person, give them this info:", "Stop code: CRITICAL PROCESS DIED"]),
    "stop_error_unknown_code": ("WindowsStopError-BLUESCREEN_GENERIC", "stop-error", [
        ":(", "Your PC ran into a problem and needs to restart. We're just collecting some error info, "
        "and then we'll restart for you.", "40% complete",
        "If you call a support person, give them this info:", "Stop code: SYSTEM SERVICE EXCEPTION"]),
    "bootmgr": ("BootError-BOOTMGR_MISSING", "boot-failed", [
        "BOOTMGR is missing", "Press Ctrl+Alt+Del to restart"]),
    "recovery_repair": ("BootError-RECOVERY_CONSOLE", "recovery-console", [
        "Automatic Repair", "Your PC did not start correctly",
        "Press \"Restart\" to restart your PC, which can sometimes fix the problem. You can also press "
        "\"Advanced options\" to try other options to repair your PC.",
        "Advanced options", "Restart"]),
    "recovery_choose": ("BootError-RECOVERY_CONSOLE", "recovery-console", [
        "Choose an option", "Continue", "Exit and continue to Windows Server 2019", "Troubleshoot",
        "Reset your PC or see advanced options", "Turn off your PC"]),
    "healthy_unlock": (None, "healthy", [
        "10:42", "Tuesday, June 4", "Press Ctrl+Alt+Delete to unlock."]),
    "healthy_sign_in": (None, "healthy", [
        "Press Ctrl+Alt+Delete to sign in.", "3:15", "Friday, March 8"]),
}


def screen_text(name):
    """The plain text of a screen, one line per element."""
    return "\n".join(SCREENS[name][2])


@dataclass(frozen=True)
class Look:
    """How to draw a screen."""

    size: tuple = (1024, 768)
    font: str = "DejaVuSans.ttf"   # a file in FONT_DIR, or "default"
    background: tuple = (0, 99, 177)
    foreground: tuple = (255, 255, 255)
    noise: float = 0.0             # Gaussian sigma, in grey levels
    blur: float = 0.0              # Gaussian blur radius
    jpeg: int = 0                  # JPEG quality; 0 = lossless
    fmt: str = "PNG"               # PNG or BMP when jpeg == 0
    crop: str = ""                 # "", "right-half", "bottom-third", "left-two-thirds"

    def label(self):
        parts = ["%dx%d" % self.size, self.font.replace(".ttf", ""),
                 "#%02x%02x%02x" % self.background]
        if self.noise:
            parts.append("noise%g" % self.noise)
        if self.blur:
            parts.append("blur%g" % self.blur)
        if self.jpeg:
            parts.append("jpeg%d" % self.jpeg)
        if self.crop:
            parts.append(self.crop)
        return "/".join(parts)


OOBE_BLUE = ((0, 99, 177), (255, 255, 255))
CONSOLE = ((0, 0, 0), (200, 200, 200))
LIGHT = ((255, 255, 255), (30, 30, 30))
STOP_BLUE = ((16, 113, 170), (255, 255, 255))


def _font(name, size):
    from PIL import ImageFont
    if name == "default":
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(FONT_DIR + name, size)


def _draw_lines(image, lines, look):
    from PIL import ImageDraw
    draw = ImageDraw.Draw(image)
    width, height = look.size
    body_size = max(14, height // 36)
    heading = _font(look.font, int(body_size * 1.9))
    body = _font(look.font, body_size)
    x, y = width // 10, height // 8
    chars_per_line = max(20, int((width * 0.8) / (body_size * 0.6)))
    for index, line in enumerate(lines):
        font = heading if index == 0 else body
        for part in textwrap.wrap(line, chars_per_line if index else chars_per_line // 2) or [""]:
            draw.text((x, y), part, fill=look.foreground, font=font)
            y += int(font.size * 1.5)
        y += body_size // 2


def _degrade(image, look):
    from PIL import ImageFilter
    if look.blur:
        image = image.filter(ImageFilter.GaussianBlur(look.blur))
    if look.noise:
        image = _add_gaussian(image, look.noise)
    return image


def _add_gaussian(image, sigma, seed=7):
    """Add zero-mean Gaussian noise (a seeded 128x128 tile, repeated)."""
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
    return ImageChops.subtract(ImageChops.add(image, plus), minus)


def _crop(image, crop):
    w, h = image.size
    boxes = {
        "right-half": (0, 0, w // 2, h),          # keep the left half: lines cut off
        "left-two-thirds": (0, 0, 2 * w // 3, h),
        "bottom-third": (0, 0, w, 2 * h // 3),    # lose the bottom of the screen
        "top-half": (0, h // 2 - h // 6, w, h),    # lose the heading
    }
    return image.crop(boxes[crop]) if crop else image


def render(name, look=Look()):
    """Draw screen ``name`` with ``look``; return encoded image bytes."""
    from PIL import Image
    image = Image.new("RGB", look.size, look.background)
    _draw_lines(image, SCREENS[name][2], look)
    image = _crop(_degrade(image, look), look.crop)
    out = io.BytesIO()
    if look.jpeg:
        image.save(out, "JPEG", quality=look.jpeg)
    else:
        image.save(out, look.fmt)
    return out.getvalue()
