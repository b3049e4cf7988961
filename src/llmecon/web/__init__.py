"""The local web dashboard (FastAPI): a JSON API with an OpenAPI schema, and pages."""
