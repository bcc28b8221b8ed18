"""The shape of the service model: what the generated tables are made of.

``_generated/model/`` describes every SES v2 shape and operation with these
small immutable records. The serializer, the validator and the local server
walk them; nothing else knows the wire format.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Literal

__all__ = [
    "Member",
    "Operation",
    "Paginator",
    "Shape",
    "ShapeKind",
    "operation",
    "operation_names",
    "shape",
    "shape_names",
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


class _Record:
    """Immutable slotted record with value equality.

    Plain classes rather than dataclasses: ``dataclasses`` (and ``inspect``,
    which it imports) cost a client's cold start more than the whole model
    layer does, and these records need no generated methods beyond these.
    """

    __slots__ = ()

    def _fields(self) -> tuple[str, ...]:
        slots: tuple[str, ...] = self.__slots__
        return tuple(name for name in slots if not name.startswith("_"))

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Record)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({fields})"


def _init(record: _Record, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(record, name, value)


class Member(_Record):
    """A member of a structure: its wire name, Python name and target shape."""

    __slots__ = ("location", "location_name", "py", "shape", "wire")
    wire: str
    py: str
    shape: str
    location: Literal["uri", "querystring", "header"] | None
    location_name: str | None

    def __init__(
        self,
        wire: str,
        py: str,
        shape: str,
        location: Literal["uri", "querystring", "header"] | None = None,
        location_name: str | None = None,
    ) -> None:
        _init(self, wire=wire, py=py, shape=shape, location=location, location_name=location_name)


class Shape(_Record):
    """One shape of the model, with the constraints the client checks."""

    __slots__ = (
        "_index",
        "enum",
        "key",
        "kind",
        "max",
        "member",
        "members",
        "min",
        "name",
        "pattern",
        "required",
        "sensitive",
        "value",
    )  # fmt: skip
    name: str
    kind: ShapeKind
    members: tuple[Member, ...]
    required: frozenset[str]
    member: str | None  # list element shape
    key: str | None  # map key shape
    value: str | None  # map value shape
    enum: frozenset[str] | None
    min: int | None
    max: int | None
    sensitive: bool
    # The model's regular expression for a string, matched against the whole value.
    pattern: str | None
    # Filled lazily: wire name and Python name -> Member, for structures.
    _index: dict[str, Member]

    def __init__(
        self,
        name: str,
        kind: ShapeKind,
        members: tuple[Member, ...] = (),
        required: frozenset[str] = frozenset(),
        member: str | None = None,
        key: str | None = None,
        value: str | None = None,
        enum: frozenset[str] | None = None,
        min: int | None = None,
        max: int | None = None,
        sensitive: bool = False,
        pattern: str | None = None,
    ) -> None:
        _init(
            self, name=name, kind=kind, members=members, required=required, member=member,
            key=key, value=value, enum=enum, min=min, max=max, sensitive=sensitive,
            pattern=pattern, _index={},
        )  # fmt: skip

    def lookup(self, key: str) -> Member | None:
        """Find a member by Python name or by wire name."""
        index = self._index
        if not index:
            for m in self.members:
                index[m.py] = m
                index[m.wire] = m
        return index.get(key)


class Paginator(_Record):
    """How a list operation pages: token members and the list it yields."""

    __slots__ = ("input_token", "limit_key", "output_token", "result_key")
    input_token: str
    output_token: str
    result_key: str
    limit_key: str | None

    def __init__(
        self, input_token: str, output_token: str, result_key: str, limit_key: str | None
    ) -> None:
        _init(
            self, input_token=input_token, output_token=output_token, result_key=result_key,
            limit_key=limit_key,
        )  # fmt: skip


class Operation(_Record):
    """One SES v2 operation."""

    __slots__ = ("errors", "input", "method", "name", "output", "paginator", "py_name", "uri")
    name: str
    py_name: str
    method: str
    uri: str
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    paginator: Paginator | None

    def __init__(
        self,
        name: str,
        py_name: str,
        method: str,
        uri: str,
        input: str | None,
        output: str | None,
        errors: tuple[str, ...] = (),
        paginator: Paginator | None = None,
    ) -> None:
        _init(
            self, name=name, py_name=py_name, method=method, uri=uri, input=input,
            output=output, errors=errors, paginator=paginator,
        )  # fmt: skip


_shapes: dict[str, Shape] = {}
_operations: dict[str, Operation] = {}


def shape(name: str) -> Shape:
    """The record for a shape, built from the generated table on first use."""
    found = _shapes.get(name)
    if found is None:
        from aws_ses._generated.model import SHAPE_MODULES

        # The tables are split by resource group: only this shape's module loads.
        table = import_module(f"aws_ses._generated.model.{SHAPE_MODULES[name]}").SHAPES
        kind, members, required, member, key, value, enum, lo, hi, sensitive, pattern = table[name]
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


def shape_names() -> list[str]:
    """Names of every shape (loading none of their tables)."""
    from aws_ses._generated.model import SHAPE_MODULES

    return sorted(SHAPE_MODULES)


def operation_names() -> list[str]:
    """Python names of every operation."""
    from aws_ses._generated.model import OPERATIONS

    return sorted(OPERATIONS)
