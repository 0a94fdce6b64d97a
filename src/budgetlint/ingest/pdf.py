"""PDF with a text layer → pages of lines of cells, recovered from the page geometry.

The text stream of a PDF is in drawing order, not reading order, and says nothing about table
cells. Everything here is read from positions instead (pdfplumber's lesson), with PDFium
(pypdfium2) for speed. One chain per page, each step a plain function over plain records:

``page_chars``        text layer → ``Char`` (loose glyph boxes, top-left origin, as displayed)
``page_rulings``      path objects, also inside form XObjects → horizontal / vertical ``Edge``
``merge_edges``       collinear touching segments → one edge
``edges_to_grids``    connected rulings → ``Grid``: column xs, row ys, which borders are drawn
``grid_to_rows``      the chars inside a grid → table rows: merged cells written once in their
                      first column followed by "", wrapped text inside a cell joined, a band
                      without row rulings split at its text lines (numbers anchor the rows)
``chars_to_lines``    chars outside grids → visual lines (``_free_lines``: with their heights,
                      runs and run texts); ``borderless_rows`` turns a run of column-aligned
                      lines with amounts into table rows
``page_to_lines``     both, in reading order (top to bottom; a table is never split by a line
                      printed beside it)

Every knob is in ``PdfSettings``. Pages whose text cannot be trusted (no ToUnicode map:
private-use or replacement characters, or a Chinese document whose page suddenly has no Chinese)
are left out with a Chinese note; they never yield numbers. Pages without a text layer (scans)
are read by OCR (``ingest/ocr.py``, the optional extra ``ocr``) through ``page_to_lines`` too.
"""

from __future__ import annotations

import bisect
import ctypes
import operator
import os
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

from budgetlint import limits
from budgetlint.ingest import notices, pdf_fonts
from budgetlint.ingest.base import IngestError, Line, Page, Source, cause
from budgetlint.model import Provenance

BBox = tuple[float, float, float, float]

try:  # the per-character and per-object PDFium reads as C loops (setup.py; optional)
    from budgetlint.ingest import _pdfium_loops as _LOOPS
except ImportError:  # built without a C compiler: the same reads through ctypes, slower
    _LOOPS = None
if os.environ.get("BUDGETLINT_NO_C_LOOPS"):  # to rule the loops out when a reading is in doubt
    _LOOPS = None


def compiled_loops() -> bool:
    """Whether the C loops are in use (``bench/bench_check.py`` says so)."""
    return _LOOPS is not None


def _address(handle) -> int:
    """A PDFium function or handle as a plain address (what the untyped calls and the C loops take)."""
    return ctypes.cast(handle, ctypes.c_void_p).value


_FUNCTIONS: dict[str, int] = {}


def _function(raw, name: str) -> int:
    """The address of PDFium's function ``name``, looked up once (a page asks for several)."""
    address = _FUNCTIONS.get(name)
    if address is None:
        address = _FUNCTIONS[name] = _address(getattr(raw, name))
    return address


@dataclass(frozen=True, slots=True)
class PdfSettings:
    """Tolerances, in PDF points unless said otherwise."""

    snap: float = 2.0  # rulings closer than this are one line
    join: float = 3.0  # gap bridged when joining collinear segments
    thin: float = 2.5  # a path thinner than this is a ruling
    min_edge: float = 3.0  # shorter segments are ignored (tick marks, dots)
    word_gap: float = 0.28  # × char height: a wider gap inside a cell becomes a space
    run_gap: float = 1.6  # × char height: a wider gap on a free line separates two runs
    line_overlap: float = 0.5  # share of the smaller height two chars must share to be one line
    attach: float = 0.6  # × row pitch: a wrapped line this close to a row's numbers joins it
    min_page_chars: int = 1  # pages with fewer visible chars have no text layer
    garbled_share: float = 0.05  # share of private-use / replacement chars that makes a page unreadable
    borderless_min_rows: int = 3  # aligned lines with amounts needed to read a borderless table

    def __post_init__(self) -> None:
        for name in ("snap", "join", "thin", "min_edge", "word_gap", "run_gap", "attach"):
            if getattr(self, name) < 0:
                raise ValueError(f"PdfSettings.{name} must not be negative")


DEFAULT = PdfSettings()
# Fewer glyphs cut by the clipping than this are a stroke of a letter at a frame's edge, not text.
_MIN_CLIPPED = 4


class Char(NamedTuple):
    """One visible character: its text and loose box (x0, top, x1, bottom), top-left origin."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str


class Edge(NamedTuple):
    """A ruling: ``pos`` is y for a horizontal edge, x for a vertical one; it runs from a to b."""

    pos: float
    a: float
    b: float


@dataclass(slots=True)
class Grid:
    """A ruled table region: column and row boundaries and which borders are drawn."""

    xs: list[float]
    ys: list[float]
    hedges: list[Edge]
    vedges: list[Edge]
    chars: list[Char] = field(default_factory=list)
    # the chars' x0, top, x1, bottom as arrays, where page_to_lines had them (else worked out)
    coords: tuple | None = None

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def contains(self, x: float, y: float, tol: float = 1.0) -> bool:
        return self.xs[0] - tol <= x <= self.xs[-1] + tol and self.ys[0] - tol <= y <= self.ys[-1] + tol


# ---------------------------------------------------------------------------------------------
# Text


_GARBLE = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:,\d{3})+|\d+)(?:\.\d+)?%?$|^[-—–]{1,2}$")


@lru_cache(maxsize=1 << 14)  # a grid row's texts are asked about again by each step that splits it
def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(" ", "")))


def _display_transform(page, raw) -> tuple[int, tuple[float, float, float, float]]:
    """Page rotation (0, 90, 180, 270) and the crop box (x0, y0, x1, y1) in PDF user space."""
    rot = (raw.FPDFPage_GetRotation(page) % 4) * 90
    rect = raw.FS_RECTF()
    if not raw.FPDF_GetPageBoundingBox(page, rect):  # the visible box, inherited boxes included
        w, h = raw.FPDF_GetPageWidthF(page), raw.FPDF_GetPageHeightF(page)
        return rot, (0.0, 0.0, h, w) if rot in (90, 270) else (0.0, 0.0, w, h)
    left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
    return rot, (min(left, right), min(bottom, top), max(left, right), max(bottom, top))


def _to_display(rot: int, box: tuple[float, float, float, float]):
    """A function mapping a user-space rectangle (l, b, r, t) to a displayed (x0, top, x1, bottom)."""
    cx0, cy0, cx1, cy1 = box
    if rot == 90:
        return lambda x0, y0, x1, y1: (y0 - cy0, x0 - cx0, y1 - cy0, x1 - cx0)
    if rot == 180:
        return lambda x0, y0, x1, y1: (cx1 - x1, y0 - cy0, cx1 - x0, y1 - cy0)
    if rot == 270:
        return lambda x0, y0, x1, y1: (cy1 - y1, cx1 - x1, cy1 - y0, cx1 - x0)
    return lambda x0, y0, x1, y1: (x0 - cx0, cy1 - y1, x1 - cx0, cy1 - y0)


def _text_rotation(textpage, text: str, raw, space) -> int:
    """How far to turn the page (clockwise, 0 / 90 / 180 / 270) so that most characters stand
    upright: a landscape table drawn sideways on a portrait page, or a page shown rotated.
    ``space``: which characters of ``text`` are whitespace (a bool array)."""
    import numpy as np

    step = max(1, len(text) // 40)
    sample = np.arange(0, len(text), step, dtype=np.int32)[~space[::step]]
    if _LOOPS is not None:
        turned = _LOOPS.turn(_function(raw, "FPDFText_GetCharAngle"), _address(textpage), sample)
        if turned is not None:
            return turned  # the vote below, in C (an angle that is not a finite number: below)
        angles = np.frombuffer(_LOOPS.char_angles(_function(raw, "FPDFText_GetCharAngle"), _address(textpage), sample),
                               dtype=np.float32).astype(np.float64)
    else:
        angles = np.array([raw.FPDFText_GetCharAngle(textpage, i) for i in sample.tolist()], dtype=np.float64)
    return _turn_of(angles)


def _turn_of(angles) -> int:
    """The turn that undoes the characters' angles (radians, a float64 array; < 0: PDFium could
    not say): the quarter turn most stand at, if at least 0.6 of them do, else 0."""
    import numpy as np

    angles = angles[~(angles < 0)]
    if not len(angles):
        return 0
    # round() as Python rounds (half to even); the votes counted as a Counter counts them, a tie
    # going to the angle seen first
    turns = (np.round(angles * 57.29577951308232 / 90) % 4 * 90).astype(np.int64)
    deg, n = _vote(turns)
    # PDFium measures the angle the other way round from the turn that undoes it.
    return (360 - deg) % 360 if n >= 0.6 * len(turns) else 0


def _vote(turns) -> tuple[int, int]:
    """The turn most characters stand at, and how many: ``Counter(turns).most_common(1)``, a tie
    going to the turn seen first (``turns``: a non-empty int array of 0 / 90 / 180 / 270)."""
    import numpy as np

    quarter = turns // 90
    if quarter.min() >= 0 and quarter.max() <= 3:
        # four possible votes, counted by bincount (np.unique sorts: ~60 µs a page)
        counts = np.bincount(quarter, minlength=4)
        top = np.flatnonzero(counts == counts.max()).tolist()
        best = top[0] if len(top) == 1 else min(top, key=lambda q: int(np.argmax(quarter == q)))
        return best * 90, int(counts[best])
    # an angle PDFium could not give (not a number): whatever it votes for, as before
    values, first, counts = np.unique(turns, return_index=True, return_counts=True)
    top_at = np.flatnonzero(counts == counts.max())
    pick = top_at[np.argmin(first[top_at])]
    return int(values[pick]), int(counts[pick])


_LOOSE = None


def _loose_box_fn(raw):
    """``FPDFText_GetLooseCharBox`` without pypdfium2's argument checking: the boxes are written
    straight into one float array by address (a byref and four attribute reads per character
    were most of the cost of reading a page's characters)."""
    global _LOOSE
    if _LOOSE is None:
        proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
        _LOOSE = proto(_function(raw, "FPDFText_GetLooseCharBox"))
    return _LOOSE


def _loose_boxes(handle, index, raw):
    """Loose boxes of the characters ``index`` (an int array) → (k × 4 float64 array of left, top, right, bottom
    in user space, as ``FS_RECTF`` orders them; bool array: PDFium gave a box)."""
    import numpy as np

    tp = _address(handle)
    if _LOOPS is not None:
        boxes, ok = _LOOPS.loose_boxes(_function(raw, "FPDFText_GetLooseCharBox"), tp, np.asarray(index, dtype=np.int32))
        # float32 → float64 is exact: the same doubles ctypes hands out field by field.
        return (np.frombuffer(boxes, dtype=np.float32).astype(np.float64).reshape(-1, 4),
                np.frombuffer(ok, dtype=np.uint8).astype(bool))
    fn = _loose_box_fn(raw)
    index = index.tolist()
    k = len(index)
    buf = (ctypes.c_float * (4 * max(k, 1)))()
    base = ctypes.addressof(buf)
    # map, not a loop in Python: one call per character and nothing else
    ok = np.fromiter(map(fn, repeat(tp, k), index, range(base, base + 16 * k, 16)), dtype=bool, count=k)
    # float32 → float64 is exact: the same doubles ctypes hands out field by field.
    boxes = np.frombuffer(buf, dtype=np.float32)[:4 * k].astype(np.float64).reshape(k, 4)
    return boxes, ok


def _display_boxes(rot: int, box: tuple[float, float, float, float], boxes):
    """``_to_display`` over arrays: user-space (left, top, right, bottom) rows → displayed
    (x0, top, x1, bottom) columns, with the same float operations as the scalar version."""
    left, top, right, bottom = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    # _to_display takes (l, b, r, t) in this order
    return _to_display(rot, box)(left, bottom, right, top)


# Text render modes that paint nothing (PDF 32000 §9.3.6): 3 invisible, 7 clip only.
_INVISIBLE_MODES = (3, 7)
# Share of a glyph inside the visible area: below HIDDEN it is not on the page (not read); below
# SHOWN only part of it shows (a line cut by the clipping, which a reader sees as text that does
# not display: noted, and still read — a table cell's text cut at its border is the cell's text).
_HIDDEN_SHARE = 0.02
_SHOWN_SHARE = 0.85
# (invisible, transparent, clip box) of a text object
_PAINTED = (False, False, None)
_INVISIBLE = (True, False, None)
_TRANSPARENT = (False, True, None)


def _clip_box(obj: int, raw) -> tuple[float, float, float, float] | None:
    """The box a text object's clipping leaves visible (user space): the intersection of its clip
    paths' bounds (a rectangle clip exactly; any other shape by its bounds, so never too small).
    ``obj`` is the object's address; the calls are untyped (``_ObjectApi``)."""
    api = _object_api(raw)
    clip = api.clip_path(obj)
    return _clip_path_box(clip, api) if clip else None


def _clip_path_box(clip: int, api: _ObjectApi) -> tuple[float, float, float, float] | None:
    segment, point, buf, ax, ay = api.clip_segment, api.segment_point, api.point, api.ax, api.ay
    box: list[float] | None = None
    for q in range(api.clip_count(clip)):
        xs, ys = [], []
        for k in range(api.clip_segments(clip, q)):
            seg = segment(clip, q, k)
            if seg and point(seg, ax, ay):
                xs.append(buf[0])
                ys.append(buf[1])
        if not xs:
            continue
        b = [min(xs), min(ys), max(xs), max(ys)]
        box = b if box is None else [max(box[0], b[0]), max(box[1], b[1]), min(box[2], b[2]), min(box[3], b[3])]
    return tuple(box) if box else None


def _clip_key(clip: int) -> int:
    """The address of the clip data a clip handle points to (the first field of ``CPDF_ClipPath``)."""
    return ctypes.c_void_p.from_address(clip).value or 0


class _ClipBoxes:
    """Clip boxes of one page's text objects, each clipping read once.

    A page holds hundreds of text objects (one per glyph run, often one per glyph) and reading a
    clip path costs two PDFium calls per point, yet the objects drawn under one clipping state
    share it: PDFium keeps the path data once, reference-counted, and the clip handle of an object
    (its ``CPDF_ClipPath`` member) holds a pointer to that shared data as its only field. That
    pointer is the key (a few per page against hundreds of objects; only within the page, whose
    objects keep the data alive, so an address is never reused for another clipping). It is
    PDFium's layout, not its API, so the key is checked as it is used: the number of clip paths is
    read for every object and must match the key's (it tells a clipping from none whatever the
    key says: PDFium drops the clipping of an object wholly inside a rectangle clip), and the box
    is read again for the first reuse of each key and for every ``VERIFY_EVERY``-th reuse; one
    disagreement turns the sharing off for the rest of the run
    (``tests/ingest/test_pdf_visibility.py`` shows both). The page-object walk
    (``_collect_paths``) runs the reuse of a known, checked key itself (it runs once per text
    object); ``box`` is the whole test, and what the walk calls for everything else.
    """

    VERIFY_EVERY = 32
    trusted = True  # class-wide: a PDFium whose layout differs is found out once

    def __init__(self, api: _ObjectApi) -> None:
        self.api = api
        self.boxes: dict[int, tuple[int, tuple | None]] = {}  # key → (number of paths, box)
        self.checked: set[int] = set()
        self.reuses = 0

    def box(self, clip: int, key: int, count: int) -> tuple[float, float, float, float] | None:
        """The box of the clip handle ``clip`` (not null), whose key is ``key`` and number of
        clip paths ``count``."""
        if not _ClipBoxes.trusted:
            return _clip_path_box(clip, self.api)
        known = self.boxes.get(key)
        if known is None:
            found = _clip_path_box(clip, self.api)
            self.boxes[key] = (count, found)
            return found
        self.reuses += 1
        if known[0] != count or key not in self.checked or self.reuses % self.VERIFY_EVERY == 0:
            self.checked.add(key)
            again = _clip_path_box(clip, self.api)
            if known[0] != count or again != known[1]:
                _ClipBoxes.trusted = False
                return again
        return known[1]


def _share_inside(x0: float, b: float, r: float, t: float, box) -> float:
    """Share of the glyph box (x0, b, r, t) inside ``box`` (x0, y0, x1, y1)."""
    w, h = max(r - x0, 0.0), max(t - b, 0.0)
    if w <= 0 or h <= 0:
        inside = box[0] <= (x0 + r) / 2 <= box[2] and box[1] <= (b + t) / 2 <= box[3]
        return 1.0 if inside else 0.0
    iw = max(0.0, min(r, box[2]) - max(x0, box[0]))
    ih = max(0.0, min(t, box[3]) - max(b, box[1]))
    return (iw * ih) / (w * h)


class _Visibility:
    """Whether each character of a text page is painted where the page shows it: not in an
    invisible render mode, not with a transparent fill, and inside its object's clipping and the
    crop box. A PDF may carry text that is never seen (a '。' drawn invisible, a paragraph repeated
    outside the clipping of the previous page); a reviewer reads the page, so must we.

    Most pages hide nothing: every text object painted, opaque and without a clipping (PDFium
    drops the clipping of an object wholly inside a rectangle clip). Such a page is ``plain``: no
    character needs its text object looked up, and only those near the page edge need their
    glyph box (two PDFium calls per character saved)."""

    def __init__(self, page, handle, raw, crop: tuple[float, float, float, float], walk: PageWalk) -> None:
        self.raw, self.crop = raw, crop
        self.api = _object_api(raw)
        self.tp = _address(handle)
        self._rgba = (ctypes.c_uint * 4)()
        self._a_rgba = [ctypes.addressof(self._rgba) + 4 * j for j in range(4)]
        # The top-level text objects were read in the page-object walk (``_collect_paths``): those
        # that hide their text or are clipped, with (invisible, transparent, clip box); the others
        # are painted, opaque and unclipped. Clip paths of objects inside a form are in the form's
        # space: only top-level objects' clipping is compared with the page-space glyph boxes.
        self.special = walk.objects
        self.texts = walk.texts
        self.top: set[int] | None = None  # the top-level objects, as a set once needed
        boxes = walk.clip_boxes
        hides = walk.form_text or walk.hidden  # some character may be hidden or clipped, text in forms unknown
        self.plain = not hides and not boxes
        # the area every clipping leaves visible: text well inside it is clipped by none
        self.common = None if hides or not boxes else (
            max(c[0] for c in boxes), max(c[1] for c in boxes), min(c[2] for c in boxes), min(c[3] for c in boxes))

    def _object(self, key: int, i: int) -> tuple[bool, bool, tuple | None]:
        """The same for any text object, ``i`` one of its characters: a text object inside a form
        (the fill colour PDFium gives for a character is its text object's)."""
        found = self.special.get(key)
        if found is not None:
            return found
        if self.top is None:
            self.top = _address_set(self.texts)
        if key in self.top:
            return _PAINTED
        invisible = self.api.render_mode(key) in _INVISIBLE_MODES
        transparent = bool(self.api.text_fill(self.tp, i, *self._a_rgba)) and self._rgba[3] == 0
        return invisible, transparent, None

    def _codes(self, objects, first, index, clip_boxes: list[tuple]):
        """For each text object ``objects`` (sorted addresses, 0 for none; ``index[first[u]]``
        one of the characters of object u): 0 shown, 1 hidden, 2 + k clipped by
        ``clip_boxes[k]`` (appended here). The walk's listed objects are looked up all at once;
        an object it did not list is painted if top-level, and read here if inside a form."""
        import numpy as np

        special = self.special
        if isinstance(special, _ObjectRuns):
            values, which = special.values, special.which  # one value per run of objects
        else:
            values = list(special.values())
            which = None
        code_of: dict[int, int] = {}  # by the value's identity: the walk shares values between objects
        by_value: dict[tuple, int] = {}  # equal values (one clip box) one code, whoever made them
        for value in dict(zip(map(id, values), values, strict=True)).values():
            code = by_value.get(value)
            if code is None:
                if value[0] or value[1]:
                    code = 1
                elif value[2] is not None:
                    code = 2 + len(clip_boxes)
                    clip_boxes.append(value[2])
                else:
                    code = 0
                by_value[value] = code
            code_of[id(value)] = code
        codes = np.fromiter(map(code_of.__getitem__, map(id, values)), dtype=np.int64, count=len(values))
        if which is None:
            listed = np.fromiter(special.keys(), dtype=np.uint64, count=len(values))
        else:
            listed, codes = special.addr, codes[which]
        order = np.argsort(listed)
        listed, codes = listed[order], codes[order]
        found = np.zeros(len(objects), dtype=bool)
        code = np.zeros(len(objects), dtype=np.int64)
        if len(listed):
            at = np.minimum(np.searchsorted(listed, objects), len(listed) - 1)
            found = listed[at] == objects
            code = np.where(found, codes[at], 0)
        rest = np.flatnonzero(~found & (objects != 0))  # 0: no text object (a generated character)
        if len(rest):
            if self.top is None:
                self.top = _address_set(self.texts)
            top = self.top
            for u, key in zip(rest.tolist(), objects[rest].tolist(), strict=True):
                if key in top:
                    continue  # painted
                invisible, transparent, _ = self._object(key, int(index[first[u]]))
                if invisible or transparent:
                    code[u] = 1
        return code

    def shares(self, index, edge, loose=None):
        """Share of each character ``index`` the page shows (0 hidden … 1 fully shown), as an
        array: each text object worked out once, the glyph boxes read in one pass into an array
        (``_char_boxes``), the shares inside the crop box and the clipping computed over all
        characters at once. ``edge``: the characters whose loose box comes within its own
        height of the page edge (only they can reach outside the crop box). ``loose``: their
        loose boxes (user space, ``_loose_boxes``' rows): a character whose loose box, grown by
        its own height on every side, lies inside its clipping is not cut by it, and needs no
        glyph box (pages that clip all text to the printable area, often one clip for all)."""
        import numpy as np

        if self.plain:
            return self._crop_shares(index, edge)
        if self.common is not None and loose is not None and _well_inside(loose, self.common).all():
            return self._crop_shares(index, edge)
        get_object, tp = self.api.text_object, self.tp
        if _LOOPS is not None:
            keys = np.frombuffer(_LOOPS.text_objects(_function(self.raw, "FPDFText_GetTextObject"), tp,
                                                     np.asarray(index, dtype=np.int32)), dtype=np.uint64)
        else:
            keys = np.array([get_object(tp, i) or 0 for i in index], dtype=np.uint64)
        n = len(index)
        hidden = np.zeros(n, dtype=bool)
        clipped = np.zeros(n, dtype=bool)
        # per character: 0 shown whole, 1 hidden, 2 + k clipped by clip_boxes[k]
        state = np.zeros(n, dtype=np.int64)
        clip_boxes: list[tuple] = []
        if n:
            objects, first, which = np.unique(keys, return_index=True, return_inverse=True)
            code = self._codes(objects, first, index, clip_boxes)
            state = code[which.ravel()]
            hidden = state == 1
            for k, clip in enumerate(clip_boxes):
                mine = state == k + 2
                if loose is not None:
                    mine &= ~_well_inside(loose, clip)
                clipped |= mine
        # glyph boxes only where they can matter, read once: clipped characters, and those near
        # the edge
        out = np.ones(n)
        near = np.flatnonzero(edge | clipped)
        if len(near):
            boxes, ok = _char_boxes(tp, index[near], self.raw)
            x0, r, b, t = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
            out[near] = np.where(ok, _shares_inside(x0, b, r, t, self.crop), 1.0)
            sub = np.where(clipped[near], state[near], 0)
            for k, clip in enumerate(clip_boxes):
                sel = np.flatnonzero(sub == k + 2)
                if len(sel):
                    inside = _shares_inside(x0[sel], b[sel], r[sel], t[sel], clip)
                    out[near[sel]] = np.where(ok[sel], np.minimum(out[near[sel]], inside), 1.0)
        out[hidden] = 0.0
        return out

    def _crop_shares(self, index, edge):
        """Share of each character inside the crop box; 1 unless ``edge`` (only a character whose
        loose box comes within its own height of the page edge can reach outside)."""
        import numpy as np

        out = np.ones(len(index))
        near = np.flatnonzero(edge)
        if len(near):
            boxes, ok = _char_boxes(self.tp, index[near], self.raw)
            x0, r, b, t = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
            out[near] = np.where(ok, _shares_inside(x0, b, r, t, self.crop), 1.0)
        return out


def _address_set(texts) -> set[int]:
    """The walk's text object addresses as a set of ints (``PageWalk.texts``: a list or an array)."""
    return set(texts if isinstance(texts, list) else texts.tolist())


def _well_inside(loose, box):
    """Which loose boxes (rows of left, top, right, bottom in user space), grown by their own
    height on every side, lie inside ``box`` (x0, y0, x1, y1): a glyph drawn there is not cut.
    The margin covers a glyph reaching past its font's ascent, descent or advance."""
    import numpy as np

    left, top, right, bottom = loose[:, 0], loose[:, 1], loose[:, 2], loose[:, 3]
    lo, hi = np.minimum(top, bottom), np.maximum(top, bottom)
    h = hi - lo
    return (left - h >= box[0]) & (right + h <= box[2]) & (lo - h >= box[1]) & (hi + h <= box[3])


def _shares_inside(x0, b, r, t, box):
    """``_share_inside`` over arrays of glyph boxes, with the same float operations."""
    import numpy as np

    w, h = np.maximum(r - x0, 0.0), np.maximum(t - b, 0.0)
    flat = (w <= 0) | (h <= 0)
    cx, cy = (x0 + r) / 2, (b + t) / 2
    centre_in = (box[0] <= cx) & (cx <= box[2]) & (box[1] <= cy) & (cy <= box[3])
    iw = np.maximum(0.0, np.minimum(r, box[2]) - np.maximum(x0, box[0]))
    ih = np.maximum(0.0, np.minimum(t, box[3]) - np.maximum(b, box[1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (iw * ih) / (w * h)
    return np.where(flat, np.where(centre_in, 1.0, 0.0), share)


_CHAR_BOX = None


def _char_boxes(tp: int, index, raw):
    """Tight glyph boxes (``FPDFText_GetCharBox``: left, right, bottom, top, user space) of the
    characters ``index`` (an int array) → (k × 4 float64 array, bool array: PDFium gave a box)."""
    import numpy as np

    if _LOOPS is not None:
        boxes, ok = _LOOPS.char_boxes(_function(raw, "FPDFText_GetCharBox"), tp, np.asarray(index, dtype=np.int32))
        return np.frombuffer(boxes, dtype=np.float64).reshape(-1, 4), np.frombuffer(ok, dtype=np.uint8).astype(bool)
    global _CHAR_BOX
    index = index.tolist()
    v = ctypes.c_void_p
    if _CHAR_BOX is None:
        _CHAR_BOX = ctypes.CFUNCTYPE(ctypes.c_int, v, ctypes.c_int, v, v, v, v)(
            ctypes.cast(raw.FPDFText_GetCharBox, v).value)
    fn = _CHAR_BOX
    k = len(index)
    buf = (ctypes.c_double * (4 * max(k, 1)))()
    base = ctypes.addressof(buf)
    ok = np.array([fn(tp, i, base + 32 * j, base + 32 * j + 8, base + 32 * j + 16, base + 32 * j + 24)
                   for j, i in enumerate(index)], dtype=bool)
    return np.frombuffer(buf, dtype=np.float64)[:4 * k].reshape(k, 4), ok


class PageChars(NamedTuple):
    """A page's visible characters and what was worked out on the way (``_read_chars``)."""

    chars: list[Char]
    rotation: int
    size: tuple[float, float]
    coords: tuple | None  # the characters' x0, top, x1, bottom as float64 arrays
    cjk: int  # how many of them are CJK (``_CJK``)
    garbled: bool  # ``_garbled_text(text, False)``
    garbled_in_chinese: bool  # ``_garbled_text(text, True)``


def page_chars(page, textpage, raw, clipped: list[str] | None = None,
               walk: PageWalk | None = None) -> tuple[list[Char], int, tuple[float, float]]:
    """The visible characters of a page in displayed orientation, and the display size
    (``_read_chars``: the same, and more)."""
    read = _read_chars(page, textpage, raw, clipped, walk)
    return read.chars, read.rotation, read.size


def _read_chars(page, textpage, raw, clipped: list[str] | None = None,
                walk: PageWalk | None = None) -> PageChars:
    """The visible characters of a page in displayed orientation, and the display size.

    Loose boxes (font ascent to descent) give every glyph of a line the same height, which is
    what grouping into lines needs. Whitespace is dropped: gaps are read from the geometry.
    Characters the page does not show at all (``_Visibility``) are dropped; those it shows only in
    part are kept, and appended to ``clipped`` when given.
    Returns (chars, effective rotation, (width, height)).
    """
    handle = textpage.raw  # the bare handle: pypdfium2's wrapper costs a property call per use
    n = raw.FPDFText_CountChars(handle)
    if n <= 0:
        rot, box = _display_transform(page, raw)
        size = (box[2] - box[0], box[3] - box[1])
        return PageChars([], rot, (size[1], size[0]) if rot in (90, 270) else size, None, 0, False, False)
    text = textpage.get_text_range()
    if len(text) != n:  # characters outside the BMP: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(n))
    _, box = _display_transform(page, raw)
    import numpy as np

    # the characters as one UCS-4 array: numpy's isspace is str.isspace, code point for code point
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<U1")
    space = np.strings.isspace(codes)
    # Reading order follows the text, whatever /Rotate says: a page shown rotated draws its
    # text turned the other way, so that it stands upright on screen.
    rot = _text_rotation(handle, text, raw, space)
    size = (box[2] - box[0], box[3] - box[1])
    if rot in (90, 270):
        size = (size[1], size[0])
    point_all = codes.view(np.uint32)  # compared as integers: numpy compares strings slowly
    keep_at = np.flatnonzero(~(space | (point_all == 0xFFFE) | (point_all == 0xAD)))
    boxes, ok = _loose_boxes(handle, keep_at, raw)
    x0, top, x1, bottom = _display_boxes(rot, box, boxes)
    width, height = size
    # Off the page, or no extent: dropped.
    ok &= ~((x1 < 0) | (x0 > width) | (bottom < 0) | (top > height) | (bottom - top <= 0.1))
    pick = np.flatnonzero(ok)
    index_at = keep_at[pick]
    tall = (bottom - top)[pick]
    edge = ((x0[pick] < tall) | (top[pick] < tall) | (x1[pick] > width - tall) | (bottom[pick] > height - tall))
    walk = walk if walk is not None else walk_page(page, raw)
    share = _Visibility(page.raw, handle, raw, box, walk).shares(index_at, edge, boxes[pick])
    # not painted, or outside the clipping: not on the page a reader sees
    shown = share >= _HIDDEN_SHARE
    if clipped is not None:
        clipped.extend(map(text.__getitem__, index_at[np.flatnonzero(shown & (share < _SHOWN_SHARE))].tolist()))
    pick = pick[shown]
    at = index_at[shown]
    coords = (x0[pick], top[pick], x1[pick], bottom[pick])
    mine = codes[at]
    point = mine.view(np.uint32)
    bad, cjk, latin = _LOOPS.class_counts(point) if _LOOPS is not None else _class_counts(point)
    garbled = _garbled_counts(len(point), bad, cjk, latin, False)
    garbled_in_chinese = garbled or _garbled_counts(len(point), bad, cjk, latin, True)
    if _LOOPS is not None:
        out = _LOOPS.make_chars(Char, *coords, text, at.astype(np.int64))
    else:
        # tuple.__new__ straight: the named tuple's own __new__ is a Python call per character
        out = list(map(tuple.__new__, repeat(Char, len(pick)),
                       zip(*(a.tolist() for a in coords), map(text.__getitem__, at.tolist()), strict=True)))
    return PageChars(out, rot, size, coords, cjk, garbled, garbled_in_chinese)


def garbled(chars: list[Char], chinese_document: bool) -> bool:
    """Text that cannot be trusted: glyphs without a Unicode mapping come out as private-use,
    replacement or control characters, or as Latin letters on a page of a Chinese document."""
    if not chars:
        return False
    return _garbled_text("".join(map(_text, chars)), chinese_document)


def _garbled_text(text: str, chinese_document: bool) -> bool:
    """``garbled`` on the page's text (its characters' texts joined)."""
    if not text:
        return False
    return _garbled_counts(len(text), len(_GARBLE.findall(text)), len(_CJK.findall(text)),
                           len(_LATIN.findall(text)), chinese_document)


def _garbled_counts(n: int, bad: int, cjk: int, latin: int, chinese_document: bool) -> bool:
    """``_garbled_text`` from the counts of the text's characters: all of them, those ``_GARBLE``,
    ``_CJK`` and ``_LATIN`` match."""
    if not n:
        return False
    if bad >= max(1, DEFAULT.garbled_share * n):
        return True
    if chinese_document and n >= 40:
        return cjk < 0.02 * n and latin > 0.4 * n
    return False


def _class_counts(point) -> tuple[int, int, int]:
    """How many of the code points (a uint32 array) ``_GARBLE``, ``_CJK`` and ``_LATIN`` match:
    the classes as numpy counts them (three regex scans of a page's text cost more)."""
    return (_in(point, (0xE000, 0xF8FF), (0xFFFD, 0xFFFD), (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F)),
            _in(point, (0x3400, 0x9FFF), (0xF900, 0xFAFF)),
            _in(point, (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F)))


def _in(point, *ranges: tuple[int, int]) -> int:
    """How many code points fall in the inclusive ranges (a character class as numpy counts it)."""
    import numpy as np

    hit = (point >= ranges[0][0]) & (point <= ranges[0][1])
    for lo, hi in ranges[1:]:
        hit |= (point >= lo) & (point <= hi)
    return int(np.count_nonzero(hit))


# ---------------------------------------------------------------------------------------------
# Rulings


def _mul(m1: tuple, m2: tuple) -> tuple:
    """Matrix product m1 × m2 for PDF matrices (a, b, c, d, e, f): apply m1 first, then m2."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _matrix(obj, raw) -> tuple:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _path_segments(obj, m: tuple, raw, out: list[tuple[float, float, float, float]]) -> None:
    """Straight axis-parallel pieces of a path (user space), for paths that are not a single line."""
    x = ctypes.c_float()
    y = ctypes.c_float()
    rx, ry = ctypes.byref(x), ctypes.byref(y)
    cur = start = None
    full = _mul(_matrix(obj, raw), m)
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        if not seg or not raw.FPDFPathSegment_GetPoint(seg, rx, ry):
            continue
        pt = _apply(full, x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            cur = start = pt
            continue
        if kind == raw.FPDF_SEGMENT_LINETO and cur is not None:
            out.append((cur[0], cur[1], pt[0], pt[1]))
        cur = pt
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and cur is not None:
            out.append((cur[0], cur[1], start[0], start[1]))
            cur = start


def _filled_bars(obj, m: tuple, raw, out: list[tuple[float, float, float, float]]) -> None:
    """The thin sub-paths (bars) of a filled path, each as the centre line of its bar (user space)."""
    x = ctypes.c_float()
    y = ctypes.c_float()
    rx, ry = ctypes.byref(x), ctypes.byref(y)
    full = _mul(_matrix(obj, raw), m)
    subpaths: list[list[tuple[float, float]]] = []
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        if not seg or not raw.FPDFPathSegment_GetPoint(seg, rx, ry):
            continue
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([])
        elif kind != raw.FPDF_SEGMENT_LINETO:
            subpaths[-1].append((float("nan"), float("nan")))  # a curve: no bar
        subpaths[-1].append(_apply(full, x.value, y.value))
    for pts in subpaths:
        if len(pts) < 3 or any(p[0] != p[0] for p in pts):
            continue
        x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
        y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
        if y1 - y0 <= DEFAULT.thin and x1 - x0 > y1 - y0:
            out.append((x0, (y0 + y1) / 2, x1, (y0 + y1) / 2))
        elif x1 - x0 <= DEFAULT.thin and y1 - y0 > x1 - x0:
            out.append(((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))


class _ObjectApi:
    """The PDFium calls of the page-object walk, untyped: handles and out-parameters travel as
    plain addresses. A page holds thousands of text objects the walk only looks at the type
    of; pypdfium2's typed calls build a pointer object for each (a third of the walk's time)."""

    def __init__(self, raw) -> None:
        v, i, u, f = ctypes.c_void_p, ctypes.c_int, ctypes.c_ulong, ctypes.CFUNCTYPE

        def bare(fn, restype, *argtypes):
            return f(restype, *argtypes)(ctypes.cast(fn, v).value)

        self.page_count = bare(raw.FPDFPage_CountObjects, i, v)
        self.page_get = bare(raw.FPDFPage_GetObject, v, v, i)
        self.form_count = bare(raw.FPDFFormObj_CountObjects, i, v)
        self.form_get = bare(raw.FPDFFormObj_GetObject, v, v, u)
        self.get_type = bare(raw.FPDFPageObj_GetType, i, v)
        self.draw_mode = bare(raw.FPDFPath_GetDrawMode, i, v, v, v)
        self.bounds = bare(raw.FPDFPageObj_GetBounds, i, v, v, v, v, v)
        self.fill_color = bare(raw.FPDFPageObj_GetFillColor, i, v, v, v, v, v)
        self.typed = raw.FPDF_PAGEOBJECT  # for the rarer per-path reads (segments, matrix)
        # text objects: what the visibility test reads (one of each per text object)
        self.text_object = bare(raw.FPDFText_GetTextObject, v, v, i)
        self.render_mode = bare(raw.FPDFTextObj_GetTextRenderMode, i, v)
        self.text_fill = bare(raw.FPDFText_GetFillColor, i, v, i, v, v, v, v)
        self.object_fill = self.fill_color
        # one argument against the fill colour's five: an object without transparency (no fill
        # or stroke alpha below 1, no blend mode, no soft mask) has an opaque fill
        self.has_transparency = bare(raw.FPDFPageObj_HasTransparency, i, v)
        self.clip_path = bare(raw.FPDFPageObj_GetClipPath, v, v)
        self.clip_count = bare(raw.FPDFClipPath_CountPaths, i, v)
        self.clip_segments = bare(raw.FPDFClipPath_CountPathSegments, i, v, i)
        self.clip_segment = bare(raw.FPDFClipPath_GetPathSegment, v, v, i, i)
        self.segment_point = bare(raw.FPDFPathSegment_GetPoint, i, v, v, v)
        self.point = (ctypes.c_float * 2)()  # where segment_point writes x and y
        self.ax, self.ay = ctypes.addressof(self.point), ctypes.addressof(self.point) + 4
        # the same functions for the C loops (_pdfium_loops.c: object_api, in its order)
        self.addresses = tuple(_address(fn) for fn in (
            raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject,
            raw.FPDFPageObj_GetType, raw.FPDFPath_GetDrawMode, raw.FPDFPageObj_GetBounds, raw.FPDFPageObj_GetFillColor,
            raw.FPDFTextObj_GetTextRenderMode, raw.FPDFPageObj_HasTransparency, raw.FPDFPageObj_GetClipPath,
            raw.FPDFClipPath_CountPaths, raw.FPDFClipPath_CountPathSegments, raw.FPDFClipPath_GetPathSegment,
            raw.FPDFPathSegment_GetPoint))


_OBJECT_API: _ObjectApi | None = None


def _object_api(raw) -> _ObjectApi:
    global _OBJECT_API
    if _OBJECT_API is None:
        _OBJECT_API = _ObjectApi(raw)
    return _OBJECT_API


def _collect_paths(container: int, count, get, m: tuple, raw, segs: list, state: dict, depth: int = 0) -> None:
    """Walk the page objects (``container`` an address; ``count`` / ``get`` untyped calls of
    ``_ObjectApi``): thin paths and the axis-parallel pieces of others → ``segs``; images counted;
    top-level text objects listed and read for the visibility test (render mode, fill, clipping:
    those that hide their text or are clipped → ``state["objects"]``), text inside forms noted."""
    api = _object_api(raw)
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    box = (ctypes.c_float * 4)()  # left, bottom, right, top
    rgba = (ctypes.c_uint * 4)()
    a_fill, a_stroke = ctypes.addressof(fill), ctypes.addressof(stroke)
    a_box = [ctypes.addressof(box) + 4 * j for j in range(4)]
    a_rgba = [ctypes.addressof(rgba) + 4 * j for j in range(4)]
    r_, g_, b_, a_ = a_rgba
    get_type, draw_mode, bounds, fill_color = api.get_type, api.draw_mode, api.bounds, api.fill_color
    path_kind, form_kind, image_kind = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_IMAGE
    text_kind, texts = raw.FPDF_PAGEOBJ_TEXT, state["texts"]
    # the visibility reads of a top-level text object, written out (they run once per object): a
    # known, checked clip key is reused here, anything else goes to ``_ClipBoxes.box``
    render, clip_path, clip_count, has_transparency = api.render_mode, api.clip_path, api.clip_count, api.has_transparency
    clips: _ClipBoxes = state["clips"]
    known_boxes, checked, every = clips.boxes, clips.checked, clips.VERIFY_EVERY
    key_of = _clip_key  # read at each walk (a test replaces it)
    objects, clip_boxes = state["objects"], state["clip_boxes"]
    hidden = False
    for k in range(count(container)):
        addr = get(container, k)
        kind = get_type(addr)
        if kind == text_kind:
            if depth:
                state["form_text"] = True
                continue
            texts.append(addr)
            if render(addr) in _INVISIBLE_MODES:
                objects[addr] = _INVISIBLE
                hidden = True
                continue
            if has_transparency(addr) and fill_color(addr, r_, g_, b_, a_) and rgba[3] == 0:
                objects[addr] = _TRANSPARENT
                hidden = True
                continue
            clip = clip_path(addr)
            if not clip:
                continue
            key = key_of(clip)
            n = clip_count(clip)
            known = known_boxes.get(key)
            if (known is not None and known[0] == n and key in checked and _ClipBoxes.trusted
                    and (clips.reuses + 1) % every):
                clips.reuses += 1
                found = known[1]
            else:
                found = clips.box(clip, key, n)
            if found is not None:
                objects[addr] = (False, False, found)
                clip_boxes.add(found)
        elif kind == path_kind:
            if not draw_mode(addr, a_fill, a_stroke):
                continue
            if not fill.value and not stroke.value:
                continue  # an invisible path (a clip helper)
            if not bounds(addr, *a_box):
                continue
            x0, y0 = _apply(m, box[0], box[1])
            x1, y1 = _apply(m, box[2], box[3])
            w, h = abs(x1 - x0), abs(y1 - y0)
            thin = min(w, h) <= DEFAULT.thin
            if not stroke.value:
                if fill_color(addr, *a_rgba) and min(rgba[0], rgba[1], rgba[2]) >= 250:
                    continue  # a white line is not drawn on the page
                if not thin:
                    # A filled area (cell shading, a background box) is no ruling, but one path may
                    # fill many thin bars, one per ruling of a grid: those bars are rulings.
                    _filled_bars(ctypes.cast(addr, api.typed), m, raw, segs)
                    continue
            if thin:
                if h <= DEFAULT.thin:
                    ym = (y0 + y1) / 2
                    segs.append((x0, ym, x1, ym))
                else:
                    xm = (x0 + x1) / 2
                    segs.append((xm, y0, xm, y1))
            else:
                _path_segments(ctypes.cast(addr, api.typed), m, raw, segs)
        elif kind == form_kind and depth < 8:
            _collect_paths(addr, api.form_count, api.form_get,
                           _mul(_matrix(ctypes.cast(addr, api.typed), raw), m), raw, segs, state, depth + 1)
        elif kind == image_kind:
            state["images"] += 1
    if hidden:
        state["hidden"] = True


_RECORD = None  # numpy dtype of _pdfium_loops.c's record, built on first use
# PDFium's object types (fpdf_edit.h)
_TEXT_OBJECT, _PATH_OBJECT, _IMAGE_OBJECT, _FORM_OBJECT = 1, 2, 3, 5


def _record_dtype():
    global _RECORD
    if _RECORD is None:
        import numpy as np

        _RECORD = np.dtype([("addr", "<u8"), ("kind", "<i4"), ("text_state", "<i4"), ("clip", "<f8", (4,)),
                            ("bounds", "<f4", (4,)), ("rgba", "<u4", (4,)), ("draw_ok", "<i4"), ("fill", "<i4"),
                            ("stroke", "<i4"), ("bounds_ok", "<i4"), ("fill_ok", "<i4"), ("render", "<i4")])
        if _RECORD.itemsize != _LOOPS.RECORD_SIZE:
            raise RuntimeError("budgetlint 的 C 扩展与本版本不符，请重新安装（pip install -e .）")
    return _RECORD


def _walk_objects(container: int, is_form: bool, m: tuple, raw, segs: list, state: dict, depth: int = 0) -> None:
    """``_collect_paths`` with PDFium read in C (``_pdfium_loops.objects``: one record per object;
    for a top-level text object its render mode, transparency and clip box, read in full for
    each object, so no clip data is shared): the same ``segs`` and ``state``, decided here."""
    import numpy as np

    api = _object_api(raw)
    buf = _LOOPS.objects(api.addresses, container, is_form, depth == 0)
    recs = np.frombuffer(buf, dtype=_record_dtype())
    kinds = recs["kind"]
    text = kinds == _TEXT_OBJECT
    if depth:
        if text.any():
            state["form_text"] = True
    elif text.any():
        # the text objects' fields taken by index from the field views: indexing the records
        # themselves copies each whole record through numpy's slow structured path
        at = np.flatnonzero(text)
        state["texts"] = recs["addr"][at]  # the one top-level walk of the page: an array, made a set when needed
        special = at[np.flatnonzero(recs["text_state"][at])]
        if len(special):
            # one value per run of objects with the same (state, clip box): objects drawn under
            # one clipping come one after another, so a page has a few runs against hundreds
            keyed = np.column_stack([recs["text_state"][special].astype(np.float64), recs["clip"][special]])
            starts = np.flatnonzero(np.concatenate(([True], (keyed[1:] != keyed[:-1]).any(axis=1))))
            values = []
            for row in keyed[starts].tolist():
                kind, box = int(row[0]), tuple(row[1:])
                if kind == 3:
                    values.append((False, False, box))
                    state["clip_boxes"].add(box)
                else:
                    values.append(_INVISIBLE if kind == 1 else _TRANSPARENT)
                    state["hidden"] = True
            run = np.zeros(len(special), dtype=np.int64)
            run[starts[1:]] = 1
            state["objects"] = _ObjectRuns(recs["addr"][special], np.cumsum(run), values)
    # what each path is, decided in C as _collect_paths decides it (the same double operations)
    images, plan, only_lines = _LOOPS.path_plan(buf, m, DEFAULT.thin, depth < 8)
    state["images"] += images
    if only_lines:
        segs.extend(plan)  # thin paths only: the rulings in page order
        return
    for item in plan:
        if len(item) == 4:
            segs.append(item)
            continue
        c, addr = item
        if c == _WALK_BARS:
            # A filled area (cell shading, a background box) is no ruling, but one path may
            # fill many thin bars, one per ruling of a grid: those bars are rulings.
            _filled_bars(ctypes.cast(addr, api.typed), m, raw, segs)
        elif c == _WALK_SEGMENTS:
            _path_segments(ctypes.cast(addr, api.typed), m, raw, segs)
        elif c == _WALK_FORM:
            _walk_objects(addr, True, _mul(_matrix(ctypes.cast(addr, api.typed), raw), m), raw, segs, state, depth + 1)


# what _walk_objects does with a path or form object (_pdfium_loops.c: PLAN_*)
_WALK_SKIP, _WALK_LINE, _WALK_BARS, _WALK_SEGMENTS, _WALK_FORM = range(5)


class _ObjectRuns:
    """``PageWalk.objects`` as the C walk finds them: the objects' addresses (a uint64 array) and,
    for each, its value's place in ``values`` (one value per run of objects drawn alike). A dict
    of them is made only if asked for (a text object inside a form, a test): ``_Visibility``
    reads the arrays."""

    __slots__ = ("addr", "which", "values", "_by_addr")

    def __init__(self, addr, which, values: list[tuple[bool, bool, tuple | None]]) -> None:
        self.addr, self.which, self.values = addr, which, values
        self._by_addr: dict[int, tuple[bool, bool, tuple | None]] | None = None

    def _dict(self) -> dict[int, tuple[bool, bool, tuple | None]]:
        if self._by_addr is None:
            self._by_addr = dict(zip(self.addr.tolist(), map(self.values.__getitem__, self.which.tolist()),
                                     strict=True))
        return self._by_addr

    def get(self, key: int) -> tuple[bool, bool, tuple | None] | None:
        return self._dict().get(key)

    def items(self):
        return self._dict().items()

    def __len__(self) -> int:
        return len(self.addr)


class PageWalk(NamedTuple):
    """One walk over a page's objects: what the rulings and the visibility test need."""

    segs: list[tuple[float, float, float, float]]  # ruling pieces, user space
    images: int
    texts: Sequence[int]  # addresses of the top-level text objects (a list, or the C walk's array)
    form_text: bool  # text objects inside form XObjects
    # top-level text objects that hide their text or are clipped → (invisible, transparent, clip
    # box); every other one is painted, opaque and unclipped (a dict, or the C walk's runs)
    objects: dict[int, tuple[bool, bool, tuple | None]] | _ObjectRuns
    hidden: bool  # some top-level text object is invisible or transparent
    clip_boxes: set[tuple]  # the clip boxes of the visible top-level text objects


def walk_page(page, raw) -> PageWalk:
    segs: list[tuple[float, float, float, float]] = []
    api = _object_api(raw)
    # the clippings are one page's: its objects (and their clip data) live as long as it
    state: dict = {"images": 0, "texts": [], "form_text": False, "objects": {}, "hidden": False,
                   "clip_boxes": set(), "clips": _ClipBoxes(api)}
    container = _address(page.raw)
    if _LOOPS is not None:
        _walk_objects(container, False, _IDENTITY, raw, segs, state)
    else:
        _collect_paths(container, api.page_count, api.page_get, _IDENTITY, raw, segs, state)
    return PageWalk(segs, state["images"], state["texts"], state["form_text"], state["objects"], state["hidden"],
                    state["clip_boxes"])


def page_rulings(page, rot: int, raw, settings: PdfSettings = DEFAULT,
                 walk: PageWalk | None = None) -> tuple[list[Edge], list[Edge], int]:
    """Horizontal and vertical rulings of a page (displayed orientation), and its image count."""
    walk = walk if walk is not None else walk_page(page, raw)
    prot, box = _display_transform(page, raw)
    if not walk.segs:
        return [], [], walk.images
    import numpy as np

    # all pieces at once, with the float operations of one piece at a time: min(a, b) is a
    # unless b < a, max(a, b) a unless b > a, and the display mapping is plain arithmetic
    xa, ya, xb, yb = np.array(walk.segs, dtype=np.float64).T
    x0, top, x1, bottom = _to_display(rot, box)(np.where(xb < xa, xb, xa), np.where(yb < ya, yb, ya),
                                                np.where(xb > xa, xb, xa), np.where(yb > ya, yb, ya))
    w, ht = x1 - x0, bottom - top
    across = (ht <= settings.thin) & (w >= settings.min_edge)
    down = ~across & (w <= settings.thin) & (ht >= settings.min_edge)
    h = list(map(Edge, ((top[across] + bottom[across]) / 2).tolist(), x0[across].tolist(), x1[across].tolist()))
    v = list(map(Edge, ((x0[down] + x1[down]) / 2).tolist(), top[down].tolist(), bottom[down].tolist()))
    return h, v, walk.images


def merge_edges(edges: list[Edge], settings: PdfSettings = DEFAULT) -> list[Edge]:
    """Collinear segments (positions within ``snap``) that touch or nearly touch → one edge."""
    if not edges:
        return []
    if _LOOPS is not None:
        merged = _LOOPS.merge_edges(Edge, edges if type(edges) is list else list(edges), settings.snap, settings.join)
        if merged is not None:  # None: a position is not a number, sorted below as Python sorts it
            return merged
    edges = sorted(edges)
    groups: list[list[Edge]] = [[edges[0]]]
    for e in edges[1:]:
        if e.pos - groups[-1][0].pos <= settings.snap:
            groups[-1].append(e)
        else:
            groups.append([e])
    out: list[Edge] = []
    for g in groups:
        pos = _plain_mean([e.pos for e in g])
        g.sort(key=lambda e: e.a)
        a, b = g[0].a, g[0].b
        for e in g[1:]:
            if e.a <= b + settings.join:
                b = max(b, e.b)
            else:
                out.append(Edge(pos, a, b))
                a, b = e.a, e.b
        out.append(Edge(pos, a, b))
    return out


def _plain_mean(values: list[float]) -> float:
    """The mean, the values added left to right (Python's sum adds floats with compensation from
    3.12 on; the C loops add them plainly, and both must give the same positions)."""
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def _cluster(values: list[float], tol: float) -> list[float]:
    values = sorted(values)
    out: list[list[float]] = []
    for v in values:
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def edges_to_grids(hedges: list[Edge], vedges: list[Edge], settings: PdfSettings = DEFAULT) -> list[Grid]:
    """Rulings that touch form one table. A group with at least two columns is a grid."""
    tol = settings.join
    n_h = len(hedges)
    label = list(range(n_h + len(vedges)))
    if hedges and vedges and _LOOPS is not None:
        label = _LOOPS.touching_sets(hedges, vedges, tol)  # the labels below, by a union per touching pair
    elif hedges and vedges:
        import numpy as np

        # which vertical ruling touches which horizontal one, all pairs at once
        h = np.array(hedges, dtype=np.float64)  # pos, a, b
        v = np.array(vedges, dtype=np.float64)
        touch = ((h[None, :, 1] - tol <= v[:, None, 0]) & (v[:, None, 0] <= h[None, :, 2] + tol)
                 & (v[:, None, 1] - tol <= h[None, :, 0]) & (h[None, :, 0] <= v[:, None, 2] + tol))
        # the connected sets: each ruling takes the smallest label among those it touches until
        # none changes (a few rounds; a union per touching pair cost a Python call per pair)
        lh = np.arange(n_h)
        lv = np.arange(n_h, n_h + len(vedges))
        big = n_h + len(vedges)
        while True:
            new_v = np.minimum(lv, np.where(touch, lh[None, :], big).min(axis=1))
            new_h = np.minimum(lh, np.where(touch, new_v[:, None], big).min(axis=0))
            if np.array_equal(new_v, lv) and np.array_equal(new_h, lh):
                break
            lh, lv = new_h, new_v
        label = lh.tolist() + lv.tolist()
    # the groups in the order of their first ruling (hedges first), each in the rulings' order
    groups: dict[int, tuple[list[Edge], list[Edge]]] = {}
    for i, h in enumerate(hedges):
        groups.setdefault(label[i], ([], []))[0].append(h)
    for j, v in enumerate(vedges):
        groups.setdefault(label[n_h + j], ([], []))[1].append(v)
    grids: list[Grid] = []
    for hs, vs in groups.values():
        if len(hs) < 2 or len(vs) < 1:
            continue
        xs = _cluster([v.pos for v in vs] + [min(h.a for h in hs), max(h.b for h in hs)], settings.snap * 2)
        ys = _cluster([h.pos for h in hs] + [min(v.a for v in vs), max(v.b for v in vs)], settings.snap * 2)
        if len(xs) < 3 or len(ys) < 2:
            continue  # one column: a frame around text, not a table
        grids.append(Grid(xs, ys, hs, vs))
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


# ---------------------------------------------------------------------------------------------
# Lines of characters


def chars_to_lines(chars: list[Char], settings: PdfSettings = DEFAULT) -> list[list[Char]]:
    """Characters → visual lines, top to bottom, each sorted left to right (duplicates dropped:
    "bold" drawn by printing a glyph twice, slightly offset)."""
    if not chars:
        return []
    if len(chars) == 1:
        return [[chars[0]]]  # most table cells hold one word on one line
    first = chars[0]
    top, bottom = first.top, first.bottom
    if all(c.top == top and c.bottom == bottom for c in chars):
        lines = [sorted(chars, key=_x0)]  # one run in one font (most cells): the line _group_lines finds
    else:
        lines = _group_lines(chars, settings)
    out = []
    for line in lines:
        kept = [line[0]]
        for c in line[1:]:
            p = kept[-1]
            if c.text == p.text and c.x0 - p.x0 < 0.5 * (p.x1 - p.x0) and abs(c.top - p.top) < 0.5 * (p.bottom - p.top):
                continue
            kept.append(c)
        out.append(kept)
    return out


def _group_lines(chars: list[Char], settings: PdfSettings) -> list[list[Char]]:
    """Characters whose vertical extents overlap by ``line_overlap`` of the smaller → one line,
    each sorted left to right."""
    ordered = sorted(chars, key=_mid2)
    share = settings.line_overlap
    lines: list[list[Char]] = []
    line: list[Char] = []
    top = bottom = 0.0
    # min / max written out (``b if b < a else a`` is ``min(a, b)``): this loop runs per char.
    for c in ordered:
        ct, cb = c.top, c.bottom
        if line:
            lo = cb if cb < bottom else bottom
            hi = ct if ct > top else top
            h, ch = bottom - top, cb - ct
            if lo - hi >= share * (ch if ch < h else h):
                line.append(c)
                if ct < top:
                    top = ct
                if cb > bottom:
                    bottom = cb
                continue
        line = [c]
        lines.append(line)
        top, bottom = ct, cb
    for line in lines:
        if len(line) > 1:
            line.sort(key=_x0)
    return lines


def _mid2(c: Char) -> float:
    return c.top + c.bottom


# Char fields as C-level getters (min(map(_top, chars)) is min(c.top for c in chars) without a
# generator step per character)
_x0 = operator.itemgetter(0)  # Char.x0
_top = operator.itemgetter(1)
_x1 = operator.itemgetter(2)
_bottom = operator.itemgetter(3)
_text = operator.itemgetter(4)
_f_top = operator.attrgetter("top")  # of a _Frag
_f_bottom = operator.attrgetter("bottom")


def _height(chars: list[Char]) -> float:
    """Typical line height: of the Chinese characters where there are any (a Latin font's loose
    box for digits can be twice as tall as the text line it sits on)."""
    hs = [c.bottom - c.top for c in chars if c.text >= "\u3400"] or [c.bottom - c.top for c in chars]
    if not hs:
        return 10.0
    # statistics.median written out (it runs per line and per grid)
    hs.sort()
    half = len(hs) // 2
    return hs[half] if len(hs) % 2 else (hs[half - 1] + hs[half]) / 2


def runs_of(line: list[Char], gap: float) -> list[list[Char]]:
    """Split a visual line where the gap between two characters exceeds ``gap``."""
    run = [line[0]]
    runs = [run]
    x1 = run[0].x1  # of the character before
    for c in line[1:]:
        if c.x0 - x1 > gap:
            run = [c]
            runs.append(run)
        else:
            run.append(c)
        x1 = c.x1
    return runs


def text_of(line: list[Char], height: float, settings: PdfSettings = DEFAULT) -> str:
    """A visual line's text; a gap wider than ``word_gap`` × height becomes one space."""
    if not line:
        return ""
    if len(line) == 1:
        return line[0].text
    parts = [line[0].text]
    prev = line[0]
    space = settings.word_gap * height
    for c in line[1:]:
        if c.x0 - prev.x1 > space:
            parts.append(" ")
        parts.append(c.text)
        prev = c
    return "".join(parts)


def _join_wrapped(texts: list[str]) -> str:
    """Lines of one cell: Chinese wraps join directly, anything else with a space."""
    out = ""
    for t in texts:
        if not out:
            out = t
        elif _CJK.match(out[-1:]) or _CJK.match(t[:1]) or out[-1:] in "（(、-/" or t[:1] in "）)、%":
            out += t
        else:
            out += " " + t
    return out


def _box(chars: list[Char]) -> BBox:
    return (min(map(_x0, chars)), min(map(_top, chars)), max(map(_x1, chars)), max(map(_bottom, chars)))


# ---------------------------------------------------------------------------------------------
# Ruled tables


@dataclass(slots=True)
class _Cell:
    """A merged cell of a grid: rows r0..r1, columns c0..c1 (inclusive) and its text lines."""

    r0: int
    c0: int
    r1: int
    c1: int
    # its text lines, top to bottom: (text, top, bottom, chars left to right); set by grid_cells
    lines: Sequence[tuple[str, float, float, list[Char]]] = ()


def grid_cells(grid: Grid, settings: PdfSettings = DEFAULT, height: float | None = None) -> list[list[_Cell]]:
    """Merge the grid's cells wherever no border is drawn between them; cells[r][c] → its cell,
    with its text lines (``height``: the grid's line height, for the gaps that become spaces)."""
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    tol = settings.snap * 2
    if _LOOPS is not None:
        which, spans = _LOOPS.merged_cells(xs, ys, grid.vedges, grid.hedges, tol)
        distinct = [_Cell(*span) for span in spans]
        flat = [distinct[k] for k in which]
        table = [flat[r * nc:(r + 1) * nc] for r in range(nr)]
    else:
        which, distinct, table = _merged_cells(grid, tol)
    # bisect_right(xs, x) - 1 clamped to 0 … nc - 1 is bisect_right over the inner boundaries
    # (xs is sorted), as numpy's searchsorted over the characters' centres at once
    chars = grid.chars
    if chars:
        import numpy as np

        x0, top, x1, bottom = grid.coords if grid.coords is not None else _coords(chars)
        at = (np.searchsorted(ys[1:nr], (top + bottom) / 2, side="right") * nc
              + np.searchsorted(xs[1:nc], (x0 + x1) / 2, side="right"))
        group = np.array(which, dtype=np.int32)[at]
        height = _height(chars) if height is None else height
        for cell, lines in zip(distinct, _grouped_lines(chars, group, distinct, height, settings), strict=True):
            cell.lines = lines
    return table


def _merged_cells(grid: Grid, tol: float) -> tuple[list[int], list[_Cell], list[list[_Cell]]]:
    """``grid_cells``' merge, as ``_pdfium_loops.merged_cells`` does it: which merged cell each
    grid cell belongs to (numbered in the order a row-by-row scan meets them), the merged cells,
    and the table of them."""
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    by_x: dict[int, list[Edge]] = {c: [e for e in grid.vedges if abs(e.pos - xs[c]) <= tol] for c in range(1, nc)}
    by_y: dict[int, list[Edge]] = {r: [e for e in grid.hedges if abs(e.pos - ys[r]) <= tol] for r in range(1, nr)}
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    # A ruling is looked for at the middle of the cell's side; the slack along it stays under a
    # quarter of the side, or in a band of small print (rows 6pt high, 西安 表13's four header rows) a
    # ruling that starts at the band's lower border would count as crossing it and split its merged
    # cells like those of the row below ("上年" over 合计 … 培训费 read as over 小计 … 运行维护费 only).
    # A side is covered when one of the rulings at its border (by_x / by_y: within tol of it)
    # passes its middle, give or take ``along`` (written out: this runs per cell).
    spans_x = {c: [(e.a, e.b) for e in es] for c, es in by_x.items()}
    spans_y = {r: [(e.a, e.b) for e in es] for r, es in by_y.items()}
    for r in range(nr):
        ym = (ys[r] + ys[r + 1]) / 2
        along = min(tol, (ys[r + 1] - ys[r]) / 4)
        for c in range(1, nc):
            for a, b in spans_x[c]:
                if a - along <= ym <= b + along:
                    break
            else:
                union(r * nc + c - 1, r * nc + c)
    for r in range(1, nr):
        spans = spans_y[r]
        for c in range(nc):
            xm = (xs[c] + xs[c + 1]) / 2
            along = min(tol, (xs[c + 1] - xs[c]) / 4)
            for a, b in spans:
                if a - along <= xm <= b + along:
                    break
            else:
                union((r - 1) * nc + c, r * nc + c)
    cells: dict[int, _Cell] = {}
    table: list[list[_Cell]] = []
    for r in range(nr):
        row = []
        for c in range(nc):
            root = r * nc + c
            if parent[root] != root:
                root = find(root)
            cell = cells.get(root)
            if cell is None:
                cell = cells[root] = _Cell(r, c, r, c)
            else:
                cell.r1, cell.c1 = max(cell.r1, r), max(cell.c1, c)
                cell.r0, cell.c0 = min(cell.r0, r), min(cell.c0, c)
            row.append(cell)
        table.append(row)
    distinct = list(cells.values())
    number = {id(cell): k for k, cell in enumerate(distinct)}
    return [number[id(cell)] for row in table for cell in row], distinct, table


def _grouped_lines(chars: list[Char], group, cells: list[_Cell], height: float, settings: PdfSettings):
    """The text lines of each cell: ``chars_to_lines`` and ``text_of`` of its characters
    (``group``: each character's cell), in one C call where the loops are built."""
    if _LOOPS is not None:
        return _LOOPS.lines_of(chars, group, len(cells), settings.line_overlap, settings.word_gap * height)
    mine: list[list[Char]] = [[] for _ in cells]
    for ch, k in zip(chars, group.tolist(), strict=True):
        mine[k].append(ch)
    return [[(text_of(line, height, settings), min(map(_top, line)), max(map(_bottom, line)), line)
             for line in chars_to_lines(own, settings)] for own in mine]


class _Run(NamedTuple):
    """A run of a free text line (``runs_of``): its characters, ``text_of`` and ``_box``."""

    chars: list[Char]
    text: str
    box: BBox


class _FreeLine(NamedTuple):
    """A visual line of the free text (outside every grid), with what page_to_lines and
    borderless_rows read of it."""

    chars: list[Char]
    height: float  # _height
    box: BBox
    runs: list[_Run]  # split at gaps wider than run_gap × height


def _free_lines(chars: list[Char], settings: PdfSettings) -> list[_FreeLine]:
    """The free text's visual lines (``chars_to_lines``) with their heights, boxes and runs: in
    one C call where the loops are built."""
    if _LOOPS is not None:
        return _LOOPS.free_lines(_FreeLine, _Run, chars, settings.line_overlap, settings.run_gap, settings.word_gap)
    return _free_lines_py(chars, settings)


def _free_lines_py(chars: list[Char], settings: PdfSettings) -> list[_FreeLine]:
    out = []
    for line in chars_to_lines(chars, settings):
        h = _height(line)
        runs = [_Run(r, text_of(r, h, settings), _box(r)) for r in runs_of(line, settings.run_gap * h)]
        out.append(_FreeLine(line, h, _box(line), runs))
    return out


def _coords(chars: list[Char]):
    """The characters' x0, top, x1, bottom as float64 arrays (the same doubles)."""
    import numpy as np

    n = len(chars)
    return (np.fromiter(map(_x0, chars), dtype=np.float64, count=n),
            np.fromiter(map(_top, chars), dtype=np.float64, count=n),
            np.fromiter(map(_x1, chars), dtype=np.float64, count=n),
            np.fromiter(map(_bottom, chars), dtype=np.float64, count=n))


@dataclass(slots=True)
class _Frag:
    """One text line inside one cell (a column of a table row)."""

    col: int
    top: float
    bottom: float
    text: str
    chars: list[Char]

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _cell_frags(cell: _Cell, col: int, height: float, settings: PdfSettings,
                span: tuple[float, float] | None = None) -> list[_Frag]:
    """The text lines of one cell; ``span`` (the cell's left and right rulings) lets an amount
    cut at the cell edge take back the digits wrapped onto the next line."""
    out: list[_Frag] = []
    for text, top, bottom, line in cell.lines:
        if not text.strip():
            continue
        frag = _Frag(col, top, bottom, text, line)
        if span is not None and out and _wrapped_digits(out[-1], frag, span, height):
            prev = out[-1]
            out[-1] = _Frag(col, prev.top, frag.bottom, prev.text + frag.text, prev.chars + frag.chars)
            continue
        out.append(frag)
    return out


_DIGITS = re.compile(r"^[\d.,]{1,4}$")


def _wrapped_digits(upper: _Frag, lower: _Frag, span: tuple[float, float], height: float) -> bool:
    """A narrow amount cell wraps "100,763.03" into "100,763.0" and "3": the lower line is a few
    digits, the next line down, that could not have stood on the upper line (both together are
    wider than the cell's room between its paddings), and the two written together are one
    amount. Read apart, the tail would become an amount of its own (a row whose 总计 is 3)."""
    if not _DIGITS.match(lower.text) or not _is_number(upper.text) or "%" in upper.text:
        return False
    if not _is_number(upper.text + lower.text) or lower.top - upper.bottom > height:
        return False
    left, right = span
    ux0, ux1 = upper.chars[0].x0, upper.chars[-1].x1
    pad = max(min(ux0 - left, right - ux1), 0.0)
    room = right - left - 2 * pad
    return (ux1 - ux0) + (lower.chars[-1].x1 - lower.chars[0].x0) > room


def _spread(cell: _Cell, frags: list[_Frag], xs: list[float], height: float,
            settings: PdfSettings) -> list[_Frag]:
    """A cell merged across columns that holds separate amounts (a body row drawn without inner
    column rulings) gives each amount to the column it stands in."""
    if cell.c0 == cell.c1:
        return frags
    out: list[_Frag] = []
    for f in frags:
        runs = runs_of(f.chars, settings.run_gap * height)
        if len(runs) < 2 or not any(_is_number(text_of(r, height, settings)) for r in runs):
            out.append(f)
            continue
        for run in runs:
            cx = (run[0].x0 + run[-1].x1) / 2
            col = min(max(bisect.bisect_right(xs, cx) - 1, cell.c0), cell.c1)
            out.append(_Frag(col, min(map(_top, run)), max(map(_bottom, run)),
                             text_of(run, height, settings), run))
    return out


def _split_band(frags: list[_Frag], height: float, settings: PdfSettings) -> list[list[_Frag]]:
    """The text lines of one grid row → table rows.

    A band drawn without row rulings holds several rows: then some column has two amounts in
    it. Rows are anchored by their amounts (a number never wraps); a wrapped label line joins
    the row whose amounts are within ``attach`` × the row pitch, any other line is a row of its
    own. A band with at most one amount per column is one row (a header cell whose words wrap,
    an amount printed a little off its line).
    """
    if len(frags) <= 1:
        return [frags]
    numeric = [f for f in frags if _is_number(f.text)]
    cols = [f.col for f in numeric]
    if len(set(cols)) == len(cols):  # no column holds two amounts (or there are none)
        return _header_words_above(frags, numeric, height)
    ordered = sorted(frags, key=lambda f: f.cy)
    clusters: list[list[_Frag]] = [[ordered[0]]]
    for f in ordered[1:]:
        if f.cy - clusters[-1][0].cy <= 0.5 * height:
            clusters[-1].append(f)
        else:
            clusters.append([f])
    anchors: list[list[_Frag]] = []
    for c in clusters:
        if not any(_is_number(f.text) for f in c):
            continue
        if anchors and statistics.fmean(f.cy for f in c) - statistics.fmean(f.cy for f in anchors[-1]) < 0.9 * height:
            anchors[-1].extend(c)
        else:
            anchors.append(list(c))
    centres = [statistics.fmean(f.cy for f in c if _is_number(f.text)) for c in anchors]
    gaps = [b - a for a, b in zip(centres, centres[1:], strict=False)]
    pitch = max(statistics.median(gaps), height) if gaps else 2 * height
    rows: list[list[_Frag]] = anchors
    row_cy = list(centres)
    anchored = {id(f) for c in anchors for f in c}
    for f in ordered:
        if id(f) in anchored:
            continue
        k = min(range(len(rows)), key=lambda i: abs(row_cy[i] - f.cy))
        if abs(row_cy[k] - f.cy) <= settings.attach * pitch:
            rows[k].append(f)
        else:
            rows.append([f])
            row_cy.append(f.cy)
    order = sorted(range(len(rows)), key=lambda i: row_cy[i])
    # A lone line right below another lone line of the same column is its wrapped tail.
    merged: list[list[_Frag]] = []
    for i in order:
        row = rows[i]
        prev = merged[-1] if merged else None
        if (prev is not None and len(row) == 1 and not any(_is_number(f.text) for f in prev)
                and all(f.col == row[0].col for f in prev)
                and row[0].top - max(f.bottom for f in prev) < 0.35 * height):
            prev.extend(row)
        else:
            merged.append(row)
    return merged


def _header_words_above(frags: list[_Frag], numeric: list[_Frag], height: float) -> list[list[_Frag]]:
    """Words on a line of their own above the band's amounts, in columns where nothing else
    stands ("类 | 款 | 项" drawn inside the 合计 row), are a row of their own."""
    if not numeric:
        return [frags]
    lowest = max(f.cy for f in numeric)  # amounts of one row are not always on one baseline
    above = [f for f in frags if f.cy < lowest - 0.3 * height and not _is_number(f.text)]
    cols = {f.col for f in above}
    if len(cols) < 2 or len(cols) < len(above):
        return [frags]
    ids = {id(f) for f in above}
    rest = [f for f in frags if id(f) not in ids]
    if any(f.col in cols for f in rest):
        return [frags]  # those columns go on below: wrapped words, not a row of their own
    return [above, rest]


def grid_to_rows(grid: Grid, settings: PdfSettings = DEFAULT) -> list[tuple[list[str], list[BBox | None], BBox]]:
    """A grid → its rows: (cells, cell boxes, row box), one per table row, in order.

    A cell merged over several columns is written in its first column followed by "" (the header
    tree recogniser relies on this); one merged over several rows is written in its first row.
    A row whose only cell spans the whole table is a caption or a note: one cell.
    """
    height = _LOOPS.height(grid.chars) if _LOOPS is not None else _height(grid.chars)
    table = grid_cells(grid, settings, height)
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    out: list[tuple[list[str], list[BBox | None], BBox]] = []
    for r in range(nr):
        frags: list[_Frag] = []
        tall: list[_Frag] = []  # cells merged down over later rows: written in this row's first line
        in_row = table[r]
        for c in range(nc):
            cell = in_row[c]
            if cell.r0 != r or cell.c0 != c:
                continue  # a merged cell is read once, at its first row and column
            if not cell.lines:
                continue  # an empty cell: no text lines to place
            fr = _spread(cell, _cell_frags(cell, c, height, settings, (xs[cell.c0], xs[cell.c1 + 1])),
                         xs, height, settings)
            (tall if cell.r1 > r else frags).extend(fr)
        rows = _split_band(frags, height, settings) if frags else []
        if tall:
            if rows:
                rows[0].extend(tall)
            else:
                rows = [tall]
        for row in rows:
            by_col: dict[int, list[_Frag]] = {}
            for f in row:
                by_col.setdefault(f.col, []).append(f)
            cells = [""] * nc
            boxes: list[BBox | None] = [None] * nc
            top = min(map(_f_top, row))
            bottom = max(map(_f_bottom, row))
            for c in range(nc):
                fr = by_col.get(c)
                if fr:
                    cell = in_row[c]
                    x1 = xs[cell.c1 + 1] if cell.c0 == c else xs[c + 1]
                    if len(fr) == 1:  # most cells: one line, nothing to order or join
                        f = fr[0]
                        cells[c] = f.text
                        boxes[c] = (xs[c], f.top, x1, f.bottom)
                        continue
                    fr.sort(key=lambda f: f.top)
                    cells[c] = _join_wrapped([f.text for f in fr])
                    boxes[c] = (xs[c], min(map(_f_top, fr)), x1, max(map(_f_bottom, fr)))
                else:
                    boxes[c] = (xs[c], top, xs[c + 1], bottom)
            if not any(cells):
                continue
            out.append((cells, boxes, (xs[0], top, xs[-1], bottom)))
    slivers = {c for c in range(nc) if xs[c + 1] - xs[c] < height}
    return _captions(_drop_empty_columns(out, slivers))


_NOTE_TEXT = re.compile(r"^\s*(?:注|备注|说明)\s*[:：\d]")


def _captions(rows: list[tuple[list[str], list, BBox]]) -> list[tuple[list[str], list, BBox]]:
    """Rows drawn inside the frame that are not table rows: a title or "单位：万元" above the
    first row with two filled cells, a note below the table. Each becomes one cell."""

    def single(cells: list[str]) -> int | None:
        filled = [i for i, c in enumerate(cells) if c]
        return filled[0] if len(filled) == 1 else None

    out = list(rows)
    for k, (cells, boxes, bbox) in enumerate(out):
        i = single(cells)
        if i is None:
            break
        out[k] = ([cells[i]], [boxes[i]], bbox)
    for k in range(len(out) - 1, -1, -1):
        cells, boxes, bbox = out[k]
        i = single(cells)
        if i is None or len(cells) == 1 or not _NOTE_TEXT.match(cells[i]):
            break
        out[k] = ([cells[i]], [boxes[i]], bbox)
    return out


def _drop_empty_columns(rows: list[tuple[list[str], list, BBox]], slivers: set[int]
                       ) -> list[tuple[list[str], list, BBox]]:
    """A sliver column (narrower than a character, between two nearly coincident rulings) that
    is empty in every row is debris. Wider empty columns stay: a continuation page must keep
    the columns of the header it continues."""
    wide = [r for r in rows if len(r[0]) > 1]
    if not wide or not slivers:
        return rows
    n = max(len(r[0]) for r in wide)
    keep = [c for c in range(n) if c not in slivers or any(c < len(r[0]) and r[0][c] for r in wide)]
    if len(keep) == n:
        return rows
    out = []
    for cells, boxes, bbox in rows:
        if len(cells) > 1:
            cells = [cells[c] for c in keep if c < len(cells)]
            boxes = [boxes[c] for c in keep if c < len(boxes)]
        out.append((cells, boxes, bbox))
    return out


# ---------------------------------------------------------------------------------------------
# Free text and borderless tables


_UNIT_WORDS = re.compile(r"单位\s*[:：]")


def borderless_rows(lines: list[_FreeLine],
                    settings: PdfSettings = DEFAULT) -> list[tuple[list[str], list[BBox | None], BBox] | None]:
    """Visual lines outside rulings (``_free_lines``) → for each line, table cells when it
    belongs to a run of column-aligned lines carrying amounts (a borderless table), else None (a
    text line)."""
    out: list[tuple[list[str], list[BBox | None], BBox] | None] = [None] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(lines[j].runs) >= 2 and not _UNIT_WORDS.search(
                "".join(map(_text, lines[j].chars))):
            j += 1
        block = range(i, j)
        numeric = sum(1 for k in block if any(_is_number(r.text) for r in lines[k].runs))
        if j - i >= settings.borderless_min_rows and numeric >= settings.borderless_min_rows - 1:
            _read_borderless(block, lines, out)
        i = max(j, i + 1)
    return out


def _read_borderless(block: range, lines: list[_FreeLine], out) -> None:
    """Columns are the x-ranges covered by some run; the whitespace between them separates cells."""
    spans = sorted((r.chars[0].x0, r.chars[-1].x1) for k in block for r in lines[k].runs)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    starts = [c[0] for c in cols]
    for k in block:
        cells = [""] * len(cols)
        boxes: list[BBox | None] = [None] * len(cols)
        for run in lines[k].runs:
            c = max(bisect.bisect_right(starts, run.chars[0].x0) - 1, 0)
            cells[c] = f"{cells[c]} {run.text}".strip()
            boxes[c] = run.box
        out[k] = (cells, boxes, lines[k].box)


# ---------------------------------------------------------------------------------------------
# Pages


def page_to_lines(chars: list[Char], hedges: list[Edge], vedges: list[Edge], page_no: int,
                  settings: PdfSettings = DEFAULT, coords: tuple | None = None) -> list[Line]:
    """All of a page's lines in reading order: grid rows as a block where the grid starts, text
    lines around them; a text line beside a grid comes after the grid, never inside it.
    ``coords``: the characters' x0, top, x1, bottom arrays, where the caller has them."""
    grids = edges_to_grids(merge_edges(hedges, settings), merge_edges(vedges, settings), settings)
    free: list[Char] = chars  # read, never changed, below
    if grids and chars:
        import numpy as np

        coords = coords if coords is not None else _coords(chars)
        x0, top, x1, bottom = coords
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        # each character to the first grid whose frame (Grid.contains, default tolerance) holds
        # its centre; the others are free text
        where = np.full(len(chars), -1)
        for gi, g in enumerate(grids):
            where[(where < 0) & (g.xs[0] - 1.0 <= cx) & (cx <= g.xs[-1] + 1.0)
                  & (g.ys[0] - 1.0 <= cy) & (cy <= g.ys[-1] + 1.0)] = gi
        for gi, g in enumerate(grids):
            at = np.flatnonzero(where == gi)
            g.chars = list(map(chars.__getitem__, at.tolist()))
            g.coords = tuple(a[at] for a in coords)
        free = list(map(chars.__getitem__, np.flatnonzero(where < 0).tolist()))
    items: list[tuple[tuple[float, int, float], list[str], list[BBox | None] | None, BBox]] = []
    for gi, g in enumerate(grids):
        for k, (cells, boxes, bbox) in enumerate(grid_to_rows(g, settings)):
            items.append(((g.ys[0], gi, k), cells, boxes, bbox))
    vlines = _free_lines(free, settings)
    tabular = borderless_rows(vlines, settings)
    for k, (line, tab) in enumerate(zip(vlines, tabular, strict=True)):
        box = line.box
        cy = (box[1] + box[3]) / 2
        beside = next((gi for gi, g in enumerate(grids) if g.ys[0] <= cy <= g.ys[-1]), None)
        key = (grids[beside].ys[-1], len(grids) + k, box[1]) if beside is not None else (box[1], len(grids) + k, 0.0)
        if tab is not None:
            items.append((key, tab[0], tab[1], tab[2]))
        else:
            items.append((key, [" ".join(r.text for r in line.runs)], [box], box))
    items.sort(key=lambda it: it[0])
    return [Line(cells, Provenance(line=None, page=page_no, bbox=bbox), cell_boxes=boxes)
            for _, cells, boxes, bbox in items]


def _open(path: str, raw_module):
    import pypdfium2 as pdfium

    pdf_fonts.install(raw_module)  # before any document: fonts not embedded read the same everywhere
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == raw_module.FPDF_ERR_PASSWORD:
            raise IngestError("PDF 已加密，需要密码才能打开，无法读取") from e
        if code == raw_module.FPDF_ERR_SECURITY:
            raise IngestError("PDF 使用了不支持的加密或安全设置，无法读取") from e
        if code == raw_module.FPDF_ERR_FORMAT:
            raise IngestError("PDF 文件已损坏或格式不正确，无法读取") from e
        if code == raw_module.FPDF_ERR_FILE:
            raise IngestError("PDF 文件无法打开（文件不存在或无法访问）") from e
        raise IngestError(f"PDF 文件无法打开{cause(e)}") from e


@dataclass(slots=True)
class _ReadPage:
    """What ``read_pdf`` keeps of a page until the whole document is read."""

    number: int
    chars: int
    rulings: bool
    images: int
    garbled: bool = False  # whatever the document's language
    garbled_in_chinese: bool = False  # in a Chinese document
    lines: list[Line] = field(default_factory=list)


def read_pdf(path: str, settings: PdfSettings = DEFAULT) -> Source:
    """Read a PDF's text layer into a ``Source``. Raises ``IngestError`` with a Chinese reason."""
    import pypdfium2.raw as raw

    doc = _open(path, raw)
    source = Source(path=path, format="pdf")
    try:
        n = len(doc)
        if n == 0:
            raise IngestError("PDF 没有任何页面")
        most = limits.active().pages
        if n > most:
            raise IngestError(f"PDF 有 {n} 页，超过上限 {most} 页（配置文件 [limits] pages），不像单个预决算公开文档，未读取")
        # Each page is turned into lines as soon as it is read and its characters let go (a
        # document of hundreds of pages held all of them until the last page). Whether a page's
        # text is garbled depends on the whole document's language, known only at the end: the
        # page is judged both ways now, and its lines dropped at the end if the answer is garbled.
        pages: list[_ReadPage] = []
        total = cjk = 0
        for i in range(n):
            try:
                page = doc[i]
            except Exception as e:  # a broken page must not lose the others
                source.notes.append(f"第 {i + 1} 页无法解析（{type(e).__name__}），已跳过")
                continue
            textpage = page.get_textpage()
            clipped: list[str] = []
            try:
                walk = walk_page(page, raw)
                got = _read_chars(page, textpage, raw, clipped, walk)
                h, v, images = page_rulings(page, got.rotation, raw, settings, walk)
            finally:
                textpage.close()
                page.close()
            if len(clipped) >= _MIN_CLIPPED:
                source.notes.append(notices.clipped_text(i + 1, "".join(clipped)))
            chars = got.chars
            total += len(chars)
            cjk += got.cjk
            read = _ReadPage(i + 1, len(chars), bool(h or v), images)
            if len(chars) >= settings.min_page_chars:
                read.garbled, read.garbled_in_chinese = got.garbled, got.garbled_in_chinese
                if not read.garbled:
                    read.lines = page_to_lines(chars, h, v, i + 1, settings, got.coords)
            pages.append(read)
        scanned: list[Page] = []  # pages to read by OCR (ingest/ocr.py)
        chinese = cjk >= 0.2 * total
        for read in pages:
            page = Page(number=read.number)
            source.pages.append(page)
            if read.chars < settings.min_page_chars:
                if read.images or total == 0:
                    scanned.append(page)
                elif not read.rulings:
                    source.notes.append(notices.blank_page(read.number))  # nothing at all is printed on it
                continue
            if read.garbled_in_chinese if chinese else read.garbled:
                source.notes.append(
                    f"第 {read.number} 页的文字无法正确识别（字体缺少 Unicode 映射，提取出的是乱码），本页未读取，请人工核对")
                continue
            page.lines = read.lines
        if scanned:
            from budgetlint.ingest.ocr import ocr_pages

            ocr_pages(doc, scanned, source, whole=total == 0)
    finally:
        doc.close()
    return source
