"""Code generators. Run ``python -m tools.codegen`` (``--check`` to verify)."""
