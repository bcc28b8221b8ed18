"""Tests for the SES Handlebars renderer and the TestRenderEmailTemplate MIME preview."""

from __future__ import annotations

import email
import html
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aws_ses.errors import SesError
from aws_ses.templating import (
    UNSUBSCRIBE_PLACEHOLDER,
    RenderedEmail,
    TemplateRenderError,
    compile_template,
    missing_variables,
    render,
    render_email_template,
    rendered_mime,
)

# ------------------------------------------------------------------ substitution


def test_simple_and_nested_paths() -> None:
    data = {"name": "Ana", "contact": {"address": {"city": "Porto"}}}
    assert render("Hi {{name}} from {{contact.address.city}}!", data) == "Hi Ana from Porto!"


def test_spaces_inside_braces_and_slash_paths() -> None:
    # SES accepts "{{favoriteanimal  }}" (moto's AWS-verified test does the same).
    data = {"a": {"b": "x"}}
    assert render("{{ a.b  }}|{{a/b}}|{{this.a.b}}|{{./a.b}}", data) == "x|x|x|x"


def test_names_are_case_sensitive() -> None:
    assert render("{{Name}}", {"name": "x"}) == ""
    assert missing_variables("{{Name}}", {"name": "x"}) == ["Name"]


def test_literal_segments_indexes_and_length() -> None:
    data = {"odd key": {"x-y": 1}, "items": ["a", "b"]}
    source = "{{[odd key].x-y}} {{items.[1]}} {{items.0}} {{items.length}} {{items.9}}"
    assert render(source, data) == "1 b a 2 "


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (None, ""),
        (0, "0"),
        (1, "1"),
        (-7, "-7"),
        (1.0, "1"),
        (1.5, "1.5"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123e-20, "1.23e-18"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        ([1, 2], "1,2"),
        ([1, [2, 3], None, True], "1,2,3,,true"),
        ([], ""),
        ({"a": 1}, "[object Object]"),
        ("plain", "plain"),
    ],
)
def test_values_print_like_javascript(value: Any, expected: str) -> None:
    assert render("{{v}}", {"v": value}) == expected


# ---------------------------------------------------------------------- escaping


def test_ses_does_not_escape_by_default() -> None:
    data = {"v": "<b>&'\"`=</b>"}
    assert render("{{v}}|{{{v}}}|{{&v}}", data) == "<b>&'\"`=</b>|" * 2 + "<b>&'\"`=</b>"


def test_handlebars_escaping_on_request() -> None:
    data = {"v": "<b>&'\"`=</b>"}
    escaped = "&lt;b&gt;&amp;&#x27;&quot;&#x60;&#x3D;&lt;/b&gt;"
    assert render("{{v}}", data, escape=True) == escaped
    assert render("{{{v}}}|{{&v}}", data, escape=True) == "<b>&'\"`=</b>|<b>&'\"`=</b>"


def test_escaping_applies_to_stringified_values() -> None:
    assert render("{{v}}", {"v": ["<a>", "b&c"]}, escape=True) == "&lt;a&gt;,b&amp;c"


# ---------------------------------------------------------------------- comments


def test_comments_render_nothing() -> None:
    source = "a{{! short }}b{{!-- long with }} inside --}}c"
    assert render(source, {}) == "abc"


def test_comment_alone_on_a_line_takes_the_line() -> None:
    assert render("a\n  {{! note }}\nb", {}) == "a\nb"


# ------------------------------------------------------------------- conditionals


@pytest.mark.parametrize(
    ("value", "truthy"),
    [
        (True, True),
        (False, False),
        (None, False),
        (0, False),
        (0.0, False),
        (float("nan"), False),
        ("", False),
        ([], False),
        ("0", True),
        ("false", True),
        (1, True),
        (-1, True),
        ([0], True),
        ({}, True),
    ],
)
def test_if_truthiness(value: Any, truthy: bool) -> None:
    assert render("{{#if v}}T{{else}}F{{/if}}", {"v": value}) == ("T" if truthy else "F")
    assert render("{{#unless v}}F{{else}}T{{/unless}}", {"v": value}) == ("T" if truthy else "F")


def test_if_on_absent_attribute_is_false() -> None:
    assert render("{{#if nope}}T{{else}}F{{/if}}", {}) == "F"


def test_if_include_zero() -> None:
    assert render("{{#if n includeZero=true}}T{{else}}F{{/if}}", {"n": 0}) == "T"


def test_else_if_chain_and_caret_else() -> None:
    source = "{{#if a}}A{{else if b}}B{{else unless c}}notC{{else}}C{{/if}}"
    assert render(source, {"a": 1}) == "A"
    assert render(source, {"b": 1}) == "B"
    assert render(source, {}) == "notC"
    assert render(source, {"c": 1}) == "C"
    assert render("{{#if a}}A{{^}}N{{/if}}", {}) == "N"


def test_branches_not_taken_are_not_evaluated() -> None:
    source = "{{#if premium}}{{discount}}{{else}}standard{{/if}}"
    assert render(source, {"premium": False}, strict=True) == "standard"
    with pytest.raises(TemplateRenderError, match="'discount'"):
        render(source, {"premium": True}, strict=True)


# ----------------------------------------------------------------------- iteration


def test_each_list_with_index_first_last() -> None:
    source = "{{#each xs}}{{@index}}:{{this}}{{#if @first}}<{{/if}}{{#if @last}}>{{/if}} {{/each}}"
    assert render(source, {"xs": ["a", "b", "c"]}) == "0:a< 1:b 2:c> "


def test_each_fields_of_items() -> None:
    # The example from SES's own AWS-verified behaviour (moto test_render_template__advanced).
    source = "{{#each items}} {{name}} is {{#if best}}the best{{else}}a {{type}}{{/if}}, {{/each}}"
    items = [
        {"type": "dog", "name": "bobby", "best": True},
        {"type": "cat", "name": "pedro", "best": False},
    ]
    result = render(source, {"items": items})
    assert "bobby is the best" in result
    assert "pedro is a cat" in result
    assert render("{{#each items}}{{this.name}},{{/each}}", {"items": items}) == "bobby,pedro,"


def test_each_object_with_key() -> None:
    source = "{{#each o}}{{@key}}={{this}}{{#unless @last}}&{{/unless}}{{/each}}"
    assert render(source, {"o": {"x": 1, "y": "two"}}) == "x=1&y=two"


def test_nested_each_with_parent_index_and_parent_context() -> None:
    data = {"label": "L", "rows": [{"cells": ["a", "b"]}, {"cells": ["c"]}]}
    source = (
        "{{#each rows}}{{#each cells}}[{{@../index}}.{{@index}} {{this}} {{../../label}}]"
        "{{/each}}{{/each}}"
    )
    assert render(source, data) == "[0.0 a L][0.1 b L][1.0 c L]"


def test_each_else_on_empty_or_absent() -> None:
    source = "{{#each xs}}{{this}}{{else}}none{{/each}}"
    assert render(source, {"xs": []}) == "none"
    assert render(source, {}) == "none"
    assert render(source, {"xs": "not a list"}) == "none"


def test_each_block_params_and_root() -> None:
    source = "{{#each items as |item i|}}{{i}}:{{item.n}}{{@root.sep}}{{/each}}"
    assert render(source, {"items": [{"n": "a"}, {"n": "b"}], "sep": ";"}) == "0:a;1:b;"


def test_with_and_else() -> None:
    source = "{{#with user}}{{first}} {{../suffix}}{{else}}nobody{{/with}}"
    assert render(source, {"user": {"first": "Ana"}, "suffix": "!"}) == "Ana !"
    assert render(source, {"user": None}) == "nobody"
    assert render("{{#with u as |p|}}{{p.n}}{{/with}}", {"u": {"n": 1}}) == "1"


def test_mustache_sections() -> None:
    data = {"t": True, "f": False, "obj": {"n": "x"}, "xs": [1, 2], "name": "N"}
    source = (
        "{{#t}}T{{name}}{{/t}}|{{#f}}F{{else}}notF{{/f}}|"
        "{{#obj}}{{n}}{{/obj}}|{{#xs}}<{{.}}>{{/xs}}"
    )
    assert render(source, data) == "TN|notF|x|<1><2>"
    assert render("{{^f}}no{{/f}}{{^t}}yes{{else}}T{{/t}}", data) == "noT"


def test_lookup_and_log_helpers() -> None:
    data = {"map": {"k": "v"}, "key": "k", "xs": ["a", "b"]}
    assert render("{{lookup map key}} {{lookup xs 1}} {{log 'ignored'}}", data) == "v b "


# ------------------------------------------------------------------ whitespace


def test_tilde_strips_whitespace() -> None:
    assert render("a  \n {{~x~}} \n b", {"x": "X"}) == "aXb"
    assert render("<{{#if t~}}  yes  {{~/if}}>", {"t": True}) == "<yes>"


def test_standalone_block_lines_vanish() -> None:
    source = "<ul>\n  {{#each xs}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>\n"
    assert render(source, {"xs": [1, 2]}) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n"
    source = "{{#if a}}\n  yes\n{{else}}\n  no\n{{/if}}\nend"
    assert render(source, {"a": False}) == "  no\nend"


def test_tags_sharing_a_line_are_not_standalone() -> None:
    assert render("{{#if a}} x {{/if}}\n", {"a": True}) == " x \n"


def test_escaped_mustache_is_literal() -> None:
    assert render("\\{{name}} {{name}}", {"name": "x"}) == "{{name}} x"
    assert render("\\\\{{name}}", {"name": "x"}) == "\\x"


# ---------------------------------------------------------------------- partials


def test_inline_partials_as_in_the_ses_guide() -> None:
    source = (
        '{{#* inline "fullName"}}{{firstName}}{{#if lastName}} {{lastName}}{{/if}}{{/inline~}}\n'
        "Hello {{> fullName}}!{{#each friends}} - {{> fullName}}{{/each}}"
    )
    data = {"firstName": "Ana", "lastName": "Lima", "friends": [{"firstName": "Bo"}]}
    assert render(source, data) == "Hello Ana Lima! - Bo"


def test_partial_context_hash_and_indentation() -> None:
    source = (
        '{{#*inline "cell"}}\n<td>{{v}}</td>\n{{/inline}}\n'
        "<tr>\n  {{> cell}}\n  {{> cell v=2}}\n  {{> cell other}}\n</tr>"
    )
    data = {"v": 1, "other": {"v": 3}}
    assert render(source, data) == "<tr>\n  <td>1</td>\n  <td>2</td>\n  <td>3</td>\n</tr>"


def test_unknown_and_runaway_partials_fail() -> None:
    with pytest.raises(TemplateRenderError, match="partial nope could not be found") as info:
        render("a\n  {{> nope}}", {})
    assert (info.value.kind, info.value.line, info.value.column) == ("partial", 2, 3)
    with pytest.raises(TemplateRenderError, match="nests deeper"):
        render('{{#*inline "r"}}{{> r}}{{/inline}}{{> r}}', {})


def test_inline_partials_are_not_shared_between_parts() -> None:
    with pytest.raises(TemplateRenderError, match="partial p could not be found"):
        render_email_template('{{#*inline "p"}}x{{/inline}}{{> p}}', None, "{{> p}}", {})


# --------------------------------------------------------------- missing values


def test_strict_raises_with_the_ses_message() -> None:
    with pytest.raises(TemplateRenderError) as info:
        render("Dear {{name}}, your favorite color is {{favoritecolor}}.", {}, strict=True)
    err = info.value
    assert err.message == "Attribute 'name' is not present in the rendering data."
    assert err.missing == ["name", "favoritecolor"]
    assert err.kind == "missing"
    assert err.code == "TemplateRenderError"
    assert isinstance(err, SesError)


def test_lenient_renders_missing_as_empty() -> None:
    assert render("[{{a}}][{{b.c}}][{{{d}}}]", {"b": {}}) == "[][][]"


def test_null_is_present() -> None:
    assert render("[{{a}}]", {"a": None}, strict=True) == "[]"
    assert missing_variables("{{a}}", {"a": None}) == []


def test_missing_variables_sorted_and_qualified() -> None:
    source = (
        "{{#if flag}}{{shown}}{{/if}}{{name}} {{order.id}} "
        "{{#each items}}{{sku}}{{/each}} {{#unless quiet}}{{/unless}} {{^inv}}{{/inv}}"
    )
    data = {"flag": True, "items": [{"sku": 1}, {}], "order": {}}
    assert missing_variables(source, data) == ["items.1.sku", "name", "order.id", "shown"]


def test_condition_only_paths_are_not_missing() -> None:
    source = "{{#if a}}{{/if}}{{#unless b}}{{/unless}}{{#each c}}{{/each}}{{#with d}}{{/with}}"
    assert missing_variables(source, {}) == []
    assert render(source, {}, strict=True) == ""


def test_sections_and_unknown_helpers_require_their_name() -> None:
    # SES reports an unknown block such as {{#IF x}} as a missing attribute 'IF'.
    assert missing_variables("{{#sec}}x{{/sec}} {{#IF name}}y{{/IF}}", {"name": 1}) == [
        "IF",
        "sec",
    ]
    with pytest.raises(TemplateRenderError, match="Attribute 'IF' is not present"):
        render("{{#IF name}}y{{/IF}}", {"name": 1})  # fails even when lenient
    with pytest.raises(TemplateRenderError, match="Attribute 'shout' is not present"):
        render("{{shout name}}", {"name": 1})
    assert render("{{shout name}}", {"shout": "S", "name": 1}) == "S"


def test_unsubscribe_placeholder_is_left_for_ses() -> None:
    source = "<a href='{{" + UNSUBSCRIBE_PLACEHOLDER + "}}'>unsubscribe</a>"
    assert render(source, {}, strict=True) == source
    assert missing_variables(source, {}) == []
    assert render(source, {UNSUBSCRIBE_PLACEHOLDER: "u"}) == "<a href='u'>unsubscribe</a>"


def test_data_variables_are_never_missing() -> None:
    assert render("[{{@index}}]", {}, strict=True) == "[]"


# ---------------------------------------------------------------------- variables


def test_variables_lists_top_level_paths() -> None:
    template = compile_template(
        "{{name}} {{order.id}} {{#if vip}}{{/if}} "
        "{{#each items}}{{sku}} {{../currency}} {{@root.shop.name}}{{/each}} "
        "{{#with user}}{{first}}{{/with}} {{lookup prices 'eur'}} "
        "{{#each xs as |x|}}{{x.a}}{{/each}} {{" + UNSUBSCRIBE_PLACEHOLDER + "}}"
    )
    assert template.variables() == {
        "name",
        "order.id",
        "vip",
        "items",
        "currency",
        "shop.name",
        "user",
        "user.first",
        "prices",
        "prices.eur",
        "xs",
    }


def test_variables_follow_inline_partials() -> None:
    template = compile_template('{{#*inline "p"}}{{a}}{{/inline}}{{> p}}{{> p ctx}}')
    assert template.variables() == {"a", "ctx", "ctx.a"}


def test_variables_returns_a_copy() -> None:
    template = compile_template("{{a}}")
    template.variables().add("b")
    assert template.variables() == {"a"}


# ------------------------------------------------------------------ compilation


def test_compiled_templates_are_cached_and_reusable() -> None:
    source = "cache {{x}}"
    template = compile_template(source)
    assert compile_template(source) is template
    assert template.render({"x": 1}) == "cache 1"
    assert template.render({"x": 2}) == "cache 2"
    assert "cache" in repr(template)


@pytest.mark.parametrize(
    ("source", "line", "column", "fragment"),
    [
        ("{{#each items}}x", 1, 1, "{{#each}} is never closed"),
        ("a\n\n  {{#if x}}\n{{/each}}", 4, 1, "does not match {{#if}} opened at line 3, column 3"),
        ("line\n  {{/if}}", 2, 3, "closes no open block"),
        ("ok\n {{name", 2, 2, "never closed with '}}'"),
        ("{{{name}}", 1, 1, "never closed with '}}}'"),
        ("{{!-- open", 1, 1, "never closed with '--}}'"),
        ("{{else}}", 1, 1, "outside a block"),
        ("{{#if a}}{{else}}{{else}}{{/if}}", 1, 18, "second '{{else}}'"),
        ("{{#if}}{{/if}}", 1, 1, "takes exactly one argument"),
        ("{{#each a b}}{{/each}}", 1, 1, "takes exactly one argument"),
        ("x {{}}", 1, 3, "empty expression"),
        ("{{a..b}}", 1, 1, "'..' must start the path"),
        ("{{a.}}", 1, 1, "invalid path"),
        ("{{(helper x)}}", 1, 1, "subexpressions"),
        ("{{#> layout}}{{/layout}}", 1, 1, "partial blocks"),
        ("{{{{raw}}}}x{{{{/raw}}}}", 1, 1, "raw blocks"),
        ('{{#*decorator "x"}}{{/decorator}}', 1, 1, "only '{{#*inline"),
        ("{{#if a as |b|}}{{/if}}", 1, 1, "block parameters need"),
        ('{{"literal"}}', 1, 1, "must start with a name"),
        ("{{#each xs}}\n{{#if y}}\n", 2, 1, "{{#if}} is never closed"),
    ],
)
def test_syntax_errors_name_the_position(
    source: str, line: int, column: int, fragment: str
) -> None:
    with pytest.raises(TemplateRenderError) as info:
        compile_template(source)
    err = info.value
    assert (err.kind, err.line, err.column) == ("syntax", line, column)
    assert f"line {line}, column {column}" in err.message
    assert fragment in err.message


# ------------------------------------------------------------- email templates


def test_render_email_template_with_json_string() -> None:
    rendered = render_email_template(
        "Hello, {{name}}!",
        "<h1>Hello {{name}},</h1><p>{{#each xs}}{{this}} {{/each}}</p>",
        "Dear {{name}},\r\n{{xs}}",
        '{"name": "Jane", "xs": [1, 2], "unused": true}',
    )
    assert rendered == RenderedEmail(
        "Hello, Jane!", "<h1>Hello Jane,</h1><p>1 2 </p>", "Dear Jane,\r\n1,2"
    )


def test_render_email_template_absent_parts() -> None:
    assert render_email_template(None, None, "t{{a}}", {"a": 1}) == RenderedEmail(None, None, "t1")


def test_render_email_template_escapes_only_html() -> None:
    rendered = render_email_template("{{v}}", "{{v}}", "{{v}}", {"v": "a&b"})
    assert rendered == RenderedEmail("a&b", "a&amp;b", "a&b")
    assert render_email_template(None, "{{{v}}}", None, {"v": "<b>"}).html == "<b>"
    assert render_email_template(None, "{{v}}", None, {"v": "a&b"}, escape_html=False).html == "a&b"


def test_render_email_template_is_strict_across_parts() -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_email_template(
            "Hi {{name}}", "<p>{{color}}</p>", "{{color}} {{size}}", {"name": "x"}
        )
    err = info.value
    assert err.message == "Attribute 'color' is not present in the rendering data."
    assert err.part == "html"
    assert err.missing == ["color", "size"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("{not json", "Template data is not valid JSON: Expecting property name"),
        ("", "Template data is not valid JSON"),
        ('{"a": NaN}', "NaN is not valid JSON"),
        ("[1, 2]", "must be a JSON object, not list"),
        ('"text"', "must be a JSON object, not str"),
    ],
)
def test_render_email_template_rejects_bad_data(data: str, fragment: str) -> None:
    with pytest.raises(TemplateRenderError, match=fragment) as info:
        render_email_template("s", None, None, data)
    assert info.value.kind == "data"


def test_render_email_template_syntax_error_names_the_part() -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_email_template("ok", "<p>\n{{#if x}}", None, {})
    err = info.value
    assert (err.kind, err.part, err.line, err.column) == ("syntax", "html", 2, 1)
    assert err.message.startswith("html part: Template syntax error at line 2, column 1")


# --------------------------------------------------------------------- MIME preview


def _parse(mime: str) -> EmailMessage:
    message = email.message_from_string(mime, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _body(text: str) -> str:
    """What a body looks like after a MIME round trip: LF line ends, final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def _content(part: MIMEPart) -> str:
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def test_rendered_mime_multipart_round_trip() -> None:
    rendered = RenderedEmail("Greetings, John!", "<h1>Hello John,</h1>", "Dear John,\nbye")
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    mime = rendered_mime(rendered, date=when, boundary="BOUNDARY")
    head = mime.split("\r\n\r\n", 1)[0]
    assert head == (
        "Date: Mon, 06 May 2024 07:08:09 +0000\r\n"
        "Subject: Greetings, John!\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="BOUNDARY"'
    )
    assert "\n" not in mime.replace("\r\n", "")  # CRLF throughout
    message = _parse(mime)
    assert message["Subject"] == "Greetings, John!"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p["Content-Transfer-Encoding"] == "7bit" for p in parts)
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert all(isinstance(p, EmailMessage) and "MIME-Version" not in p for p in parts)
    assert _content(parts[0]) == _body(rendered.text or "")
    assert _content(parts[1]) == _body(rendered.html or "")


def test_rendered_mime_non_ascii() -> None:
    rendered = render_email_template(
        "Olá {{name}} — café ☕", "<p>{{name}}</p>", "Olá {{name}}", {"name": "Zoë"}
    )
    mime = rendered_mime(rendered)
    assert mime.isascii()
    assert "=?utf-8?" in mime.split("\r\n\r\n", 1)[0]  # RFC 2047 encoded word
    message = _parse(mime)
    assert message["Subject"] == "Olá Zoë — café ☕"
    text, html_part = message.iter_parts()
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert _content(text) == "Olá Zoë\n"
    assert _content(html_part) == "<p>Zoë</p>\n"


@pytest.mark.parametrize(
    ("rendered", "content_type", "body"),
    [
        (RenderedEmail("s", None, "only text"), "text/plain", "only text"),
        (RenderedEmail("s", "<b>only html</b>", None), "text/html", "<b>only html</b>"),
        (RenderedEmail("s", None, None), "text/plain", ""),
    ],
)
def test_rendered_mime_single_part(rendered: RenderedEmail, content_type: str, body: str) -> None:
    message = _parse(rendered_mime(rendered))
    assert not message.is_multipart()
    assert message.get_content_type() == content_type
    assert message["MIME-Version"] == "1.0"
    assert _content(message) == _body(body)


def test_rendered_mime_subject_cannot_break_headers() -> None:
    message = _parse(rendered_mime(RenderedEmail("a\r\nBcc: evil@example.com", None, "x")))
    assert message["Subject"] == "a Bcc: evil@example.com"
    assert message["Bcc"] is None


def test_rendered_mime_without_subject() -> None:
    assert "Subject" not in _parse(rendered_mime(RenderedEmail(None, None, "x")))


# ------------------------------------------------------------------- properties

_NO_BRACE = st.text(alphabet=st.characters(blacklist_characters="{"))


@given(_NO_BRACE)
def test_text_without_braces_renders_unchanged(text: str) -> None:
    assert render(text, {}) == text
    assert render(text, {}, escape=True) == text


@given(st.text())
def test_triple_braces_render_values_verbatim(value: str) -> None:
    assert render("{{{x}}}", {"x": value}) == value
    assert render("{{{x}}}", {"x": value}, escape=True) == value


@given(st.text())
def test_escaped_output_unescapes_to_the_value(value: str) -> None:
    escaped = render("{{x}}", {"x": value}, escape=True)
    assert not set("<>\"'`=") & set(escaped)
    assert html.unescape(escaped) == value
    assert render("{{x}}", {"x": value}) == value  # SES mode: no escaping


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200),
    st.text(max_size=300),
    st.text(max_size=300),
)
def test_rendered_mime_round_trips(subject: str, html_body: str, text_body: str) -> None:
    message = _parse(rendered_mime(RenderedEmail(subject, html_body, text_body)))
    # Whitespace at the ends of a header value is not reliably kept by MIME.
    assert message["Subject"].strip(" \t") == subject.strip(" \t")
    text, html_part = message.iter_parts()
    assert _content(text) == _body(text_body)
    assert _content(html_part) == _body(html_body)
