"""The writes of the inspections register, one module per area (``services/draws.py`` …)."""
