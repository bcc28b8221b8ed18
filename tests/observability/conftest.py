"""An in-memory OpenTelemetry exporter for the whole session (the provider is global)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aws_ses.resilience.ratelimit import reset_limiters

_exporter = InMemorySpanExporter()


class _WhileAsked(SimpleSpanProcessor):
    """Keeps spans only while a test holds the ``spans`` fixture, so the rest
    of the session does not fill memory with spans nobody reads."""

    active = False

    def on_end(self, span: ReadableSpan) -> None:
        if self.active:
            super().on_end(span)


_processor = _WhileAsked(_exporter)


def _install() -> None:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(_processor)


_install()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    _exporter.clear()
    _processor.active = True
    try:
        yield _exporter
    finally:
        _processor.active = False
        _exporter.clear()


@pytest.fixture(autouse=True)
def _fresh_limiters() -> Iterator[None]:
    reset_limiters()
    yield
    reset_limiters()
