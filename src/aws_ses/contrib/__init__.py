"""Integrations with frameworks; each lives in its own subpackage and extra."""
