"""Shared fixtures. Every path points into pytest's tmp dirs; the LLM is unset unless a test
(or QA_TEST_LIVE with OPENAI_API_KEY) configures one. The seed index is built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
BBC = SHARED / "corpus" / "bbc.jsonl"
DEV_SET = SHARED / "eval" / "seeds_dev.jsonl"

_ENV_TO_CLEAR = ("OPENAI_BASE_URL", "OPENAI_API_KEY")
E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(config, items):
    """The folder is the layer: everything under tests/e2e/, and every test that reads the BBC
    corpus, is ``slow`` (``scripts/test.sh -m "not slow"`` is the quick loop)."""
    for item in items:
        if E2E in Path(str(item.fspath)).resolve().parents or item.get_closest_marker("corpus"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def live_openai_key() -> str | None:
    """The real key, captured before isolation hides it (live tests only)."""
    return _SAVED_KEY


_SAVED_KEY = os.environ.get("OPENAI_API_KEY")


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("qa-cache")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path, session_cache):
    """No test reads the user's index, cache, keys or LLM server."""
    for name in list(os.environ):
        if name.startswith("QA_") or name in _ENV_TO_CLEAR:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    yield


@pytest.fixture
def settings(tmp_path):
    from qa.config import load_settings

    return load_settings(index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, session_cache) -> Path:
    """The seeds ingested once per session into a fresh index; tests must only read it."""
    from qa.config import Settings
    from qa.ingest.pipeline import ingest

    index_dir = tmp_path_factory.mktemp("seed-index") / "index"
    s = Settings.from_flat(index_dir=index_dir, cache_dir=session_cache, extractive=True)
    report = ingest([SEEDS], s)
    assert len(report.added) == 2, report
    return index_dir


@pytest.fixture
def seed_settings(seed_index, monkeypatch):
    """Settings over the shared seed index (read-only), in offline mode."""
    from qa.config import load_settings

    monkeypatch.setenv("QA_INDEX_DIR", str(seed_index))
    return load_settings(index_dir=seed_index)


@pytest.fixture(scope="session")
def bbc_path() -> Path:
    if not BBC.exists():
        pytest.skip(f"BBC corpus not found at {BBC} (../shared is absent on this machine)")
    return BBC


@pytest.fixture(scope="session")
def dev_set() -> Path:
    if not DEV_SET.exists():
        pytest.skip(f"dev question set not found at {DEV_SET} (../shared is absent)")
    return DEV_SET


def run_qa(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real console entry point in a new process: exit codes and stderr as a user sees them."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "qa.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """``qa.cli.main`` in this process (fast: the model stays loaded): exit code, stdout, stderr."""
    from qa.cli.main import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def copy_seeds(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.iterdir():
        shutil.copy(f, dest / f.name)
    return dest
