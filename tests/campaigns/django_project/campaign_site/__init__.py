"""A small Django project that runs campaigns (used by tests/campaigns/test_django.py)."""
