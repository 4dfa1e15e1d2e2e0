"""Catalog file importers (one module per file format)."""
