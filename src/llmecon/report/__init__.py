"""Presenters: they format results handed to them and compute nothing."""
