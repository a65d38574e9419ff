"""Layouts of the "VM boot error" family's screens beyond OOBE and Setup (used by render.py).

Each function draws the lines of one theme on a render._Canvas (1024x768 design units, scaled to the
capture size).  Colours follow public screenshots of each screen: the Windows 10 stop screen's blue
(#0078D7) with its QR block, Boot Manager's black page with the grey title bar, the Recovery page's blue,
BIOS messages in grey on black, Hyper-V's UEFI summary, BitLocker recovery's blue, the black start-up
screens with Windows' four squares over a dotted spinner.
"""

from __future__ import annotations

import hashlib

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREY = (192, 192, 192)
WIN10_BLUE = (0, 120, 215)

BACKGROUNDS = {
    "bluescreen": WIN10_BLUE, "bluescreen-2012r2": (16, 113, 170), "bootmgr": BLACK, "bootmgr-loading": BLACK,
    "recovery": WIN10_BLUE, "text-mode": BLACK, "hyperv": BLACK, "bitlocker": (0, 90, 160),
    "logo-progress": BLACK, "recovery-menu": WIN10_BLUE, "safe-mode": BLACK,
}


def _qr_block(c, x, y, size, seed):
    """A QR-code-like block: three finder squares and a seeded module pattern (not decodable)."""
    cells, cell = 25, size / 25
    c.box(x, y, size, size, WHITE)
    bits = hashlib.sha256(seed.encode()).digest() * 20
    for i in range(cells):
        for j in range(cells):
            if bits[(i * cells + j) % len(bits)] & 1:
                c.box(x + i * cell, y + j * cell, cell * 0.95, cell * 0.95, BLACK)
    for fx, fy in ((0, 0), (cells - 7, 0), (0, cells - 7)):
        c.box(x + fx * cell, y + fy * cell, 7 * cell, 7 * cell, BLACK)
        c.box(x + (fx + 1) * cell, y + (fy + 1) * cell, 5 * cell, 5 * cell, WHITE)
        c.box(x + (fx + 2) * cell, y + (fy + 2) * cell, 3 * cell, 3 * cell, BLACK)


def _windows_logo(c, x, y, size, colour=(0, 120, 215)):
    half = size / 2 - 2
    for dx in (0, half + 4):
        for dy in (0, half + 4):
            c.box(x + dx, y + dy, half, half, colour)


def bluescreen(c, lines):
    """Windows 10/Server 2016+: ':(' , the sentence, 'NN% complete', QR block, stopcode lines."""
    face, sentence, percent, *rest = lines
    c.text(120, 110, face, 110, WHITE, role="ui-light")
    y = c.text(120, 290, sentence, 28, WHITE, wrap_to=800, role="ui-light") + 24
    y = c.text(120, y, percent, 28, WHITE, role="ui-light") + 40
    _qr_block(c, 120, y, 110, "".join(rest))
    ty = y
    for line in rest:
        ty = c.text(260, ty, line, 15, WHITE, wrap_to=660) + 10


def bluescreen_2012r2(c, lines):
    """Windows 8 / Server 2012 R2: ':(' and two paragraphs, no QR block."""
    face, sentence, search = lines
    c.text(140, 150, face, 110, WHITE, role="ui-light")
    y = c.text(140, 330, sentence, 26, WHITE, wrap_to=760, role="ui-light") + 40
    c.text(140, y, search, 18, WHITE, wrap_to=760)


def bootmgr(c, lines):
    """Windows Boot Manager (Windows 7 / Server 2008 R2 style text page)."""
    title, *body, keys = lines
    c.box(0, 20, 1024, 36, GREY)
    c.centered(26, title, 20, BLACK)
    y = 90
    for line in body:
        indent = 100 if line[:1].isdigit() else 60
        if line.startswith(("File:", "Status:", "Info:")):
            indent = 90
        y = c.text(indent, y, line, 18, GREY, mono=True, wrap_to=900) + 14
    c.box(0, 730, 1024, 32, GREY)
    c.text(20, 736, keys, 17, BLACK, mono=True)


def bootmgr_loading(c, lines):
    """Boot Manager loading files in a diagnostic/safe start-up: text and a progress bar."""
    c.text(40, 40, lines[0], 20, GREY, mono=True)
    for i, line in enumerate(lines[1:]):
        c.text(40, 80 + i * 26, line, 18, GREY, mono=True)
    c.box(312, 600, 400, 22, None, outline=GREY)
    c.box(314, 602, 180, 18, GREY)


def recovery(c, lines):
    """Windows 8+ 'Recovery / Your PC/Device needs to be repaired' page."""
    title, headline, info, file_line, code, advice, *keys = lines
    c.text(80, 60, title, 40, WHITE, role="ui-light")
    y = c.text(80, 140, headline, 26, WHITE, wrap_to=860) + 20
    y = c.text(80, y, info, 20, WHITE, wrap_to=860) + 24
    y = c.text(80, y, file_line, 20, WHITE, wrap_to=860) + 6
    y = c.text(80, y, code, 20, WHITE) + 30
    y = c.text(80, y, advice, 18, WHITE, wrap_to=860) + 30
    for key in keys:
        y = c.text(80, y, key, 18, WHITE) + 8


def text_mode(c, lines):
    """BIOS / boot-sector messages in the VGA text mode (grey on black, top left)."""
    y = 10
    for line in lines:
        y = c.text(14, y, line, 30, GREY, mono=True, wrap_to=1000) + 6


def hyperv(c, lines):
    """Hyper-V Gen2 firmware: 'Virtual Machine Boot Summary' and why nothing booted."""
    banner, title, *rest = lines
    c.box(0, 0, 1024, 70, (30, 30, 30))
    c.text(30, 18, banner, 26, WHITE)
    c.text(60, 110, title, 24, WHITE)
    y = 170
    for line in rest:
        y = c.text(80, y, line, 18, GREY, wrap_to=860) + 20


def bitlocker(c, lines):
    title, *rest = lines
    c.text(80, 80, title, 36, WHITE)
    y = 180
    for line in rest:
        y = c.text(80, y, line, 22, WHITE, wrap_to=860) + 24


def logo_progress(c, lines):
    """Black start-up screen: Windows' logo, a dotted spinner, the text under it."""
    _windows_logo(c, 452, 220, 120)
    for i in range(5):
        c.box(488 + i * 12, 430, 6, 6, WHITE)
    y = 480
    for line in lines:
        y = c.centered(y, line, 24, WHITE) + 8


def recovery_menu(c, lines):
    """Automatic Repair / Choose an option: a title, then rows or buttons."""
    title, *rest = lines
    c.text(100, 80, title, 40, WHITE, role="ui-light")
    y = 170
    for line in rest:
        y = c.text(100, y, line, 22, WHITE, wrap_to=800) + 26


def safe_mode(c, lines):
    """The desktop in Safe Mode: the words in the four corners, the build on top."""
    word, build = lines
    c.centered(8, build, 16, WHITE)
    for x, y in ((10, 10), (890, 10), (10, 730), (890, 730)):
        c.text(x, y, word, 22, WHITE)


LAYOUTS = {
    "bluescreen": bluescreen, "bluescreen-2012r2": bluescreen_2012r2, "bootmgr": bootmgr,
    "bootmgr-loading": bootmgr_loading, "recovery": recovery, "text-mode": text_mode, "hyperv": hyperv,
    "bitlocker": bitlocker, "logo-progress": logo_progress, "recovery-menu": recovery_menu, "safe-mode": safe_mode,
}
