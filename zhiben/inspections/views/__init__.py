"""The pages of the inspections register, one module per area (``views/draws.py`` …)."""
