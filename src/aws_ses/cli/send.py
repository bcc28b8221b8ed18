"""``aws-ses send``: one message, simple or templated, through ``EmailBuilder``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aws_ses.cli._context import Output, settings
from aws_ses.cli._errors import CliError
from aws_ses.cli._inputs import json_object, text_or_file
from aws_ses.cli._output import to_json
from aws_ses.cli._tags import parse_headers, parse_tags

__all__ = ["send"]

Addresses = list[str] | None


def send(
    ctx: typer.Context,
    from_: Annotated[
        str, typer.Option("--from", help="Sender: addr or 'Name <addr>'.", show_default=False)
    ],
    to: Annotated[Addresses, typer.Option("--to", help="Recipient (repeatable).")] = None,
    cc: Annotated[Addresses, typer.Option("--cc", help="Cc recipient (repeatable).")] = None,
    bcc: Annotated[Addresses, typer.Option("--bcc", help="Bcc recipient (repeatable).")] = None,
    reply_to: Annotated[
        Addresses, typer.Option("--reply-to", help="Reply-To address (repeatable).")
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="Subject line.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Text body.")] = None,
    text_file: Annotated[
        Path | None, typer.Option("--text-file", help="Read the text body from FILE.")
    ] = None,
    html: Annotated[str | None, typer.Option("--html", help="HTML body.")] = None,
    html_file: Annotated[
        Path | None, typer.Option("--html-file", help="Read the HTML body from FILE.")
    ] = None,
    attach: Annotated[
        list[Path] | None, typer.Option("--attach", help="Attach FILE (repeatable).")
    ] = None,
    inline: Annotated[
        list[str] | None,
        typer.Option(
            "--inline",
            help='Inline image FILE or CID=FILE, shown by <img src="cid:CID"> '
            "(CID defaults to the file name; repeatable).",
        ),
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="Send the stored template NAME.")
    ] = None,
    data: Annotated[
        str | None, typer.Option("--data", help="Template data: a JSON object, or @FILE.")
    ] = None,
    config_set: Annotated[
        str | None, typer.Option("--config-set", help="Configuration set name.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Message tag key=value (repeatable).")
    ] = None,
    header: Annotated[
        list[str] | None,
        typer.Option("--header", help="Custom header 'Name: value' (repeatable)."),
    ] = None,
) -> None:
    """Send one email: a subject with a text and/or HTML body, or a stored template.

    Every check (addresses, header limits, attachments) runs before anything
    is sent; the message id is printed on success.
    """
    s = settings(ctx)
    text_body = text_or_file(text, text_file, "text")
    html_body = text_or_file(html, html_file, "html")
    if template is not None:
        if subject is not None or text_body is not None or html_body is not None:
            raise CliError(
                "--template sends the template's own subject and body; "
                "drop --subject, --text and --html"
            )
        if attach or inline:
            raise CliError("SES cannot attach files to a templated send; drop --attach/--inline")
    elif data is not None:
        raise CliError("--data needs --template")
    elif text_body is None and html_body is None:
        raise CliError("give --text, --text-file, --html or --html-file (or --template)")
    tags = parse_tags(tag)
    headers = parse_headers(header)
    with s.client() as ses:
        builder = ses.email_builder().from_(from_)
        builder.to_many(to or []).cc_many(cc or []).bcc_many(bcc or [])
        builder.reply_to_many(reply_to or [])
        if template is not None:
            builder.template(template).template_data(json_object(data or "{}", "--data"))
        else:
            if subject is not None:
                builder.subject(subject)
            if text_body is not None:
                builder.text_body(text_body)
            if html_body is not None:
                builder.html_body(html_body)
        for path in attach or ():
            if not path.is_file():
                raise CliError(f"--attach: no such file: {path}")
            builder.attach_file(path)
        for spec in inline or ():
            cid, sep, name = spec.partition("=")
            path = Path(name if sep else spec)
            if not path.is_file():
                raise CliError(f"--inline: no such file: {path}")
            builder.inline_image(cid if sep else path.name, path)
        if config_set is not None:
            builder.configuration_set(config_set)
        for key, value in tags.items():
            builder.tag(key, value)
        for name, value in headers:
            builder.header(name, value)
        sent = builder.send()
    if s.output is Output.json:
        print(to_json(sent))
    else:
        print(f"sent message {sent.message_id}")
