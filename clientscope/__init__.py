"""Clientscope: retail-bank CRM analytics over Parquet extracts."""

__version__ = "0.1.0"
