"""User configuration: ``budgetlint.toml`` or ``[tool.budgetlint]`` in ``pyproject.toml``.

Looked up from the current folder upwards; command-line options win over the file.

    select = ["ALL"]            # ids, id prefixes (BL1) or family names (arithmetic)
    ignore = ["BL902"]
    fail-on = "error"           # lowest severity that makes the exit code 1
    [severity]                  # per-rule severity override
    BL101 = "warning"
    [per-file-ignores]          # glob → selectors, as ruff: findings of these rules not shown for those files
    "某区/*决算*.pdf" = ["BL6", "BL701"]
    [limits]                    # per document (budgetlint/limits.py, docs/reliability.md)
    seconds = 300               # setting seconds or memory-mb runs each document in a worker process
    ocr-pages = 50
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from budgetlint.findings import Severity


class ConfigError(Exception):
    pass


KNOWN_KEYS = {"select", "ignore", "fail-on", "fail_on", "severity", "per-file-ignores", "per_file_ignores",
              "limits"}


@dataclass(slots=True)
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    path: Path | None = None
    limits: dict[str, float] = field(default_factory=dict)  # [limits]: only the ones set

    def ignored_for(self, document: str) -> list[str]:
        """The selectors ``per-file-ignores`` names for a document ("a.pdf+b.pdf": either file).

        A glob matches the path as given, the path relative to the configuration file's folder
        (as ruff reads its globs) or the file name alone, so that ``"*决算*"`` works wherever the
        reviewer runs the command from."""
        out: list[str] = []
        for glob, selectors in self.per_file_ignores.items():
            if any(_matches(glob, part, self.path) for part in document.split("+")):
                out.extend(s for s in selectors if s not in out)
        return out


def find_config(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        own = folder / "budgetlint.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                if "budgetlint" in tomllib.loads(py.read_text("utf-8")).get("tool", {}):
                    return py
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"配置文件 {path} 无法读取（{type(e).__name__}）") from e
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("budgetlint", {})
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        # a misspelt key ("ignor") silently doing nothing is worse than an error
        raise ConfigError(f"配置文件 {path}：未知的设置 {'、'.join(unknown)}（可用：{'、'.join(sorted(KNOWN_KEYS))}）")
    cfg = Config(path=path)
    for key in ("select", "ignore"):
        val = data.get(key, [])
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            raise ConfigError(f"配置文件 {path}：{key} 应为字符串列表")
        setattr(cfg, key, val)
    cfg.fail_on = str(data.get("fail-on", data.get("fail_on", "error")))
    if cfg.fail_on not in {s.value for s in Severity}:
        raise ConfigError(f"配置文件 {path}：fail-on 只能是 error、warning 或 info")
    sev = data.get("severity", {})
    for rule_id, level in sev.items():
        if level not in {s.value for s in Severity}:
            raise ConfigError(f"配置文件 {path}：[severity] {rule_id} 的级别 {level!r} 无效")
    cfg.severity = dict(sev)
    cfg.per_file_ignores = _per_file_ignores(data.get("per-file-ignores", data.get("per_file_ignores", {})), path)
    cfg.limits = load_limits(data.get("limits", {}), path)
    return cfg


def _per_file_ignores(raw: object, path: Path) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise ConfigError(f"配置文件 {path}：per-file-ignores 应为表（文件名模式 = 规则列表）")
    out: dict[str, list[str]] = {}
    for glob, selectors in raw.items():
        if isinstance(selectors, str):
            selectors = [selectors]
        if not isinstance(selectors, list) or not all(isinstance(x, str) for x in selectors):
            raise ConfigError(f"配置文件 {path}：[per-file-ignores] {glob} 应为规则编号（或前缀、类别）的列表")
        out[glob] = selectors
    return out


def _matches(glob: str, document: str, config_path: Path | None) -> bool:
    p = Path(document)
    candidates = [document, p.as_posix(), p.name]
    if config_path is not None:
        try:
            candidates.append(p.resolve().relative_to(config_path.parent.resolve()).as_posix())
        except (ValueError, OSError):
            pass
    return any(fnmatch.fnmatchcase(c, glob) for c in candidates)


def load_limits(table: object, path: Path) -> dict[str, float]:
    """The ``[limits]`` table: known keys with positive numbers (a misspelt limit doing nothing, or
    a zero that refuses every file, is an error)."""
    from budgetlint.limits import Limits

    if not isinstance(table, dict):
        raise ConfigError(f"配置文件 {path}：limits 应为表（[limits]）")
    known = Limits.keys()
    out: dict[str, float] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"配置文件 {path}：[limits] 未知的上限 {key}（可用：{'、'.join(known)}）")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"配置文件 {path}：[limits] {key} 应为正数")
        out[key] = value
    return out
