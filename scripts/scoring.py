"""What the calibration scripts share: one line of progress, and precision / recall of a
decision against labels (both boolean arrays)."""

from __future__ import annotations

import sys

import numpy as np


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def precision_recall(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, int]:
    """(precision, recall, false positives) of ``pred`` against ``truth``, rounded to 3 places;
    an empty denominator counts as 1, so no prediction or no positive scores 0."""
    tp, fp, fn = int((pred & truth).sum()), int((pred & ~truth).sum()), int((~pred & truth).sum())
    return round(tp / max(tp + fp, 1), 3), round(tp / max(tp + fn, 1), 3), fp
