"""The shape of the service model: what the generated tables are made of.

``_generated/model.py`` describes every SES v2 shape and operation with these
small immutable records. The serializer, the validator and the local server
walk them; nothing else knows the wire format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Member",
    "Operation",
    "Paginator",
    "Shape",
    "ShapeKind",
    "operation",
    "operation_names",
    "shape",
]

ShapeKind = Literal[
    "structure",
    "list",
    "map",
    "string",
    "integer",
    "long",
    "double",
    "boolean",
    "timestamp",
    "blob",
]


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a structure: its wire name, Python name and target shape."""

    wire: str
    py: str
    shape: str
    location: Literal["uri", "querystring", "header"] | None = None
    location_name: str | None = None


@dataclass(frozen=True, slots=True)
class Shape:
    """One shape of the model, with the constraints the client checks."""

    name: str
    kind: ShapeKind
    members: tuple[Member, ...] = ()
    required: frozenset[str] = frozenset()
    member: str | None = None  # list element shape
    key: str | None = None  # map key shape
    value: str | None = None  # map value shape
    enum: frozenset[str] | None = None
    min: int | None = None
    max: int | None = None
    sensitive: bool = False
    # The model's regular expression for a string, matched against the whole value.
    pattern: str | None = None
    # Filled lazily: wire name and Python name -> Member, for structures.
    _index: dict[str, Member] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, key: str) -> Member | None:
        """Find a member by Python name or by wire name."""
        index = self._index
        if not index:
            for m in self.members:
                index[m.py] = m
                index[m.wire] = m
        return index.get(key)


@dataclass(frozen=True, slots=True)
class Paginator:
    """How a list operation pages: token members and the list it yields."""

    input_token: str
    output_token: str
    result_key: str
    limit_key: str | None


@dataclass(frozen=True, slots=True)
class Operation:
    """One SES v2 operation."""

    name: str
    py_name: str
    method: str
    uri: str
    input: str | None
    output: str | None
    errors: tuple[str, ...] = ()
    paginator: Paginator | None = None


_shapes: dict[str, Shape] = {}
_operations: dict[str, Operation] = {}


def shape(name: str) -> Shape:
    """The record for a shape, built from the generated table on first use."""
    found = _shapes.get(name)
    if found is None:
        from aws_ses._generated.model import SHAPES

        kind, members, required, member, key, value, enum, lo, hi, sensitive, pattern = SHAPES[name]
        found = Shape(
            name,
            kind,
            members=tuple(Member(*m) for m in members),
            required=frozenset(required),
            member=member,
            key=key,
            value=value,
            enum=frozenset(enum) if enum is not None else None,
            min=lo,
            max=hi,
            sensitive=sensitive,
            pattern=pattern,
        )
        _shapes[name] = found
    return found


def operation(py_name: str) -> Operation:
    """The record for an operation, by its Python (boto3) name."""
    found = _operations.get(py_name)
    if found is None:
        from aws_ses._generated.model import OPERATIONS

        name, method, uri, inp, out, errors, pag = OPERATIONS[py_name]
        found = Operation(
            name,
            py_name,
            method,
            uri,
            inp,
            out,
            errors=errors,
            paginator=Paginator(*pag) if pag else None,
        )
        _operations[py_name] = found
    return found


def operation_names() -> list[str]:
    """Python names of every operation."""
    from aws_ses._generated.model import OPERATIONS

    return sorted(OPERATIONS)
