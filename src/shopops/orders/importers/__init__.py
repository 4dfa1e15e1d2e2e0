"""Readers of the marketplaces' order exports (one module per format)."""
