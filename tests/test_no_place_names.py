"""No city, province or template id in code paths: a layout is described by what it is, and the
vocabularies that name places stay data (src/budgetlint/templates/*.toml, rules/vocab/*.toml).

Every string literal and identifier of src/budgetlint is read with ``ast`` — except docstrings
(they may cite the document a rule was found on) and src/budgetlint/eval/, the generator that
mirrors the templates by design. Comments are not in the syntax tree and may cite examples too.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "budgetlint"
EXEMPT = (SRC / "eval",)

# Cities and provinces of the documents read so far (and their neighbours), in characters and in
# pinyin. A new place in a test document belongs here.
PLACES = (
    "北京", "上海", "天津", "重庆", "深圳", "广州", "福建", "福州", "厦门", "西安", "陕西", "山东", "济南",
    "青岛", "河北", "石家庄", "江苏", "南京", "苏州", "广东", "武汉", "湖北", "长沙", "湖南", "湖州", "杭州",
    "浙江", "宁波", "四川", "成都", "普陀", "黄浦", "安徽", "合肥", "河南", "郑州", "江西", "南昌", "山西",
    "太原", "辽宁", "沈阳", "大连", "吉林", "长春", "黑龙江", "哈尔滨", "云南", "昆明", "贵州", "贵阳",
    "广西", "南宁", "海南", "海口", "甘肃", "兰州", "青海", "西宁", "宁夏", "银川", "新疆", "乌鲁木齐",
    "西藏", "拉萨", "内蒙古", "呼和浩特",
    "beijing", "shanghai", "tianjin", "chongqing", "shenzhen", "guangzhou", "fujian", "fuzhou", "xiamen",
    "xian", "shaanxi", "shandong", "jinan", "qingdao", "hebei", "shijiazhuang", "jiangsu", "nanjing",
    "suzhou", "guangdong", "wuhan", "hubei", "changsha", "hunan", "huzhou", "hangzhou", "zhejiang",
    "ningbo", "sichuan", "chengdu", "putuo", "huangpu", "anhui", "hefei", "henan", "zhengzhou", "jiangxi",
    "nanchang", "shanxi", "taiyuan", "liaoning", "shenyang", "dalian", "jilin", "changchun",
    "heilongjiang", "harbin", "yunnan", "kunming", "guizhou", "guiyang", "guangxi", "nanning", "hainan",
    "haikou", "gansu", "lanzhou", "qinghai", "xining", "ningxia", "yinchuan", "xinjiang", "urumqi",
    "xizang", "tibet", "lhasa", "neimenggu",
)


def template_ids() -> set[str]:
    """The [template] id of every template file: a template's name is data, never a code path."""
    ids = set()
    for path in (SRC / "templates").glob("*.toml"):
        tid = tomllib.loads(path.read_text("utf-8")).get("template", {}).get("id")
        if tid:
            ids.add(tid)
    return ids


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (module, class, function)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0].value))
    return out


def _words(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of each string literal (docstrings left out) and each identifier."""
    docs = _docstrings(tree)
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((line, node.value))
        elif isinstance(node, ast.Name):
            out.append((line, node.id))
        elif isinstance(node, ast.Attribute):
            out.append((line, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append((line, node.name))
        elif isinstance(node, ast.arg):
            out.append((line, node.arg))
        elif isinstance(node, ast.keyword) and node.arg:
            out.append((line, node.arg))
        elif isinstance(node, ast.alias):
            out.append((line, node.asname or node.name))
    return out


def offences(source: str, names: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(line, name, text) of each literal or identifier in ``source`` naming one of ``names``."""
    found = []
    for line, text in _words(ast.parse(source)):
        low = text.lower()
        found.extend((line, n, text) for n in names if n.lower() in low)
    return found


def _code_files() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if not any(p.is_relative_to(e) for e in EXEMPT)]


def test_no_place_or_template_name_in_code() -> None:
    names = tuple(sorted(set(PLACES) | template_ids()))
    bad = [f"{p.relative_to(SRC)}:{line}: {name} in {text[:60]!r}"
           for p in _code_files() for line, name, text in offences(p.read_text("utf-8"), names)]
    assert not bad, "\n".join(bad)


def test_the_check_sees_literals_and_identifiers_but_not_docstrings_or_comments() -> None:
    source = '''
"""Found on 北京's 支出总表."""
def read(x):
    """A 深圳 table."""  # 深圳 again
    shandong_layout = "hebei"
    return x == "上海市"
'''
    got = {(name, text) for _, name, text in offences(source, ("北京", "深圳", "上海", "shandong", "hebei"))}
    assert got == {("shandong", "shandong_layout"), ("hebei", "hebei"), ("上海", "上海市")}


def test_template_ids_are_read_from_the_templates() -> None:
    assert "shandong" in template_ids() and len(template_ids()) >= 5
