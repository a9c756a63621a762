"""The code's shape, checked: the import layering, no borrowed private names, modules a reader
takes in at once, and every sub-package shipped in the wheel."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parents[2] / "qa"
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(QA.rglob("*.py"))


def test_import_contracts_hold():
    """pyproject.toml's [tool.importlinter] contracts: layers, chromadb and LangChain owners."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is not installed (it is in the dev extra)"
    run = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=QA.parent, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _private_imports(path: Path, root: Path = QA.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qa"):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{path.relative_to(root)}:{node.lineno} imports {node.module}.{alias.name}")
    return found


def test_no_module_imports_another_modules_private_names():
    offenders = [hit for path in _modules() for hit in _private_imports(path)]
    assert not offenders, "\n".join(offenders)


def test_private_import_check_sees_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from qa.text.spans import _add, fold_ws\nfrom os import _exit\n")
    assert _private_imports(bad, tmp_path) == ["bad.py:1 imports qa.text.spans._add"]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(QA.parent)))
def test_module_is_short_enough_to_read_at_once(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines (limit {MAX_LINES}): split it by job"


def test_every_folder_of_qa_is_a_package():
    """setuptools ships only folders with __init__.py; a missing one drops code from the wheel."""
    for folder in QA.rglob("*"):
        if folder.is_dir() and "__pycache__" not in folder.parts and any(folder.glob("*.py")):
            assert (folder / "__init__.py").exists(), folder
