"""One performance form read row by row: its head (labelled fields and amounts, the aim, the
spending plan, a department-wide form's labelled amounts and key tasks), then its indicator grid
(``indicator_grid.py``), built into a ``PerformanceForm``.

Label cells (主管部门, 年度预算资金总额 …) sit anywhere in a row and their value is the next
non-empty cell. ``layout`` names the form's shape (model.PerformanceForm.layout); a head with a
资金支出计划 or a grid whose header names 绩效指标描述 / 指标值确定依据 makes it a ``planned_form``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint.ingest.base import Line
from budgetlint.model import FormTask, PerformanceForm, Provenance, Unit
from budgetlint.recognise.form_words import (
    AMOUNT_FIELDS,
    OTHER_TASK_LABELS,
    PLANNED_ROLES,
    TASK_ROLE,
    TASK_SECTION_LABELS,
    TEXT_FIELDS,
    FormRow,
    field_kind,
    header_roles,
    label_of,
    starts_grid,
    task_key,
)
from budgetlint.recognise.indicator_grid import IndicatorGrid
from budgetlint.recognise.numbers import is_number, to_decimal

PLANNED_FORM = "planned_form"  # the layout of a form with a spending plan or a described grid


@dataclass(slots=True)
class FormBuilder:
    """Reads rows into one form: head fields, spending plan, then the indicator grid."""

    lines: list[Line]
    layout: str
    fields: dict[str, str | None] = field(default_factory=dict)
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    unit: Unit | None = None
    objective: list[str] = field(default_factory=list)
    objective_at: list[int] = field(default_factory=list)  # line index of each objective piece
    plan_labels: list[tuple[int, str]] = field(default_factory=list)
    plan_unit: str | None = None  # "%" when the plan label says 资金支出计划（%）
    plan_at: int | None = None
    plan: list[tuple[str, Decimal | None]] = field(default_factory=list)
    section: str = "head"
    grid: IndicatorGrid = field(init=False)  # the form's indicator grid, over the same lines
    whole: bool = False  # a department-wide form: labelled amounts and key tasks in the head
    figures: list[tuple[str, Decimal | None]] = field(default_factory=list)
    task_cols: dict[str, int] | None = None
    tasks: list[FormTask] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.grid = IndicatorGrid(self.lines)

    @property
    def in_grid(self) -> bool:
        return self.grid.started

    # head ------------------------------------------------------------------------------------

    def feed(self, row: FormRow) -> None:
        grid = self.grid
        roles = header_roles(row.cells)
        if roles is not None:
            grid.head(row.cells, roles)
            if any(r in roles for r in PLANNED_ROLES):
                self.layout = PLANNED_FORM
            self.section = "grid"
            return
        if not grid.started and starts_grid(row.cells):
            grid.roles = {}  # a grid without a header row: read it from the right
            self.section = "grid"
        if grid.started:
            grid.row(row)
            return
        self._head_row(row)

    def feed_text(self, text: str, where: int | None = None) -> bool:
        """A one-cell line inside the head: objective continuation. False if not taken."""
        if self.section == "objective" and text:
            self.objective.append(text)
            self.objective_at.append(where if where is not None else -1)
            return True
        return False

    def _head_row(self, row: FormRow) -> None:
        cells = row.cells
        if self.whole and self._whole_row(row):
            return
        labelled = False
        j = 0
        while j < len(cells):
            kind, unit = label_of(cells[j])
            if kind is None:
                j += 1
                continue
            labelled = True
            if Unit.of(unit) is not None and self.unit is None:
                self.unit = Unit.of(unit)
            if kind in ("funds", "indicators"):
                self.section = kind
                j += 1
                continue
            if kind == "plan":
                self.section = "plan"
                self.plan_unit = unit if unit else None
                self.plan_at = row.where[j]
                self.plan_labels = [
                    (k, cells[k].replace(" ", "")) for k in range(j + 1, len(cells)) if cells[k]
                ]
                return
            if kind == "objective":
                self.section = "objective"
                text = " ".join(c for c in cells[j + 1:] if c)
                if text:
                    self.objective.append(text)
                    self.objective_at.append(next(row.where[k] for k in range(j + 1, len(cells)) if cells[k]))
                return
            k = j + 1
            while k < len(cells) and not cells[k]:
                k += 1
            value = cells[k] if k < len(cells) and field_kind(cells[k]) is None else None
            self.set_field(kind, value)
            j = k + 1 if value is not None else j + 1
        if labelled:
            return
        if self.section == "objective":
            text = " ".join(c for c in cells if c)
            if text:
                self.objective.append(text)
                self.objective_at.append(row.first)
        elif self.section == "plan" and self.plan_labels and not self.plan:
            self._plan_values(cells)

    def _whole_row(self, row: FormRow) -> bool:
        """Key tasks and labelled amounts of a department-wide form; False leaves the row to the
        common head reading (部门名称, 财政拨款, 总体绩效目标 …)."""
        cells = row.cells
        keys = [task_key(c) for c in cells]
        if any(k in TASK_SECTION_LABELS for k in keys):
            cols = {TASK_ROLE[k]: i for i, k in enumerate(keys) if k in TASK_ROLE}
            self.task_cols = cols if "name" in cols else None
            self.section = "tasks"
            return True
        if any(k in OTHER_TASK_LABELS for k in keys):
            self.section = "other_tasks"
            return True
        if self.section == "tasks" and self.task_cols:
            def at(role: str) -> str:
                k = (self.task_cols or {}).get(role)
                return cells[k] if k is not None and k < len(cells) else ""
            if at("name"):
                amount = at("amount").replace(" ", "")
                self.tasks.append(FormTask(
                    name=at("name"), amount=to_decimal(amount) if amount and is_number(amount) else None,
                    content=at("content"), target=at("target"), provenance=self.lines[row.first].provenance))
            return True
        if self.section == "other_tasks":
            return True
        for k in range(len(cells) - 1):
            label, value = cells[k], cells[k + 1].replace(" ", "")
            if label and not is_number(label.replace(" ", "")) and value and is_number(value):
                self.figures.append((label.replace(" ", ""), to_decimal(value)))
        return False

    def set_field(self, kind: str, value: str | None) -> None:
        if kind in AMOUNT_FIELDS:
            if self.amounts.get(kind) is None:
                self.amounts[kind] = to_decimal(value) if value and is_number(value) else None
        elif kind in TEXT_FIELDS and not self.fields.get(kind):
            self.fields[kind] = value

    def _plan_values(self, cells: list[str]) -> None:
        def num(text: str) -> Decimal | None:
            t = text.replace("%", "").strip()
            return to_decimal(t) if t and is_number(t) else None

        by_index = [(label, num(cells[k]) if k < len(cells) else None) for k, label in self.plan_labels]
        numbers = [num(c) for c in cells if c]
        if any(v is None for _, v in by_index) and len(numbers) == len(self.plan_labels):
            by_index = [(label, v) for (_, label), v in zip(self.plan_labels, numbers, strict=True)]
        self.plan = by_index

    # result ----------------------------------------------------------------------------------

    def build(self, title: str, provenance: Provenance) -> PerformanceForm | None:
        self.grid.flush_pending()
        form = PerformanceForm(
            title=title,
            project=self.fields.get("project") or "",
            layout=self.layout,
            project_code=self.fields.get("project_code"),
            department=self.fields.get("department"),
            implementer=self.fields.get("implementer"),
            total=self.amounts.get("total"),
            fiscal=self.amounts.get("fiscal"),
            other=self.amounts.get("other"),
            unit=self.unit,
            objective="\n".join(self.objective),
            objective_provenance=[self.lines[i].provenance if i >= 0 else provenance for i in self.objective_at],
            spending_plan_unit=self.plan_unit,
            spending_plan_provenance=self.lines[self.plan_at].provenance if self.plan_at is not None else None,
            spending_plan=self.plan,
            indicators=self.grid.indicators,
            provenance=provenance,
            amounts=self.figures,
            tasks=self.tasks,
        )
        if form.indicators or form.objective or (form.total is not None and form.department):
            return form
        return None

