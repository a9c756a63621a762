"""A reader that stops early (``qa events | head -1``): the command ends quietly with status 0,
as any tool does, not with status 1 and no message."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", [["events"], ["sources"], ["brief"]])
def test_a_closed_pipe_ends_quietly(seed_index, command):
    env = dict(os.environ, QA_INDEX_DIR=str(seed_index))
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli.main", *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout.readline()  # the first line, then the reader goes away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err
