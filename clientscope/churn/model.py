"""The churn model of a data version, trained once and cached: `train_or_load` and its cache key.

The cache file (`cache_dir/churn/model-<data_version>-<digest>.joblib`) holds the whole `TrainedModel`, so
loading it imports scikit-learn; the churn page reads the card alone (card.py, churn/files.py).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date
from importlib.metadata import version
from pathlib import Path

import joblib

from clientscope.churn.card import BASELINES, CARD_VERSION, DEFAULT_CONFIG, FEATURES, ModelConfig
from clientscope.churn.signals import SignalRules, default_rules
from clientscope.churn.training import TrainedModel, train
from clientscope.db import Database


def cache_key(data_version: str, rules: SignalRules, config: ModelConfig) -> str:
    """Data version + a digest of the settings and scikit-learn version (pickles do not cross versions)."""
    settings = f"{rules!r}|{config!r}|{FEATURES!r}|{BASELINES!r}|{CARD_VERSION}|{version('scikit-learn')}"
    return f"{data_version}-{hashlib.sha256(settings.encode()).hexdigest()[:12]}"


def train_or_load(
    db: Database,
    cache_dir: Path,
    data_version: str,
    *,
    trained_on: date,
    rules: SignalRules | None = None,
    config: ModelConfig = DEFAULT_CONFIG,
) -> TrainedModel:
    """The model for this data version from `cache_dir/churn/`, training (and saving) it when absent."""
    rules = rules or default_rules()
    path = Path(cache_dir) / "churn" / f"model-{cache_key(data_version, rules, config)}.joblib"
    cached = _load(path)
    if cached is not None:
        return cached
    trained = train(db, data_version=data_version, trained_on=trained_on, rules=rules, config=config)
    _save_atomic(trained, path)
    return trained


def _load(path: Path) -> TrainedModel | None:
    if not path.is_file():
        return None
    try:
        loaded = joblib.load(path)
    except Exception:  # a damaged cache file is retrained, never fatal
        return None
    return loaded if isinstance(loaded, TrainedModel) else None


def _save_atomic(trained: TrainedModel, path: Path) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".model-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        joblib.dump(trained, temp_name)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
