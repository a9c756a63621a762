"""Progress on a log (``qa.cli.render.PlainProgress``), on a fake clock: silent for a short job,
a few whole lines for a long one, never more than the cap."""

from __future__ import annotations

from qa.cli.render import PlainProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(capsys, seconds_per_item: float, total: int, **kw) -> list[str]:
    clock = Clock()
    progress = PlainProgress("ingest", "articles", clock=clock, **kw)
    for done in range(total + 1):
        progress(done, total, f"doc{done}")
        clock.now += seconds_per_item
    return capsys.readouterr().err.splitlines()


def test_a_short_job_prints_nothing(capsys):
    assert _run(capsys, 0.01, 50) == []


def test_a_long_job_prints_a_few_lines_ending_at_the_total(capsys):
    lines = _run(capsys, 0.5, 200)  # 100 s
    assert 3 <= len(lines) <= 20
    assert lines[0].startswith("ingest: ") and "articles" in lines[0]
    assert lines[-1].startswith("ingest: 200/200 articles (100%), 100s")
    assert all("\x1b" not in ln for ln in lines)


def test_never_more_than_the_cap(capsys):
    lines = _run(capsys, 20.0, 100, max_lines=5)  # every call is overdue
    assert len(lines) == 5 and lines[-1].startswith("ingest: 100/100")
