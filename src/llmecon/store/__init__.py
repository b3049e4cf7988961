"""Persistence of runs in an embedded DuckDB file."""
