"""Fonts a PDF names but does not embed: read them the same on every machine.

A PDF may name a font (SimHei, FangSong_GB2312, STSong-Light, …) without embedding it; the
viewer then substitutes an installed font. PDFium asks the machine for one, and what it finds
decides the glyph boxes it computes. On a machine without a Chinese font the substitute has no
glyph for 预 or 算: every Chinese character gets a box of zero height, and a text object holding
a single such character has zero width, so PDFium's text page drops it altogether (a header
cell 类, 款 or 项 vanishes). Reading then depends on what happens to be installed.

Reading never needs the real glyph shapes: positions come from the PDF's own widths and the
font size, line heights from the font's ascent and descent. So every font that is not embedded
that PDFium would look up for Chinese (or Japanese, Korean) text is substituted by one bundled
font, ``fonts/reading-box.ttf`` (made by ``scripts/gen_reading_font.py``): a full-width box for
every character of the Basic Multilingual Plane and a half-width box for the Latin ranges.
Latin fonts that are not embedded (Times New Roman, Helvetica, Arial) get PDFium's built-in
faces, never the machine's. With it every character has extent, no text object is dropped, and a
document reads the same, value for value, whatever fonts the machine has. Embedded fonts are
untouched.

PDFium takes one font source for the whole process (``FPDF_SetSystemFontInfo``); it is set once,
before the first document is opened. PDFium does not ask fontconfig: it scans the system's font
folders itself, so this is the one place where installed fonts could reach the reading. OCR of
pages without a text layer is unaffected (such pages have no text); ``ocr.rasterise``, which
draws test scans, renders in a fresh process so that it shows the machine's glyphs.
"""

from __future__ import annotations

import ctypes
from importlib import resources

_FACE = b"BudgetlintReadingBox"
_HANDLE = 1  # PDFium only passes our handle back to us; any non-null value will do
_GB2312 = 134
_CJK_CHARSETS = (128, 129, _GB2312, 136)  # Shift-JIS, Hangul, GB2312, Big5 (FXFONT_*_CHARSET)
_state: dict[str, object] = {}


def _font_bytes() -> bytes:
    return resources.files("budgetlint.ingest").joinpath("fonts/reading-box.ttf").read_bytes()


def installed() -> bool:
    """Whether this process substitutes the box font (then it renders such text as boxes)."""
    return "info" in _state


def install(raw=None, font: bytes | None = None) -> None:
    """Make PDFium substitute the bundled box font for every font a PDF does not embed.

    ``font`` replaces the box font (the tests read with a real Chinese font this way, to show
    the reading does not change). Idempotent. Must run before a document is opened: fonts
    already loaded keep their face.
    """
    if installed():
        return
    if raw is None:
        import pypdfium2.raw as raw  # noqa: PLC0415 — the ingest stays importable without pypdfium2

    data = font if font is not None else _font_bytes()
    buf = ctypes.create_string_buffer(data, len(data))
    types = dict(raw.FPDF_SYSFONTINFO._fields_)

    def release(_this):
        return None

    def enum_fonts(_this, mapper):
        # Announce the one face for the Chinese, Japanese and Korean charsets.
        for charset in _CJK_CHARSETS:
            raw.FPDF_AddInstalledFont(mapper, _FACE, charset)

    def map_font(_this, _weight, _italic, charset, _pitch, _face, exact):
        if exact:
            exact[0] = 0
        # Latin and symbol fonts: PDFium's built-in faces (the same on every machine) when we
        # decline; Chinese, Japanese and Korean: the box font.
        return _HANDLE if charset in _CJK_CHARSETS else None

    def get_font(_this, _face):
        return _HANDLE

    def get_font_data(_this, _font, table, buffer, size):
        if table != 0:  # a single table of a TrueType collection: ours is a plain font file
            return 0
        if buffer and size >= len(data):
            ctypes.memmove(buffer, buf, len(data))
        return len(data)

    def get_face_name(_this, _font, buffer, size):
        name = _FACE + b"\0"
        if buffer and size >= len(name):
            ctypes.memmove(buffer, name, len(name))
        return len(name)

    def get_charset(_this, _font):
        return _GB2312  # the substitute is meant for Chinese text first

    def delete_font(_this, _font):
        return None

    callbacks = {
        "Release": release,
        "EnumFonts": enum_fonts,
        "MapFont": map_font,
        "GetFont": get_font,
        "GetFontData": get_font_data,
        "GetFaceName": get_face_name,
        "GetFontCharset": get_charset,
        "DeleteFont": delete_font,
    }
    info = raw.FPDF_SYSFONTINFO()
    info.version = 1
    wrapped = {}
    for name, fn in callbacks.items():
        wrapped[name] = types[name](fn)
        setattr(info, name, wrapped[name])
    raw.FPDF_SetSystemFontInfo(ctypes.byref(info))
    # PDFium keeps the pointer: the struct, the callbacks and the font bytes must outlive it.
    _state.update(info=info, callbacks=wrapped, data=buf)
