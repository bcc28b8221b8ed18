"""``aws-ses templates``: list, get, create, update, delete and render email templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from aws_ses.cli._context import Output, settings
from aws_ses.cli._errors import CliError
from aws_ses.cli._inputs import json_object, text_or_file
from aws_ses.cli._output import emit_record, emit_rows, to_json

__all__ = ["group"]

group = typer.Typer(help="Email templates: list, get, create, update, delete, render.")

Name = Annotated[str, typer.Argument(help="Template name.", show_default=False)]
Subject = Annotated[str | None, typer.Option("--subject", help="Subject line (Handlebars).")]
Html = Annotated[str | None, typer.Option("--html", help="HTML part (Handlebars).")]
HtmlFile = Annotated[Path | None, typer.Option("--html-file", help="Read the HTML part from FILE.")]
Text = Annotated[str | None, typer.Option("--text", help="Text part (Handlebars).")]
TextFile = Annotated[Path | None, typer.Option("--text-file", help="Read the text part from FILE.")]


@group.command("list")
def list_templates(ctx: typer.Context) -> None:
    """List the stored templates, oldest first."""
    s = settings(ctx)
    with s.client() as ses:
        items = list(ses.templates.iter())
    rows = [{"name": t.template_name, "created": t.created_timestamp} for t in items]
    emit_rows(s, rows, ["name", "created"], json_value=items, title="Templates")


@group.command("get")
def get(ctx: typer.Context, name: Name) -> None:
    """Show a template's subject, HTML and text parts."""
    s = settings(ctx)
    with s.client() as ses:
        found = ses.templates.get(template_name=name)
    content = found.template_content
    if s.output is Output.table:
        console = s.console
        console.print(f"[bold]template[/] {found.template_name}")
        for part in ("subject", "text", "html"):
            value = getattr(content, part, None) if content else None
            if value is not None:
                console.print(f"[bold]--- {part}[/]")
                console.print(value, markup=False)
        return
    pairs = [
        ("name", found.template_name),
        ("subject", content.subject if content else None),
        ("text", content.text if content else None),
        ("html", content.html if content else None),
    ]
    emit_record(s, pairs, json_value=found)


@group.command("create")
def create(
    ctx: typer.Context,
    name: Name,
    subject: Subject = None,
    html: Html = None,
    html_file: HtmlFile = None,
    text: Text = None,
    text_file: TextFile = None,
) -> None:
    """Store a new template (its Handlebars syntax is checked first)."""
    s = settings(ctx)
    with s.client() as ses:
        builder = ses.template_builder(name)
        _fill(
            builder,
            subject,
            text_or_file(html, html_file, "html"),
            text_or_file(text, text_file, "text"),
        )
        builder.create()
    print(f"created template {name}")


@group.command("update")
def update(
    ctx: typer.Context,
    name: Name,
    subject: Subject = None,
    html: Html = None,
    html_file: HtmlFile = None,
    text: Text = None,
    text_file: TextFile = None,
) -> None:
    """Change a stored template; parts not given keep their current value."""
    s = settings(ctx)
    html_value = text_or_file(html, html_file, "html")
    text_value = text_or_file(text, text_file, "text")
    if subject is None and html_value is None and text_value is None:
        raise CliError("nothing to update: give --subject, --html or --text")
    with s.client() as ses:
        current = ses.templates.get(template_name=name).template_content
        builder = ses.template_builder(name)
        _fill(
            builder,
            subject if subject is not None else (current.subject if current else None),
            html_value if html_value is not None else (current.html if current else None),
            text_value if text_value is not None else (current.text if current else None),
        )
        builder.update()
    print(f"updated template {name}")


@group.command("delete")
def delete(ctx: typer.Context, name: Name) -> None:
    """Delete a stored template."""
    with settings(ctx).client() as ses:
        ses.templates.delete(template_name=name)
    print(f"deleted template {name}")


@group.command("render")
def render(
    ctx: typer.Context,
    name: Name,
    data: Annotated[
        str, typer.Option("--data", help="Template data: a JSON object, or @FILE.")
    ] = "{}",
    remote: Annotated[
        bool,
        typer.Option("--remote", help="Render on SES (TestRenderEmailTemplate) instead of here."),
    ] = False,
) -> None:
    """Render a stored template with DATA, here (the local server's renderer) or on SES.

    A local render lists the variables DATA lacks and exits 1 when any is missing.
    """
    s = settings(ctx)
    values = json_object(data, "--data")
    with s.client() as ses:
        if remote:
            answer = ses.templates.test_render(template_name=name, template_data=json.dumps(values))
            if s.output is Output.json:
                print(to_json(answer))
            else:
                print(answer.rendered_template or "")
            return
        result = ses.templates.render_locally(name, values)
    if s.output is Output.table:
        console = s.console
        for part in ("subject", "text", "html"):
            value = getattr(result, part)
            if value is not None:
                console.print(f"[bold]--- {part}[/]")
                console.print(value, markup=False)
    else:
        emit_record(
            s,
            [
                ("subject", result.subject),
                ("text", result.text),
                ("html", result.html),
                ("missing", result.missing),
            ],
        )
    if result.missing:
        print(
            f"aws-ses: error: the data lacks {', '.join(result.missing)}; "
            "SES would fail to render this mail",
            file=sys.stderr,
        )
        raise typer.Exit(1)


def _fill(builder: object, subject: str | None, html: str | None, text: str | None) -> None:
    from aws_ses.template_builder import TemplateBuilder

    assert isinstance(builder, TemplateBuilder)
    if subject is not None:
        builder.subject(subject)
    if html is not None:
        builder.html(html)
    if text is not None:
        builder.text(text)
