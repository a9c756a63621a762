"""Ctrl-C during a long ``qa ingest``: one line saying what is kept and how to finish, rc 130, and
an index that reads fine afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import run_qa
from tests.e2e.index_probe import rows_written


@pytest.mark.corpus
def test_ctrl_c_mid_ingest_is_one_line_and_keeps_what_was_indexed(bbc_path, tmp_path):
    index_dir = tmp_path / "index"
    env = dict(os.environ, QA_INDEX_DIR=str(index_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli.main", "ingest", str(bbc_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A shell's background job ignores SIGINT, and children inherit that: give qa the default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None and rows_written(index_dir) < 20:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert out == ""
    # Besides the plain progress lines of a log, exactly one line: the interruption's.
    other = [ln for ln in err.splitlines() if not (ln.startswith("ingest: ") and " articles " in ln)]
    assert len(other) == 1, err
    assert err.endswith(other[0] + "\n")
    line = other[0]
    assert line.startswith("qa: interrupted") and "already indexed are kept" in line
    assert "run the same command again" in line and "Traceback" not in err

    listed = run_qa("sources", "--json", env={"QA_INDEX_DIR": str(index_dir)})
    assert listed.returncode == 0, listed.stderr
    assert 0 < len(json.loads(listed.stdout)) < 2225
