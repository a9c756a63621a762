"""`qa brief -o FILE`: an output that cannot be written is refused before any work is done."""

import json

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


def test_the_ingest_summary_counts_relabelled_chunks(tmp_path, capsys):
    from tests.conftest import copy_seeds

    folder = copy_seeds(tmp_path / "in")
    index = ["--index-dir", str(tmp_path / "index")]
    code, out, err = run_main(capsys, *index, "ingest", str(folder))
    assert code == 0 and "relabelled" not in out, err
    first = sorted(folder.iterdir())[0]
    first.rename(folder / "renamed.txt")
    code, out, err = run_main(capsys, *index, "ingest", str(folder))
    assert code == 0, err
    assert "1 updated" in out and "chunks written: 0" in out and "relabelled: " in out


def test_ingest_prune_removes_what_is_gone_from_the_folder_and_says_so(tmp_path, capsys):
    from tests.conftest import copy_seeds

    folder = copy_seeds(tmp_path / "in")
    index = ["--index-dir", str(tmp_path / "index")]
    assert run_main(capsys, *index, "ingest", str(folder))[0] == 0
    first = sorted(folder.iterdir())[0]
    first.unlink()
    code, out, _err = run_main(capsys, *index, "ingest", str(folder))
    assert code == 0 and "removed" not in out  # without --prune a deleted file stays indexed
    code, out, err = run_main(capsys, *index, "ingest", "--prune", "--json", str(folder))
    assert code == 0, err
    summary = json.loads(out)
    assert summary["removed"] == 1 and summary["documents"]["removed"] == [first.name]
    code, out, _err = run_main(capsys, *index, "sources", "--json")
    assert [s["source"] for s in json.loads(out)] == [p.name for p in sorted(folder.iterdir())]
