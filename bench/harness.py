"""Run ``qa`` and the LangChain reference side by side and print one table (``bench/run``).

Every measurement is its own process (fair cold starts; peak memory from the kernel's rusage of
that process). Results go to ``bench/results/<timestamp>.json`` and ``bench/results/latest.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bbc.jsonl"
ASK_QUESTION = "What did the company say about its quarterly profits?"


# --------------------------------------------------------------------------- running children
def run_child(cmd: list[str], env: dict, log: Path, timeout: float = 3600) -> dict:
    """Run one process; wall seconds, peak RSS (MiB) and its last stdout line parsed as JSON."""
    start = time.perf_counter()
    with log.open("ab") as err:
        err.write(f"\n$ {' '.join(cmd)}\n".encode())
        err.flush()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
        out = proc.stdout.read()
        proc.stdout.close()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])} ... failed with exit {proc.returncode}; see {log}")
    lines = [ln for ln in out.decode(errors="replace").splitlines() if ln.strip()]
    data = {}
    if lines:
        try:
            data = json.loads(lines[-1])
        except json.JSONDecodeError:
            data = {"stdout": lines[-1]}
    return {"wall_s": wall, "peak_rss_mib": usage.ru_maxrss / 1024, **data}


def base_env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        ANONYMIZED_TELEMETRY="False",
        QA_CACHE_DIR=str(cache),
    )
    return env


def qa_has_ask(env: dict) -> bool:
    probe = subprocess.run(
        [PY, "-c", "from qa.cli.main import cli; print('ask' in cli.commands)"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    return probe.stdout.strip() == "True"


# --------------------------------------------------------------------------- data
def write_subsets(corpus: Path, sizes: list[int], work: Path) -> dict[int, Path]:
    records = [ln for ln in corpus.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out = {}
    for n in sizes:
        path = work / "data" / f"bbc-{n}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(records[:n]) + "\n", encoding="utf-8")
        out[n] = path
    return out


def write_queries(corpus: Path, work: Path, n: int = 50) -> Path:
    records = [json.loads(ln) for ln in corpus.read_text(encoding="utf-8").splitlines() if ln.strip()]
    step = max(1, len(records) // n)
    queries = [f"What happened: {r['title']}?" for r in records[::step][:n]]
    path = work / "queries.json"
    path.write_text(json.dumps(queries), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the run
def main() -> None:
    parser = argparse.ArgumentParser(description="qa vs the textbook LangChain pipeline")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="600,2225", help="article counts to ingest; the first is the ask index")
    parser.add_argument("--latency-sizes", default="10000,100000", help="chunk counts for retrieval latency")
    parser.add_argument("--repeats", type=int, default=3, help="cold asks per side (median reported)")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"bench: corpus not found: {args.corpus}")

    sizes = [int(s) for s in args.sizes.split(",")]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    work = args.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = args.out / f"{stamp}.log"
    env = base_env(work / "qa-cache")
    data = write_subsets(args.corpus, sizes, work)
    queries = write_queries(args.corpus, work)
    res: dict = {"stamp": stamp, "machine": machine(), "sizes": sizes, "ingest": {}, "ask": {}, "latency": {}}

    def say(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    say("qa: one-time ONNX export of the bundled model")
    res["export"] = run_child(
        [PY, "-c", "from qa.config import load_settings; from qa.storage.embedders import get_embedder; "
         "e = get_embedder(load_settings()); e.embed_query('x'); print('{\"runtime\": \"%s\"}' % e.runtime_name)"],
        env, log,
    )

    for n in sizes:
        say(f"reference: ingest {n} articles")
        ref = run_child([PY, str(BENCH / "reference.py"), "ingest", "--data", str(data[n]), "--index", str(work / f"ref-{n}")], env, log)
        say(f"qa: ingest {n} articles")
        ours = run_child([PY, str(BENCH / "qa_side.py"), "ingest", "--data", str(data[n]), "--index", str(work / f"qa-{n}")], env, log)
        res["ingest"][n] = {"qa": ours, "ref": ref}

    n = sizes[0]
    has_ask = qa_has_ask(env)
    qa_env = {**env, "QA_INDEX_DIR": str(work / f"qa-{n}")}
    if has_ask:
        qa_cmd = [str(Path(PY).with_name("qa")), "ask", ASK_QUESTION]
    else:
        qa_cmd = [PY, str(BENCH / "qa_side.py"), "ask", "--index", str(work / f"qa-{n}"), "--query", ASK_QUESTION]
    ref_cmd = [PY, str(BENCH / "reference.py"), "ask", "--index", str(work / f"ref-{n}"), "--query", ASK_QUESTION]
    say(f"cold asks on the {n}-article index ({'qa ask' if has_ask else 'qa retrieval (qa ask does not exist yet)'})")
    first = run_child(qa_cmd, qa_env, log)  # the first question after an ingest builds the BM25 cache
    qa_runs, ref_runs = [], []
    for _ in range(args.repeats):
        ref_runs.append(run_child(ref_cmd, env, log))
        qa_runs.append(run_child(qa_cmd, qa_env, log))
    res["ask"] = {"qa_command": "qa ask" if has_ask else "qa_side.py ask", "qa_first": first, "qa": qa_runs, "ref": ref_runs}

    big = sizes[-1]
    say(f"retrieval latency at {args.latency_sizes} chunks (replicating the {big}-article indexes)")
    res["latency"]["ref"] = run_child(
        [PY, str(BENCH / "reference.py"), "latency", "--source", str(work / f"ref-{big}"), "--work", str(work / "ref-lat"),
         "--sizes", args.latency_sizes, "--queries", str(queries)], env, log)
    res["latency"]["qa"] = run_child(
        [PY, str(BENCH / "qa_side.py"), "latency", "--source", str(work / f"qa-{big}"), "--work", str(work / "qa-lat"),
         "--sizes", args.latency_sizes, "--queries", str(queries)], env, log)

    table = render(res)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stamp}.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    (args.out / "latest.md").write_text(table + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(table)


def machine() -> dict:
    info = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["load_avg_at_end"] = os.getloadavg()
    except OSError:
        pass
    return info


# --------------------------------------------------------------------------- the table
def pct(values: list[float], q: float) -> float:
    """Percentile ``q`` in 0..1, by qa's one definition (the same as ``qa eval``'s latencies)."""
    from qa.evaluation.questions import percentile

    return percentile(list(values), q * 100)


def render(res: dict) -> str:
    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, qa: float | None, ref: float | None, fmt: str, better: str = "lower") -> None:
        q = "—" if qa is None else format(qa, fmt)
        r = "—" if ref is None else format(ref, fmt)
        if qa and ref:
            ratio = ref / qa if better == "lower" else qa / ref
            x = f"{ratio:.2f}×"
        else:
            x = "—"
        rows.append((name, q, r, x))

    for n, sides in res["ingest"].items():
        qa, ref = sides["qa"], sides["ref"]
        add(f"chunks from {n} articles (avg chars)", None, None, "")
        rows[-1] = (rows[-1][0], f"{qa['chunks']:,} ({qa['avg_chunk_chars']:.0f})", f"{ref['chunks']:,} ({ref['avg_chunk_chars']:.0f})", "—")
        add(f"ingest {n} articles: pipeline, s", qa["pipeline_s"], ref["pipeline_s"], ".1f")
        add(f"ingest {n} articles: whole process, s", qa["wall_s"], ref["wall_s"], ".1f")
        add(f"ingest {n} articles: chunks/s", qa["chunks"] / qa["pipeline_s"], ref["chunks"] / ref["pipeline_s"], ".1f", "higher")
        add(f"ingest {n} articles: peak RSS, MiB", qa["peak_rss_mib"], ref["peak_rss_mib"], ".0f")
    ask = res["ask"]
    n = res["sizes"][0]
    qa_wall = statistics.median(r["wall_s"] for r in ask["qa"])
    ref_wall = statistics.median(r["wall_s"] for r in ask["ref"])
    label = "qa ask" if ask["qa_command"] == "qa ask" else "qa retrieval"
    add(f"cold ask, {n}-article index ({label} vs open+top-4), median s", qa_wall, ref_wall, ".2f")
    add("cold ask: peak RSS, MiB", max(r["peak_rss_mib"] for r in ask["qa"]), max(r["peak_rss_mib"] for r in ask["ref"]), ".0f")
    add("first ask after an ingest (builds BM25 cache), s", ask["qa_first"]["wall_s"], None, ".2f")
    lat_q, lat_r = res["latency"]["qa"], res["latency"]["ref"]
    for size, d in lat_q["dense"].items():
        r = lat_r["dense"][size]["times"]
        add(f"retrieval @{int(size):,} chunks, dense top-4: p50 ms", pct(d["times"], 0.5) * 1e3, pct(r, 0.5) * 1e3, ".1f")
        add(f"retrieval @{int(size):,} chunks, dense top-4: p95 ms", pct(d["times"], 0.95) * 1e3, pct(r, 0.95) * 1e3, ".1f")
        h = lat_q.get("hybrid", {}).get(size)
        if h:
            add(f"retrieval @{int(size):,} chunks, qa hybrid (dense+BM25+MMR) vs dense: p50 ms", pct(h["times"], 0.5) * 1e3, pct(r, 0.5) * 1e3, ".1f")
            add(f"retrieval @{int(size):,} chunks, qa hybrid vs dense: p95 ms", pct(h["times"], 0.95) * 1e3, pct(r, 0.95) * 1e3, ".1f")
    add("one-time ONNX export of the model, s", res["export"]["wall_s"], None, ".1f")

    head = ("figure", "qa", "reference", "qa advantage")
    widths = [max(len(str(r[i])) for r in [*rows, head]) for i in range(4)]
    line = lambda r: "| " + " | ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)) + " |"  # noqa: E731
    out = [line(head), "|" + "|".join(("-" * (w + 2)) if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths)) + "|"]
    out += [line(r) for r in rows]
    m = res["machine"]
    out.append("")
    out.append(f"{res['stamp']} · {m.get('cpu', '?')} · {m.get('cores')} cores · load avg at end {tuple(round(x, 1) for x in m.get('load_avg_at_end', ()))}")
    out.append("qa advantage: reference ÷ qa for times and memory, qa ÷ reference for chunks/s (> 1 means qa is better).")
    return "\n".join(out)


if __name__ == "__main__":
    main()
