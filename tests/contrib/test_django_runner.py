"""The backend inside Django's own test runner, against the local server."""

from __future__ import annotations

import io
import unittest

from django.test.runner import DiscoverRunner

from aws_ses.local import LocalServer

from . import django_suite


def test_django_test_runner_passes_with_the_backend(server: LocalServer) -> None:
    django_suite.SERVER_URL = server.url
    stream = io.StringIO()

    class QuietRunner(DiscoverRunner):  # type: ignore[misc]
        def get_test_runner_kwargs(self) -> dict[str, object]:
            return {**super().get_test_runner_kwargs(), "stream": stream}

    runner = QuietRunner(verbosity=0, interactive=False)
    suite = runner.build_suite([django_suite.__name__])
    assert suite.countTestCases() == 2
    failures = runner.run_tests([django_suite.__name__])
    assert failures == 0, stream.getvalue()
    assert [m["Subject"] for m in server.messages()] == ["Through SES"]
    assert isinstance(suite, unittest.TestSuite)
