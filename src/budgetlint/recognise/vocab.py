"""Template and header vocabularies, loaded from ``budgetlint/templates/*.toml``.

Adding a province means adding a TOML file beside the others: titles and header words only.
The loader validates every file and names the file and entry on error.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from budgetlint.recognise.normalise import clean, squash, strip_enumeration

# Recognition data beside the templates: every other file is one template (checklist.toml: the
# reviewer's checklist, read by checklist.py).
_SHARED = {"columns.toml", "rows.toml", "kinds.toml", "narrative.toml", "figures.toml", "forms.toml", "checklist.toml"}
_LAYOUTS = {"grid", "balance", "matrix"}


class VocabularyError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class TableSpec:
    kind: str
    template: str
    titles: tuple[str, ...]  # squashed
    header_any: tuple[str, ...]  # squashed
    layout: str = "grid"
    items_sum: bool = False


@dataclass(slots=True)
class Vocabulary:
    kinds: dict[str, str]
    templates: dict[str, str]  # id → Chinese name
    specs: list[TableSpec]
    amount_words: dict[str, str]  # squashed header word → column key
    text_words: dict[str, str]  # squashed header word → role
    generic_totals: frozenset[str]
    year_pattern: re.Pattern[str]
    non_additive_prefixes: tuple[str, ...]
    non_additive_words: tuple[str, ...]
    rate_words: tuple[str, ...]
    row_words: dict[str, dict[str, str]]  # side → squashed label → key
    after_current: dict[str, frozenset[str]]
    grid_total_words: frozenset[str]
    grid_row_words: dict[str, dict[str, str]]  # table kind → squashed label → row key
    row_sums: list[dict]  # [[row_sum]] entries of rows.toml
    subtotal_rows: frozenset[str] = frozenset()  # grid row keys that are subtotals (人员经费合计 …)
    stage_words: dict[str, str] = field(default_factory=dict)  # squashed header word → stage
    column_alias: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key → keys tried after it
    relative_years: dict[str, int] = field(default_factory=dict)  # squashed header word → years from the document's
    change_groups: frozenset[str] = frozenset()  # header groups holding the change between years
    _title_index: list[tuple[str, TableSpec]] = field(default_factory=list)
    _title_hits: dict[str, tuple[tuple[str, TableSpec], ...]] = field(default_factory=dict)
    # The index by each title's first two characters (16 for the 150 titles shipped): a line that
    # holds none of them holds no title, and one that does is tested against those titles only.
    _title_heads: dict[str, list[tuple[int, str, TableSpec]]] = field(default_factory=dict)

    def match_title(self, text: str) -> list[TableSpec]:
        """Specs whose title occurs in ``text``, longest title first (so 财政拨款收支总体情况表
        beats 收支总体情况表)."""
        hits = self._titles_in(text)
        if not hits:
            return []
        best = max(len(t) for t, _ in hits)
        return [s for t, s in hits if len(t) == best]

    def listed_kinds(self, entries: list[str]) -> list[str]:
        """The table kinds a list of titles (a table of contents) names, in its order, once each."""
        out: list[str] = []
        for entry in entries:
            specs = self.match_title(entry)
            if specs and specs[0].kind not in out:
                out.append(specs[0].kind)
        return out

    def title_length(self, text: str) -> int:
        """Length of the longest title ``text`` holds (0: none)."""
        return max((len(t) for t, _ in self._titles_in(text)), default=0)

    def _titles_in(self, text: str) -> tuple[tuple[str, TableSpec], ...]:
        """The (title, spec) entries whose title occurs in ``text``, in index order. Remembered
        per squashed text: recognition asks about every line several times, and each answer is
        a scan of every title of every template."""
        key = squash(text)
        if not key or len(key) > 60:
            return ()
        hits = self._title_hits.get(key)
        if hits is None:
            if len(self._title_hits) >= 1 << 16:
                self._title_hits.clear()
            hits = self._title_hits[key] = self._scan_titles(key)
        return hits

    def _scan_titles(self, key: str) -> tuple[tuple[str, TableSpec], ...]:
        """The titles ``key`` holds, in index order: only those whose first two characters it
        holds are tested (a shorter title is its own head)."""
        candidates = [entry for head, group in self._title_heads.items() if head in key for entry in group]
        candidates.sort()  # back into index order; the positions are unique, so specs are never compared
        return tuple((t, s) for _, t, s in candidates if t in key)

    def column_key(self, header: str) -> str | None:
        return self.amount_words.get(label_key(header))

    def text_role(self, header: str) -> str | None:
        return self.text_words.get(label_key(header))

    def stage(self, header: str) -> str | None:
        """budget / adjusted / final / rate for a header naming which figure a column holds."""
        return self.stage_words.get(label_key(header))

    def aliases(self, key: str) -> tuple[str, ...]:
        """The key and the keys a table may print the same figure under (columns.toml [alias])."""
        return (key, *self.column_alias.get(key, ()))

    def row_key(self, side: str, label: str) -> str | None:
        return self.row_words.get(side, {}).get(label_key(label))


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    # Numbering first: squash folds "、" to ",", which the numbering pattern does not expect.
    return squash(strip_enumeration(clean(text)))


def _words(table: dict[str, list[str]], where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise VocabularyError(f"{where}：条目 {key} 应为字符串列表")
        for w in words:
            out.setdefault(label_key(w), key)
    return out


def _load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise VocabularyError(f"{path.name}：TOML 格式错误：{e}") from e


def load_vocabulary(folder: Path | None = None, extra: list[Path] | None = None) -> Vocabulary:
    base = Path(str(resources.files("budgetlint") / "templates")) if folder is None else folder
    cols = _load_toml(base / "columns.toml")
    rows = _load_toml(base / "rows.toml")
    kinds = _load_toml(base / "kinds.toml")
    specs: list[TableSpec] = []
    templates: dict[str, str] = {}
    amount = _words(cols.get("amount", {}), "columns.toml [amount]")
    text = _words(cols.get("text", {}), "columns.toml [text]")
    files = sorted(p for p in base.glob("*.toml") if p.name not in _SHARED) + list(extra or [])
    for path in files:
        data = _load_toml(path)
        meta = data.get("template") or {}
        tid = meta.get("id")
        if not tid:
            raise VocabularyError(f"{path.name}：缺少 [template] id")
        templates[tid] = meta.get("name", tid)
        for key, value in _words(data.get("amount", {}), f"{path.name} [amount]").items():
            amount.setdefault(key, value)
        for i, t in enumerate(data.get("table", []), start=1):
            where = f"{path.name} 第 {i} 个 [[table]]"
            kind = t.get("kind")
            if kind not in kinds:
                raise VocabularyError(f"{where}：未知的表格类型 {kind!r}（见 kinds.toml）")
            layout = t.get("layout", "grid")
            if layout not in _LAYOUTS:
                raise VocabularyError(f"{where}：未知的 layout {layout!r}")
            titles = tuple(squash(x) for x in t.get("titles", []))
            if not titles:
                raise VocabularyError(f"{where}：titles 不能为空")
            specs.append(
                TableSpec(
                    kind=kind,
                    template=tid,
                    titles=titles,
                    header_any=tuple(squash(x) for x in t.get("header_any", [])),
                    layout=layout,
                    items_sum=bool(t.get("items_sum", False)),
                )
            )
    vocab = Vocabulary(
        kinds={k: str(v) for k, v in kinds.items()},
        templates=templates,
        specs=specs,
        amount_words=amount,
        text_words=text,
        generic_totals=frozenset(label_key(w) for w in cols.get("generic_totals", [])),
        year_pattern=re.compile(cols.get("year_pattern", r"^$")),
        non_additive_prefixes=tuple(cols.get("non_additive_prefixes", [])),
        non_additive_words=tuple(cols.get("non_additive_words", [])),
        rate_words=tuple(cols.get("rate_words", [])),
        row_words={side: _words(rows.get(side, {}), f"rows.toml [{side}]") for side in ("income", "expenditure")},
        after_current={k: frozenset(v) for k, v in rows.get("after_current", {}).items()},
        grid_total_words=frozenset(label_key(w) for w in rows.get("grid", {}).get("total", [])),
        grid_row_words={kind: _words(words, f"rows.toml [grid_rows.{kind}]")
                        for kind, words in rows.get("grid_rows", {}).items()},
        row_sums=list(rows.get("row_sum", [])),
        subtotal_rows=frozenset(rows.get("grid", {}).get("subtotal_keys", [])),
        stage_words=_words(cols.get("stage", {}), "columns.toml [stage]"),
        column_alias={k: tuple(v) for k, v in cols.get("alias", {}).items()},
        relative_years={label_key(k): int(v) for k, v in cols.get("relative_year", {}).items()},
        change_groups=frozenset(label_key(w) for w in cols.get("change_groups", [])),
    )
    vocab._title_index = sorted(
        ((title, spec) for spec in specs for title in spec.titles), key=lambda ts: -len(ts[0])
    )
    for order, (title, spec) in enumerate(vocab._title_index):
        vocab._title_heads.setdefault(title[:2], []).append((order, title, spec))
    return vocab


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()
