"""Typed configuration at the boundary: pydantic models that validate on construction.

Every file a user writes (scenario, unit-economics assumptions, catalog rows, serving
configurations, company metadata) and every web request body is one of these models. They
reject unknown keys, non-finite numbers and out-of-range values, and their errors name the
file, the field, what was expected and what was found, as an :class:`~llmecon.errors.InputError`.
Models serialise back to YAML with :meth:`ConfigModel.to_yaml`.

Area-specific models live in the submodules of this package; :mod:`llmecon.config.base`
holds the base class and the one YAML reader.
"""

from llmecon.config.base import ConfigModel, format_errors, load_config, parse_config

__all__ = ["ConfigModel", "format_errors", "load_config", "parse_config"]
