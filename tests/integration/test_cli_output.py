"""`qa brief -o FILE`: an output that cannot be written is refused before any work is done."""

import pytest

from tests.conftest import run_main


@pytest.mark.parametrize("target", ["missing/dir/brief.md", "."])
def test_unwritable_output_fails_first_in_one_line(tmp_path, capsys, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    # No index exists here: had the briefing been attempted first, the error would name the index.
    code, out, err = run_main(capsys, "--index-dir", str(tmp_path / "none"), "brief", "-o", target)
    assert code == 2 and out == ""
    assert err.startswith("qa: error: cannot write") and err.count("\n") == 1
    assert not (tmp_path / "none").exists()


def test_writable_output_is_written(seed_index, tmp_path, capsys):
    target = tmp_path / "brief.md"
    code, _out, err = run_main(capsys, "--index-dir", str(seed_index), "brief", "--extractive", "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("#")
