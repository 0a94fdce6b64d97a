"""Templates: lay a ``Budget`` out as one disclosure layout (``Composition``).

``compose`` picks the layout by template id: Shandong (``shandong.py``), Hebei (``hebei.py``),
Shanghai (``shanghai.py``) and the standard 决算 set (``final.py``); ``budget_for`` generates the
budget each is composed from. The Shandong and Hebei layouts share their table rows
(``table_rows.py``) and sentences (``prose.py``); ``truth.py`` says which key figures a composed
document shows.
"""

from __future__ import annotations

import random

from budgetlint.eval.final import compose_final
from budgetlint.eval.generate import Budget
from budgetlint.eval.hebei import compose_hebei
from budgetlint.eval.model import Composition
from budgetlint.eval.shandong import compose_shandong
from budgetlint.eval.shanghai import compose_shanghai

TEMPLATES = {"shandong": compose_shandong, "hebei": compose_hebei, "shanghai": compose_shanghai, "final": compose_final}


def budget_for(template: str, seed: int, year: int = 2024) -> Budget:
    """The budget a template is composed from: Shandong without 上年结转 (its seeds never show how
    it prints carried-over money), Shanghai in 元 with last year's figure per 项 and no carry-over
    (its budgets print none), the 决算 set with 年初预算 and carry-overs (``final_account``)."""
    from budgetlint.eval.generate import add_line_prev, final_account, generate, to_yuan

    rng = random.Random(seed * 104729 + 17)
    if template == "shanghai":
        b = generate(seed, year=year, carry=False)
        add_line_prev(b, rng)
        return to_yuan(b, rng)
    if template == "final":
        return final_account(generate(seed, year=year, carry=None), rng)
    return generate(seed, year=year, carry=None if template == "hebei" else False)


def compose(b: Budget, template: str, rng: random.Random | None = None) -> Composition:
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; known: {', '.join(TEMPLATES)}")
    return TEMPLATES[template](b, rng or random.Random(b.seed * 7919 + len(template)))
