"""Scaffold a new rule: the next free id in its family's hundred, a decorated stub with the four
docstring sections in the family module, a fixture folder, and docs/rules.md regenerated.

    .venv/bin/python scripts/new_rule.py text doubled-punctuation "标点重复" [--severity warning]
    .venv/bin/python scripts/new_rule.py text doubled-punctuation "标点重复" --dry-run   # print, write nothing

Then: write the check and its docstring, replace the fixture placeholders with a document that
makes the rule fire (fire.txt) and its nearest near-miss from 不报的情形 (quiet.txt), and run
``BUDGETLINT_UPDATE_FIXTURES=1 pytest tests/rules/test_rule_fixtures.py -k BLnnn`` to write
fire.expected.json; read it. Until then tests/rules/test_rule_fixtures.py fails, naming what is left.

Ids are never reused: the new id is past every id of the hundred the repository still mentions
(the registry, docs, tests and fixtures), so a retired id that is still written about stays retired.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Fixture files still holding this line are placeholders; the fixture meta-test refuses them.
PLACEHOLDER = "SCAFFOLD-PLACEHOLDER"
_ID = re.compile(r"\bBL(\d)(\d\d)\b")
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def families(root: Path) -> dict[str, str]:
    """family → its digit, read from findings.py (the one place that lists them)."""
    text = (root / "src" / "budgetlint" / "findings.py").read_text("utf-8")
    block = text[text.index("FAMILY_INFO = {"):]
    block = block[: block.index("}")]
    return dict(re.findall(r'"(\w+)": \("(\d)"', block))


def used_ids(root: Path, digit: str) -> set[int]:
    """Every id of the family's hundred the repository mentions (code, docs, tests, fixtures)."""
    seen: set[int] = set()
    for top in ("src", "docs", "tests"):
        for path in (root / top).rglob("*"):
            if path.is_dir() and path.parent.name == "fixtures":
                seen.update(int(m.group(2)) for m in _ID.finditer(path.name) if m.group(1) == digit)
            elif path.is_file() and path.suffix in {".py", ".md", ".toml", ".json"}:
                text = path.read_text("utf-8", errors="replace")
                seen.update(int(m.group(2)) for m in _ID.finditer(text) if m.group(1) == digit)
    return seen


def next_id(root: Path, digit: str) -> str:
    # x99 is kept for the family's catch-all (BL999: a rule crashed); ids count up below it
    below = {n for n in used_ids(root, digit) if n < 99}
    n = max(below, default=0) + 1
    if n >= 99:
        raise SystemExit(f"family BL{digit}xx has no free id left")
    return f"BL{digit}{n:02d}"


def stub(rule_id: str, name: str, family: str, severity: str, title: str) -> str:
    fn = name.replace("-", "_")
    return f'''

@rule("{rule_id}", name="{name}", family="{family}", severity="{severity}", title="{title}")
def {fn}(doc: Document) -> Iterator[Finding]:
    """## 检查什么
    （待写：这条规则检查什么，按什么口径。）
    ## 为什么重要
    （待写：错在哪里、对读者有什么影响。）
    ## 示例
    （待写：文档中的一个真实写法。）
    ## 不报的情形
    （待写：相近而不报的写法；quiet 样例取其中最接近的一种。）
    """
    return iter(())
'''


def fixture_files(rule_id: str) -> dict[str, str]:
    doc = "2024年某局部门预算\n"
    return {
        "fire.txt": f"{doc}{PLACEHOLDER}：换成让 {rule_id} 报出的最小文档（制表符分列，换页符分页）\n",
        "quiet.txt": f"{doc}{PLACEHOLDER}：换成最接近 fire.txt 而 {rule_id} 不应报出的文档（取自“不报的情形”）\n",
        "fire.expected.json": "[]\n",
    }


def plan(root: Path, family: str, name: str, title: str, severity: str) -> tuple[str, dict[Path, str]]:
    """The new id and, for each file, its whole new text."""
    digits = families(root)
    if family not in digits:
        raise SystemExit(f"unknown family {family!r}; one of {', '.join(digits)}")
    if not _NAME.fullmatch(name):
        raise SystemExit(f"name {name!r} should be lower-case words joined by '-'")
    module = root / "src" / "budgetlint" / "rules" / f"{family}.py"
    source = module.read_text("utf-8")
    if f'name="{name}"' in source or f"def {name.replace('-', '_')}(" in source:
        raise SystemExit(f"{module.name} already has a rule or function called {name}")
    rule_id = next_id(root, digits[family])
    writes = {module: source.rstrip("\n") + "\n" + stub(rule_id, name, family, severity, title)}
    folder = root / "tests" / "rules" / "fixtures" / rule_id
    writes.update({folder / f: text for f, text in fixture_files(rule_id).items()})
    return rule_id, writes


def regenerate_docs(root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    subprocess.run([sys.executable, str(root / "scripts" / "gen_rules_doc.py")], check=True, env=env, cwd=root)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Scaffold a new budgetlint rule.")
    ap.add_argument("family", help="arithmetic, cross_table, narrative, catalog, performance, completeness, text, extraction")
    ap.add_argument("name", help="kebab-case name, e.g. doubled-punctuation")
    ap.add_argument("title", help="Chinese title shown to users, e.g. 标点重复")
    ap.add_argument("--severity", choices=("error", "warning", "info"), default="warning")
    ap.add_argument("--root", type=Path, default=ROOT, help="repository to write into (default: this one)")
    ap.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    rule_id, writes = plan(root, args.family, args.name, args.title, args.severity)
    for path, text in writes.items():
        rel = path.relative_to(root)
        if args.dry_run:
            old = path.read_text("utf-8").rstrip("\n") if path.is_file() else ""
            print(f"--- {rel} ({'append' if old else 'new'})\n{text[len(old):].strip(chr(10))}\n")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    if args.dry_run:
        print(f"--- docs/rules.md (regenerated)\n{rule_id}: would be written")
        return 0
    regenerate_docs(root)
    print(f"{rule_id} scaffolded: write the check in src/budgetlint/rules/{args.family}.py and the cases in "
          f"tests/rules/fixtures/{rule_id}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
