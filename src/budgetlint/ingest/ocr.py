"""Scanned PDF pages → pages of lines of cells, by offline OCR.

A page without a text layer is rasterised (PDFium), straightened, and read twice: the ruling
lines from the image (OpenCV morphology: long horizontal / vertical runs of ink) and the text by
RapidOCR with the PP-OCRv6 models that ship inside the ``rapidocr`` wheel — nothing is ever
downloaded. Every recognised character becomes a ``pdf.Char`` and every ruling a ``pdf.Edge``
in PDF points, so the text-layer reader's own geometry (``pdf.page_to_lines``: grids, merged
cells, wrapped text, borderless tables, reading order) builds the lines: a scanned table comes
out exactly as a drawn one would. Boxes are mapped back through the deskew rotation to the
page as displayed (points, top-left origin), so provenance and annotated PDFs point at the scan.

Inside a text PDF, an image-only page that shows a chart (solid colour fills, no ruling grid:
``is_chart``) is not read: a note names it. A scanned table still is, coloured or not.

Each cell carries the recogniser's confidence (``Line.cell_confidence``): the lowest character
probability in the cell; a cell whose area holds ink that no text was recognised in gets 0.
Rules treat values below ``rules.common.LOW_CONFIDENCE`` as unread (BL906), never as errors.

The dependencies are the optional extra ``ocr`` (``pip install 'budgetlint[ocr]'``); without
them a scanned PDF is an ``IngestError`` saying how to install it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from budgetlint import limits
from budgetlint.ingest.base import IngestError, Line, Page, Source
from budgetlint.ingest.pdf import DEFAULT as PDF_DEFAULT
from budgetlint.ingest.pdf import Char, Edge, edges_to_grids, merge_edges, page_to_lines
from budgetlint.model import Provenance

BBox = tuple[float, float, float, float]

INSTALL_HINT = "请安装 OCR 组件后重试：pip install 'budgetlint[ocr]'（模型随安装包提供，无需联网）"
MISSING_EXTRA = f"PDF 没有文字层（扫描件），需要 OCR 才能读取，但未安装 OCR 组件。{INSTALL_HINT}"


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """Raster and geometry knobs; lengths in PDF points unless said otherwise."""

    dpi: int = 200  # rasterisation resolution
    max_skew: float = 3.0  # degrees: straighten pages turned by at most this much
    min_skew: float = 0.05  # degrees: smaller turns are left alone
    hruling: float = 15.0  # a horizontal run of ink at least this long is a ruling (an em dash is ~10)
    vruling: float = 13.0  # a vertical run at least this long is a ruling (a character is ~10.5 high)
    thick: float = 4.0  # thicker runs are filled areas, not rulings
    min_table: float = 60.0  # rulings count only as part of a grid at least this wide (and a third as tall)
    threads: int = 0  # onnxruntime threads; 0 = its default (all cores)
    chart_dpi: int = 100  # resolution of the look that tells a chart from a scan
    chart_fill: float = 0.005  # share of the page in solid colour fills that makes an image page a chart
    read_charts: bool = False  # OCR chart pages of a text PDF too (asked explicitly)

    def __post_init__(self) -> None:
        if not 72 <= self.dpi <= 600:
            raise ValueError("OcrSettings.dpi must be between 72 and 600")


DEFAULT = OcrSettings()


def available() -> bool:
    """The ``ocr`` extra is installed (its packages are found; the models are files inside the
    wheel). Found, not imported: the recogniser and its runtime take ~40 MB, and a text PDF whose
    image-only pages are all charts never loads them."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("cv2", "numpy", "onnxruntime", "rapidocr"))


# ---------------------------------------------------------------------------------------------
# The recogniser


def model_paths() -> dict[str, Path]:
    """The ONNX models shipped inside the rapidocr wheel (detection, orientation, recognition)."""
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    return {"Det": root / "PP-OCRv6_det_small.onnx", "Cls": root / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
            "Rec": root / "PP-OCRv6_rec_small.onnx"}


@lru_cache(maxsize=2)
def engine(threads: int = 0):
    """One RapidOCR per process (loading the models takes about a second). Model paths are given
    explicitly, so RapidOCR never looks anything up on the network."""
    from rapidocr import RapidOCR

    paths = model_paths()
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise IngestError(f"OCR 模型文件缺失（{'、'.join(missing)}），请重新安装 OCR 组件：pip install 'budgetlint[ocr]'")
    params = {
        "Global.log_level": "error",
        "Global.use_cls": False,  # pages are upright once rendered; no 180° text lines
        "Global.return_word_box": True,
        "Global.return_single_char_box": True,
        "Global.max_side_len": 10000,  # recognition reads crops of the full-resolution page
        # Detection needs far fewer pixels than recognition: find the text lines on a copy whose
        # long side is at most this (≈120 dpi for A4) — three times faster, no line lost.
        "Det.limit_type": "max",
        "Det.limit_side_len": 1400,
    }
    for k, p in paths.items():
        params[f"{k}.model_path"] = str(p)
    if threads > 0:
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
    import logging

    ocr = RapidOCR(params=params)
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    ocr._load_rec_model()  # loaded lazily otherwise; its decoder is replaced below
    decoder = ocr.text_rec.postprocess_op
    decoder.__class__ = type("RunMaxDecode", (type(decoder),), {"__call__": _decode_run_max})
    return ocr


def _decode_run_max(self, preds, return_word_box: bool = False, **kwargs):
    """CTC decoding whose character confidence is the best frame of the character's run, not
    its first frame: a doubled digit ("44", "00") is split from its twin by a blank, and the
    first frame after the blank is often a coin toss between the two although every later
    frame is sure. A character the model really hesitates over stays low in all its frames."""
    idx = preds.argmax(axis=2)
    prob = preds.max(axis=2)
    for t in range(idx.shape[1] - 2, -1, -1):
        same = idx[:, t] == idx[:, t + 1]
        prob[same, t] = prob[same, t].clip(min=prob[same, t + 1])
    return self.decode(idx, prob, return_word_box, kwargs.get("wh_ratio_list", (1.0,)),
                       kwargs.get("max_wh_ratio", 1.0), remove_duplicate=True)


def recognise_chars(image, scale: float, threads: int = 0) -> tuple[list[tuple[Char, float]], list]:
    """OCR a grey page image → characters (PDF points of the image's frame) with confidences,
    and the recognised text lines' outlines (pixel quadrilaterals).

    Characters of one recognised word touch (the gaps CTC decoding leaves between glyph boxes
    are closed), so the text-layer geometry never splits a number; real gaps stay.
    """
    import cv2

    bgr = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    result = engine(threads)(bgr)
    words = getattr(result, "word_results", None) or ()
    if result.boxes is None:
        return [], []
    out: list[tuple[Char, float]] = []
    for box, line, txt in zip(result.boxes, words, result.txts, strict=False):
        top = float(min(p[1] for p in box)) / scale
        bottom = float(max(p[1] for p in box)) / scale
        height = bottom - top
        glyphs = []
        for item in line:
            text, conf, quad = item[0], float(item[1]), item[2]
            text = str(text)
            if not text.strip():
                continue
            xs = [float(p[0]) / scale for p in quad]
            glyphs.append([min(xs), max(xs), text, conf])
        # Where the recogniser wrote a space, the gap stays; elsewhere a gap narrower than a
        # character is the decoder's imprecision (or letter-spacing), not a word break.
        spaced: set[int] = set()
        k = 0
        for ch in str(txt):
            if ch.isspace():
                spaced.add(k)
            else:
                k += 1
        seen = 0
        for a, b in zip(glyphs, glyphs[1:], strict=False):
            seen += len(a[2])
            gap = b[0] - a[1]
            if 0 < gap < height and (seen not in spaced or gap < 0.2 * height):
                mid = (a[1] + b[0]) / 2
                a[1], b[0] = mid, mid
        for x0, x1, text, conf in glyphs:
            for k, ch in enumerate(text):  # a multi-character item (a Latin word) is spread evenly
                w = (x1 - x0) / len(text)
                out.append((Char(x0 + k * w, top, x0 + (k + 1) * w, bottom, ch), conf))
    return out, list(result.boxes)


# ---------------------------------------------------------------------------------------------
# The image


def binarise(gray):
    """Ink = 255. A local threshold copes with uneven scans and grey rulings alike."""
    import cv2

    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def estimate_skew(ink, max_deg: float = 3.0) -> float:
    """The page's turn in degrees (positive: lines fall to the right), by the projection profile:
    the angle at which the ink's row histogram is sharpest (text lines and rulings both count)."""
    import cv2
    import numpy as np

    h, w = ink.shape
    f = min(1.0, 1200 / max(h, w))
    small = cv2.resize(ink, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else ink
    ys, xs = np.nonzero(small > 64)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 300_000:
        pick = np.random.default_rng(0).choice(len(ys), 300_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64)

    def score(deg: float) -> float:
        y = ys - xs * math.tan(math.radians(deg))
        hist = np.bincount(np.rint(y - y.min()).astype(np.int64))
        return float(np.dot(hist, hist))

    coarse = max(np.arange(-max_deg, max_deg + 1e-9, 0.25), key=score)
    fine = np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.025)
    scores = np.array([score(a) for a in fine])
    # The sharpest angle is a plateau as wide as the pixel grid allows: take its middle.
    return round(float(fine[scores >= 0.995 * scores.max()].mean()), 3)


def rulings(ink, scale: float, settings: OcrSettings = DEFAULT):
    """Horizontal and vertical rulings of a binarised page → (hedges, vedges, mask) in points;
    the mask marks the ruling pixels (to be wiped before recognition).

    A long run of ink is a ruling candidate; only candidates that make up a table grid (at
    least two columns, ``min_table`` wide and a third of that tall) are kept: the strokes of a
    large character (the frame of 国, the stem of 标) are long runs too, but never a table.
    """
    import cv2
    import numpy as np

    found: list[list[tuple[Edge, tuple[int, int, int, int]]]] = []
    masks = []
    for horizontal, length in ((True, settings.hruling), (False, settings.vruling)):
        n = max(9, round(length * scale))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if horizontal else (1, n))
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        masks.append(mask)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        edges = []
        for x, y, w, h, _area in stats[1:count]:
            across, along = (h, w) if horizontal else (w, h)
            if across > settings.thick * scale or along < n:
                continue
            e = (Edge((y + h / 2) / scale, x / scale, (x + w) / scale) if horizontal
                 else Edge((x + w / 2) / scale, y / scale, (y + h) / scale))
            edges.append((e, (int(x), int(y), int(w), int(h))))
        found.append(edges)
    grids = edges_to_grids(merge_edges([e for e, _ in found[0]]), merge_edges([e for e, _ in found[1]]))
    boxes = [g.bbox for g in grids
             if g.bbox[2] - g.bbox[0] >= settings.min_table and g.bbox[3] - g.bbox[1] >= settings.min_table / 3]
    tol = 3.0

    def kept(e: Edge, horizontal: bool) -> bool:
        x0, y0, x1, y1 = (e.a, e.pos, e.b, e.pos) if horizontal else (e.pos, e.a, e.pos, e.b)
        return any(b[0] - tol <= x0 and x1 <= b[2] + tol and b[1] - tol <= y0 and y1 <= b[3] + tol for b in boxes)

    out: list[list[Edge]] = [[], []]
    wipe = np.zeros_like(ink)
    for k, horizontal in ((0, True), (1, False)):
        for e, (x, y, w, h) in found[k]:
            if kept(e, horizontal):
                out[k].append(e)
                wipe[y:y + h, x:x + w] |= masks[k][y:y + h, x:x + w]
    wipe = cv2.dilate(wipe, np.ones((3, 3), np.uint8))
    return out[0], out[1], wipe


def rotate(gray, deg: float):
    """Turn the image by ``deg`` (the page's skew) about its centre, white where nothing was."""
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _unturn(deg: float, centre: tuple[float, float]):
    """Map a box of the straightened frame (points) back onto the page as displayed."""
    if abs(deg) < 1e-9:
        return lambda b: b
    a = math.radians(deg)
    ca, sa = math.cos(a), math.sin(a)
    cx, cy = centre

    def point(x: float, y: float) -> tuple[float, float]:
        # The straightening turned the page by ``deg`` (OpenCV: counter-clockwise on screen);
        # undo it: rotate back by -deg about the centre (y grows downwards).
        dx, dy = x - cx, y - cy
        return cx + ca * dx - sa * dy, cy + sa * dx + ca * dy

    def box(b: BBox) -> BBox:
        pts = [point(b[0], b[1]), point(b[2], b[1]), point(b[0], b[3]), point(b[2], b[3])]
        return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))

    return box


# ---------------------------------------------------------------------------------------------
# Pages


@dataclass(slots=True)
class PageImage:
    """A page read by OCR, before it becomes lines: for the benchmark and tests."""

    chars: list[tuple[Char, float]]
    hedges: list[Edge]
    vedges: list[Edge]
    skew: float
    size: tuple[float, float]  # displayed page size in points


def read_image(gray, scale: float, settings: OcrSettings = DEFAULT) -> tuple[PageImage, object]:
    """A grey page image (``scale`` pixels per point) → OCR characters and rulings in the
    straightened frame, and the ink nothing was read in (rulings and recognised text wiped),
    for the blank-cell check."""
    import cv2
    import numpy as np

    ink = binarise(gray)
    skew = estimate_skew(ink, settings.max_skew)
    if abs(skew) >= settings.min_skew:
        gray = rotate(gray, skew)
        ink = binarise(gray)
    else:
        skew = 0.0
    hedges, vedges, mask = rulings(ink, scale, settings)
    clean = gray.copy()
    clean[mask > 0] = 255
    ink[mask > 0] = 0
    chars, outlines = recognise_chars(np.ascontiguousarray(clean), scale, settings.threads)
    if outlines:  # what remains of ``ink`` is what nothing was recognised in
        cv2.fillPoly(ink, [np.asarray(q, dtype=np.int32) for q in outlines], 0)
    h, w = gray.shape
    return PageImage(chars, hedges, vedges, skew, (w / scale, h / scale)), ink


def _cell_confidence(lines: list[Line], chars: list[tuple[Char, float]], ink, scale: float) -> None:
    """Each cell's confidence: the lowest character confidence inside its box; an empty cell
    whose area holds ink (something was printed that OCR did not read) gets 0."""
    import bisect

    by_x = sorted(chars, key=lambda cc: (cc[0].x0 + cc[0].x1) / 2)
    cxs = [(c.x0 + c.x1) / 2 for c, _ in by_x]
    h, w = ink.shape
    for line in lines:
        boxes = line.cell_boxes or [line.provenance.bbox] * len(line.cells)
        confs: list[float] = []
        for text, box in zip(line.cells, boxes, strict=False):
            if box is None:
                confs.append(1.0)
                continue
            x0, top, x1, bottom = box
            lo, hi = bisect.bisect_left(cxs, x0 - 0.5), bisect.bisect_right(cxs, x1 + 0.5)
            inside = [conf for c, conf in by_x[lo:hi] if top - 0.5 <= (c.top + c.bottom) / 2 <= bottom + 0.5]
            if text.strip():
                confs.append(min(inside) if inside else 1.0)
                continue
            # An empty cell: is anything printed there that was not read? (``ink`` holds no
            # rulings and no recognised text)
            pad = 2.0
            r0, r1 = max(0, int((top + pad) * scale)), min(h, int((bottom - pad) * scale))
            c0, c1 = max(0, int((x0 + pad) * scale)), min(w, int((x1 - pad) * scale))
            if r1 > r0 and c1 > c0 and _inked(ink[r0:r1, c0:c1], scale):
                confs.append(0.0)
            else:
                confs.append(1.0)
        line.cell_confidence = confs


def _inked(region, scale: float) -> bool:
    """Enough ink for a character (a speck of dust or a stray ruling end is not)."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    big = 0
    for _x, _y, _w, h, area in stats[1:count]:
        if h >= 3.0 * scale and area >= 3.0 * scale * scale:  # a glyph stroke 3 pt tall at least
            big += 1
    return big > 0


def lines_of(image: PageImage, ink, scale: float, number: int) -> list[Line]:
    """OCR characters and rulings → the page's lines, with confidences, boxes on the scan."""
    chars = [c for c, _ in image.chars]
    lines = page_to_lines(chars, image.hedges, image.vedges, number, PDF_DEFAULT)
    _cell_confidence(lines, image.chars, ink, scale)
    unturn = _unturn(image.skew, (image.size[0] / 2, image.size[1] / 2))
    for line in lines:
        prov = line.provenance
        if prov.bbox is not None:
            line.provenance = Provenance(line=prov.line, page=prov.page, bbox=unturn(prov.bbox))
        if line.cell_boxes is not None:
            line.cell_boxes = [unturn(b) if b is not None else None for b in line.cell_boxes]
    return lines


def render(page, dpi: int):
    """A PDF page → grey image (numpy, one byte per pixel) and its scale (pixels per point)."""
    import numpy as np

    scale = dpi / 72
    w, h = page.get_size()
    most = limits.active().page_pixels  # A3 at 200 dpi is 15.5 Mpx
    if w * h * scale * scale > most:
        # A page far larger than paper (a 14,400-pt blank page is 40,000 × 40,000 px at 200 dpi,
        # 1.6 GB of grey) is rendered no larger than a poster: text on it is still legible.
        scale = (most / (w * h)) ** 0.5 * 0.999  # pdfium rounds each side up
    bitmap = page.render(scale=scale, grayscale=True)
    gray = np.ascontiguousarray(bitmap.to_numpy())
    if gray.ndim == 3:
        gray = gray[:, :, 0]
    return gray, scale


def is_chart(page, settings: OcrSettings = DEFAULT) -> bool:
    """An image-only page that shows a chart, not a scanned page: solid colour fills (bars, pie
    slices) cover at least ``chart_fill`` of the page, and no ruling lines form a table grid.

    A scan is ink on paper: black or grey text whose colour fringes (JPEG) and red seals are
    thin strokes, gone after an erosion by a few pixels; a chart's fills are not. Gridlines of a
    chart run one way only, and never make a grid; a table does, so a coloured table still goes
    to OCR. About a tenth of a second a page, against seconds (and the models' memory) for OCR.
    """
    import cv2
    import numpy as np

    scale = settings.chart_dpi / 72
    bgr = np.ascontiguousarray(page.render(scale=scale).to_numpy()[:, :, :3])
    channels = bgr.astype(np.int16)
    saturation = channels.max(axis=2) - channels.min(axis=2)
    coloured = (saturation >= 80).astype(np.uint8)
    k = max(3, round(3.6 * scale)) | 1  # fills wider than a few points; strokes are thinner
    solid = cv2.erode(coloured, np.ones((k, k), np.uint8))
    if solid.mean() < settings.chart_fill:
        return False
    hedges, vedges, _ = rulings(binarise(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)), scale, settings)
    return not (hedges and vedges)


def ocr_page(page, number: int, settings: OcrSettings = DEFAULT) -> list[Line]:
    """One PDF page (pypdfium2) → its lines, read from the rendered image."""
    gray, scale = render(page, settings.dpi)
    image, ink = read_image(gray, scale, settings)
    return lines_of(image, ink, scale, number)


def ocr_pages(doc, pages: list[Page], source: Source, whole: bool, settings: OcrSettings | None = None) -> None:
    """Fill ``pages`` (pages of ``doc`` without a text layer) by OCR, noting it in ``source``.

    Without the ``ocr`` extra: a whole scanned document is an ``IngestError`` saying how to
    install it; scanned pages inside a text PDF get a note saying the same.
    """
    if not pages:
        return
    settings = settings or DEFAULT
    if not available():
        if whole:
            raise IngestError(MISSING_EXTRA)
        for p in pages:
            source.notes.append(f"第 {p.number} 页没有文字层（扫描图像），需要 OCR 才能读取，本页未读取；{INSTALL_HINT}")
        return
    if not whole and not settings.read_charts:
        pages = _leave_charts(doc, pages, source, settings)
        if not pages:
            return
    read: list[int] = []
    most = limits.active().ocr_pages
    if len(pages) > most:
        # about a second a page: thousands of scanned (or blank) pages would hold the run for an hour
        left = pages[most:]
        source.notes.append(f"有 {len(pages)} 页需要 OCR，超过上限 {most} 页（配置文件 [limits] ocr-pages），"
                            f"第 {left[0].number}–{left[-1].number} 页未读取，请人工核对")
        pages = pages[:most]
    for p in pages:
        page = doc[p.number - 1]
        try:
            p.lines = ocr_page(page, p.number, settings)
        except IngestError:
            raise
        except Exception as e:  # one bad page must not lose the others
            source.notes.append(f"第 {p.number} 页 OCR 失败（{type(e).__name__}），本页未读取")
            continue
        finally:
            page.close()
        if p.lines:
            read.append(p.number)
    if whole and not read:
        raise IngestError("PDF 没有文字层（扫描件），OCR 也没有识别出任何文字，无法读取")
    if not whole and not read:
        return  # nothing was read: no page to name
    which = "本文件为扫描件（没有文字层）" if whole else f"第 {'、'.join(map(str, read))} 页没有文字层（扫描图像）"
    source.notes.append(f"{which}，已用 OCR 识别文字；识别置信度低的金额不做检查（见 BL906），请对照原件核对")


def _leave_charts(doc, pages: list[Page], source: Source, settings: OcrSettings) -> list[Page]:
    """The pages of a text PDF still to OCR once chart pages are set aside; the charts are named
    in one note (their figures are not read)."""
    rest: list[Page] = []
    charts: list[int] = []
    for p in pages:
        page = doc[p.number - 1]
        try:
            chart = is_chart(page, settings)
        except Exception:  # a page that cannot be looked at is read as before
            chart = False
        finally:
            page.close()
        if chart:
            charts.append(p.number)
        else:
            rest.append(p)
    if charts:
        source.notes.append(f"第 {'、'.join(map(str, charts))} 页是图表（图片，没有文字层，也没有表格线），"
                            "未做 OCR，图中的数字未读取，未做检查")
    return rest


# ---------------------------------------------------------------------------------------------
# Test material


def rasterise(src: str | Path, dst: str | Path, dpi: int = 200, angle: float = 0.0,
              pages: list[int] | None = None) -> None:
    """Write an image-only copy of a PDF (what a scanner gives): each page rendered at ``dpi``,
    turned by ``angle`` degrees (counter-clockwise, as Pillow turns), saved as a grey JPEG page
    of the original page size. ``pages`` are 1-based; all by default. For tests and the bench.

    A scan shows the glyphs the machine's fonts give. Once this process has read a PDF, fonts
    that are not embedded are drawn as boxes (ingest/pdf_fonts.py), so the rendering then runs
    in a fresh process."""
    from budgetlint.ingest import pdf_fonts

    if not pdf_fonts.installed():
        _rasterise(str(src), str(dst), dpi, angle, pages)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_rasterise, str(src), str(dst), dpi, angle, pages).result()


def _rasterise(src: str, dst: str, dpi: int, angle: float, pages: list[int] | None) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(src)
    try:
        images = []
        for n in pages or range(1, len(doc) + 1):
            page = doc[n - 1]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            if angle:
                img = img.rotate(angle, resample=3, fillcolor=255)  # 3 = bicubic
            images.append(img)
    finally:
        doc.close()
    images[0].save(dst, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
