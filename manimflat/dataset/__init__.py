"""The dataset driver: sources -> OUT/sources/<name>.parquet -> OUT/dataset.parquet.

See docs/dataset.md for the schema, the config reference and the deduplication policies.
"""

from __future__ import annotations

from .build import build, clean_source
from .config import ConfigError, DatasetConfig, DatasetError, load_config

__all__ = ["ConfigError", "DatasetConfig", "DatasetError", "build", "clean_source", "load_config"]
