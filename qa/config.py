"""One typed settings object: defaults < ``QA_*`` environment variables < CLI flags."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Every setting of ``qa``. Environment variables are ``QA_`` + the upper-cased field name."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", validate_default=True)

    # --- where the index lives
    index_dir: Path = Field(
        default=Path("index"),
        description="Folder of the embedded Chroma index (PersistentClient). Relative paths are taken from the current directory.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000). Unset: the embedded index in index_dir.",
    )
    cache_dir: Path = Field(
        default_factory=lambda: Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "qa",
        description="Cache for derived artefacts such as the ONNX export of the embedding model and server-mode lock files.",
    )
    collection_prefix: str = Field(
        default="articles",
        description="Prefix of the Chroma collection name; the rest is a hash of the embedding model and chunking.",
    )

    # --- chunking
    chunk_size: int = Field(
        default=160,
        ge=32,
        le=2000,
        description="Target chunk length in tiktoken (cl100k_base) tokens. Chunks are also capped by the embedder's own limit.",
    )
    chunk_overlap: int = Field(
        default=32, ge=0, description="Tokens of overlap between consecutive chunks of one article."
    )

    # --- embedding
    embedding_backend: Literal["local", "openai"] = Field(
        default="local",
        description="'local': the bundled all-MiniLM-L6-v2 (offline). 'openai': an OpenAI-compatible embeddings endpoint.",
    )
    embedding_model: str | None = Field(
        default=None,
        description="Embedding model name. Default: all-MiniLM-L6-v2 for 'local', text-embedding-3-small for 'openai'.",
    )
    embedding_batch_size: int = Field(default=64, ge=1, description="Texts per embedding batch.")
    embedding_runtime: Literal["auto", "onnx", "torch"] = Field(
        default="auto",
        description="How the local model runs: 'onnx' (ONNX Runtime, exported once into cache_dir), "
        "'torch' (PyTorch, slow to start), or 'auto' (ONNX, falling back to PyTorch if the export fails).",
    )

    # --- retrieval
    top_k: int = Field(default=6, ge=1, le=100, description="Chunks that reach the answerer.")

    # --- LLM
    llm_base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp). Falls back to OPENAI_BASE_URL.",
    )
    llm_api_key: str | None = Field(
        default=None, description="API key for the LLM. Falls back to OPENAI_API_KEY.", repr=False
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Chat model name.")
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds before one LLM request times out.")
    llm_max_retries: int = Field(
        default=3, ge=0, description="Retries on timeouts, 429 and 5xx, with exponential backoff."
    )
    llm_temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    extractive: bool = Field(
        default=False, description="Force the offline extractive mode even when an LLM is configured."
    )

    @field_validator("chroma_url", "llm_base_url", "llm_api_key", "embedding_model", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _fill_fallbacks(self) -> Settings:
        if self.llm_base_url is None:
            self.llm_base_url = os.environ.get("OPENAI_BASE_URL") or None
        if self.llm_api_key is None:
            self.llm_api_key = os.environ.get("OPENAI_API_KEY") or None
        if self.embedding_model is None:
            self.embedding_model = (
                LOCAL_MODEL if self.embedding_backend == "local" else "text-embedding-3-small"
            )
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        return self

    @property
    def llm_configured(self) -> bool:
        """An LLM is used when a key or a server URL is configured (local servers often need no key)."""
        return bool(self.llm_api_key or self.llm_base_url)

    @property
    def use_llm(self) -> bool:
        return self.llm_configured and not self.extractive

    @property
    def collection_name(self) -> str:
        """Hash of what makes vectors comparable: a change of model or chunking builds a new collection."""
        key = f"{self.embedding_backend}|{self.embedding_model}|{self.chunk_size}|{self.chunk_overlap}"
        return f"{self.collection_prefix}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with CLI flags applied; ``None`` means "flag not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        data = self.model_dump()
        data.update(given)
        return Settings.model_validate(data)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, then CLI overrides. Raises ``InputError`` on bad values."""
    from pydantic import ValidationError

    from qa.errors import InputError

    try:
        return Settings().with_overrides(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise InputError(f"invalid setting {where}: {first.get('msg')}") from None
