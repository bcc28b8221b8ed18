"""Amazon SES's Handlebars subset: compile, render, check and preview templates.

One renderer serves two callers: the client, which renders templates locally and
lists missing variables before anything is sent, and the local SES v2 server,
which renders templated sends and answers ``TestRenderEmailTemplate``. Pure
functions over the stdlib; compiled templates are cached by source text.

What SES does (and where that comes from)
=========================================

- **Engine.** SES templates are Handlebars. The SES Developer Guide page
  "Advanced email personalization" documents nested paths (``{{a.b.c}}``),
  ``{{#each}}``, ``{{#if}}``/``{{else}}`` and inline partials
  (``{{#* inline "name"}}...{{/inline}}`` used as ``{{> name}}``), points to the
  Handlebars built-in helpers for the rest, and says inline partials are not
  shared between the subject, HTML and text parts. Custom helpers cannot be
  registered.
- **No HTML escaping.** The same page warns that SES does *not* escape HTML when
  it renders the HTML part, so senders must escape user input themselves.
  Public projects that audited this confirm markup in the data arrives live.
  Standard Handlebars would escape ``{{x}}``; SES does not.
- **Missing data fails the send.** When a referenced attribute is absent, SES
  accepts the send, renders nothing and publishes a ``Rendering Failure`` event
  whose ``failure.errorMessage`` reads exactly
  ``Attribute 'name' is not present in the rendering data.`` (sample record in
  "Examples of event data that Amazon SES publishes to Amazon SNS", SES
  Developer Guide; moto answers ``TestRenderTemplate`` with the same text as a
  ``MissingRenderingAttributeException``). Extra attributes are fine; names
  are case-sensitive (AWS re:Post knowledge-center article
  "ses-sendtemplatedemail-delivery-failure").
- **Conditions.** The guide presents ``{{#if x}}`` as the way to format a mail
  differently *when an attribute is present*; we read that as: an attribute
  used only as a condition is not required (not verified against AWS). Public
  reports show an unknown block name (``{{#IF x}}``) failing as
  ``Attribute 'IF' is not present...``.
- SES does not name its engine. Where its behaviour is undocumented
  (whitespace, number printing, edge cases) this module follows handlebars.js.
- **TemplateData** is a JSON object in a string; invalid JSON is rejected
  (``InvalidRenderingParameter`` in SES v1, ``BadRequestException`` in v2).
- **TestRenderEmailTemplate** returns ``RenderedTemplate``, "the complete MIME
  message" (SES v2 API reference). No published sample exists. Messages SES
  sends from templates carry ``Date``, ``Subject``, ``MIME-Version`` and either
  ``multipart/alternative`` or a single ``text/plain; charset=UTF-8`` part with
  ``7bit`` transfer encoding (recorded against AWS in LocalStack's snapshot
  tests). A preview has no sender or recipients.
- ``{{amazonSESUnsubscribeUrl}}`` is filled in by SES subscription management
  (SES Developer Guide, "Using subscription management"), not by template data.

What this module chose
======================

- **Escaping follows Handlebars in the HTML part**: :func:`render_email_template`
  escapes ``{{x}}`` (``& < > " ' ` =``) in the HTML part and leaves ``{{{x}}}``
  as is; subject and text are never escaped. This is the behaviour the
  project's specification asks for, and the safe one: data put into HTML
  cannot inject markup unless the template says so with triple braces. Pass
  ``escape_html=False`` to get the raw substitution some SES accounts show.
  The lower-level :func:`render` escapes only with ``escape=True``.
- **Missing** means a path segment whose key does not exist. A key present with
  a ``null`` value is present (it renders empty). Paths evaluated only as the
  argument of ``if``, ``unless``, ``each``, ``with`` or an inverted section
  ``{{^x}}`` are conditions: absent is simply false (``each``/``with`` take their
  ``{{else}}``). Paths in branches not taken are not evaluated, so not missing.
  A missing ``{{amazonSESUnsubscribeUrl}}`` is left in place for SES to fill.
- **Strict** (``strict=True``, and always for :func:`render_email_template`, as
  SES does for sends) raises :class:`TemplateRenderError` with every missing
  path in ``.missing`` and SES's exact message for the first one. Lenient mode
  renders missing values as empty, like Handlebars.
- **Supported:** ``{{path}}``, ``{{{path}}}``, ``{{&path}}``; paths with ``.`` or
  ``/``, ``this``, ``./``, ``../``, ``[literal segments]``, list indexes and
  ``.length``; ``@index @key @first @last @root`` and ``@../index``; ``if``,
  ``unless`` (``includeZero=true``), ``each``, ``with`` (with ``{{else}}``,
  ``{{^}}``, chained ``{{else if ...}}`` and ``as |item i|`` block params),
  ``lookup``, ``log``; mustache sections ``{{#x}}``/``{{^x}}``; inline partials
  and ``{{> name [context] [key=value]}}``; comments ``{{! }}``/``{{!-- --}}``;
  ``~`` whitespace control and Handlebars' standalone-line rule; ``\\{{`` to
  write a literal ``{{``. Not supported (a syntax error): subexpressions,
  partial blocks, raw blocks, decorators other than ``inline``.
- **Values** print as JavaScript does: ``true``/``false``, ``1``, ``1.5``,
  ``1e+21``; ``null`` and missing print nothing; lists join with commas; objects
  print ``[object Object]``. Truthiness is Handlebars': ``false``, ``null``,
  missing, ``0``, ``""``, ``NaN`` and ``[]`` are false; ``{}`` is true.
- :meth:`CompiledTemplate.variables` lists the paths a template refers to from
  the top-level data (resolving ``with``, ``../`` and ``@root``); paths relative
  to ``each`` items are left out because they depend on the data.
- The MIME preview has ``Date``, ``Subject`` (RFC 2047 when not ASCII),
  ``MIME-Version`` and ``text/plain`` then ``text/html`` under
  ``multipart/alternative`` when both exist, UTF-8, ``7bit`` when the body is
  ASCII with short lines, otherwise quoted-printable, CRLF line ends. Line
  breaks in a rendered subject become spaces (a header cannot hold them).
"""

from __future__ import annotations

import email.utils
import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any, Final, Literal, NoReturn

from aws_ses.errors import SesError

__all__ = [
    "UNSUBSCRIBE_PLACEHOLDER",
    "CompiledTemplate",
    "RenderedEmail",
    "TemplateRenderError",
    "compile_template",
    "missing_variables",
    "render",
    "render_email_template",
    "rendered_mime",
]

#: The SES list-management placeholder that SES itself replaces.
UNSUBSCRIBE_PLACEHOLDER: Final = "amazonSESUnsubscribeUrl"

ErrorKind = Literal["missing", "syntax", "data", "partial"]


class TemplateRenderError(SesError):
    """A template could not be compiled or rendered.

    ``kind`` says why: ``"missing"`` (attributes absent from the data, listed in
    ``missing``), ``"syntax"`` (``line`` and ``column`` locate it), ``"data"``
    (template data is not a JSON object) or ``"partial"`` (unknown partial).
    ``part`` names the template part (``"subject"``, ``"html"``, ``"text"``)
    when the error came from :func:`render_email_template`.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind = "missing",
        missing: Sequence[str] = (),
        line: int | None = None,
        column: int | None = None,
        part: str | None = None,
    ) -> None:
        super().__init__(message, code="TemplateRenderError")
        self.kind: ErrorKind = kind
        self.missing: list[str] = list(missing)
        self.line = line
        self.column = column
        self.part = part


def _missing_message(path: str) -> str:
    # Word for word what SES puts in a Rendering Failure event.
    return f"Attribute '{path}' is not present in the rendering data."


# ----------------------------------------------------------------------------- AST


class _Missing:
    """The value of a path that does not exist (JavaScript's ``undefined``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Final = _Missing()

Loc = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Path:
    text: str
    parts: tuple[str, ...]
    depth: int = 0  # how many ../
    data: bool = False  # @-variable
    explicit_this: bool = False  # this.x or ./x: never a helper or block param


@dataclass(frozen=True, slots=True)
class _Literal:
    value: Any


_Expr = _Path | _Literal


@dataclass(frozen=True, slots=True)
class _Text:
    value: str


@dataclass(frozen=True, slots=True)
class _Output:
    head: _Path
    params: tuple[_Expr, ...]
    escape: bool


@dataclass(frozen=True, slots=True)
class _Program:
    body: tuple[_Node, ...]
    partials: tuple[tuple[str, _Program], ...] = ()


# Block kinds: built-in helpers, a mustache section on a value, or an unknown
# helper called with arguments (fails when its name is not in the data).
_BlockKind = Literal["if", "unless", "each", "with", "section", "unknown"]


@dataclass(frozen=True, slots=True)
class _Block:
    kind: _BlockKind
    head: _Path
    params: tuple[_Expr, ...]
    hash: tuple[tuple[str, _Expr], ...]
    block_params: tuple[str, ...]
    program: _Program
    inverse: _Program | None
    required: bool  # a section whose value must exist ({{#x}}, not {{^x}})


@dataclass(frozen=True, slots=True)
class _Partial:
    name: str
    context: _Expr | None
    hash: tuple[tuple[str, _Expr], ...]
    indent: str
    offset: int


_Node = _Text | _Output | _Block | _Partial

_BUILTIN_BLOCKS: Final = frozenset({"if", "unless", "each", "with"})


# ----------------------------------------------------------------------- tokenizer


_TagKind = Literal[
    "text", "output", "raw", "comment", "open", "inverse", "close", "else", "partial", "inline"
]
# Tags that vanish with their whole line when alone on it (Handlebars' rule).
_STANDALONE: Final = frozenset({"comment", "open", "inverse", "close", "else", "partial", "inline"})


@dataclass(slots=True)
class _Token:
    kind: _TagKind
    start: int
    content: str  # text value, or what sits between the tag's sigil and its close
    strip_left: bool = False
    strip_right: bool = False
    cut_left: int = 0  # characters whitespace control removes from a text token
    cut_right: int = 0
    indent: str = ""

    def value(self) -> str:
        size = len(self.content)
        if self.cut_left + self.cut_right >= size:
            return ""
        return self.content[self.cut_left : size - self.cut_right]


def _position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _syntax_error(source: str, offset: int, detail: str) -> NoReturn:
    line, column = _position(source, offset)
    raise TemplateRenderError(
        f"Template syntax error at line {line}, column {column}: {detail}",
        kind="syntax",
        line=line,
        column=column,
    )


def _find_close(source: str, start: int, opened_at: int) -> tuple[int, int, bool]:
    """Find the ``}}`` ending a tag, skipping quoted strings.

    Returns (content end, tag end, strip-right flag).
    """
    quote = ""
    i = start
    end = len(source)
    while i < end:
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "}" and source.startswith("}}", i):
            if i > start and source[i - 1] == "~":
                return i - 1, i + 2, True
            return i, i + 2, False
        i += 1
    _syntax_error(source, opened_at, "'{{' is never closed with '}}'")


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    text: list[str] = []
    text_start = 0
    pos = 0
    n = len(source)

    def flush() -> None:
        joined = "".join(text)
        text.clear()
        if joined:  # no empty text tokens: two adjacent tags must stay adjacent
            tokens.append(_Token("text", text_start, joined))

    while pos < n:
        i = source.find("{{", pos)
        if i < 0:
            text.append(source[pos:])
            break
        if i > pos and source[i - 1] == "\\":
            if i - 1 > pos and source[i - 2] == "\\":
                # Two backslashes: one literal backslash, then a real tag.
                text.append(source[pos : i - 1])
            else:
                # One backslash: a literal "{{"; what follows stays text.
                text.append(source[pos : i - 1] + "{{")
                pos = i + 2
                continue
        else:
            text.append(source[pos:i])
        flush()
        pos = _read_tag(source, i, tokens)
        text_start = pos
    flush()
    return tokens


def _read_tag(source: str, start: int, tokens: list[_Token]) -> int:
    j = start + 2
    strip_left = source.startswith("~", j)
    if strip_left:
        j += 1
    if source.startswith("{{", j):
        _syntax_error(source, start, "raw blocks ('{{{{') are not supported")
    if source.startswith("{", j):
        match = re.compile(r"\}(~?)\}\}").search(source, j + 1)
        if match is None:
            _syntax_error(source, start, "'{{{' is never closed with '}}}'")
        tokens.append(
            _Token("raw", start, source[j + 1 : match.start()], strip_left, bool(match.group(1)))
        )
        return match.end()
    if source.startswith("!--", j):
        match = re.compile(r"--(~?)\}\}").search(source, j + 3)
        if match is None:
            _syntax_error(source, start, "comment '{{!--' is never closed with '--}}'")
        tokens.append(_Token("comment", start, "", strip_left, bool(match.group(1))))
        return match.end()
    if source.startswith("!", j):
        end = source.find("}}", j)
        if end < 0:
            _syntax_error(source, start, "comment '{{!' is never closed with '}}'")
        strip_right = source[end - 1] == "~" and end - 1 > j
        tokens.append(_Token("comment", start, "", strip_left, strip_right))
        return end + 2
    content_end, tag_end, strip_right = _find_close(source, j, start)
    inner = source[j:content_end]
    kind: _TagKind
    if inner.startswith("#*"):
        kind, inner = "inline", inner[2:]
    elif inner.startswith("#>"):
        _syntax_error(source, start, "partial blocks ('{{#>') are not supported")
    elif inner.startswith("#"):
        kind, inner = "open", inner[1:]
    elif inner.startswith("/"):
        kind, inner = "close", inner[1:]
    elif inner.startswith("^"):
        kind, inner = ("else", "") if not inner[1:].strip() else ("inverse", inner[1:])
    elif inner.startswith(">"):
        kind, inner = "partial", inner[1:]
    elif inner.startswith("&"):
        kind, inner = "raw", inner[1:]
    elif re.match(r"\s*else(\s|$)", inner):
        kind, inner = "else", inner.strip()[4:]
    else:
        kind = "output"
    tokens.append(_Token(kind, start, inner, strip_left, strip_right))
    return tag_end


def _apply_whitespace_control(tokens: list[_Token]) -> None:
    """Apply ``~`` and the standalone-line rule to the text around each tag.

    A block, else, comment or partial tag alone on its line (only spaces and
    tabs beside it) takes that whole line with it. Decisions look at the
    original text; all cuts then apply together.
    """
    last = len(tokens) - 1
    for i, tok in enumerate(tokens):
        if tok.kind == "text":
            continue
        prev = tokens[i - 1] if i > 0 else None
        nxt = tokens[i + 1] if i < last else None
        prev_text = prev if prev is not None and prev.kind == "text" else None
        next_text = nxt if nxt is not None and nxt.kind == "text" else None
        if tok.strip_left and prev_text is not None:
            trailing = len(prev_text.content) - len(prev_text.content.rstrip())
            prev_text.cut_right = max(prev_text.cut_right, trailing)
        if tok.strip_right and next_text is not None:
            leading = len(next_text.content) - len(next_text.content.lstrip())
            next_text.cut_left = max(next_text.cut_left, leading)
        if tok.kind not in _STANDALONE:
            continue
        if (prev is not None and prev_text is None) or (nxt is not None and next_text is None):
            continue  # another tag shares the line
        if prev_text is not None:
            trail = prev_text.content[len(prev_text.content.rstrip()) :]
            at_start = i == 1 and trail == prev_text.content
            if "\n" not in trail and not at_start:
                continue
        if next_text is not None:
            content = next_text.content
            lead = content[: len(content) - len(content.lstrip())]
            at_end = i + 1 == last and lead == content
            if "\n" not in lead and not at_end:
                continue
        if prev_text is not None:
            spaces = re.search(r"[ \t]*$", prev_text.content)
            assert spaces is not None
            prev_text.cut_right = max(prev_text.cut_right, len(spaces.group()))
            tok.indent = spaces.group()
        if next_text is not None:
            head = re.match(r"[ \t]*\r?\n?", next_text.content)
            assert head is not None
            next_text.cut_left = max(next_text.cut_left, len(head.group()))


# -------------------------------------------------------------------- expressions

_EXPR_TOKEN: Final = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<bp>as\s+\|(?P<names>[^|]*)\|)
    | (?P<key>[^\s=()|"'\[\]]+)=
    | (?P<paren>[()])
    | (?P<word>(?:[^\s=()|"'\[\]]+|\[[^\]]*\])+)
    """,
    re.VERBOSE,
)
_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?")
# Characters Handlebars does not allow in a bare path segment.
_BAD_SEGMENT: Final = re.compile(r"""[\s!"#%&'()*+,;<=>@\[\\\]^`{|}~]""")
_LITERALS: Final[Mapping[str, Any]] = {
    "true": True,
    "false": False,
    "null": None,
    "undefined": _MISSING,
}


@dataclass(slots=True)
class _Call:
    params: list[_Expr] = field(default_factory=list)
    hash: list[tuple[str, _Expr]] = field(default_factory=list)
    block_params: tuple[str, ...] = ()


def _parse_path(word: str, source: str, offset: int) -> _Path:
    text = word
    data = word.startswith("@")
    if data:
        word = word[1:]
    pieces = re.findall(r"\[[^\]]*\]|\.\.|[./]|[^./\[]+", word)
    if "".join(pieces) != word:
        _syntax_error(source, offset, f"invalid path {text!r}")
    segments: list[tuple[str, bool]] = []  # (segment, written as [literal])
    expect_segment = True
    for piece in pieces:
        if piece == "." and expect_segment and not segments:
            segments.append((".", False))
            expect_segment = False
        elif piece in (".", "/"):
            if expect_segment:
                _syntax_error(source, offset, f"invalid path {text!r}")
            expect_segment = True
        elif piece == "..":
            if not expect_segment or any(seg != ".." for seg, _ in segments):
                _syntax_error(source, offset, f"'..' must start the path in {text!r}")
            segments.append(("..", False))
            expect_segment = False
        else:
            if not expect_segment:
                _syntax_error(source, offset, f"invalid path {text!r}")
            literal = piece.startswith("[")
            segments.append((piece[1:-1], True) if literal else (piece, False))
            expect_segment = False
    if expect_segment and segments:
        _syntax_error(source, offset, f"invalid path {text!r}")
    depth = 0
    explicit_this = False
    parts: list[str] = []
    for index, (segment, literal) in enumerate(segments):
        if not literal and segment == "..":
            depth += 1
        elif not literal and segment in ("this", "."):
            if parts or index != depth:
                _syntax_error(source, offset, f"'{segment}' must start the path in {text!r}")
            explicit_this = True
        else:
            if not literal and _BAD_SEGMENT.search(segment):
                _syntax_error(source, offset, f"invalid path {text!r}")
            parts.append(segment)
    if not parts and not explicit_this and not depth:
        _syntax_error(source, offset, f"invalid path {text!r}")
    return _Path(text, tuple(parts), depth, data, explicit_this or depth > 0)


def _parse_value(word: str, source: str, offset: int) -> _Expr:
    if word in _LITERALS:
        return _Literal(_LITERALS[word])
    if _NUMBER.fullmatch(word):
        return _Literal(float(word) if "." in word else int(word))
    return _parse_path(word, source, offset)


def _unquote(token: str) -> str:
    quote = token[0]
    return token[1:-1].replace("\\" + quote, quote)


def _parse_call(text: str, source: str, offset: int, *, allow_block_params: bool) -> _Call:
    call = _Call()
    pos = 0
    pending_key: str | None = None
    while pos < len(text):
        match = _EXPR_TOKEN.match(text, pos)
        if match is None:
            _syntax_error(source, offset, f"cannot parse {text[pos:].strip()!r}")
        pos = match.end()
        if match.group("space"):
            continue
        if call.block_params:
            _syntax_error(source, offset, "block parameters 'as |...|' must come last")
        if match.group("paren"):
            _syntax_error(source, offset, "subexpressions '(...)' are not supported")
        if match.group("bp") is not None:
            if not allow_block_params:
                _syntax_error(source, offset, "block parameters are only allowed on blocks")
            names = tuple(match.group("names").split())
            if not names or pending_key is not None:
                _syntax_error(source, offset, "invalid block parameters")
            call.block_params = names
            continue
        if match.group("key") is not None:
            if pending_key is not None:
                _syntax_error(source, offset, f"missing value for {pending_key}=")
            pending_key = match.group("key")
            continue
        value: _Expr
        if match.group("string") is not None:
            value = _Literal(_unquote(match.group("string")))
        else:
            value = _parse_value(match.group("word"), source, offset)
        if pending_key is not None:
            call.hash.append((pending_key, value))
            pending_key = None
        elif call.hash:
            _syntax_error(source, offset, "positional arguments must come before key=value")
        else:
            call.params.append(value)
    if pending_key is not None:
        _syntax_error(source, offset, f"missing value for {pending_key}=")
    return call


def _head(call: _Call, source: str, offset: int, what: str) -> _Path:
    if not call.params:
        _syntax_error(source, offset, f"empty {what}")
    head = call.params.pop(0)
    if not isinstance(head, _Path):
        _syntax_error(source, offset, f"{what} must start with a name, not a literal")
    return head


# -------------------------------------------------------------------------- parser


@dataclass(slots=True)
class _ProgramBuilder:
    body: list[_Node] = field(default_factory=list)
    partials: dict[str, _Program] = field(default_factory=dict)

    def build(self) -> _Program:
        return _Program(tuple(self.body), tuple(self.partials.items()))


@dataclass(slots=True)
class _OpenBlock:
    token: _Token
    close_name: str
    kind: _BlockKind | Literal["inline"]
    head: _Path
    call: _Call
    inverted: bool
    program: _ProgramBuilder = field(default_factory=_ProgramBuilder)
    inverse: _ProgramBuilder | None = None
    chained: bool = False  # opened by "{{else if ...}}"; closed by its parent's close
    inline_name: str = ""

    @property
    def current(self) -> _ProgramBuilder:
        return self.inverse if self.inverse is not None else self.program


def _block_kind(head: _Path, call: _Call) -> _BlockKind:
    simple = len(head.parts) == 1 and not head.data and not head.explicit_this
    if simple and head.parts[0] in _BUILTIN_BLOCKS:
        return head.parts[0]  # type: ignore[return-value]
    return "unknown" if call.params or call.hash else "section"


def _open_block(source: str, tok: _Token, *, inverted: bool, chained: bool) -> _OpenBlock:
    call = _parse_call(tok.content, source, tok.start, allow_block_params=True)
    head = _head(call, source, tok.start, "block")
    kind = _block_kind(head, call)
    if kind in _BUILTIN_BLOCKS and len(call.params) != 1:
        _syntax_error(source, tok.start, f"{{{{#{kind}}}}} takes exactly one argument")
    if call.block_params and kind not in ("each", "with"):
        _syntax_error(source, tok.start, "block parameters need {{#each}} or {{#with}}")
    if inverted and kind != "section":
        _syntax_error(source, tok.start, "an inverted section '{{^' takes a single name")
    return _OpenBlock(tok, head.text, kind, head, call, inverted, chained=chained)


def _finish_block(opened: _OpenBlock) -> _Block:
    assert opened.kind != "inline"
    program = opened.program.build()
    inverse = opened.inverse.build() if opened.inverse is not None else None
    if opened.inverted:
        # {{^x}}A{{else}}B{{/x}} is a section on x: B when x is true, A when false.
        program, inverse = inverse or _Program(()), program
    return _Block(
        kind=opened.kind,
        head=opened.head,
        params=tuple(opened.call.params),
        hash=tuple(opened.call.hash),
        block_params=opened.call.block_params,
        program=program,
        inverse=inverse,
        required=opened.kind == "section" and not opened.inverted,
    )


def _describe(opened: _OpenBlock) -> str:
    if opened.kind == "inline":
        return "{{#*inline}}"
    sigil = "^" if opened.inverted else "#"
    return f"{{{{{sigil}{opened.close_name}}}}}"


def _parse(source: str) -> _Program:
    tokens = _tokenize(source)
    _apply_whitespace_control(tokens)
    root = _ProgramBuilder()
    stack: list[_OpenBlock] = []

    def current() -> _ProgramBuilder:
        return stack[-1].current if stack else root

    def close_top() -> None:
        opened = stack.pop()
        if opened.kind == "inline":
            current().partials[opened.inline_name] = opened.program.build()
        else:
            current().body.append(_finish_block(opened))

    for tok in tokens:
        kind = tok.kind
        if kind == "text":
            value = tok.value()
            if value:
                current().body.append(_Text(value))
        elif kind == "comment":
            continue
        elif kind in ("output", "raw"):
            call = _parse_call(tok.content, source, tok.start, allow_block_params=False)
            head = _head(call, source, tok.start, "expression")
            current().body.append(_Output(head, tuple(call.params), kind == "output"))
        elif kind in ("open", "inverse"):
            stack.append(_open_block(source, tok, inverted=kind == "inverse", chained=False))
        elif kind == "inline":
            match = re.fullmatch(r"\s*inline\s+(\"[^\"]*\"|'[^']*'|[^\s\"']+)\s*", tok.content)
            if match is None:
                _syntax_error(source, tok.start, "only '{{#*inline \"name\"}}' is supported")
            name = match.group(1)
            name = _unquote(name) if name[0] in "\"'" else name
            head = _Path("inline", ("inline",))
            stack.append(
                _OpenBlock(tok, "inline", "inline", head, _Call(), False, inline_name=name)
            )
        elif kind == "else":
            if not stack or stack[-1].kind == "inline":
                _syntax_error(source, tok.start, "'{{else}}' outside a block")
            top = stack[-1]
            if top.inverse is not None:
                _syntax_error(source, tok.start, f"second '{{{{else}}}}' in {_describe(top)}")
            top.inverse = _ProgramBuilder()
            if tok.content.strip():
                stack.append(_open_block(source, tok, inverted=False, chained=True))
        elif kind == "close":
            name = tok.content.strip()
            while stack and stack[-1].chained:
                close_top()
            if not stack:
                _syntax_error(source, tok.start, f"'{{{{/{name}}}}}' closes no open block")
            if stack[-1].close_name != name:
                top = stack[-1]
                line, column = _position(source, top.token.start)
                _syntax_error(
                    source,
                    tok.start,
                    f"'{{{{/{name}}}}}' does not match {_describe(top)} "
                    f"opened at line {line}, column {column}",
                )
            close_top()
        elif kind == "partial":
            current().body.append(_parse_partial(source, tok))
    while stack and stack[-1].chained:
        stack.pop()
    if stack:
        top = stack[-1]
        _syntax_error(source, top.token.start, f"{_describe(top)} is never closed")
    return root.build()


def _parse_partial(source: str, tok: _Token) -> _Partial:
    call = _parse_call(tok.content, source, tok.start, allow_block_params=False)
    if not call.params:
        _syntax_error(source, tok.start, "partial needs a name")
    first = call.params.pop(0)
    if isinstance(first, _Literal) and isinstance(first.value, str):
        name = first.value
    elif isinstance(first, _Path):
        name = first.text
    else:
        _syntax_error(source, tok.start, "partial name must be a name or a string")
    if len(call.params) > 1:
        _syntax_error(source, tok.start, "partial takes at most one context argument")
    context = call.params[0] if call.params else None
    return _Partial(name, context, tuple(call.hash), tok.indent, tok.start)


# -------------------------------------------------------------------------- values


def _js_number(value: float) -> str:
    """Format a float as JavaScript's Number#toString does."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + _js_number(-value)
    # repr gives the shortest digits that round-trip, which is what JS prints.
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def _to_text(value: Any) -> str:
    """Stringify a value the way Handlebars (JavaScript) would."""
    if isinstance(value, str):
        return value
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**21 else _js_number(float(value))
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, list | tuple):
        return ",".join(_to_text(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


_ESCAPES: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;"}
    | {"=": "&#x3D;"}
)


def _is_empty(value: Any) -> bool:
    """Handlebars' emptiness: falsy except 0, or an empty list."""
    if value is _MISSING or value is None or value is False or value == "":
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, list | tuple) and not value


def _truthy(value: Any, *, include_zero: bool = False) -> bool:
    if _is_empty(value):
        return False
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return include_zero or not (is_number and value == 0)


def _walk(value: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if value is _MISSING:
            break
        value = _get(value, part)
    return value


def _get(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(key, _MISSING)
    if isinstance(value, list | tuple | str):
        if key == "length":
            return len(value)
        if isinstance(value, str):
            return _MISSING
        if key.isdigit() and int(key) < len(value):
            return value[int(key)]
    return _MISSING


# ------------------------------------------------------------------------ renderer


@dataclass(slots=True)
class _Frame:
    value: Any
    loc: Loc | None  # where value sits in the data; None when unknown
    params: dict[str, tuple[Any, Loc | None]] | None = None


_MAX_PARTIAL_DEPTH: Final = 64


class _Renderer:
    def __init__(self, source: str, data: Mapping[str, Any], *, escape: bool) -> None:
        self.source = source  # for error positions
        self.escape = escape
        self.root = data
        self.frames: list[_Frame] = [_Frame(data, ())]
        self.data_frames: list[dict[str, Any]] = []
        self.partials: list[tuple[tuple[str, _Program], ...]] = []
        self.partial_depth = 0
        self.missing: list[str] = []  # in order of first use
        self.fatal = False  # an unknown helper was called: Handlebars always fails

    def note_missing(self, path: str) -> None:
        if path not in self.missing:
            self.missing.append(path)

    # -- lookups

    def resolve(self, expr: _Expr) -> tuple[Any, Loc | None, str]:
        """Evaluate an expression to (value, location in the data, path to report).

        The reported path is empty for literals and @-variables, which are never
        "missing attributes".
        """
        if isinstance(expr, _Literal):
            return expr.value, None, ""
        parts = expr.parts
        value: Any
        loc: Loc | None
        if expr.data:
            if expr.depth or parts[:1] != ("root",):
                index = len(self.data_frames) - 1 - expr.depth
                frame = self.data_frames[index] if index >= 0 else {}
                return _walk(frame.get(parts[0], _MISSING), parts[1:]), None, ""
            value, loc, parts = self.root, (), parts[1:]
        else:
            found = self._block_param(expr)
            if found is not None:
                (value, loc), parts = found, parts[1:]
            else:
                index = len(self.frames) - 1 - expr.depth
                if index < 0:
                    return _MISSING, None, expr.text
                value, loc = self.frames[index].value, self.frames[index].loc
        if loc is None:
            return _walk(value, parts), None, expr.text
        return _walk(value, parts), loc + parts, ".".join(loc + parts)

    def _block_param(self, path: _Path) -> tuple[Any, Loc | None] | None:
        if path.explicit_this or path.depth or not path.parts:
            return None
        name = path.parts[0]
        for frame in reversed(self.frames):
            if frame.params and name in frame.params:
                return frame.params[name]
        return None

    # -- rendering

    def program(self, program: _Program, out: list[str]) -> None:
        if program.partials:
            self.partials.append(program.partials)
        try:
            for node in program.body:
                if isinstance(node, _Text):
                    out.append(node.value)
                elif isinstance(node, _Output):
                    self.output(node, out)
                elif isinstance(node, _Block):
                    self.block(node, out)
                else:
                    self.partial(node, out)
        finally:
            if program.partials:
                self.partials.pop()

    def output(self, node: _Output, out: list[str]) -> None:
        head = node.head
        simple = len(head.parts) == 1 and not head.data and not head.explicit_this
        name = head.parts[0] if simple else ""
        if simple and name == "lookup" and len(node.params) == 2:
            value, _, report = self.resolve(node.params[0])
            key = _to_text(self.resolve(node.params[1])[0])
            value = _get(value, key) if value is not _MISSING else _MISSING
            if value is _MISSING:
                self.note_missing(f"{report}.{key}" if report else key)
        elif simple and name == "log":
            return
        else:
            value, _, report = self.resolve(head)
            if value is _MISSING:
                if simple and name == UNSUBSCRIBE_PLACEHOLDER:
                    # Left for SES subscription management to fill in.
                    out.append("{{" + UNSUBSCRIBE_PLACEHOLDER + "}}")
                    return
                if report:
                    self.note_missing(report)
                # An unknown helper with arguments fails even in lenient mode.
                self.fatal = self.fatal or bool(node.params)
                return
        text = _to_text(value)
        out.append(text.translate(_ESCAPES) if node.escape and self.escape else text)

    def block(self, node: _Block, out: list[str]) -> None:
        kind = node.kind
        if kind in ("if", "unless"):
            value = self.resolve(node.params[0])[0]
            include_zero = any(
                key == "includeZero" and _truthy(self.resolve(expr)[0]) for key, expr in node.hash
            )
            chosen = _truthy(value, include_zero=include_zero) != (kind == "unless")
            self._branch(node.program if chosen else node.inverse, out)
            return
        if kind == "each":
            value, loc, _ = self.resolve(node.params[0])
            self._each(node, value, loc, out)
            return
        if kind == "with":
            value, loc, _ = self.resolve(node.params[0])
            if _is_empty(value):
                self._branch(node.inverse, out)
            else:
                self._with(node, value, loc, out)
            return
        value, loc, report = self.resolve(node.head)
        if value is _MISSING and (node.required or kind == "unknown"):
            if report:
                self.note_missing(report)
            if kind == "unknown":
                self.fatal = True
                return
        # A section on a value: Handlebars' "block helper missing" behaviour.
        if value is True:
            self._branch(node.program, out)
        elif value is False or value is None or value is _MISSING:
            self._branch(node.inverse, out)
        elif isinstance(value, list | tuple):
            self._each(node, value, loc, out)
        else:
            self._with(node, value, loc, out)

    def _branch(self, program: _Program | None, out: list[str]) -> None:
        if program is not None:
            self.program(program, out)

    def _with(self, node: _Block, value: Any, loc: Loc | None, out: list[str]) -> None:
        params = {node.block_params[0]: (value, loc)} if node.block_params else None
        self.frames.append(_Frame(value, loc, params))
        try:
            self.program(node.program, out)
        finally:
            self.frames.pop()

    def _each(self, node: _Block, value: Any, loc: Loc | None, out: list[str]) -> None:
        items: list[tuple[str, Any, Any]]  # (key for locations, @key, item)
        if isinstance(value, list | tuple):
            items = [(str(i), i, item) for i, item in enumerate(value)]
        elif isinstance(value, Mapping):
            items = [(str(k), k, item) for k, item in value.items()]
        else:
            items = []
        if not items:
            self._branch(node.inverse, out)
            return
        data: dict[str, Any] = {}
        self.data_frames.append(data)
        last = len(items) - 1
        try:
            for index, (loc_key, key, item) in enumerate(items):
                data.update(index=index, key=key, first=index == 0, last=index == last)
                item_loc = (*loc, loc_key) if loc is not None else None
                params: dict[str, tuple[Any, Loc | None]] | None = None
                if node.block_params:
                    params = {node.block_params[0]: (item, item_loc)}
                    if len(node.block_params) > 1:
                        params[node.block_params[1]] = (key, None)
                self.frames.append(_Frame(item, item_loc, params))
                try:
                    self.program(node.program, out)
                finally:
                    self.frames.pop()
        finally:
            self.data_frames.pop()

    def partial(self, node: _Partial, out: list[str]) -> None:
        body = self._find_partial(node.name)
        if body is None:
            self._partial_error(node, f"The partial {node.name} could not be found")
        if self.partial_depth >= _MAX_PARTIAL_DEPTH:
            self._partial_error(
                node, f"Partial {node.name} nests deeper than {_MAX_PARTIAL_DEPTH} levels"
            )
        frame = self.frames[-1]
        value, loc = frame.value, frame.loc
        if node.context is not None:
            value, loc, report = self.resolve(node.context)
            if value is _MISSING and report:
                self.note_missing(report)
        if node.hash:
            merged = dict(value) if isinstance(value, Mapping) else {}
            merged.update((key, self.resolve(expr)[0]) for key, expr in node.hash)
            value = merged
        buffer: list[str] = []
        self.frames.append(_Frame(value, loc))
        self.partial_depth += 1
        try:
            self.program(body, buffer)
        finally:
            self.partial_depth -= 1
            self.frames.pop()
        text = "".join(buffer)
        if node.indent:
            lines = text.split("\n")
            text = "\n".join(
                node.indent + line if line or i < len(lines) - 1 else line
                for i, line in enumerate(lines)
            )
        out.append(text)

    def _partial_error(self, node: _Partial, detail: str) -> NoReturn:
        line, column = _position(self.source, node.offset)
        raise TemplateRenderError(
            f"{detail} (line {line}, column {column})", kind="partial", line=line, column=column
        )

    def _find_partial(self, name: str) -> _Program | None:
        for scope in reversed(self.partials):
            for key, body in scope:
                if key == name:
                    return body
        return None


# ---------------------------------------------------------- static variable listing


class _VariableCollector:
    """Lists the top-level data paths a template refers to, without data."""

    def __init__(self) -> None:
        self.found: set[str] = set()
        self.frames: list[tuple[Loc | None, dict[str, Loc | None]]] = [((), {})]
        self.partials: list[tuple[tuple[str, _Program], ...]] = []
        self.expanding: set[str] = set()

    def locate(self, expr: _Expr) -> Loc | None:
        if isinstance(expr, _Literal):
            return None
        if expr.data:
            if not expr.depth and expr.parts[:1] == ("root",):
                return expr.parts[1:]
            return None
        base: Loc | None
        parts = expr.parts
        if not expr.explicit_this and not expr.depth and parts:
            for _, params in reversed(self.frames):
                if parts[0] in params:
                    base, parts = params[parts[0]], parts[1:]
                    break
            else:
                base = self.frames[-1][0]
        else:
            index = len(self.frames) - 1 - expr.depth
            base = self.frames[index][0] if index >= 0 else None
        return base + parts if base is not None else None

    def add(self, expr: _Expr) -> Loc | None:
        loc = self.locate(expr)
        if loc and loc != (UNSUBSCRIBE_PLACEHOLDER,):
            self.found.add(".".join(loc))
        return loc

    def program(self, program: _Program) -> None:
        if program.partials:
            self.partials.append(program.partials)
        for node in program.body:
            if isinstance(node, _Output):
                self.output(node)
            elif isinstance(node, _Block):
                self.block(node)
            elif isinstance(node, _Partial):
                self.partial(node)
        if program.partials:
            self.partials.pop()

    def output(self, node: _Output) -> None:
        head = node.head
        simple = len(head.parts) == 1 and not head.data and not head.explicit_this
        if simple and head.parts[0] == "log":
            return
        if simple and head.parts[0] == "lookup" and len(node.params) == 2:
            obj, key = node.params
            loc = self.add(obj)
            if loc is not None and isinstance(key, _Literal) and key.value is not _MISSING:
                self.found.add(".".join((*loc, _to_text(key.value))))
            return
        self.add(head)

    def block(self, node: _Block) -> None:
        subject = node.params[0] if node.kind in _BUILTIN_BLOCKS else node.head
        loc = self.add(subject)
        for _, expr in node.hash:
            self.add(expr)
        if node.kind in ("if", "unless"):
            self.program(node.program)
        else:
            # each items and sections on unknown values are opaque; with is not.
            inner = loc if node.kind == "with" else None
            params: dict[str, Loc | None] = {}
            if node.block_params:
                params[node.block_params[0]] = inner
            self.frames.append((inner, params))
            self.program(node.program)
            self.frames.pop()
        if node.inverse is not None:
            self.program(node.inverse)

    def partial(self, node: _Partial) -> None:
        loc = self.add(node.context) if node.context is not None else self.frames[-1][0]
        for _, expr in node.hash:
            self.add(expr)
        if node.name in self.expanding:
            return
        for scope in reversed(self.partials):
            body = dict(scope).get(node.name)
            if body is not None:
                self.expanding.add(node.name)
                self.frames.append((loc, {}))
                self.program(body)
                self.frames.pop()
                self.expanding.discard(node.name)
                return


# ---------------------------------------------------------------------- public API


class CompiledTemplate:
    """A parsed template; render it as often as needed (it is immutable)."""

    __slots__ = ("_program", "_variables", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._program = _parse(source)
        collector = _VariableCollector()
        collector.program(self._program)
        self._variables = frozenset(collector.found)

    def __repr__(self) -> str:
        shown = self.source if len(self.source) <= 40 else self.source[:37] + "..."
        return f"CompiledTemplate({shown!r})"

    def render(self, data: Mapping[str, Any], *, strict: bool = False, escape: bool = False) -> str:
        """Render with ``data``.

        ``strict`` raises :class:`TemplateRenderError` when an attribute is
        missing (as SES does for sends); otherwise missing values print
        nothing. ``escape`` HTML-escapes ``{{x}}`` output as standard Handlebars
        does; SES does not, so it is off by default.
        """
        renderer = _Renderer(self.source, data, escape=escape)
        out: list[str] = []
        renderer.program(self._program, out)
        if renderer.missing and (strict or renderer.fatal):
            raise TemplateRenderError(
                _missing_message(renderer.missing[0]), kind="missing", missing=renderer.missing
            )
        return "".join(out)

    def missing(self, data: Mapping[str, Any]) -> list[str]:
        """The referenced paths absent from ``data``, sorted."""
        renderer = _Renderer(self.source, data, escape=False)
        renderer.program(self._program, [])
        return sorted(renderer.missing)

    def variables(self) -> set[str]:
        """Paths referenced from the top-level data, e.g. ``{"name", "order.id"}``.

        Includes paths used as conditions; leaves out paths relative to
        ``each`` items and the SES unsubscribe placeholder.
        """
        return set(self._variables)


@functools.lru_cache(maxsize=512)
def compile_template(source: str) -> CompiledTemplate:
    """Parse ``source`` once; the same source returns the cached template."""
    return CompiledTemplate(source)


def render(
    source: str, data: Mapping[str, Any], *, strict: bool = False, escape: bool = False
) -> str:
    """Compile (cached) and render ``source``; see :meth:`CompiledTemplate.render`."""
    return compile_template(source).render(data, strict=strict, escape=escape)


def missing_variables(source: str, data: Mapping[str, Any]) -> list[str]:
    """Sorted paths that ``source`` needs and ``data`` lacks (empty when it renders)."""
    return compile_template(source).missing(data)


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """The rendered parts of an email template; ``None`` where a part is absent."""

    subject: str | None
    html: str | None
    text: str | None


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _load_data(data: Mapping[str, Any] | str) -> Mapping[str, Any]:
    if not isinstance(data, str):
        return data
    try:
        loaded = json.loads(data, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise TemplateRenderError(
            f"Template data is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            kind="data",
        ) from None
    except ValueError as exc:
        raise TemplateRenderError(f"Template data is not valid JSON: {exc}", kind="data") from None
    if not isinstance(loaded, dict):
        raise TemplateRenderError(
            f"Template data must be a JSON object, not {type(loaded).__name__}", kind="data"
        )
    return loaded


def render_email_template(
    subject: str | None,
    html: str | None,
    text: str | None,
    data: Mapping[str, Any] | str,
    *,
    escape_html: bool = True,
) -> RenderedEmail:
    """Render the three parts of an SES template as a send would.

    ``data`` is a mapping or SES ``TemplateData`` (a JSON object in a string).
    Strict, like SES: a missing attribute in any part raises
    :class:`TemplateRenderError` naming the first one (parts checked in the
    order subject, html, text) and listing all of them in ``missing``. Each
    part is its own template: inline partials are not shared between parts.
    ``escape_html`` applies Handlebars escaping to the HTML part only.
    """
    values = _load_data(data)
    rendered: dict[str, str | None] = {}
    missing: list[str] = []
    first_failure: tuple[str, str] | None = None
    for part, source in (("subject", subject), ("html", html), ("text", text)):
        if source is None:
            rendered[part] = None
            continue
        try:
            template = compile_template(source)
            rendered[part] = template.render(
                values, strict=True, escape=escape_html and part == "html"
            )
        except TemplateRenderError as exc:
            if exc.kind != "missing":
                raise TemplateRenderError(
                    f"{part} part: {exc.message}",
                    kind=exc.kind,
                    line=exc.line,
                    column=exc.column,
                    part=part,
                ) from None
            if first_failure is None:
                first_failure = (part, exc.message)
            missing.extend(path for path in exc.missing if path not in missing)
    if first_failure is not None:
        raise TemplateRenderError(
            first_failure[1], kind="missing", missing=missing, part=first_failure[0]
        )
    return RenderedEmail(rendered["subject"], rendered["html"], rendered["text"])


_MIME_POLICY: Final = email_policy.default.clone(linesep="\r\n")


def _transfer_encoding(body: str) -> str:
    # 7bit is what SES uses for plain ASCII; anything else travels safely as QP.
    if body.isascii() and all(len(line) <= 998 for line in body.splitlines()):
        return "7bit"
    return "quoted-printable"


def rendered_mime(
    rendered: RenderedEmail,
    *,
    date: datetime | None = None,
    boundary: str | None = None,
) -> str:
    """The MIME message ``TestRenderEmailTemplate`` returns for ``rendered``.

    ``date`` defaults to now (UTC); ``boundary`` to a random one. Both exist
    so that tests and snapshots can be deterministic.
    """
    msg = EmailMessage(policy=_MIME_POLICY)
    msg["Date"] = email.utils.format_datetime(date or datetime.now(UTC))
    if rendered.subject is not None:
        # A header cannot carry line breaks; data may have put some there.
        msg["Subject"] = re.sub(r"[\r\n]+", " ", rendered.subject)
    msg["MIME-Version"] = "1.0"
    parts = [
        (body, subtype)
        for body, subtype in ((rendered.text, "plain"), (rendered.html, "html"))
        if body is not None
    ] or [("", "plain")]
    first_body, first_subtype = parts[0]
    msg.set_content(
        first_body, subtype=first_subtype, charset="utf-8", cte=_transfer_encoding(first_body)
    )
    if len(parts) > 1:
        msg.make_alternative()
        for body, subtype in parts[1:]:
            part = EmailMessage(policy=_MIME_POLICY)
            part.set_content(body, subtype=subtype, charset="utf-8", cte=_transfer_encoding(body))
            del part["MIME-Version"]  # belongs on the message, not on its parts
            msg.attach(part)
        if boundary is not None:
            msg.set_boundary(boundary)
    return msg.as_string(policy=_MIME_POLICY)
