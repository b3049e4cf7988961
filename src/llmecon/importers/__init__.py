"""Importers: company figures from filings (SEC XBRL companyfacts JSON)."""
