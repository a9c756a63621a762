"""The ``qa`` side of the benchmark; the same sub-commands as ``reference.py``, one JSON line out.

    qa_side.py ingest  --data F.jsonl --index DIR      (QA_CACHE_DIR from the environment)
    qa_side.py ask     --index DIR --query Q           (only when ``qa ask`` does not exist yet)
    qa_side.py latency --source DIR --work DIR --sizes 10000,100000 --queries F.json
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.config import load_settings  # noqa: E402


def cmd_ingest(args) -> dict:
    from qa.ingest.pipeline import ingest
    from qa.storage.embedders import get_embedder

    settings = load_settings(index_dir=Path(args.index))
    t_imports = time.perf_counter()
    embedder = get_embedder(settings)
    embedder.embed_query("warm up")  # loads the ONNX session (the export is made beforehand)
    t_model = time.perf_counter()
    report = ingest([args.data], settings, embedder=embedder)
    t_done = time.perf_counter()
    from qa.api import open_store

    store = open_store(settings)
    texts = [d or "" for _i, _m, d in store.iter_records(documents=True)]
    return {
        "articles": report.to_dict()["added"],
        "chunks": report.chunks_written,
        "imports_s": t_imports - T0,
        "model_s": t_model - t_imports,
        "pipeline_s": t_done - t_model,
        "avg_chunk_chars": sum(map(len, texts)) / max(1, len(texts)),
        "runtime": getattr(embedder, "runtime_name", "?"),
    }


def cmd_ask(args) -> dict:
    from qa.api import open_store
    from qa.storage.embedders import get_embedder

    settings = load_settings(index_dir=Path(args.index))
    store = open_store(settings)
    hits = store.query(get_embedder(settings).embed_query(args.query), k=4)
    return {"hits": [h.source for h in hits], "in_process_s": time.perf_counter() - T0}


def cmd_latency(args) -> dict:
    from qa.storage.embedders import get_embedder
    from qa.storage.store import ChunkStore

    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    settings = load_settings(index_dir=Path(args.work))
    embedder = get_embedder(settings)
    source_store = ChunkStore(load_settings(index_dir=Path(args.source)), embedder.model_name)
    from replicate import read_all, replicate

    source = read_all(source_store.collection)
    store = ChunkStore(settings, embedder.model_name, create=True)
    try:
        from qa.retrieval.hybrid import retrieve
    except ImportError:
        retrieve = None
    dense: dict = {}
    hybrid: dict = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        t = time.perf_counter()
        # a distinct doc_id per copy, so ingest-style bookkeeping stays consistent
        replicate(store.collection, source, size, unit=True, meta=lambda m, c: {**m, "doc_id": f"{m['doc_id']}-r{c}"})
        store.bump_revision()
        build_s = time.perf_counter() - t
        for q in queries:  # warm-up: one pass over every query, as on the reference side
            store.query(embedder.embed_query(q), k=4)
        times = []
        for q in queries:
            t = time.perf_counter()
            store.query(embedder.embed_query(q), k=4)
            times.append(time.perf_counter() - t)
        dense[str(size)] = {"count": store.count(), "build_s": build_s, "times": times}
        if retrieve is not None:
            t = time.perf_counter()
            retrieve(queries[0], settings, store=store, embedder=embedder, k=4)  # builds the BM25 cache
            first_s = time.perf_counter() - t
            for q in queries[1:]:
                retrieve(q, settings, store=store, embedder=embedder, k=4)
            times = []
            for q in queries:
                t = time.perf_counter()
                retrieve(q, settings, store=store, embedder=embedder, k=4)
                times.append(time.perf_counter() - t)
            hybrid[str(size)] = {"first_s": first_s, "times": times}
    return {"dense": dense, "hybrid": hybrid}


def main() -> None:
    import child

    child.main(__doc__.splitlines()[0], {"ingest": cmd_ingest, "ask": cmd_ask, "latency": cmd_latency})


if __name__ == "__main__":
    main()
