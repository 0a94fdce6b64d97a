/* The per-character and per-object PDFium reads of ingest/pdf.py, as loops in C, and the
 * grouping of a grid cell's characters into lines (pdf.py: chars_to_lines and text_of).
 *
 * A page holds hundreds of characters and text objects, and each needs a few PDFium calls
 * (a loose glyph box, the text object, its render mode, its clipping). Through ctypes each call
 * costs about half a microsecond of Python; here the loop runs in C and hands back arrays.
 *
 * Nothing is linked against PDFium: the caller passes the addresses of PDFium's functions as
 * pypdfium2 loaded them (ctypes), so this module calls exactly the library pypdfium2 uses.
 * What the loops decide (which paths are ruling pieces, how characters group into lines) they
 * decide as the pure-Python fallback in pdf.py does, with the same double operations; what is
 * hidden is decided in Python. tests/ingest/test_pdf_loops.py runs both over real documents.
 *
 * Optional: a machine without a C compiler installs budgetlint without it (setup.py marks the
 * extension optional) and ingest/pdf.py reads the same values through ctypes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { float left, top, right, bottom; } rectf;

typedef int (*loose_box_fn)(void *textpage, int index, rectf *rect);
typedef int (*char_box_fn)(void *textpage, int index, double *l, double *r, double *b, double *t);
typedef void *(*text_object_fn)(void *textpage, int index);
typedef float (*char_angle_fn)(void *textpage, int index);

typedef int (*count_fn)(void *container);
typedef void *(*page_get_fn)(void *page, int index);
typedef void *(*form_get_fn)(void *form, unsigned long index);
typedef int (*type_fn)(void *obj);
typedef int (*draw_mode_fn)(void *obj, int *fill, int *stroke);
typedef int (*bounds_fn)(void *obj, float *l, float *b, float *r, float *t);
typedef int (*color_fn)(void *obj, unsigned *r, unsigned *g, unsigned *b, unsigned *a);
typedef int (*int_of_fn)(void *obj);
typedef void *(*ptr_of_fn)(void *obj);
typedef int (*clip_segments_fn)(void *clip, int path);
typedef void *(*clip_segment_fn)(void *clip, int path, int segment);
typedef int (*point_fn)(void *segment, float *x, float *y);

/* PDFium's object types (fpdf_edit.h) and the text render modes that paint nothing
 * (PDF 32000 §9.3.6: 3 invisible, 7 clip only). */
enum { OBJ_TEXT = 1, OBJ_PATH = 2, OBJ_IMAGE = 3, OBJ_FORM = 5 };

/* One page object, as the Python side reads it with numpy (pdf.py: _RECORD; the layout is
 * checked there against RECORD_SIZE). */
typedef struct {
    uint64_t addr;
    int32_t kind;
    /* text objects, top level: 0 painted and unclipped, 1 invisible render mode, 2 transparent
     * fill, 3 clipped (clip holds the box the clipping leaves visible) */
    int32_t text_state;
    double clip[4];      /* x0, y0, x1, y1, user space */
    float bounds[4];     /* paths: left, bottom, right, top */
    uint32_t rgba[4];    /* paths without a stroke: the fill colour */
    int32_t draw_ok, fill, stroke, bounds_ok;
    int32_t fill_ok, render;
} record;

enum { TEXT_PAINTED = 0, TEXT_INVISIBLE = 1, TEXT_TRANSPARENT = 2, TEXT_CLIPPED = 3 };

typedef struct {
    count_fn page_count;
    page_get_fn page_get;
    count_fn form_count;
    form_get_fn form_get;
    type_fn get_type;
    draw_mode_fn draw_mode;
    bounds_fn bounds;
    color_fn fill_color;
    int_of_fn render_mode;
    int_of_fn has_transparency;
    ptr_of_fn clip_path;
    int_of_fn clip_count;
    clip_segments_fn clip_segments;
    clip_segment_fn clip_segment;
    point_fn segment_point;
} object_api;

static int read_api(PyObject *seq, object_api *api) {
    void **slots = (void **)api;
    Py_ssize_t n = sizeof(object_api) / sizeof(void *);
    if (!PyTuple_Check(seq) || PyTuple_GET_SIZE(seq) != n) {
        PyErr_Format(PyExc_TypeError, "expected a tuple of %zd function addresses", n);
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        void *p = PyLong_AsVoidPtr(PyTuple_GET_ITEM(seq, k));
        if (p == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "null function address");
            return -1;
        }
        slots[k] = p;
    }
    return 0;
}

/* The box a clipping leaves visible: the intersection of its clip paths' point bounds (as
 * pdf.py's _clip_path_box). Returns 0 when no clip path has a point. */
static int clip_box(const object_api *api, void *clip, double out[4]) {
    int have = 0;
    int paths = api->clip_count(clip);
    for (int q = 0; q < paths; q++) {
        int any = 0;
        float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        int segments = api->clip_segments(clip, q);
        for (int k = 0; k < segments; k++) {
            void *seg = api->clip_segment(clip, q, k);
            float x, y;
            if (!seg || !api->segment_point(seg, &x, &y))
                continue;
            if (!any) {
                x0 = x1 = x;
                y0 = y1 = y;
                any = 1;
            } else {
                /* Python's min/max keep the first of equal values; for floats that is the same value */
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
        }
        if (!any)
            continue;
        if (!have) {
            out[0] = x0; out[1] = y0; out[2] = x1; out[3] = y1;
            have = 1;
        } else {
            if ((double)x0 > out[0]) out[0] = x0;
            if ((double)y0 > out[1]) out[1] = y0;
            if ((double)x1 < out[2]) out[2] = x1;
            if ((double)y1 < out[3]) out[3] = y1;
        }
    }
    return have;
}

static PyObject *objects(PyObject *self, PyObject *args) {
    PyObject *api_seq, *container_obj;
    int is_form, top_level;
    if (!PyArg_ParseTuple(args, "OOpp", &api_seq, &container_obj, &is_form, &top_level))
        return NULL;
    object_api api;
    if (read_api(api_seq, &api) < 0)
        return NULL;
    void *container = PyLong_AsVoidPtr(container_obj);
    if (container == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "null container");
        return NULL;
    }
    int n = is_form ? api.form_count(container) : api.page_count(container);
    if (n < 0)
        n = 0;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n * (Py_ssize_t)sizeof(record));
    if (out == NULL)
        return NULL;
    record *recs = (record *)PyBytes_AS_STRING(out);
    memset(recs, 0, (size_t)n * sizeof(record));
    for (int k = 0; k < n; k++) {
        record *r = &recs[k];
        void *obj = is_form ? api.form_get(container, (unsigned long)k) : api.page_get(container, k);
        r->addr = (uint64_t)(uintptr_t)obj;
        if (obj == NULL)
            continue;
        r->kind = api.get_type(obj);
        if (r->kind == OBJ_TEXT) {
            if (!top_level)
                continue;
            r->render = api.render_mode(obj);
            if (r->render == 3 || r->render == 7) {
                r->text_state = TEXT_INVISIBLE;
                continue;
            }
            if (api.has_transparency(obj)) {
                unsigned c[4] = {0, 0, 0, 0};
                if (api.fill_color(obj, &c[0], &c[1], &c[2], &c[3]) && c[3] == 0) {
                    r->text_state = TEXT_TRANSPARENT;
                    continue;
                }
            }
            void *clip = api.clip_path(obj);
            if (clip && clip_box(&api, clip, r->clip))
                r->text_state = TEXT_CLIPPED;
        } else if (r->kind == OBJ_PATH) {
            int fill = 0, stroke = 0;
            r->draw_ok = api.draw_mode(obj, &fill, &stroke) ? 1 : 0;
            if (!r->draw_ok)
                continue;
            r->fill = fill;
            r->stroke = stroke;
            if (!fill && !stroke)
                continue;
            r->bounds_ok = api.bounds(obj, &r->bounds[0], &r->bounds[1], &r->bounds[2], &r->bounds[3]) ? 1 : 0;
            if (!r->bounds_ok)
                continue;
            if (!stroke)
                r->fill_ok = api.fill_color(obj, &r->rgba[0], &r->rgba[1], &r->rgba[2], &r->rgba[3]) ? 1 : 0;
        }
    }
    return out;
}

/* What pdf.py's _walk_objects does with each path and form object of a walk's records (the
 * bytes ``objects`` returned), decided as its numpy code decides it, with the same double
 * operations (the bounds mapped by the matrix m, each product and sum in the same order):
 * a form (when forms may still be entered), a path not drawn (skipped), a filled area
 * (PLAN_BARS), a thin path (a ruling piece: its segment), any other drawn path
 * (PLAN_SEGMENTS). Returns (images, plan, only_lines): the number of image objects, and in
 * page order a segment (x0, y0, x1, y1) for each thin path and (code, address) for each object
 * Python reads further; only_lines when the plan holds segments only. */
enum { PLAN_BARS = 2, PLAN_SEGMENTS = 3, PLAN_FORM = 4 };

static PyObject *path_plan(PyObject *self, PyObject *args) {
    Py_buffer view;
    double m[6], thin;
    int forms;
    if (!PyArg_ParseTuple(args, "y*(dddddd)dp", &view, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &thin, &forms))
        return NULL;
    if (view.len % (Py_ssize_t)sizeof(record)) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "not a whole number of records");
        return NULL;
    }
    const record *recs = (const record *)view.buf;
    Py_ssize_t n = view.len / (Py_ssize_t)sizeof(record);
    long images = 0;
    int only_lines = 1;
    PyObject *plan = PyList_New(0);
    if (plan == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        const record *r = &recs[k];
        PyObject *item = NULL;
        if (r->kind == OBJ_IMAGE) {
            images++;
            continue;
        }
        if (r->kind == OBJ_FORM) {
            if (!forms)
                continue;
            item = Py_BuildValue("(iK)", PLAN_FORM, (unsigned long long)r->addr);
        } else if (r->kind == OBJ_PATH) {
            double b0 = r->bounds[0], b1 = r->bounds[1], b2 = r->bounds[2], b3 = r->bounds[3];
            double x0 = m[0] * b0 + m[2] * b1 + m[4];
            double y0 = m[1] * b0 + m[3] * b1 + m[5];
            double x1 = m[0] * b2 + m[2] * b3 + m[4];
            double y1 = m[1] * b2 + m[3] * b3 + m[5];
            double w = fabs(x1 - x0), h = fabs(y1 - y0);
            /* np.minimum: NaN if either is */
            double least = (isnan(w) || isnan(h)) ? NAN : (w < h ? w : h);
            int is_thin = least <= thin, across = h <= thin;
            int stroke = r->stroke != 0;
            int drawn = r->draw_ok != 0 && (r->fill != 0 || stroke) && r->bounds_ok != 0;
            uint32_t low = r->rgba[0];
            if (r->rgba[1] < low)
                low = r->rgba[1];
            if (r->rgba[2] < low)
                low = r->rgba[2];
            if (!stroke && r->fill_ok != 0 && low >= 250)
                drawn = 0; /* a white line is not drawn on the page */
            if (!drawn)
                continue;
            if (!stroke && !is_thin) {
                item = Py_BuildValue("(iK)", PLAN_BARS, (unsigned long long)r->addr);
            } else if (is_thin) {
                double xm = (x0 + x1) / 2, ym = (y0 + y1) / 2;
                item = across ? Py_BuildValue("(dddd)", x0, ym, x1, ym) : Py_BuildValue("(dddd)", xm, y0, xm, y1);
                if (item != NULL && PyList_Append(plan, item) < 0) {
                    Py_DECREF(item);
                    goto fail;
                }
                Py_XDECREF(item);
                if (item == NULL)
                    goto fail;
                continue;
            } else {
                item = Py_BuildValue("(iK)", PLAN_SEGMENTS, (unsigned long long)r->addr);
            }
        } else {
            continue;
        }
        if (item == NULL)
            goto fail;
        only_lines = 0;
        if (PyList_Append(plan, item) < 0) {
            Py_DECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(lNO)", images, plan, only_lines ? Py_True : Py_False);
fail:
    PyBuffer_Release(&view);
    Py_DECREF(plan);
    return NULL;
}

/* The arguments of every per-character read: (function address, text page, int32 indices). */
typedef struct {
    void *fn;
    void *tp;
    Py_buffer view;
    const int32_t *index;
    Py_ssize_t k;
} per_char;

static int per_char_args(PyObject *args, per_char *a) {
    PyObject *fn_obj, *tp_obj, *index_obj;
    if (!PyArg_ParseTuple(args, "OOO", &fn_obj, &tp_obj, &index_obj))
        return -1;
    a->fn = PyLong_AsVoidPtr(fn_obj);
    a->tp = PyLong_AsVoidPtr(tp_obj);
    if (PyErr_Occurred())
        return -1;
    if (a->fn == NULL || a->tp == NULL) {
        PyErr_SetString(PyExc_ValueError, "null function or text page");
        return -1;
    }
    if (PyObject_GetBuffer(index_obj, &a->view, PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (a->view.len % (Py_ssize_t)sizeof(int32_t) != 0) {
        PyBuffer_Release(&a->view);
        PyErr_SetString(PyExc_ValueError, "index must be int32");
        return -1;
    }
    a->index = (const int32_t *)a->view.buf;
    a->k = a->view.len / (Py_ssize_t)sizeof(int32_t);
    return 0;
}

/* A bytes object of k items of `size` bytes each, and optionally k ok-bytes; NULL on failure
 * (the index buffer released). */
static PyObject *per_char_out(per_char *a, size_t size, PyObject **ok) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, a->k * (Py_ssize_t)size);
    if (out != NULL && ok != NULL) {
        *ok = PyBytes_FromStringAndSize(NULL, a->k);
        if (*ok == NULL)
            Py_CLEAR(out);
    }
    if (out == NULL) {
        PyBuffer_Release(&a->view);
        return NULL;
    }
    memset(PyBytes_AS_STRING(out), 0, (size_t)a->k * size);
    return out;
}

static PyObject *loose_boxes(PyObject *self, PyObject *args) {
    per_char a;
    PyObject *ok;
    if (per_char_args(args, &a) < 0)
        return NULL;
    PyObject *boxes = per_char_out(&a, sizeof(rectf), &ok);
    if (boxes == NULL)
        return NULL;
    loose_box_fn fn = (loose_box_fn)a.fn;
    rectf *b = (rectf *)PyBytes_AS_STRING(boxes);
    char *o = PyBytes_AS_STRING(ok);
    for (Py_ssize_t j = 0; j < a.k; j++)
        o[j] = fn(a.tp, a.index[j], &b[j]) ? 1 : 0;
    PyBuffer_Release(&a.view);
    return Py_BuildValue("(NN)", boxes, ok);
}

static PyObject *char_boxes(PyObject *self, PyObject *args) {
    per_char a;
    PyObject *ok;
    if (per_char_args(args, &a) < 0)
        return NULL;
    PyObject *boxes = per_char_out(&a, 4 * sizeof(double), &ok);
    if (boxes == NULL)
        return NULL;
    char_box_fn fn = (char_box_fn)a.fn;
    double *b = (double *)PyBytes_AS_STRING(boxes);
    char *o = PyBytes_AS_STRING(ok);
    for (Py_ssize_t j = 0; j < a.k; j++) {
        double *q = b + 4 * j;
        o[j] = fn(a.tp, a.index[j], &q[0], &q[1], &q[2], &q[3]) ? 1 : 0;
    }
    PyBuffer_Release(&a.view);
    return Py_BuildValue("(NN)", boxes, ok);
}

static PyObject *text_objects(PyObject *self, PyObject *args) {
    per_char a;
    if (per_char_args(args, &a) < 0)
        return NULL;
    PyObject *keys = per_char_out(&a, sizeof(uint64_t), NULL);
    if (keys == NULL)
        return NULL;
    text_object_fn fn = (text_object_fn)a.fn;
    uint64_t *out = (uint64_t *)PyBytes_AS_STRING(keys);
    for (Py_ssize_t j = 0; j < a.k; j++)
        out[j] = (uint64_t)(uintptr_t)fn(a.tp, a.index[j]);
    PyBuffer_Release(&a.view);
    return keys;
}

static PyObject *char_angles(PyObject *self, PyObject *args) {
    per_char a;
    if (per_char_args(args, &a) < 0)
        return NULL;
    PyObject *angles = per_char_out(&a, sizeof(float), NULL);
    if (angles == NULL)
        return NULL;
    char_angle_fn fn = (char_angle_fn)a.fn;
    float *out = (float *)PyBytes_AS_STRING(angles);
    for (Py_ssize_t j = 0; j < a.k; j++)
        out[j] = fn(a.tp, a.index[j]);
    PyBuffer_Release(&a.view);
    return angles;
}

/* pdf.py's _text_rotation over the sampled characters: the turn (0 / 90 / 180 / 270) most of
 * them stand at, if at least 0.6 of them do (PDFium's angle undone: 360 - turn), else 0. Two
 * things Python must decide that cannot change the answer here: how a half-way angle rounds (no
 * float32 angle lands exactly on 45, 135, 225 or 315 degrees; test_pdf checks it) and which of two
 * tied turns wins (a tie holds at most half the votes, below 0.6). None where an angle is not a
 * finite number: Python votes then as it always did. */
static PyObject *turn(PyObject *self, PyObject *args) {
    per_char a;
    if (per_char_args(args, &a) < 0)
        return NULL;
    char_angle_fn fn = (char_angle_fn)a.fn;
    Py_ssize_t counts[4] = {0, 0, 0, 0}, n = 0;
    for (Py_ssize_t j = 0; j < a.k; j++) {
        double angle = (double)fn(a.tp, a.index[j]);
        if (angle < 0)
            continue; /* PDFium could not say */
        if (!isfinite(angle)) {
            PyBuffer_Release(&a.view);
            Py_RETURN_NONE;
        }
        counts[(int)fmod(nearbyint(angle * 57.29577951308232 / 90), 4)]++;
        n++;
    }
    PyBuffer_Release(&a.view);
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (counts[k] > counts[best])
            best = k;
    return PyLong_FromLong(n > 0 && (double)counts[best] >= 0.6 * (double)n ? (360 - best * 90) % 360 : 0);
}

/* pdf.py's _class_counts: how many of the code points (a uint32 buffer) are garbled (private
 * use, U+FFFD, control characters), CJK and Latin letters. */
static PyObject *class_counts(PyObject *self, PyObject *args) {
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "y*", &view))
        return NULL;
    const uint32_t *p = (const uint32_t *)view.buf;
    Py_ssize_t n = view.len / (Py_ssize_t)sizeof(uint32_t), bad = 0, cjk = 0, latin = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        uint32_t c = p[j];
        if ((c >= 0xE000 && c <= 0xF8FF) || c == 0xFFFD || c <= 0x08 || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F))
            bad++;
        else if ((c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF))
            cjk++;
        else if ((c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0xC0 && c <= 0x24F))
            latin++;
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(nnn)", bad, cjk, latin);
}

/* ---------------------------------------------------------------------------------------------
 * Lines of characters: pdf.py's chars_to_lines (_group_lines, duplicates dropped) and text_of,
 * for many groups of characters (the cells of a grid) in one call. The same comparisons in the
 * same order over the same doubles; Python's stable sorts are sorts on (key, position). */

typedef struct {
    double x0, top, x1, bottom, key;
    Py_ssize_t pos;     /* position in the group: the stable sorts' tie-break */
    PyObject *ch;       /* the Char (borrowed) */
    PyObject *text;     /* its text (borrowed) */
} glyph;

static int by_key(const void *a, const void *b) {
    const glyph *p = (const glyph *)a, *q = (const glyph *)b;
    if (p->key < q->key) return -1;
    if (p->key > q->key) return 1;
    return (p->pos > q->pos) - (p->pos < q->pos);
}

static void sort_by_x0(glyph *g, Py_ssize_t m) {
    for (Py_ssize_t j = 0; j < m; j++) {
        g[j].key = g[j].x0;
        g[j].pos = j;
    }
    qsort(g, (size_t)m, sizeof(glyph), by_key);
}

/* What a line is turned into: a cell's (emit_line) or a free text line's (emit_free_line). */
typedef struct {
    double space;     /* text_of's gap for a space: word_gap × height (a cell's: its grid's) */
    double run_gap;   /* runs_of's gap, per unit of the line's own height (free lines) */
    double word_gap;  /* text_of's gap, per unit of the line's own height (free lines) */
    PyTypeObject *line_type, *run_type;  /* pdf.py's _FreeLine and _Run (free lines) */
} line_params;

typedef int (*emitter)(glyph *g, Py_ssize_t m, const line_params *p, PyObject *out);

static int read_double(PyObject *t, Py_ssize_t k, double *out) {
    *out = PyFloat_AsDouble(PyTuple_GET_ITEM(t, k));
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* A Char tuple (x0, top, x1, bottom, text) into c (the tuple and its text borrowed). */
static int read_glyph(PyObject *t, glyph *c) {
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) < 5 || !PyUnicode_Check(PyTuple_GET_ITEM(t, 4))) {
        PyErr_SetString(PyExc_TypeError, "a Char is a tuple (x0, top, x1, bottom, text: str)");
        return -1;
    }
    if (read_double(t, 0, &c->x0) < 0 || read_double(t, 1, &c->top) < 0 || read_double(t, 2, &c->x1) < 0
            || read_double(t, 3, &c->bottom) < 0)
        return -1;
    c->ch = t;
    c->text = PyTuple_GET_ITEM(t, 4);
    return 0;
}

/* The characters of the visual line g[0..m) (sorted left to right) that are kept, into kept:
 * a glyph printed twice, slightly offset ("bold"), is kept once. Their count, or -1. */
static Py_ssize_t dedupe(glyph *g, Py_ssize_t m, glyph **kept) {
    Py_ssize_t k = 0;
    for (Py_ssize_t j = 0; j < m; j++) {
        glyph *c = &g[j];
        if (k > 0) {
            glyph *prev = kept[k - 1];
            int same = PyObject_RichCompareBool(c->text, prev->text, Py_EQ);
            if (same < 0)
                return -1;
            if (same && c->x0 - prev->x0 < 0.5 * (prev->x1 - prev->x0)
                    && fabs(c->top - prev->top) < 0.5 * (prev->bottom - prev->top))
                continue;
        }
        kept[k++] = c;
    }
    return k;
}

/* text_of over g[0..m): a gap wider than space becomes one " " */
static PyObject *text_over(glyph **g, Py_ssize_t m, double space) {
    if (m == 1) {
        Py_INCREF(g[0]->text);
        return g[0]->text;
    }
    PyObject *parts = PyList_New(0), *space_str = NULL, *text = NULL, *empty = NULL;
    if (parts == NULL)
        return NULL;
    for (Py_ssize_t j = 0; j < m; j++) {
        if (j > 0 && g[j]->x0 - g[j - 1]->x1 > space) {
            if (space_str == NULL && (space_str = PyUnicode_FromString(" ")) == NULL)
                goto done;
            if (PyList_Append(parts, space_str) < 0)
                goto done;
        }
        if (PyList_Append(parts, g[j]->text) < 0)
            goto done;
    }
    if ((empty = PyUnicode_FromString("")) != NULL)
        text = PyUnicode_Join(empty, parts);
done:
    Py_DECREF(parts);
    Py_XDECREF(space_str);
    Py_XDECREF(empty);
    return text;
}

static PyObject *char_list(glyph **g, Py_ssize_t m) {
    PyObject *list = PyList_New(m);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t j = 0; j < m; j++) {
        Py_INCREF(g[j]->ch);
        PyList_SET_ITEM(list, j, g[j]->ch);
    }
    return list;
}

/* One visual line g[0..m) (sorted left to right): duplicates dropped, then
 * (text, top, bottom, [Char, ...]) appended to out. */
static int emit_line(glyph *g, Py_ssize_t m, const line_params *p, PyObject *out) {
    glyph **kept = PyMem_Malloc((size_t)m * sizeof(glyph *));
    if (kept == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int rc = -1;
    Py_ssize_t k = dedupe(g, m, kept);
    if (k > 0) {
        double top = kept[0]->top, bottom = kept[0]->bottom;
        for (Py_ssize_t j = 1; j < k; j++) {
            if (kept[j]->top < top) top = kept[j]->top;
            if (kept[j]->bottom > bottom) bottom = kept[j]->bottom;
        }
        PyObject *item = Py_BuildValue("(NddN)", text_over(kept, k, p->space), top, bottom, char_list(kept, k));
        if (item != NULL) {
            rc = PyList_Append(out, item);
            Py_DECREF(item);
        }
    }
    PyMem_Free(kept);
    return rc;
}

/* The lines of one group of characters g[0..m), in pdf.py's order. */
static int group_lines(glyph *g, Py_ssize_t m, double overlap, const line_params *p, emitter emit,
                       PyObject *out) {
    if (m == 0)
        return 0;
    if (m == 1)
        return emit(g, 1, p, out);
    int one_run = 1;  /* one run in one font (most cells): one line */
    for (Py_ssize_t j = 1; j < m && one_run; j++)
        one_run = g[j].top == g[0].top && g[j].bottom == g[0].bottom;
    if (one_run) {
        sort_by_x0(g, m);
        return emit(g, m, p, out);
    }
    for (Py_ssize_t j = 0; j < m; j++) {
        g[j].key = g[j].top + g[j].bottom;
        g[j].pos = j;
    }
    qsort(g, (size_t)m, sizeof(glyph), by_key);
    Py_ssize_t start = 0;
    double top = g[0].top, bottom = g[0].bottom;
    for (Py_ssize_t j = 1; j <= m; j++) {
        if (j < m) {
            double ct = g[j].top, cb = g[j].bottom;
            double lo = cb < bottom ? cb : bottom;
            double hi = ct > top ? ct : top;
            double h = bottom - top, chh = cb - ct;
            if (lo - hi >= overlap * (chh < h ? chh : h)) {
                if (ct < top) top = ct;
                if (cb > bottom) bottom = cb;
                continue;
            }
        }
        Py_ssize_t len = j - start;
        if (len > 1)
            sort_by_x0(g + start, len);
        if (emit(g + start, len, p, out) < 0)
            return -1;
        if (j < m) {
            start = j;
            top = g[j].top;
            bottom = g[j].bottom;
        }
    }
    return 0;
}

static PyObject *lines_of(PyObject *self, PyObject *args) {
    PyObject *chars;
    Py_buffer gv;
    Py_ssize_t ngroups;
    double overlap, space;
    if (!PyArg_ParseTuple(args, "O!y*ndd", &PyList_Type, &chars, &gv, &ngroups, &overlap, &space))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(chars);
    const int32_t *group = (const int32_t *)gv.buf;
    PyObject *result = NULL;
    glyph *g = NULL;
    Py_ssize_t *start = NULL;
    line_params params = {space, 0.0, 0.0, NULL, NULL};
    if (gv.len != n * (Py_ssize_t)sizeof(int32_t) || ngroups < 0) {
        PyErr_SetString(PyExc_ValueError, "one int32 group per character");
        goto done;
    }
    g = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(glyph));
    start = PyMem_Calloc((size_t)ngroups + 1, sizeof(Py_ssize_t));
    if (g == NULL || start == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* the characters of each group together, in their order (a counting sort) */
    for (Py_ssize_t i = 0; i < n; i++) {
        if (group[i] < 0 || group[i] >= ngroups) {
            PyErr_SetString(PyExc_ValueError, "group out of range");
            goto done;
        }
        start[group[i] + 1]++;
    }
    for (Py_ssize_t k = 0; k < ngroups; k++)
        start[k + 1] += start[k];
    Py_ssize_t *fill = PyMem_Malloc((size_t)(ngroups > 0 ? ngroups : 1) * sizeof(Py_ssize_t));
    if (fill == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(fill, start, (size_t)ngroups * sizeof(Py_ssize_t));
    for (Py_ssize_t i = 0; i < n; i++) {
        if (read_glyph(PyList_GET_ITEM(chars, i), &g[fill[group[i]]++]) < 0) {
            PyMem_Free(fill);
            goto done;
        }
    }
    PyMem_Free(fill);
    result = PyList_New(ngroups);
    if (result == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < ngroups; k++) {
        PyObject *lines = PyList_New(0);
        if (lines == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, k, lines);
        if (group_lines(g + start[k], start[k + 1] - start[k], overlap, &params, emit_line, lines) < 0) {
            Py_CLEAR(result);
            goto done;
        }
    }
done:
    PyMem_Free(g);
    PyMem_Free(start);
    PyBuffer_Release(&gv);
    return result;
}

/* ---------------------------------------------------------------------------------------------
 * A grid's merged cells: pdf.py's grid_cells up to its _Cell objects. Two neighbouring cells are
 * one where no ruling at their shared border (within tol of it) passes the middle of that
 * border, give or take `along`; the same double operations as the Python loop. */

/* A list of Edges (pos, a, b) into pos, a, b triples. */
static int read_edges(PyObject *edges, double *out) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(edges); i++) {
        PyObject *e = PyList_GET_ITEM(edges, i);
        if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) < 3) {
            PyErr_SetString(PyExc_TypeError, "an Edge is a tuple (pos, a, b)");
            return -1;
        }
        for (Py_ssize_t k = 0; k < 3; k++)
            if (read_double(e, k, &out[3 * i + k]) < 0)
                return -1;
    }
    return 0;
}

/* The spans (a, b) of the n edges e (pos, a, b triples) whose position is within tol of at. */
static double *edge_spans(const double *e, Py_ssize_t n, double at, double tol, Py_ssize_t *count) {
    Py_ssize_t k = 0;
    double *spans = PyMem_Malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof(double));
    if (spans == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (fabs(e[3 * i] - at) <= tol) {
            spans[2 * k] = e[3 * i + 1];
            spans[2 * k + 1] = e[3 * i + 2];
            k++;
        }
    }
    *count = k;
    return spans;
}

static int covered(const double *spans, Py_ssize_t k, double mid, double along) {
    for (Py_ssize_t i = 0; i < k; i++)
        if (spans[2 * i] - along <= mid && mid <= spans[2 * i + 1] + along)
            return 1;
    return 0;
}

static Py_ssize_t root_of(Py_ssize_t *parent, Py_ssize_t i) {
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void join(Py_ssize_t *parent, Py_ssize_t i, Py_ssize_t j) {
    Py_ssize_t ri = root_of(parent, i), rj = root_of(parent, j);
    if (ri != rj) {
        if (ri < rj)
            parent[rj] = ri;
        else
            parent[ri] = rj;
    }
}

static int read_doubles(PyObject *list, double *out) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        out[i] = PyFloat_AsDouble(PyList_GET_ITEM(list, i));
        if (out[i] == -1.0 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* merged_cells(xs, ys, vedges, hedges, tol) -> (which, spans): which[r * nc + c] is the number of
 * the merged cell at row r, column c (cells numbered in the order a row-by-row scan meets them),
 * spans[k] its (r0, c0, r1, c1): the least and greatest row and column of its grid cells. */
static PyObject *merged_cells(PyObject *self, PyObject *args) {
    PyObject *xs_obj, *ys_obj, *vedges, *hedges, *result = NULL;
    double tol;
    if (!PyArg_ParseTuple(args, "O!O!O!O!d", &PyList_Type, &xs_obj, &PyList_Type, &ys_obj, &PyList_Type, &vedges,
                          &PyList_Type, &hedges, &tol))
        return NULL;
    Py_ssize_t nc = PyList_GET_SIZE(xs_obj) - 1, nr = PyList_GET_SIZE(ys_obj) - 1;
    if (nc < 1 || nr < 1) {
        PyErr_SetString(PyExc_ValueError, "a grid has at least one row and one column");
        return NULL;
    }
    double *xs = PyMem_Malloc((size_t)(nc + 1) * sizeof(double)), *ys = PyMem_Malloc((size_t)(nr + 1) * sizeof(double));
    Py_ssize_t *parent = PyMem_Malloc((size_t)(nr * nc) * sizeof(Py_ssize_t));
    Py_ssize_t *number = PyMem_Malloc((size_t)(nr * nc) * sizeof(Py_ssize_t));
    Py_ssize_t *box = PyMem_Malloc((size_t)(nr * nc) * 4 * sizeof(Py_ssize_t));
    Py_ssize_t nv = PyList_GET_SIZE(vedges), nh = PyList_GET_SIZE(hedges);
    double *v = PyMem_Malloc((size_t)(nv > 0 ? nv : 1) * 3 * sizeof(double));
    double *h = PyMem_Malloc((size_t)(nh > 0 ? nh : 1) * 3 * sizeof(double));
    double *spans = NULL;
    PyObject *which = NULL, *boxes = NULL;
    if (xs == NULL || ys == NULL || parent == NULL || number == NULL || box == NULL || v == NULL || h == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_doubles(xs_obj, xs) < 0 || read_doubles(ys_obj, ys) < 0 || read_edges(vedges, v) < 0
            || read_edges(hedges, h) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < nr * nc; i++)
        parent[i] = i;
    Py_ssize_t k;
    for (Py_ssize_t c = 1; c < nc; c++) {
        spans = edge_spans(v, nv, xs[c], tol, &k);
        if (spans == NULL)
            goto done;
        for (Py_ssize_t r = 0; r < nr; r++) {
            double ym = (ys[r] + ys[r + 1]) / 2, side = (ys[r + 1] - ys[r]) / 4;
            double along = side < tol ? side : tol; /* min(tol, side) */
            if (!covered(spans, k, ym, along))
                join(parent, r * nc + c - 1, r * nc + c);
        }
        PyMem_Free(spans);
        spans = NULL;
    }
    for (Py_ssize_t r = 1; r < nr; r++) {
        spans = edge_spans(h, nh, ys[r], tol, &k);
        if (spans == NULL)
            goto done;
        for (Py_ssize_t c = 0; c < nc; c++) {
            double xm = (xs[c] + xs[c + 1]) / 2, side = (xs[c + 1] - xs[c]) / 4;
            double along = side < tol ? side : tol;
            if (!covered(spans, k, xm, along))
                join(parent, (r - 1) * nc + c, r * nc + c);
        }
        PyMem_Free(spans);
        spans = NULL;
    }
    /* a component's root is its least cell, met first in a row-by-row scan */
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < nr * nc; i++) {
        Py_ssize_t root = root_of(parent, i), r = i / nc, c = i % nc;
        if (root == i) {
            number[i] = distinct;
            Py_ssize_t *b = box + 4 * distinct++;
            b[0] = b[2] = r;
            b[1] = b[3] = c;
        } else {
            number[i] = number[root];
            Py_ssize_t *b = box + 4 * number[root];
            if (r < b[0]) b[0] = r;
            if (c < b[1]) b[1] = c;
            if (r > b[2]) b[2] = r;
            if (c > b[3]) b[3] = c;
        }
    }
    which = PyList_New(nr * nc);
    boxes = PyList_New(distinct);
    if (which == NULL || boxes == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < nr * nc; i++) {
        PyObject *v = PyLong_FromSsize_t(number[i]);
        if (v == NULL)
            goto done;
        PyList_SET_ITEM(which, i, v);
    }
    for (Py_ssize_t j = 0; j < distinct; j++) {
        Py_ssize_t *b = box + 4 * j;
        PyObject *t = Py_BuildValue("(nnnn)", b[0], b[1], b[2], b[3]);
        if (t == NULL)
            goto done;
        PyList_SET_ITEM(boxes, j, t);
    }
    result = PyTuple_Pack(2, which, boxes);
done:
    Py_XDECREF(which);
    Py_XDECREF(boxes);
    PyMem_Free(spans);
    PyMem_Free(v);
    PyMem_Free(h);
    PyMem_Free(xs);
    PyMem_Free(ys);
    PyMem_Free(parent);
    PyMem_Free(number);
    PyMem_Free(box);
    return result;
}

/* merge_edges(Edge, edges, snap, join) -> pdf.py's merge_edges: the edges sorted as tuples,
 * grouped while a position stays within snap of its group's first, each group's position the
 * mean of its members' (summed left to right, as _plain_mean does), and its segments joined in
 * order of their start (a stable sort) where one starts within join of where the last ended.
 * None where a value is not a number (NaN orders as nothing else does: Python sorts those). */
typedef struct { double pos, a, b; Py_ssize_t order; } seg;

static int by_tuple(const void *p, const void *q) {
    const seg *x = p, *y = q;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    if (x->b != y->b) return x->b < y->b ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int by_start(const void *p, const void *q) {
    const seg *x = p, *y = q;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static PyObject *edge_of(PyTypeObject *type, double pos, double a, double b) {
    PyObject *t = type->tp_alloc(type, 3);
    if (t == NULL)
        return NULL;
    double v[3] = {pos, a, b};
    for (int k = 0; k < 3; k++) {
        PyObject *f = PyFloat_FromDouble(v[k]);
        if (f == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, f);
    }
    if (PyObject_GC_IsTracked(t))
        PyObject_GC_UnTrack(t); /* three floats: nothing for the cyclic collector to follow */
    return t;
}

static PyObject *merge_edges(PyObject *self, PyObject *args) {
    PyTypeObject *type;
    PyObject *edges, *out = NULL;
    double snap, join_gap;
    if (!PyArg_ParseTuple(args, "O!O!dd", &PyType_Type, &type, &PyList_Type, &edges, &snap, &join_gap))
        return NULL;
    if (!PyType_IsSubtype(type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "the Edge type is a tuple type");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(edges);
    seg *e = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(seg));
    if (e == NULL)
        return PyErr_NoMemory();
    double *raw = PyMem_Malloc((size_t)(n > 0 ? n : 1) * 3 * sizeof(double));
    if (raw == NULL) {
        PyMem_Free(e);
        return PyErr_NoMemory();
    }
    if (read_edges(edges, raw) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        e[i] = (seg){raw[3 * i], raw[3 * i + 1], raw[3 * i + 2], i};
        if (isnan(e[i].pos) || isnan(e[i].a) || isnan(e[i].b)) {
            out = Py_None;
            Py_INCREF(out);
            goto done;
        }
    }
    qsort(e, (size_t)n, sizeof(seg), by_tuple);
    out = PyList_New(0);
    if (out == NULL)
        goto done;
    for (Py_ssize_t start = 0; start < n;) {
        Py_ssize_t end = start + 1;
        while (end < n && e[end].pos - e[start].pos <= snap)
            end++;
        double total = 0.0;
        for (Py_ssize_t i = start; i < end; i++) {
            total += e[i].pos;
            e[i].order = i; /* the group's order before its stable sort by start */
        }
        double pos = total / (double)(end - start);
        qsort(e + start, (size_t)(end - start), sizeof(seg), by_start);
        double a = e[start].a, b = e[start].b;
        for (Py_ssize_t i = start + 1; i <= end; i++) {
            if (i < end && e[i].a <= b + join_gap) {
                if (e[i].b > b)
                    b = e[i].b; /* max(b, e.b) */
                continue;
            }
            PyObject *edge = edge_of(type, pos, a, b);
            if (edge == NULL || PyList_Append(out, edge) < 0) {
                Py_XDECREF(edge);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(edge);
            if (i < end) {
                a = e[i].a;
                b = e[i].b;
            }
        }
        start = end;
    }
done:
    PyMem_Free(e);
    PyMem_Free(raw);
    return out;
}

/* touching_sets(hedges, vedges, tol) -> the label of each ruling (hedges first, then vedges): the
 * least index among the rulings it is connected to by touching, as pdf.py's edges_to_grids
 * labels them (a vertical ruling touches a horizontal one where each reaches the other's line,
 * give or take tol: the same double comparisons). */
static PyObject *touching_sets(PyObject *self, PyObject *args) {
    PyObject *hedges, *vedges, *result = NULL;
    double tol;
    if (!PyArg_ParseTuple(args, "O!O!d", &PyList_Type, &hedges, &PyList_Type, &vedges, &tol))
        return NULL;
    Py_ssize_t nh = PyList_GET_SIZE(hedges), nv = PyList_GET_SIZE(vedges), n = nh + nv;
    double *h = PyMem_Malloc((size_t)(nh > 0 ? nh : 1) * 3 * sizeof(double));
    double *v = PyMem_Malloc((size_t)(nv > 0 ? nv : 1) * 3 * sizeof(double));
    Py_ssize_t *parent = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(Py_ssize_t));
    if (h == NULL || v == NULL || parent == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_edges(hedges, h) < 0 || read_edges(vedges, v) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++)
        parent[i] = i;
    for (Py_ssize_t j = 0; j < nv; j++) {
        const double *ve = v + 3 * j;
        for (Py_ssize_t i = 0; i < nh; i++) {
            const double *he = h + 3 * i;
            if (he[1] - tol <= ve[0] && ve[0] <= he[2] + tol && ve[1] - tol <= he[0] && he[0] <= ve[2] + tol)
                join(parent, i, nh + j);
        }
    }
    result = PyList_New(n);
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *label = PyLong_FromSsize_t(root_of(parent, i));
        if (label == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, label);
    }
done:
    PyMem_Free(h);
    PyMem_Free(v);
    PyMem_Free(parent);
    return result;
}

/* ---------------------------------------------------------------------------------------------
 * The page's free text (characters outside every grid): pdf.py's _free_lines_py, i.e. for each
 * visual line (chars_to_lines) its _height, _box, and its runs_of with each run's text_of and
 * _box, as page_to_lines and borderless_rows use them. */

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* (x0, top, x1, bottom) of g[0..m) as pdf.py's _box: min / max keep the first of equals. */
static PyObject *box_of(glyph **g, Py_ssize_t m) {
    double x0 = g[0]->x0, top = g[0]->top, x1 = g[0]->x1, bottom = g[0]->bottom;
    for (Py_ssize_t j = 1; j < m; j++) {
        if (g[j]->x0 < x0) x0 = g[j]->x0;
        if (g[j]->top < top) top = g[j]->top;
        if (g[j]->x1 > x1) x1 = g[j]->x1;
        if (g[j]->bottom > bottom) bottom = g[j]->bottom;
    }
    return Py_BuildValue("(dddd)", x0, top, x1, bottom);
}

/* type(items...): a named tuple built as tuple.__new__ builds it; steals the references, and
 * returns NULL (dropping the others) when one is NULL. */
static PyObject *named(PyTypeObject *type, Py_ssize_t n, PyObject **items) {
    PyObject *t = NULL;
    int ok = 1;
    for (Py_ssize_t j = 0; j < n; j++)
        ok = ok && items[j] != NULL;
    if (ok && (t = type->tp_alloc(type, n)) != NULL) {
        for (Py_ssize_t j = 0; j < n; j++)
            PyTuple_SET_ITEM(t, j, items[j]);
        return t;
    }
    for (Py_ssize_t j = 0; j < n; j++)
        Py_XDECREF(items[j]);
    return NULL;
}

/* pdf.py's _height over g[0..k), k > 0: the median height of the CJK characters (text >=
 * "\u3400"), else of all; hs has room for k doubles. */
static double median_height(glyph **g, Py_ssize_t k, double *hs) {
    Py_ssize_t nh = 0;
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *t = g[j]->text;
        if (PyUnicode_GET_LENGTH(t) > 0 && PyUnicode_READ_CHAR(t, 0) >= 0x3400)
            hs[nh++] = g[j]->bottom - g[j]->top;
    }
    if (nh == 0)
        for (Py_ssize_t j = 0; j < k; j++)
            hs[nh++] = g[j]->bottom - g[j]->top;
    qsort(hs, (size_t)nh, sizeof(double), by_double);
    Py_ssize_t half = nh / 2;
    return nh % 2 ? hs[half] : (hs[half - 1] + hs[half]) / 2;
}

/* height(chars) -> pdf.py's _height of a list of Chars (10.0 for none) */
static PyObject *height_of(PyObject *self, PyObject *args) {
    PyObject *chars;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &chars))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(chars);
    if (n == 0)
        return PyFloat_FromDouble(10.0);
    glyph *g = PyMem_Malloc((size_t)n * sizeof(glyph));
    glyph **at = PyMem_Malloc((size_t)n * sizeof(glyph *));
    double *hs = PyMem_Malloc((size_t)n * sizeof(double));
    PyObject *out = NULL;
    if (g == NULL || at == NULL || hs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (read_glyph(PyList_GET_ITEM(chars, i), &g[i]) < 0)
            goto done;
        at[i] = &g[i];
    }
    out = PyFloat_FromDouble(median_height(at, n, hs));
done:
    PyMem_Free(g);
    PyMem_Free(at);
    PyMem_Free(hs);
    return out;
}

/* One free line g[0..m) (sorted left to right): duplicates dropped as emit_line drops them, then
 * ([Char], height, box, [([Char], text, box) per run]) appended to out. */
static int emit_free_line(glyph *g, Py_ssize_t m, const line_params *p, PyObject *out) {
    glyph **kept = PyMem_Malloc((size_t)m * sizeof(glyph *));
    double *hs = PyMem_Malloc((size_t)m * sizeof(double));
    PyObject *chars = NULL, *box = NULL, *runs = NULL, *item = NULL;
    int rc = -1;
    if (kept == NULL || hs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t k = dedupe(g, m, kept);
    if (k < 0)
        goto done;
    double height = median_height(kept, k, hs);
    double gap = p->run_gap * height, space = p->word_gap * height;
    if ((chars = char_list(kept, k)) == NULL || (box = box_of(kept, k)) == NULL || (runs = PyList_New(0)) == NULL)
        goto done;
    Py_ssize_t start = 0;
    for (Py_ssize_t j = 1; j <= k; j++) {
        if (j < k && !(kept[j]->x0 - kept[j - 1]->x1 > gap))
            continue;
        PyObject *parts[3] = {char_list(kept + start, j - start), text_over(kept + start, j - start, space),
                              box_of(kept + start, j - start)};
        PyObject *run = named(p->run_type, 3, parts);
        if (run == NULL || PyList_Append(runs, run) < 0) {
            Py_XDECREF(run);
            goto done;
        }
        Py_DECREF(run);
        start = j;
    }
    PyObject *parts[4] = {chars, PyFloat_FromDouble(height), box, runs};
    chars = box = runs = NULL;  /* named() holds them now */
    item = named(p->line_type, 4, parts);
    if (item == NULL || PyList_Append(out, item) < 0)
        goto done;
    rc = 0;
done:
    Py_XDECREF(item);
    Py_XDECREF(chars);
    Py_XDECREF(box);
    Py_XDECREF(runs);
    PyMem_Free(kept);
    PyMem_Free(hs);
    return rc;
}

static PyObject *free_lines(PyObject *self, PyObject *args) {
    PyObject *chars;
    line_params params = {0.0, 0.0, 0.0, NULL, NULL};
    double overlap;
    if (!PyArg_ParseTuple(args, "O!O!O!ddd", &PyType_Type, &params.line_type, &PyType_Type, &params.run_type,
                          &PyList_Type, &chars, &overlap, &params.run_gap, &params.word_gap))
        return NULL;
    if (!PyType_IsSubtype(params.line_type, &PyTuple_Type) || !PyType_IsSubtype(params.run_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "the line and run types are tuple types");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(chars);
    glyph *g = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(glyph));
    if (g == NULL)
        return PyErr_NoMemory();
    PyObject *out = NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (read_glyph(PyList_GET_ITEM(chars, i), &g[i]) < 0)
            goto done;
    if ((out = PyList_New(0)) != NULL && group_lines(g, n, overlap, &params, emit_free_line, out) < 0)
        Py_CLEAR(out);
done:
    PyMem_Free(g);
    return out;
}

/* The characters of a line share their top and bottom: one float object for a run of equal
 * values (the same bits, so 0.0 and -0.0 stay apart), as a new reference. */
typedef struct { uint64_t bits; PyObject *value; } last_float;

static PyObject *same_float(last_float *last, double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if (last->value == NULL || last->bits != bits) {
        PyObject *f = PyFloat_FromDouble(v);
        if (f == NULL)
            return NULL;
        Py_XSETREF(last->value, f);
        last->bits = bits;
    }
    Py_INCREF(last->value);
    return last->value;
}

/* The characters a page keeps, as pdf.py's Char named tuples (x0, top, x1, bottom, text):
 * built straight into the tuple subclass, as tuple.__new__(Char, …) builds them. */
static PyObject *make_chars(PyObject *self, PyObject *args) {
    PyTypeObject *type;
    Py_buffer xb, tb, rb, bb, ib;
    PyObject *text;
    if (!PyArg_ParseTuple(args, "O!y*y*y*y*Uy*", &PyType_Type, &type, &xb, &tb, &rb, &bb, &text, &ib))
        return NULL;
    PyObject *out = NULL;
    /* one string per character met, shared by its repeats (a page prints the same few hundred
     * characters again and again): a small cache by code point; the tuples hold their own refs */
    enum { SEEN = 1024 };
    Py_UCS4 seen_cp[SEEN];
    PyObject *seen[SEEN] = {NULL};
    last_float last_top = {0, NULL}, last_bottom = {0, NULL};
    Py_ssize_t n = ib.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (!PyType_IsSubtype(type, &PyTuple_Type) || ib.len % (Py_ssize_t)sizeof(int64_t)
            || xb.len != n * (Py_ssize_t)sizeof(double) || tb.len != xb.len || rb.len != xb.len || bb.len != xb.len) {
        PyErr_SetString(PyExc_ValueError, "a tuple type, four float64 arrays and one int64 index of one length");
        goto done;
    }
    const double *x0 = xb.buf, *top = tb.buf, *x1 = rb.buf, *bottom = bb.buf;
    const int64_t *index = ib.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    out = PyList_New(n);
    if (out == NULL)
        goto done;
    for (Py_ssize_t j = 0; j < n; j++) {
        if (index[j] < 0 || index[j] >= len) {
            PyErr_SetString(PyExc_IndexError, "character index out of range");
            Py_CLEAR(out);
            goto done;
        }
        PyObject *t = type->tp_alloc(type, 5);
        if (t == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, j, t);
        Py_UCS4 cp = PyUnicode_READ(kind, data, index[j]);
        PyObject **slot = &seen[cp % SEEN];
        if (*slot == NULL || seen_cp[cp % SEEN] != cp) {
            PyObject *one = PyUnicode_FromOrdinal((int)cp);
            if (one == NULL) {
                Py_CLEAR(out);
                goto done;
            }
            Py_XSETREF(*slot, one);
            seen_cp[cp % SEEN] = cp;
        }
        Py_INCREF(*slot);
        PyObject *items[5] = {PyFloat_FromDouble(x0[j]), same_float(&last_top, top[j]), PyFloat_FromDouble(x1[j]),
                              same_float(&last_bottom, bottom[j]), *slot};
        for (int k = 0; k < 5; k++) {
            if (items[k] == NULL) {
                for (int q = 0; q < 5; q++)
                    Py_XDECREF(items[q]);
                Py_CLEAR(out);
                goto done;
            }
        }
        for (int k = 0; k < 5; k++)
            PyTuple_SET_ITEM(t, k, items[k]);
        /* four floats and a string can hold nothing that refers back: out of the cyclic
         * collector's view (tens of thousands a page would be traversed by every collection) */
        if (PyObject_GC_IsTracked(t))
            PyObject_GC_UnTrack(t);
    }
done:
    for (int q = 0; q < SEEN; q++)
        Py_XDECREF(seen[q]);
    Py_XDECREF(last_top.value);
    Py_XDECREF(last_bottom.value);
    PyBuffer_Release(&xb);
    PyBuffer_Release(&tb);
    PyBuffer_Release(&rb);
    PyBuffer_Release(&bb);
    PyBuffer_Release(&ib);
    return out;
}

static PyMethodDef methods[] = {
    {"objects", objects, METH_VARARGS,
     "objects(api, container, is_form, top_level) -> bytes of records, one per page object"},
    {"path_plan", path_plan, METH_VARARGS,
     "path_plan(records, m, thin, forms) -> (images, [segment or (code, address), ...], only_lines)"},
    {"loose_boxes", loose_boxes, METH_VARARGS,
     "loose_boxes(fn, textpage, index) -> (float32 left, top, right, bottom per character, ok bytes)"},
    {"char_boxes", char_boxes, METH_VARARGS,
     "char_boxes(fn, textpage, index) -> (float64 left, right, bottom, top per character, ok bytes)"},
    {"text_objects", text_objects, METH_VARARGS,
     "text_objects(fn, textpage, index) -> uint64 text-object address per character"},
    {"char_angles", char_angles, METH_VARARGS,
     "char_angles(fn, textpage, index) -> float32 angle (radians, -1 unknown) per character"},
    {"turn", turn, METH_VARARGS,
     "turn(fn, textpage, index) -> the page's turn (0, 90, 180, 270) voted by its characters' angles, or None"},
    {"merged_cells", merged_cells, METH_VARARGS,
     "merged_cells(xs, ys, vedges, hedges, tol) -> (which merged cell per grid cell, (r0, c0, r1, c1) per merged cell)"},
    {"merge_edges", merge_edges, METH_VARARGS,
     "merge_edges(Edge, edges, snap, join) -> collinear segments that touch as one edge each, or None"},
    {"touching_sets", touching_sets, METH_VARARGS,
     "touching_sets(hedges, vedges, tol) -> per ruling the least index of the rulings it is connected to"},
    {"class_counts", class_counts, METH_VARARGS,
     "class_counts(uint32 code points) -> (garbled, CJK, Latin) counts"},
    {"make_chars", make_chars, METH_VARARGS,
     "make_chars(Char, x0, top, x1, bottom, text, index) -> [Char(x0, top, x1, bottom, text[i]), ...]"},
    {"free_lines", free_lines, METH_VARARGS,
     "free_lines(Line, Run, chars, overlap, run_gap, word_gap) -> [Line([Char], height, box, [Run([Char], text, box), ...]), ...]"},
    {"height", height_of, METH_VARARGS, "height(chars) -> the median height pdf.py's _height gives"},
    {"lines_of", lines_of, METH_VARARGS,
     "lines_of(chars, group, ngroups, overlap, space) -> per group [(text, top, bottom, [Char]), ...]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pdfium_loops",
    "The per-character and per-object PDFium reads of ingest/pdf.py as C loops.", -1, methods,
};

PyMODINIT_FUNC PyInit__pdfium_loops(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "RECORD_SIZE", (long)sizeof(record)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
