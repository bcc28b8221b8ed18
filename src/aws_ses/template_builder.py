"""Email templates: build them, check them, and preview them before sending.

:class:`TemplateBuilder` collects a template's name and parts and turns them
into ``CreateEmailTemplate`` / ``UpdateEmailTemplate`` parameters, rejecting
Handlebars syntax errors before SES sees them. :func:`render_locally` renders a
template with the same Handlebars-subset renderer the local server uses
(:mod:`aws_ses.templating`), leniently, so the caller sees the output *and*
every variable the data lacks, which SES would only report after the send
as a ``Rendering Failure`` event.

``client.templates`` is the generated resource group plus ``render_locally``,
which also takes the name of a stored template (fetched with
``GetEmailTemplate`` first); the subclasses that add it live here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

import msgspec

from aws_ses import _rules
from aws_ses._generated.async_services import AsyncTemplatesService as _AsyncTemplatesService
from aws_ses._generated.sync_services import TemplatesService as _TemplatesService
from aws_ses.email_builder import _expect, encode_template_data
from aws_ses.errors import SesValidationError
from aws_ses.templating import TemplateRenderError, compile_template

__all__ = [
    "AsyncTemplatesService",
    "LocalRender",
    "TemplateBuilder",
    "TemplatesService",
    "render_locally",
]

C = TypeVar("C")
U = TypeVar("U")

_PARTS = ("subject", "html", "text")


@dataclass(frozen=True, slots=True)
class LocalRender:
    """A template rendered on this machine.

    Parts the template does not have are ``None``. ``missing`` lists the
    variables the data lacks (sorted); they rendered as nothing here, and a
    real send would fail to render. A part that cannot render at all (it
    calls a helper SES does not have) is ``None`` and its name is in
    ``missing``.
    """

    subject: str | None
    html: str | None
    text: str | None
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether a send with the same data would render (nothing is missing)."""
        return not self.missing


class TemplateBuilder(Generic[C, U]):
    """Builds an SES email template; ``create()`` / ``update()`` once bound.

    ``client.template_builder(name)`` returns a bound builder (``create()``
    returns the response on the sync client and an awaitable on the async
    one); ``TemplateBuilder(name)`` alone only builds and renders.
    """

    @overload
    def __init__(self: TemplateBuilder[Any, Any], name: str) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        create: Callable[[dict[str, Any]], C],
        update: Callable[[dict[str, Any]], U],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        *,
        create: Callable[[dict[str, Any]], C] | None = None,
        update: Callable[[dict[str, Any]], U] | None = None,
    ) -> None:
        _expect(name, str, "template_builder.name")
        self.name = name
        self._create = create
        self._update = update
        self._parts: dict[str, str] = {}
        self._tags: dict[str, str] = {}

    def subject(self, subject: str) -> TemplateBuilder[C, U]:
        _expect(subject, str, "subject")
        self._parts["subject"] = subject
        return self

    def html(self, html: str) -> TemplateBuilder[C, U]:
        _expect(html, str, "html")
        self._parts["html"] = html
        return self

    def text(self, text: str) -> TemplateBuilder[C, U]:
        _expect(text, str, "text")
        self._parts["text"] = text
        return self

    def tag(self, key: str, value: str) -> TemplateBuilder[C, U]:
        """A resource tag on the template (used by ``create()`` only)."""
        _expect(key, str, "tag.key")
        _expect(value, str, "tag.value")
        self._tags[key] = value
        return self

    def content(self) -> dict[str, str]:
        """The ``TemplateContent`` member (wire names), after checking the syntax."""
        if not self.name:
            raise SesValidationError("template_name", "must not be empty")
        problem = _rules.check_name(self.name)
        if problem is not None:
            raise SesValidationError("template_name", problem)
        if not self._parts:
            raise SesValidationError(
                "template_content", "a template needs a subject, an HTML or a text part"
            )
        for part, source in self._parts.items():
            try:
                compile_template(source)
            except TemplateRenderError as exc:
                raise SesValidationError(part, exc.message) from None
        return {part.capitalize(): self._parts[part] for part in _PARTS if part in self._parts}

    def build(self) -> dict[str, Any]:
        """The ``CreateEmailTemplate`` parameters (wire names)."""
        params: dict[str, Any] = {"TemplateName": self.name, "TemplateContent": self.content()}
        if self._tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in self._tags.items()]
        return params

    def create(self) -> C:
        """Store the template in SES (``CreateEmailTemplate``)."""
        if self._create is None:
            raise TypeError(
                "this TemplateBuilder is not bound to a client; use client.template_builder()"
            )
        return self._create(self.build())

    def update(self) -> U:
        """Replace the stored template's content (``UpdateEmailTemplate``)."""
        if self._update is None:
            raise TypeError(
                "this TemplateBuilder is not bound to a client; use client.template_builder()"
            )
        return self._update({"TemplateName": self.name, "TemplateContent": self.content()})

    def render_locally(self, data: Any, *, escape_html: bool = True) -> LocalRender:
        """Render this template with ``data`` here; see :func:`render_locally`."""
        return render_locally(self, data, escape_html=escape_html)


def _parts_of(template: Any) -> dict[str, str | None]:
    if isinstance(template, TemplateBuilder):
        return {part: template._parts.get(part) for part in _PARTS}
    if isinstance(template, Mapping):
        # Python names or wire names, as everywhere else in the library.
        return {part: template.get(part, template.get(part.capitalize())) for part in _PARTS}
    content = getattr(template, "template_content", None)  # a GetEmailTemplateResponse
    if content is not None:
        template = content
    if all(hasattr(template, part) for part in _PARTS):  # EmailTemplateContent
        return {part: getattr(template, part) for part in _PARTS}
    raise TypeError(
        "render_locally takes a TemplateBuilder, an EmailTemplateContent, a mapping with "
        f"subject/html/text keys or a template name, not {type(template).__name__}"
    )


def render_locally(template: Any, data: Any, *, escape_html: bool = True) -> LocalRender:
    """Render ``template`` with ``data`` as a send would, but never fail on missing data.

    ``template`` is a :class:`TemplateBuilder`, an ``EmailTemplateContent``
    (or a ``GetEmailTemplateResponse``), or a mapping with ``subject`` /
    ``html`` / ``text`` keys. ``data`` is a mapping, a msgspec Struct, a
    dataclass instance or JSON text; it goes through JSON first, exactly as
    it would on its way to SES. The HTML part is escaped as Handlebars does
    (``escape_html=False`` for SES's raw substitution). Syntax errors raise
    :class:`~aws_ses.templating.TemplateRenderError` with ``part`` set.
    """
    values = msgspec.json.decode(encode_template_data(data, field="data"))
    rendered: dict[str, str | None] = {}
    missing: set[str] = set()
    for part, source in _parts_of(template).items():
        if source is None:
            rendered[part] = None
            continue
        try:
            compiled = compile_template(source)
            missing.update(compiled.missing(values))
            rendered[part] = compiled.render(values, escape=escape_html and part == "html")
        except TemplateRenderError as exc:
            if exc.kind != "missing":
                raise TemplateRenderError(
                    f"{part} part: {exc.message}",
                    kind=exc.kind,
                    line=exc.line,
                    column=exc.column,
                    part=part,
                ) from None
            # Some failures (an unknown helper) stop rendering even leniently.
            missing.update(exc.missing)
            rendered[part] = None
    return LocalRender(rendered["subject"], rendered["html"], rendered["text"], sorted(missing))


class TemplatesService(_TemplatesService):
    """``client.templates``: the template operations plus :meth:`render_locally`."""

    __slots__ = ()

    def render_locally(self, template: Any, data: Any, *, escape_html: bool = True) -> LocalRender:
        """Render a template here; ``template`` may also be a stored template's name."""
        if isinstance(template, str):
            template = self._client._invoke("get_email_template", {"TemplateName": template})
        return render_locally(template, data, escape_html=escape_html)


class AsyncTemplatesService(_AsyncTemplatesService):
    """``client.templates`` of the async client, plus :meth:`render_locally`."""

    __slots__ = ()

    async def render_locally(
        self, template: Any, data: Any, *, escape_html: bool = True
    ) -> LocalRender:
        """Render a template here; ``template`` may also be a stored template's name."""
        if isinstance(template, str):
            template = await self._client._invoke("get_email_template", {"TemplateName": template})
        return render_locally(template, data, escape_html=escape_html)
