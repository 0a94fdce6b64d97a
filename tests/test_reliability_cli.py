"""The CLI under hostile conditions: out of memory, limits from the configuration file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from budgetlint import cli, pipeline
from budgetlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shandong-department-budget-2024.txt"


def _no_memory(path):
    raise MemoryError


def test_extract_out_of_memory_is_a_chinese_message_not_a_traceback(monkeypatch):
    monkeypatch.setattr(cli, "read_document", _no_memory)
    r = CliRunner().invoke(main, ["extract", str(SAMPLE)])
    assert r.exit_code == 2 and "内存不足" in r.output and "Traceback" not in r.output


def test_check_out_of_memory_is_not_an_internal_error(monkeypatch):
    monkeypatch.setattr(pipeline, "read_document", _no_memory)
    res = pipeline.check_file(str(SAMPLE))
    assert res.error == pipeline.MEMORY_MESSAGE


def test_a_time_limit_in_the_config_file_stops_a_document_without_j(tmp_path, monkeypatch):
    slow = tmp_path / "slow.txt"
    slow.write_text(SAMPLE.read_text("utf-8") * 40, "utf-8")
    (tmp_path / "budgetlint.toml").write_text("[limits]\nseconds = 3\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["check", "-q", str(slow), str(SAMPLE)])
    assert r.exit_code == 2 and "超时（超过 3 秒）" in r.output and "9 个错误" in r.output


def test_ingest_limits_in_the_config_file_apply_to_a_plain_run(tmp_path, monkeypatch):
    (tmp_path / "budgetlint.toml").write_text("[limits]\ntext-mb = 0.01\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["check", "-q", str(SAMPLE)])
    assert r.exit_code == 2 and "text-mb" in r.output
    r = CliRunner().invoke(main, ["check", "-q", "--config", str(ROOT / "pyproject.toml"), str(SAMPLE)])
    assert r.exit_code == 1  # the limit was the command's own, not left behind


def test_hostile_files_refused_beside_a_good_one(tmp_path, monkeypatch):
    """The bench's hostile cases (bench/hostile.py), made small and met with small limits: each is
    refused with its message, and the good file in the same run keeps its findings."""
    from hostile_files import docx_bomb, nested_html, xlsx_rows

    (tmp_path / "budgetlint.toml").write_text("[limits]\ntext-mb = 2\ncells = 20000\n", "utf-8")
    files = {"big.txt": SAMPLE.read_bytes() * 40, "bomb.docx": docx_bomb(3), "rows.xlsx": xlsx_rows(5000),
             "deep.html": nested_html(1)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["check", "-q", *files, str(SAMPLE)])
    assert r.exit_code == 2 and "9 个错误" in r.output, r.output
    said = r.output.replace("\n", "").split("budgetlint: ")  # rich wraps long lines at the terminal width
    for name, message in {"big.txt": "text-mb", "bomb.docx": "DOCX 文档的表格有超过 20,000 个单元格",
                          "rows.xlsx": "XLSX 工作簿有超过 20,000 个单元格", "deep.html": "嵌套超过 256 层"}.items():
        assert any(part.startswith(f"{name}:") and message in part for part in said), r.output
