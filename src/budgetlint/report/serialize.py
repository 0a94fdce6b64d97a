"""The document model → plain JSON-able dicts (the ``extract`` schema, docs/extract-schema.md)."""

from __future__ import annotations

from decimal import Decimal

from budgetlint import __version__
from budgetlint.model import Document, DocumentMeta, PerformanceForm, Table

EXTRACT_SCHEMA_VERSION = 1


def _d(v: Decimal | None) -> str | None:
    return None if v is None else format(v, "f")


def meta_dict(meta: DocumentMeta) -> dict[str, object]:
    return {
        "title": meta.title,
        "organisation": meta.organisation,
        "year": meta.year,
        "kind": meta.kind.value,
        "template": meta.template,
        "template_source": meta.template_source,
        "template_evidence": meta.template_evidence,
        "narrative_unit": meta.narrative_unit.value if meta.narrative_unit else None,
        "source_format": meta.source_format,
    }


def table_dict(t: Table) -> dict[str, object]:
    return {
        "index": t.index,
        "kind": t.kind,
        "kind_label": t.kind_label,
        "title": t.title,
        "unit": t.unit.value if t.unit else None,
        "layout": t.layout,
        "provenance": t.provenance.to_dict(),
        "end_line": t.end_line,
        "empty_note": t.empty_note,
        "quality": {"score": round(t.quality.score, 3), "issues": t.quality.issues},
        "columns": [
            {"key": c.key, "header": list(c.header), "role": c.role, "side": c.side, "additive": c.additive,
             "rate": c.rate}
            for c in t.columns
        ],
        "column_sums": [{"total": a, "parts": list(b)} for a, b in t.column_sums],
        "rows": [
            {
                "index": r.index,
                "label": r.label,
                "kind": r.kind.value,
                "level": r.level,
                "key": r.key,
                "side": r.side,
                "parent": r.parent,
                "codes": [c.to_dict() for c in r.codes.values()],
                "texts": r.texts,
                "values": {
                    k: {"amount": _d(v.amount), "raw": v.raw, "blank": v.blank, "decimals": v.decimals,
                        "confidence": round(v.confidence, 3),
                        "provenance": {**v.provenance.to_dict(), "table": t.index, "row": r.index, "column": k}}
                    for k, v in r.values.items()
                },
                "provenance": r.provenance.to_dict(),
                "ambiguous": r.ambiguous,
                "repaired": r.repaired,
            }
            for r in t.rows
        ],
    }


def form_dict(f: PerformanceForm) -> dict[str, object]:
    return {
        "title": f.title,
        "project": f.project,
        "layout": f.layout,
        "project_code": f.project_code,
        "department": f.department,
        "implementer": f.implementer,
        "total": _d(f.total),
        "fiscal": _d(f.fiscal),
        "other": _d(f.other),
        "unit": f.unit.value if f.unit else None,
        "objective": f.objective,
        "spending_plan": [{"label": label, "amount": _d(a)} for label, a in f.spending_plan],
        "amounts": [{"label": label, "amount": _d(a)} for label, a in f.amounts],
        "tasks": [{"name": t.name, "amount": _d(t.amount), "content": t.content, "target": t.target,
                   "provenance": t.provenance.to_dict()} for t in f.tasks],
        "indicators": [
            {"level1": i.level1, "level2": i.level2, "name": i.name, "value": i.value_text,
             "comparator": i.comparator, "number": _d(i.number), "unit": i.unit, "description": i.description,
             "provenance": i.provenance.to_dict()}
            for i in f.indicators
        ],
        "provenance": f.provenance.to_dict(),
    }


def document_dict(doc: Document) -> dict[str, object]:
    return {
        "schema_version": EXTRACT_SCHEMA_VERSION,
        "tool": {"name": "budgetlint", "version": __version__},
        "path": doc.path,
        "meta": meta_dict(doc.meta),
        "toc": doc.toc,
        "tables": [table_dict(t) for t in doc.tables],
        "projects": [
            {"name": p.name, "category": p.category, "amounts": {k: _d(v) for k, v in p.amounts.items()},
             "table": p.table, "row": p.row}
            for p in doc.projects
        ],
        "narrative": [
            {"heading": s.heading, "level": s.level, "provenance": s.provenance.to_dict(),
             "paragraphs": [{"text": p.text, "provenance": p.provenance.to_dict()} for p in s.paragraphs]}
            for s in doc.sections
        ],
        "performance_forms": [form_dict(f) for f in doc.forms],
        "notes": doc.notes,
    }
