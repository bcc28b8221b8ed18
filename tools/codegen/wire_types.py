"""Generate the wire types: ``aws_ses._generated.types``, a package of small modules.

Decoding a response builds msgspec decoders for the output type and every
structure it reaches, and importing one module of 369 classes cost a
client's first call more than the rest of the call did. So the structures
are split by who uses them: each resource group's request structures,
result structures, and those both sides share get a module of their own;
a structure several groups use sits in a ``common_*`` module; the error
bodies in one more. Decoding ``SendEmail``'s reply imports only
``emails_results``.

The split is :func:`tools.codegen.partition.partition`. A structure
referring to another imports it, and a structure is reached by every group
that reaches a structure referring to it, so a module only ever imports
modules of strictly wider use: the imports cannot form a cycle.
The package's ``__init__`` names every structure and imports its module on
first access, so ``aws_ses.types.Destination`` keeps working.
"""

from __future__ import annotations

from .partition import partition
from .service import Model, field_type, py_name

PACKAGE = "aws_ses._generated.types"
DIRECTORY = "src/aws_ses/_generated/types"


def _describe(name: str, model: Model) -> str:
    for op, spec in model.operations.items():
        if spec.get("input", {}).get("shape") == name:
            return f"Input of the ``{op}`` operation."
        if spec.get("output", {}).get("shape") == name:
            return f"Output of the ``{op}`` operation."
    if model.shapes[name].get("exception"):
        return f"Body of the ``{name}`` error."
    return f"The SES v2 ``{name}`` structure."


def _referenced(model: Model, name: str) -> set[str]:
    """Structures named in the members of structure ``name`` (through lists and maps)."""
    found: set[str] = set()

    def walk(shape_name: str) -> None:
        shape = model.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            found.add(shape_name)
        elif kind == "list":
            walk(shape["member"]["shape"])
        elif kind == "map":
            walk(shape["value"]["shape"])

    for member in model.shapes[name]["members"].values():
        walk(member["shape"])
    return found


def gen_module(model: Model, module: str, names: list[str], home: dict[str, str]) -> str:
    outputs = {spec["output"]["shape"] for spec in model.operations.values() if "output" in spec}
    imports: dict[str, set[str]] = {}
    for name in names:
        for ref in _referenced(model, name):
            if home[ref] != module:
                imports.setdefault(home[ref], set()).add(ref)
    body: list[str] = []
    uses_datetime = False
    for name in names:
        shape = model.shapes[name]
        lenient = name in model.output_shapes
        required = set(shape.get("required", ()))
        body += ["", "", f"class {name}(_m.Struct, kw_only=True, omit_defaults=True):"]
        body.append(f'    """{_describe(name, model)}"""')
        members = shape["members"]
        if name in outputs:
            body.append("")
            # Filled in by the client after decoding (request id, status, attempts).
            body.append(
                "    response_metadata: ResponseMetadata | None = "
                '_m.field(default=None, name="ResponseMetadata")'
            )
        elif members:
            body.append("")
        for wire, m in members.items():
            ftype = field_type(model, m["shape"])
            uses_datetime = uses_datetime or "_dt." in ftype
            pname = py_name(wire)
            if wire in required and not lenient:
                body.append(f"    {pname}: {ftype} = _m.field(name={wire!r})")
            else:
                body.append(f"    {pname}: {ftype} | None = _m.field(default=None, name={wire!r})")
    head = [
        model.header,
        f'"""Wire types of the SES v2 API: {module.replace("_", " ")} (generated)."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if uses_datetime:
        head += ["import datetime as _dt", ""]
    head.append("import msgspec as _m")
    first_party = {f"{PACKAGE}.{other}": sorted(refs) for other, refs in imports.items()}
    if any(name in outputs for name in names):
        first_party["aws_ses._metadata"] = ["ResponseMetadata"]
    if first_party:
        head.append("")
    for other in sorted(first_party):
        head.append(f"from {other} import {', '.join(first_party[other])}")
    head += ["", f"__all__ = {names!r}"]
    return "\n".join(head + body) + "\n"


def gen_init(model: Model, modules: dict[str, list[str]]) -> str:
    where = sorted((name, module) for module, names in modules.items() for name in names)
    lines = [
        model.header,
        '"""Wire types: one ``msgspec.Struct`` per SES v2 structure (generated).',
        "",
        "Attributes use snake_case; each carries its wire name. Structures that can",
        "appear in a response have every field optional so that what SES omits or",
        "adds never breaks decoding; enumerations are plain strings for the same reason.",
        "",
        "The structures live in small modules split by the resource groups that use",
        "them (see ``tools/codegen/wire_types.py``); each name here imports its",
        "module on first access, so decoding one reply loads only what it needs.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from importlib import import_module",
        "from typing import TYPE_CHECKING, Any",
        "",
        "if TYPE_CHECKING:",
        *[
            f"    from {PACKAGE}.{module} import {name} as {name}"
            for module, name in sorted((module, name) for name, module in where)
        ],
        "",
        "# Structure name -> the module of this package that defines it.",
        "_WHERE: dict[str, str] = {",
        *[f"    {name!r}: {module!r}," for name, module in where],
        "}",
        "",
        "__all__ = sorted(_WHERE)",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _WHERE.get(name)",
        "    if module is None:",
        "        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')",
        "    value = getattr(import_module(f'{__name__}.{module}'), name)",
        "    globals()[name] = value",
        "    return value",
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return __all__",
        "",
    ]
    return "\n".join(lines)


def generate() -> dict[str, str]:
    model = Model()
    modules = partition(model, lambda shape: shape["type"] == "structure")
    home = {name: module for module, names in modules.items() for name in names}
    files = {f"{DIRECTORY}/__init__.py": gen_init(model, modules)}
    for module, names in modules.items():
        files[f"{DIRECTORY}/{module}.py"] = gen_module(model, module, names, home)
    return files


# The generator owns this directory: a module it no longer writes is stale.
OWNED_DIRECTORIES = (DIRECTORY,)
