"""One direction: no module imports from a layer above its own (docs/architecture.md, "Layers").

Every module under src/budgetlint is parsed (not imported) and mapped to a layer; each import of
a budgetlint module, at the top or inside a function, must be of its own layer or one below.
Rules read the model: of the recognise stage they may use only the vocabularies, the text
normalisation and the figure resolver. And the architecture's module map names every module.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "budgetlint"
ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"

# Low to high; a module belongs to the first layer one of whose prefixes names it or its package.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("text", ("budgetlint", "budgetlint.recognise.normalise")),  # version; text clean-up (no imports)
    ("model", ("budgetlint.model", "budgetlint.findings", "budgetlint.hierarchy")),
    ("ingest", ("budgetlint.ingest",)),
    ("recognise", ("budgetlint.recognise", "budgetlint.catalogs", "budgetlint.grouping")),
    ("rules", ("budgetlint.rules",)),
    ("coverage", ("budgetlint.coverage", "budgetlint.checklist")),  # what a check covered, the checklist
    ("pipeline", ("budgetlint.pipeline", "budgetlint.batch", "budgetlint.baseline", "budgetlint.config",
                  "budgetlint.crossdoc", "budgetlint.resume", "budgetlint.distributed")),
    ("report", ("budgetlint.report",)),
    ("cli", ("budgetlint.cli", "budgetlint.__main__", "budgetlint.web")),  # commands and the workbench
    ("eval", ("budgetlint.eval",)),  # a tool on top: generates, renders and scores documents
)
# What a rule may read of the recognise stage: vocabularies, text normalisation, the figure resolver.
RULES_MAY_IMPORT = ("budgetlint.recognise.vocab", "budgetlint.recognise.claims.vocab",
                    "budgetlint.recognise.normalise", "budgetlint.recognise.figures",
                    "budgetlint.grouping")  # the pair rules read the relations between documents


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The layer index of ``module``: its longest matching prefix decides (``budgetlint`` itself is
    the package root, which holds the version only)."""
    best, best_len = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = i, len(p)
    return best


def imports_of(path: Path, src: Path = SRC) -> list[tuple[int, str]]:
    """(line, module) of every budgetlint import in the file, relative imports resolved."""
    tree = ast.parse(path.read_text("utf-8"))
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "budgetlint")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "budgetlint":
                continue
            # "from budgetlint.recognise import claims" imports a module of the package
            for a in node.names:
                sub = f"{target}.{a.name}"
                is_module = (src / sub.replace(".", "/")).with_suffix(".py").exists() \
                    or (src / sub.replace(".", "/") / "__init__.py").exists()
                out.append((node.lineno, sub if is_module else target))
    return out


def violations(files: list[Path], src: Path = SRC) -> list[str]:
    found: list[str] = []
    for path in files:
        mod = module_name(path, src)
        own = layer_of(mod)
        for line, target in imports_of(path, src):
            where = f"{path.relative_to(src).as_posix()}:{line} imports {target}"
            theirs = layer_of(target)
            if theirs > own:
                found.append(f"{where}: layer {LAYERS[theirs][0]} is above {LAYERS[own][0]}")
            elif LAYERS[own][0] == "rules" and LAYERS[theirs][0] == "recognise" \
                    and not any(target == m or target.startswith(m + ".") for m in RULES_MAY_IMPORT) \
                    and not target.startswith("budgetlint.catalogs"):
                found.append(f"{where}: rules read the model, not the recognise stage's internals")
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    assert [module_name(p) for p in modules() if layer_of(module_name(p)) < 0] == []


def test_no_module_imports_from_a_layer_above_it():
    assert violations(modules()) == []


def test_a_bad_import_is_named(tmp_path):
    """The check fails, naming the file and the import, for a model module reaching up into the
    rules and for a rule reaching into the table recognition."""
    pkg = tmp_path / "budgetlint"
    (pkg / "rules").mkdir(parents=True)
    (pkg / "model.py").write_text("from budgetlint.rules.registry import REGISTRY\n", "utf-8")
    (pkg / "rules" / "bad.py").write_text("from budgetlint.recognise.tables import recognise_tables\n", "utf-8")
    found = violations([pkg / "model.py", pkg / "rules" / "bad.py"], tmp_path)
    assert found == [
        "budgetlint/model.py:1 imports budgetlint.rules.registry: layer rules is above model",
        "budgetlint/rules/bad.py:1 imports budgetlint.recognise.tables: "
        "rules read the model, not the recognise stage's internals",
    ]


def test_the_architecture_names_every_module():
    """docs/architecture.md's module map names each module file, by its path in the package."""
    text = ARCHITECTURE.read_text("utf-8")
    section = text[text.index("## Module map"):]
    missing = [p.relative_to(PACKAGE).as_posix() for p in modules()
               if f"`{p.relative_to(PACKAGE).as_posix()}`" not in section]
    assert missing == []
