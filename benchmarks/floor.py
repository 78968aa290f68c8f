"""The physical floor of importing the SPI, generated at run time.

Any dependency-free SPI with the same contracts must at least import the
standard-library modules the SPI needs and create its runtime-checkable
protocol classes. The floor is one generated module that does exactly that:
it imports the standard-library closure the real SPI loads (found by the
caller in a fresh interpreter) and defines as many empty
``@runtime_checkable`` protocols as the SPI has, with the same names, the
same protocol bases, the same number of type parameters and the same member
names and kinds (``@property``, method, ``async`` method, annotated
attribute), found by walking the package. Bodies are ``...``: no
annotations, no docstrings, one module instead of many.
"""

import inspect
import keyword
import py_compile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.util import cache_from_source
from pathlib import Path
from typing import Final, Literal, cast

from benchmarks import spi
from benchmarks.common import BenchmarkError

MODULE: Final = "_omnibase_spi_floor"
"""Import name of the generated module."""

type MemberKind = Literal["property", "method", "async method", "attribute"]


@dataclass(frozen=True, slots=True)
class FloorProtocol:
    """One generated protocol.

    Attributes:
        name: Class name (the SPI protocol's, made unique).
        bases: Names of generated protocols it derives from.
        type_params: Number of PEP 695 type parameters.
        members: Own members and their kinds, in definition order.
    """

    name: str
    bases: tuple[str, ...]
    type_params: int
    members: tuple[tuple[str, MemberKind], ...]


def member_kind(proto: type, name: str) -> MemberKind:
    """Return how ``proto`` declares ``name`` in its own body.

    Args:
        proto: A protocol class.
        name: One of its own members.

    Returns:
        ``property``, ``async method``, ``method`` or ``attribute``
        (annotated only, or a non-callable value).
    """
    value: object = vars(proto).get(name)
    if isinstance(value, property):
        return "property"
    if isinstance(value, staticmethod | classmethod):
        value = vars(proto)[name].__func__
    if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
        return "async method"
    if callable(value):
        return "method"
    return "attribute"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken or keyword.iskeyword(candidate):
        number += 1
        candidate = f"{name}_{number}"
    taken.add(candidate)
    return candidate


def plan(infos: Sequence[spi.ProtocolInfo]) -> list[FloorProtocol]:
    """Mirror the SPI's protocols as empty ones, bases first.

    Args:
        infos: The SPI's protocols (:func:`benchmarks.spi.protocols`).

    Returns:
        The generated protocols in an order where every base comes first.

    Raises:
        BenchmarkError: The protocols' bases form a cycle (impossible for
            real classes; guards the ordering loop).
    """
    by_class = {info.cls: info for info in infos}
    names: dict[type, str] = {}
    taken: set[str] = set()
    for info in infos:
        names[info.cls] = _unique(info.name, taken)
    ordered: list[FloorProtocol] = []
    done: set[type] = set()
    pending = [info.cls for info in infos]
    while pending:
        ready = [
            cls
            for cls in pending
            if all(b in done for b in cls.__bases__ if b in by_class)
        ]
        if not ready:
            raise BenchmarkError("the SPI's protocol bases form a cycle")
        for cls in ready:
            members: tuple[tuple[str, MemberKind], ...] = tuple(
                (name, member_kind(cls, name)) for name in spi.declared_members(cls)
            )
            params: object = getattr(cls, "__type_params__", ())
            count = (
                len(cast("tuple[object, ...]", params))
                if isinstance(params, tuple)
                else 0
            )
            ordered.append(
                FloorProtocol(
                    names[cls],
                    tuple(names[b] for b in cls.__bases__ if b in by_class),
                    count,
                    members,
                )
            )
            done.add(cls)
        pending = [cls for cls in pending if cls not in done]
    return ordered


_BODY: Final[dict[MemberKind, str]] = {
    "property": "    @property\n    def {name}(self): ...\n",
    "method": "    def {name}(self): ...\n",
    "async method": "    async def {name}(self): ...\n",
    "attribute": "    {name}: object\n",
}


def source(protocols: Sequence[FloorProtocol], stdlib: Sequence[str]) -> str:
    """Return the text of the floor module.

    Args:
        protocols: From :func:`plan`.
        stdlib: The standard-library modules the SPI loads.

    Returns:
        Python source: the imports, then one class per protocol.
    """
    lines = ['"""Generated by benchmarks/floor.py: the SPI\'s import floor."""', ""]
    lines.extend(f"__import__({name!r})" for name in stdlib)
    lines += [
        "from typing import Protocol as _Protocol",
        "from typing import runtime_checkable as _runtime_checkable",
        "",
    ]
    for proto in protocols:
        params = ", ".join(f"T{i}" for i in range(proto.type_params))
        bases = ", ".join([*proto.bases, "_Protocol"])
        head = f"class {proto.name}[{params}]" if params else f"class {proto.name}"
        lines.append("@_runtime_checkable")
        lines.append(f"{head}({bases}):")
        body = [_BODY[kind].format(name=name) for name, kind in proto.members]
        lines.append("".join(body).rstrip("\n") if body else "    pass")
        lines.append("")
    return "\n".join(lines)


def kinds(protocols: Sequence[FloorProtocol]) -> dict[MemberKind, int]:
    """Count the generated members by kind."""
    counts: dict[MemberKind, int] = {}
    for proto in protocols:
        for _name, kind in proto.members:
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def write(folder: Path, text: str) -> Path:
    """Write the floor module into ``folder`` with its cached bytecode.

    The bytecode is written for the running interpreter, so a child of the
    same interpreter loads it as it loads the SPI's.

    Args:
        folder: A folder to put on the children's ``PYTHONPATH``.
        text: From :func:`source`.

    Returns:
        The module's path.

    Raises:
        BenchmarkError: The generated source does not compile.
    """
    path = folder / f"{MODULE}.py"
    path.write_text(text, encoding="utf-8")
    try:
        py_compile.compile(str(path), cfile=cache_from_source(str(path)), doraise=True)
    except py_compile.PyCompileError as exc:
        raise BenchmarkError(f"the generated floor does not compile: {exc}") from exc
    return path
