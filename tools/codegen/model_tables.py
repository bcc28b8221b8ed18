"""Generate ``aws_ses._generated.model``: the shapes and operations as plain literals.

``aws_ses._model`` turns an entry into a ``Shape`` or ``Operation`` record the
first time it is used. The operations sit in the package's ``__init__``; the
shapes are split into modules by the resource groups that use them (see
:mod:`tools.codegen.partition`), so validating and encoding one call reads
only the tables of its own group. ``SHAPE_MODULES`` says where each shape is.
"""

from __future__ import annotations

from typing import Any

from .partition import partition
from .service import Model, py_name

PACKAGE = "aws_ses._generated.model"
DIRECTORY = "src/aws_ses/_generated/model"

SHAPE_LAYOUT = (
    "# name: (kind, members, required, member, key, value, enum, min, max, sensitive,\n"
    "#        pattern)\n"
    "# members: ((wire name, python name, shape, location, location name), ...)"
)


def _shape_entry(shape: dict[str, Any]) -> tuple[Any, ...]:
    members = tuple(
        (wire, py_name(wire), m["shape"], m.get("location"), m.get("locationName"))
        for wire, m in shape.get("members", {}).items()
    )
    return (
        shape["type"],
        members,
        tuple(sorted(shape.get("required", ()))),
        shape.get("member", {}).get("shape"),
        shape.get("key", {}).get("shape"),
        shape.get("value", {}).get("shape"),
        tuple(sorted(shape["enum"])) if "enum" in shape else None,
        int(shape["min"]) if "min" in shape else None,
        int(shape["max"]) if "max" in shape else None,
        bool(shape.get("sensitive", False)),
        shape.get("pattern"),
    )


def gen_init(model: Model, modules: dict[str, list[str]]) -> str:
    lines = [
        model.header,
        '"""The SES v2 operations, and where each shape\'s table is (generated).',
        "",
        "Plain literals load fast from the bytecode cache; ``aws_ses._model`` turns",
        "an entry into an ``Operation`` or ``Shape`` record the first time it is used.",
        "The shapes live in this package's modules, split by the resource groups",
        "that use them, so one call reads only the tables it needs.",
        '"""',
        "",
        "from typing import Any, Final",
        "",
        "# python name: (name, method, uri, input, output, errors, paginator)",
        "# paginator: (input token, output token, result key, limit key) or None",
        "OPERATIONS: Final[dict[str, tuple[Any, ...]]] = {",
    ]
    for op in sorted(model.operations):
        spec = model.operations[op]
        entry = (
            op,
            spec["http"]["method"],
            spec["http"]["requestUri"],
            spec.get("input", {}).get("shape"),
            spec.get("output", {}).get("shape"),
            tuple(sorted(e["shape"] for e in spec.get("errors", []))),
            model.paginator(op),
        )
        lines.append(f"    {model.op_py_name(op)!r}: {entry!r},")
    lines += [
        "}",
        "",
        "# shape name -> the module of this package whose SHAPES holds it",
        "SHAPE_MODULES: Final[dict[str, str]] = {",
    ]
    where = sorted((name, module) for module, names in modules.items() for name in names)
    lines += [f"    {name!r}: {module!r}," for name, module in where]
    lines += ["}", ""]
    return "\n".join(lines)


def _used_by(module: str) -> str:
    if module == "common":
        return "several resource groups use"
    if module == "error_bodies":
        return "of the error bodies"
    return f"only the {module.replace('_', ' ')} operations use"


def gen_module(model: Model, module: str, names: list[str]) -> str:
    lines = [
        model.header,
        f'"""The SES v2 shapes {_used_by(module)}, as data (generated)."""',
        "",
        "from typing import Any, Final",
        "",
        SHAPE_LAYOUT,
        "SHAPES: Final[dict[str, tuple[Any, ...]]] = {",
        *[f"    {name!r}: {_shape_entry(model.shapes[name])!r}," for name in names],
        "}",
        "",
    ]
    return "\n".join(lines)


def generate() -> dict[str, str]:
    model = Model()
    modules = partition(model, lambda shape: True, by_side=False)
    files = {f"{DIRECTORY}/__init__.py": gen_init(model, modules)}
    for module, names in modules.items():
        files[f"{DIRECTORY}/{module}.py"] = gen_module(model, module, names)
    return files


# The generator owns this directory: a module it no longer writes is stale.
OWNED_DIRECTORIES = (DIRECTORY,)
