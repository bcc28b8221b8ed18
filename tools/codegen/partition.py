"""Split the model's shapes into modules by the resource groups that use them.

A shape's signature is the pair (groups whose operation results reach it,
groups whose operation requests reach it). Shapes with the same signature
share a module, named for what it holds: ``emails_results``,
``identities_requests``, ``jobs_shared`` (both sides of one group),
``common_<first shape>`` (several groups) or ``error_bodies`` (no operation
reaches it: the error structures). A call then loads the modules of its own
group, plus the few that several groups share. The model tables, whose
entries are small, use a coarser split: one module per group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .groups import GROUPS
from .service import Model


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def partition(
    model: Model, keep: Callable[[dict[str, Any]], bool], *, by_side: bool = True
) -> dict[str, list[str]]:
    """Module name -> the (sorted) names of the shapes ``keep`` accepts that it holds.

    ``by_side=False`` makes coarser modules: one per group (its requests and
    results together), ``common`` for every shape several groups use, and
    ``error_bodies``.
    """
    group_of = {op: accessor for accessor, _, _, ops in GROUPS for op in ops}
    by_results: dict[str, set[str]] = {}
    by_requests: dict[str, set[str]] = {}
    for op, spec in model.operations.items():
        for key, users in (("output", by_results), ("input", by_requests)):
            if key in spec:
                for name in model.reachable([spec[key]["shape"]]):
                    users.setdefault(name, set()).add(group_of[op])
    signatures: dict[tuple[frozenset[str], frozenset[str]], list[str]] = {}
    for name in sorted(n for n, shape in model.shapes.items() if keep(shape)):
        key = (frozenset(by_results.get(name, ())), frozenset(by_requests.get(name, ())))
        signatures.setdefault(key, []).append(name)
    modules: dict[str, list[str]] = {}
    for (results, requests), names in signatures.items():
        groups = results | requests
        if not groups:
            module = "error_bodies"
        elif not by_side:
            module = "common" if len(groups) > 1 else next(iter(groups))
        elif len(groups) > 1:
            module = f"common_{_snake(names[0])}"
        elif results and requests:
            module = f"{next(iter(groups))}_shared"
        else:
            module = f"{next(iter(groups))}_{'results' if results else 'requests'}"
        if by_side and module in modules:
            raise SystemExit(f"two generated modules would be named {module}")
        modules.setdefault(module, []).extend(names)
    return {module: sorted(names) for module, names in modules.items()}
