"""The ingest/sources/remove commands as a user runs them: exit codes, one-line errors, JSON,
and the index surviving kill -9 and concurrent writers."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from qa.cli.main import main
from tests.conftest import SEEDS, copy_seeds, run_qa
from tests.e2e.index_probe import rows_written


def _cli(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_then_sources_then_noop(capsys, tmp_path):
    code, out, err = _cli(capsys, "ingest", str(SEEDS), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["added"] == 2 and summary["chunks_written"] > 0
    code, out, _ = _cli(capsys, "sources", "--json")
    listed = json.loads(out)
    assert {d["source"] for d in listed} == {"000_52ce17c5f8e0b379.txt", "001_387894d00310cf98.txt"}
    assert all(d["title"] and d["chunks"] >= 1 and d["path"].endswith(d["source"]) for d in listed)
    code, out, _ = _cli(capsys, "ingest", str(SEEDS), "--json")
    again = json.loads(out)
    assert again["chunks_written"] == 0 and again["unchanged"] == 2
    code, out, _ = _cli(capsys, "ingest", str(SEEDS))
    assert "0 added" in out and "2 unchanged" in out


def test_terminal_output_of_sources_and_remove(capsys):
    _cli(capsys, "ingest", str(SEEDS))
    code, out, _ = _cli(capsys, "sources")
    assert code == 0 and "2 documents" in out and "China to participate in joint" in out
    code, out, _ = _cli(capsys, "remove", "001_387894d00310cf98.txt")
    assert code == 0 and "removed 001_387894d00310cf98.txt" in out
    code, out, err = _cli(capsys, "remove", "001_387894d00310cf98.txt")
    assert code != 0 and err.count("\n") == 1 and "no indexed document" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["ingest", "/definitely/not/here"], "no such file or directory"),
        (["sources"], "no index at"),
        (["ingest", "--chunk-size", "5", "seeds"], "chunk_size"),
        (["--chroma-url", "ftp://x", "sources"], "invalid Chroma URL"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(capsys, args, message):
    code, out, err = _cli(capsys, *args)
    assert code != 0
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_in_a_real_process_reports_errors_in_one_line(tmp_path):
    proc = run_qa("ingest", str(tmp_path / "missing"), env={"QA_INDEX_DIR": str(tmp_path / "idx")})
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("qa: error: no such file or directory")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "idx").exists()


def test_hostile_names_and_special_files_do_not_stop_an_ingest(capsys, tmp_path):
    """Issue 13: a name with a non-UTF-8 byte aborted the whole run (TypeError from Chroma,
    nothing written) and a FIFO named on the command line hung forever holding the write lock."""
    import shutil
    from pathlib import Path

    from tests.unit.ingest.conftest import fails_if_blocked

    folder = tmp_path / "in"
    folder.mkdir()
    Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.txt")).write_text(
        "Troops arrive in Minsk\n\nBelarusian troops arrived in Minsk on Monday for a joint drill.\n", encoding="utf-8"
    )
    shutil.copy(SEEDS / "000_52ce17c5f8e0b379.txt", folder)
    os.mkfifo(folder / "pipe.txt")
    with fails_if_blocked(120):
        code, out, err = _cli(capsys, "ingest", str(folder), str(folder / "pipe.txt"))
    assert code == 0, err
    out = " ".join(out.split())  # rich wraps long lines
    assert "2 added" in out and "1 skipped" in out and "pipe.txt: not a regular file: a named pipe (FIFO)" in out
    code, out, _ = _cli(capsys, "sources", "--json")
    assert {d["source"] for d in json.loads(out)} == {"caf\\xe9.txt", "000_52ce17c5f8e0b379.txt"}
    code, out, _ = _cli(capsys, "sources")
    assert code == 0 and "caf\\xe9.txt" in out
    code, out, _ = _cli(capsys, "ingest", str(folder), "--json")
    assert json.loads(out)["unchanged"] == 2


def test_a_folder_without_article_files_says_what_qa_reads(capsys, tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    code, out, err = _cli(capsys, "ingest", str(tmp_path))
    assert code == 0, err
    out = " ".join(out.split())  # rich wraps long lines
    assert "0 added" in out and "no article files in this folder (qa reads .htm, .html, .jsonl, .markdown, .md, .txt)" in out


def _bbc_folder(bbc_path, dest, n):
    """Real articles as individual files, so a folder ingest has many steps to interrupt."""
    dest.mkdir()
    with bbc_path.open(encoding="utf-8") as src:
        for i, line in enumerate(src):
            if i >= n:
                break
            rec = json.loads(line)
            (dest / f"{rec['id']}.txt").write_text(rec["title"] + "\n\n" + rec["text"], encoding="utf-8")
    return dest


def _integrity(index_dir):
    """Every indexed document is whole (all its chunks present) and unique per source."""
    from qa.api import open_store
    from qa.config import load_settings

    store = open_store(load_settings(index_dir=index_dir))
    per_doc: dict[str, list] = {}
    for chunk_id, meta, _ in store.iter_records():
        per_doc.setdefault(meta["doc_id"], []).append((chunk_id, meta))
    for doc_id, chunks in per_doc.items():
        expected = chunks[0][1]["n_chunks"]
        assert len(chunks) == expected, f"{doc_id}: {len(chunks)} of {expected} chunks"
        assert sorted(m["chunk_index"] for _, m in chunks) == list(range(expected))
    keys = [chunks[0][1]["source_key"] for chunks in per_doc.values()]
    assert len(keys) == len(set(keys)), "a source is indexed twice"
    return per_doc


@pytest.mark.corpus
def test_kill_9_mid_ingest_then_rerun_leaves_no_duplicates_or_orphans(bbc_path, tmp_path):
    folder = _bbc_folder(bbc_path, tmp_path / "bbc", 120)
    index_dir = tmp_path / "index"
    env = dict(os.environ, QA_INDEX_DIR=str(index_dir))
    cmd = [sys.executable, "-m", "qa.cli.main", "ingest", str(folder), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Wait until the first documents' chunks are committed, then kill without warning.
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None and rows_written(index_dir) < 20:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be interrupted"

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["added"] + report["unchanged"] + report["updated"] + len(report["skipped"]) == 120
    assert report["unchanged"] > 0, "the killed run had written nothing"
    per_doc = _integrity(index_dir)
    assert len(per_doc) == report["added"] + report["unchanged"] + report["updated"]
    # And a third run is a no-op.
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert json.loads(third.stdout)["chunks_written"] == 0


@pytest.mark.corpus
def test_two_concurrent_ingests_are_serialised(bbc_path, tmp_path):
    folder = _bbc_folder(bbc_path, tmp_path / "bbc", 40)
    seeds = copy_seeds(tmp_path / "seeds")
    index_dir = tmp_path / "index"
    env = dict(os.environ, QA_INDEX_DIR=str(index_dir))
    first = subprocess.Popen(
        [sys.executable, "-m", "qa.cli.main", "ingest", str(folder), str(seeds), "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lock = index_dir / ".qa-write.lock"
    deadline = time.time() + 60
    while not lock.exists() and time.time() < deadline:
        time.sleep(0.05)
    second = subprocess.run(
        [sys.executable, "-m", "qa.cli.main", "ingest", str(seeds), "--json"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    out1, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, second.stderr
    assert "waiting for another qa process" in second.stderr
    # The second writer ran after the first finished: it found the seeds already indexed.
    assert json.loads(second.stdout)["unchanged"] == 2
    assert json.loads(second.stdout)["chunks_written"] == 0
    _integrity(index_dir)


def test_remove_waiting_for_another_writer_says_so(tmp_path):
    from qa.config import load_settings
    from qa.storage.locks import write_lock

    index_dir = tmp_path / "index"
    assert run_qa("--index-dir", str(index_dir), "ingest", str(copy_seeds(tmp_path / "seeds"))).returncode == 0
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # another writer, as far as the lock file can tell
        with write_lock(load_settings(index_dir=index_dir)):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    remove = subprocess.Popen(
        [sys.executable, "-m", "qa.cli.main", "--index-dir", str(index_dir), "remove", "000_52ce17c5f8e0b379.txt"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(3)
    release.set()
    holder.join()
    out, err = remove.communicate(timeout=120)
    assert remove.returncode == 0, err
    assert "waiting for another qa process" in err and "000_52ce17c5f8e0b379.txt" in out
