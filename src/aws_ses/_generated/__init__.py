"""Generated code. Do not edit by hand; run `python -m tools.codegen`."""
