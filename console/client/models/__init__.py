"""Platform API shapes as pydantic models, one module per API area (see console/client/<area>.py)."""
