"""One typed settings object of small described sub-models: defaults < ``QA_*`` variables < flags.

Each sub-model reads its own environment variables (``QA_INDEX_DIR``, ``QA_CHUNK_SIZE``,
``QA_EMBEDDING_BACKEND``, ``QA_TOP_K``, ``QA_LLM_MODEL``...). Overrides (command-line flags, or
keyword arguments from a notebook) use the same flat names as the variables without ``QA_``:
``load_settings(chunk_size=120, index_dir="idx")``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
OPENAI_EMBEDDING_MODEL = "text-embedding-3-small"


def _default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "qa"


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class IndexSettings(BaseSettings):
    """Where the index lives: an embedded Chroma folder or a Chroma server."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", validate_default=True)

    index_dir: Path = Field(
        default=Path("index"),
        description="Folder of the embedded Chroma index (PersistentClient). Relative paths are taken from the current directory.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000). Unset: the embedded index in index_dir.",
    )
    chroma_timeout: float = Field(
        default=30.0,
        gt=0,
        allow_inf_nan=False,
        description="Seconds to wait for the Chroma server to connect or answer one request before failing with one line.",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Cache for derived artefacts such as the ONNX export of the embedding model and server-mode lock files.",
    )
    collection_prefix: str = Field(
        default="articles",
        description="Prefix of the Chroma collection name; the rest is a hash of the embedding model and chunking.",
    )

    _blank = field_validator("chroma_url", mode="before")(_blank_is_none)

    @model_validator(mode="after")
    def _index_dir_can_be_a_folder(self) -> IndexSettings:
        # Checked here, not where the index is opened, so that every command (ingest takes its
        # lock inside the folder first) refuses the same path with the same line.
        if self.chroma_url is None:
            for path in (self.index_dir, *self.index_dir.parents):
                if os.path.lexists(path):
                    if not path.is_dir():
                        named = f"index folder {self.index_dir} (QA_INDEX_DIR or --index-dir)"
                        if path == self.index_dir:
                            raise ValueError(f"{named} is a file, not a folder")
                        raise ValueError(f"{named} cannot be made: {path} is a file")
                    break
        return self


class ChunkingSettings(BaseSettings):
    """How articles are cut into chunks (``QA_CHUNK_SIZE``, ``QA_CHUNK_OVERLAP``)."""

    model_config = SettingsConfigDict(env_prefix="QA_CHUNK_", extra="ignore", validate_default=True)

    size: int = Field(
        default=160,
        ge=32,
        le=2000,
        description="Target chunk length in tiktoken (cl100k_base) tokens. Chunks are also capped by the embedder's own limit.",
    )
    overlap: int = Field(default=32, ge=0, description="Tokens of overlap between consecutive chunks of one article.")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkingSettings:
        if self.overlap >= self.size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        return self


class EmbeddingSettings(BaseSettings):
    """Which model turns chunks and questions into vectors (``QA_EMBEDDING_*``)."""

    model_config = SettingsConfigDict(env_prefix="QA_EMBEDDING_", extra="ignore", validate_default=True)

    backend: Literal["local", "openai"] = Field(
        default="local",
        description="'local': the bundled all-MiniLM-L6-v2 (offline). 'openai': an OpenAI-compatible embeddings endpoint.",
    )
    model: str | None = Field(
        default=None,
        description="Embedding model name. Default: all-MiniLM-L6-v2 for 'local', text-embedding-3-small for 'openai'.",
    )
    batch_size: int = Field(default=64, ge=1, description="Texts per embedding batch.")
    runtime: Literal["auto", "onnx", "torch"] = Field(
        default="auto",
        description="How the local model runs: 'onnx' (ONNX Runtime, exported once into cache_dir), "
        "'torch' (PyTorch, slow to start), or 'auto' (ONNX, falling back to PyTorch if the export fails).",
    )

    _blank = field_validator("model", mode="before")(_blank_is_none)

    @model_validator(mode="after")
    def _default_model(self) -> EmbeddingSettings:
        if self.model is None:
            self.model = LOCAL_MODEL if self.backend == "local" else OPENAI_EMBEDDING_MODEL
        return self


class RetrievalSettings(BaseSettings):
    """How much evidence reaches the answerer (``QA_TOP_K``)."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", validate_default=True)

    top_k: int = Field(default=6, ge=1, le=100, description="Chunks that reach the answerer.")


class IngestSettings(BaseSettings):
    """What ``qa ingest`` accepts (``QA_MAX_ARTICLE_BYTES``, ``QA_MAX_HTML_BYTES``, ``QA_MAX_TITLE_CHARS``).

    Anything beyond a bound is skipped with a reason naming the setting; the rest goes on."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", validate_default=True)

    max_article_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        description="Largest article accepted, in bytes: a .txt/.md file, one JSONL line, or the text extracted from an HTML page.",
    )
    max_html_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Largest HTML file accepted, in bytes (markup, scripts and styles included).",
    )
    max_title_chars: int = Field(
        default=500,
        ge=16,
        description="Longest title accepted, in characters; an article whose title is longer is skipped.",
    )


class LLMSettings(BaseSettings):
    """The optional chat model behind LLM mode (``QA_LLM_*``, ``QA_EXTRACTIVE``)."""

    model_config = SettingsConfigDict(env_prefix="QA_LLM_", extra="ignore", validate_default=True, populate_by_name=True)

    base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp). Falls back to OPENAI_BASE_URL.",
    )
    api_key: str | None = Field(default=None, description="API key for the LLM. Falls back to OPENAI_API_KEY.", repr=False)
    model: str = Field(default="gpt-4o-mini", min_length=1, description="Chat model name.")
    timeout: float = Field(default=60.0, gt=0, allow_inf_nan=False, description="Seconds before one LLM request times out.")
    max_retries: int = Field(default=3, ge=0, description="Retries on timeouts, 429 and 5xx, with exponential backoff.")
    max_retry_after: float = Field(
        default=60.0,
        ge=0,
        allow_inf_nan=False,
        description="Longest Retry-After, in seconds, that a 429 or 5xx answer is waited for; a server asking for longer fails at once.",
    )
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(
        default=1024,
        ge=16,
        description="Longest reply asked of the model, in tokens: a model that never stops (a base "
        "model, a loop) ends its reply there instead of running into the timeout.",
    )
    extractive: bool = Field(
        default=False,
        validation_alias=AliasChoices("extractive", "QA_EXTRACTIVE"),
        description="Force the offline extractive mode even when an LLM is configured (QA_EXTRACTIVE).",
    )

    _blank = field_validator("base_url", "api_key", mode="before")(_blank_is_none)

    @model_validator(mode="after")
    def _openai_fallbacks(self) -> LLMSettings:
        if self.base_url is None:
            self.base_url = os.environ.get("OPENAI_BASE_URL") or None
        if self.api_key is None:
            self.api_key = os.environ.get("OPENAI_API_KEY") or None
        return self

    @property
    def configured(self) -> bool:
        """An LLM is used when a key or a server URL is configured (local servers often need no key)."""
        return bool(self.api_key or self.base_url)


# Flat override name (the variable without ``QA_``) -> (sub-model, field).
_FLAT: dict[str, tuple[str, str]] = {
    **{name: ("index", name) for name in IndexSettings.model_fields},
    "chunk_size": ("chunking", "size"),
    "chunk_overlap": ("chunking", "overlap"),
    **{f"embedding_{name}": ("embedding", name) for name in EmbeddingSettings.model_fields},
    "top_k": ("retrieval", "top_k"),
    **{name: ("ingest", name) for name in IngestSettings.model_fields},
    **{f"llm_{name}": ("llm", name) for name in LLMSettings.model_fields if name != "extractive"},
    "extractive": ("llm", "extractive"),
}


class Settings(BaseModel):
    """Every setting of ``qa``, grouped by the stage that reads it."""

    model_config = ConfigDict(extra="forbid")

    index: IndexSettings = Field(default_factory=IndexSettings, description=IndexSettings.__doc__)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description=ChunkingSettings.__doc__)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description=EmbeddingSettings.__doc__)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description=RetrievalSettings.__doc__)
    llm: LLMSettings = Field(default_factory=LLMSettings, description=LLMSettings.__doc__)
    ingest: IngestSettings = Field(default_factory=IngestSettings, description=IngestSettings.__doc__)

    @property
    def use_llm(self) -> bool:
        return self.llm.configured and not self.llm.extractive

    @property
    def collection_name(self) -> str:
        """Hash of what makes vectors comparable: a change of model or chunking builds a new collection."""
        e, c = self.embedding, self.chunking
        key = f"{e.backend}|{e.model}|{c.size}|{c.overlap}"
        return f"{self.index.collection_prefix}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"

    @classmethod
    def from_flat(cls, **values: object) -> Settings:
        """Settings from the environment with flat overrides applied (``chunk_size=120``).

        Each group is first built with its overrides as arguments, which pydantic-settings puts
        before the environment: a flag replaces its variable before the variable is read, so
        ``--k 7`` works even when ``QA_TOP_K`` holds something unusable."""
        given = {k: v for k, v in values.items() if v is not None}
        per_group: dict[str, dict[str, object]] = {group: {} for group in cls.model_fields}
        for name, value in given.items():
            if name in _FLAT:  # unknown names are refused by with_overrides
                group, field = _FLAT[name]
                per_group[group][field] = value
        base = cls(**{group: f.annotation(**per_group[group]) for group, f in cls.model_fields.items()})
        return base.with_overrides(**given)

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with flat overrides applied; ``None`` means "flag not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        unknown = sorted(set(given) - set(_FLAT))
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(unknown)}")
        data = {group: getattr(self, group).model_dump() for group in type(self).model_fields}
        for name, value in given.items():
            group, field = _FLAT[name]
            data[group][field] = value
        if "embedding_backend" in given and "embedding_model" not in given:
            # The model was only the old backend's default: let the new backend choose its own.
            if data["embedding"]["model"] in (LOCAL_MODEL, OPENAI_EMBEDDING_MODEL):
                data["embedding"]["model"] = None
        # Each group is rebuilt from complete values, so the environment cannot override a flag.
        return type(self)(**{group: f.annotation(**data[group]) for group, f in type(self).model_fields.items()})


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, then flat overrides. Raises ``InputError`` on bad values."""
    from qa.errors import InputError

    try:
        return Settings.from_flat(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        flat = _FLAT_NAME.get((exc.title, loc))
        msg = str(first.get("msg", "")).removeprefix("Value error, ")
        if not loc:
            raise InputError(f"invalid settings: {msg}") from None
        where = f"{flat} (QA_{flat.upper()})" if flat else loc
        raise InputError(f"invalid setting {where}: {msg}") from None


_GROUP_CLASS = {name: f.annotation.__name__ for name, f in Settings.model_fields.items()}
# (sub-model class, field) -> the flat name shared by the flag and the QA_ variable.
_FLAT_NAME = {(_GROUP_CLASS[group], field): flat for flat, (group, field) in _FLAT.items()}
