"""Handlers of the local server, one module per SES resource family.

Each module keeps its functions in its own ``handlers`` table;
:func:`aws_ses.local.app.handler_table` composes the tables explicitly.
Everything they share (documents to responses, paging, the generic
create/get/list/update/delete engine) is in :mod:`aws_ses.local.resources`.
"""
