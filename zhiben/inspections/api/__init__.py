"""The API routers of the inspections register, one module per area (``api/draws.py`` …), mounted in
``zhiben/api.py``."""
