"""The two ways to run the bundled model: PyTorch (the original) and ONNX Runtime (its export).

Both take the same padded token ids and mask and return mean-pooled, not yet normalised,
vectors, so an index built with one is queried with the other.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def thread_count() -> int:
    """The CPUs this process may use (a container's limit, not the host's core count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class TorchRuntime:
    """The original: transformers' BertModel in PyTorch, mean pooled (what sentence-transformers does)."""

    name = "torch"

    def __init__(self, model_dir: Path, model=None) -> None:
        import torch

        torch.set_num_threads(thread_count())
        if model is None:
            from transformers import AutoModel

            model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
            model.eval()
        self.model = model

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            t_ids = torch.from_numpy(ids)
            t_mask = torch.from_numpy(mask)
            out = self.model(input_ids=t_ids, attention_mask=t_mask, token_type_ids=torch.zeros_like(t_ids))
            hidden = out.last_hidden_state
            m = t_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return pooled.numpy()


class OnnxRuntime:
    """The exported graph (ids, mask -> mean-pooled vectors) on ONNX Runtime's CPU provider."""

    name = "onnx"

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = thread_count()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
