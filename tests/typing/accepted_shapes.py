"""Generate, from the SPI itself, the implementation shapes a type checker must accept.

For every data protocol (all members are read-only properties): a frozen
dataclass, a mutable slots dataclass, a frozen and a mutable pydantic model,
a NamedTuple (when no field name clashes with ``tuple``), and a hand-written
class with ``@property`` getters. For every service protocol (methods only):
a class written as an implementer writes it (``async def`` where the contract
says ``async def``; an ``async def ...: yield`` async generator where it says
``def ... -> AsyncIterator[T]``), a second class whose async-iterator members
are plain ``def``\\ s returning an async iterator, and for callback protocols
(``__call__`` only) a plain ``async def`` function.

Each shape is assigned to a variable annotated with the protocol. Protocols are
found by walking ``omnibase.protocols`` and annotations are rendered back to
source from runtime introspection (``typing.get_type_hints``,
``inspect.signature``), so a new or changed protocol is covered without
editing this file. One module is generated per SPI module that defines
protocols.
"""

import ast
import json
import re
import typing
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from omnibase.spi_conformance import ContractMember, contract_members
from omnibase.spi_conformance.discovery import (
    AnnotationRenderer,
    iter_protocols,
    named_literals,
    resolved_hints,
)

__all__ = ["GeneratedCase", "GeneratedModule", "generate_modules"]

_INDENT = "    "
_TUPLE_NAMES = frozenset(dir(tuple))
_MODEL_NAMES = frozenset(dir(BaseModel))

_ABC_ITERATORS: frozenset[object] = frozenset(
    {AsyncIterator, AsyncIterable, AsyncGenerator}
)
"""Return types an async generator implements as written."""


@dataclass(frozen=True, slots=True)
class GeneratedCase:
    """One accepted shape: a protocol, how it is implemented, where it is checked.

    Attributes:
        protocol: Qualified name of the protocol.
        shape: The implementation shape, e.g. ``"frozen dataclass"``.
        first_line: First line (1-based) of the code that belongs to the case.
        last_line: Last line of that code; the assignment to the protocol type.
    """

    protocol: str
    shape: str
    first_line: int
    last_line: int


@dataclass(slots=True)
class GeneratedModule:
    """One generated source file.

    Attributes:
        name: Module name (the file is ``<name>.py``).
        source: The source text.
        cases: The accepted cases it contains.
    """

    name: str
    source: str
    cases: list[GeneratedCase] = field(default_factory=list[GeneratedCase])

    def case_at(self, line: int) -> GeneratedCase | None:
        """Return the case whose code spans ``line`` (1-based), if any.

        Args:
            line: A line number in :attr:`source`.

        Returns:
            The case, or ``None`` for shared code (imports, helpers).
        """
        for case in self.cases:
            if case.first_line <= line <= case.last_line:
                return case
        return None


def _default(value: object) -> str:
    text = json.dumps(value) if isinstance(value, str) else repr(value)
    if ast.literal_eval(text) != value:
        msg = f"cannot write the default {value!r} as a literal"
        raise ValueError(msg)
    return text


class _Writer:
    """Accumulates lines and records which lines belong to which case."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cases: list[GeneratedCase] = []
        self._start = 0

    def begin(self) -> None:
        self._start = len(self.lines) + 1

    def end(self, protocol: type, shape: str) -> None:
        self.cases.append(
            GeneratedCase(protocol.__qualname__, shape, self._start, len(self.lines))
        )

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)


def _def_line(
    name: str, type_params: str, items: Sequence[str], returns: str, prefix: str
) -> str:
    return f"{prefix}def {name}{type_params}({', '.join(items)}) -> {returns}:"


class _ModuleBuilder:
    def __init__(self, module: str, renderer: AnnotationRenderer) -> None:
        self.module = module
        self.renderer = renderer
        self.body = _Writer()
        self.needs_empty_iterator = False

    # -- data protocols -------------------------------------------------

    def _fields(self, protocol: type) -> list[tuple[str, str]]:
        fields: list[tuple[str, str]] = []
        for name, member in contract_members(protocol).items():
            if member.function is None:  # a bare `name: T` attribute member
                annotation = resolved_hints(member.declared_in)[name]
            else:
                annotation = resolved_hints(member.function)["return"]
            fields.append((name, self.renderer.render(annotation)))
        return fields

    def _accept(
        self, protocol: type, shape: str, implementation: str, params: str
    ) -> None:
        protocol_type = f"{protocol.__qualname__}{params}"
        snake = re.sub(r"\W+", "_", shape)
        self.body.add(
            "",
            "",
            f"def accept_{protocol.__qualname__}__{snake}{params}(",
            f"{_INDENT}implementation: {implementation}{params},",
            ") -> None:",
            f"{_INDENT}_contract: {protocol_type} = implementation",
        )
        self.body.end(protocol, shape)

    def data_protocol(self, protocol: type) -> None:
        name = protocol.__qualname__
        self.renderer.render(protocol)  # import the protocol itself
        params = self.renderer.render_type_params(protocol)
        fields = self._fields(protocol)
        field_lines = [
            f"{_INDENT}{field}: {annotation}" for field, annotation in fields
        ]
        names = {field for field, _ in fields}
        self.body.add("", "", f"# --- {name}: {len(fields)} read-only properties")

        self.body.begin()
        self.renderer.require("dataclasses", "dataclass")
        self.body.add(
            "", "", "@dataclass(frozen=True)", f"class {name}FrozenDataclass{params}:"
        )
        self.body.add(*field_lines)
        self._accept(protocol, "frozen dataclass", f"{name}FrozenDataclass", params)

        self.body.begin()
        self.body.add(
            "", "", "@dataclass(slots=True)", f"class {name}SlotsDataclass{params}:"
        )
        self.body.add(*field_lines)
        self._accept(protocol, "slots dataclass", f"{name}SlotsDataclass", params)

        if not names & _MODEL_NAMES and not any(n.startswith("model_") for n in names):
            for shape, frozen in (("frozen model", True), ("mutable model", False)):
                config = "frozen=True, " if frozen else ""
                cls = f"{name}{'Frozen' if frozen else 'Mutable'}Model"
                self.renderer.require("pydantic", "BaseModel")
                self.body.begin()
                self.body.add(
                    "",
                    "",
                    f"class {cls}{params}(",
                    f"{_INDENT}BaseModel, {config}arbitrary_types_allowed=True",
                    "):",
                )
                self.body.add(*field_lines)
                self._accept(protocol, f"pydantic {shape}", cls, params)

        if not names & _TUPLE_NAMES and not any(n.startswith("_") for n in names):
            self.renderer.require("typing", "NamedTuple")
            self.body.begin()
            self.body.add("", "", f"class {name}NamedTuple{params}(NamedTuple):")
            self.body.add(*field_lines)
            self._accept(protocol, "NamedTuple", f"{name}NamedTuple", params)

        self.body.begin()
        cls = f"{name}Properties"
        init_params = ", ".join(f"{f}: {a}" for f, a in fields)
        self.body.add(
            "",
            "",
            f"class {cls}{params}:",
            f'{_INDENT}"""Read-only properties over private attributes."""',
            "",
            f"{_INDENT}def __init__(self, {init_params}) -> None:",
            *(f"{_INDENT * 2}self._{f}: {a} = {f}" for f, a in fields),
        )
        for field_name, annotation in fields:
            self.body.add(
                "",
                f"{_INDENT}@property",
                f"{_INDENT}def {field_name}(self) -> {annotation}:",
                f"{_INDENT * 2}return self._{field_name}",
            )
        self._accept(protocol, "properties class", cls, params)

    # -- service protocols ----------------------------------------------

    def _method(self, member: ContractMember, *, plain_iterator: bool) -> list[str]:
        assert member.function is not None
        items, returns = self.renderer.render_parameters(
            member.function, default=_default
        )
        type_params = self.renderer.render_type_params(member.function)
        if member.style == "async":
            head = _def_line(member.name, type_params, items, returns, "async ")
            body = [f"{_INDENT}raise NotImplementedError"]
        elif member.style == "async-iterator" and plain_iterator:
            self.needs_empty_iterator = True
            head = _def_line(member.name, type_params, items, returns, "")
            body = [f"{_INDENT}return _empty_async_iterator()"]
        elif member.style == "async-iterator":
            hint = resolved_hints(member.function)["return"]
            item = self.renderer.render(typing.get_args(hint)[0])
            if typing.get_origin(hint) not in _ABC_ITERATORS:
                # A closable iterator protocol: the generator says what it is.
                self.renderer.require("collections.abc", "AsyncGenerator")
                returns = f"AsyncGenerator[{item}, None]"
            head = _def_line(member.name, type_params, items, returns, "async ")
            body = [
                f"{_INDENT}pending: list[{item}] = []",
                f"{_INDENT}for item in pending:",
                f"{_INDENT * 2}yield item",
            ]
        else:
            head = _def_line(member.name, type_params, items, returns, "")
            body = [f"{_INDENT}raise NotImplementedError"]
        return [head, *body]

    def _service_class(self, protocol: type, cls: str, *, plain_iterator: bool) -> None:
        params = self.renderer.render_type_params(protocol)
        self.body.begin()
        self.body.add("", "", f"class {cls}{params}:")
        first = True
        for member in contract_members(protocol).values():
            if not first:
                self.body.add("")
            first = False
            self.body.add(
                *(
                    f"{_INDENT}{line}"
                    for line in self._method(member, plain_iterator=plain_iterator)
                )
            )
        shape = "class, plain-def iterators" if plain_iterator else "class"
        self._accept(protocol, shape, cls, params)

    def service_protocol(self, protocol: type) -> None:
        name = protocol.__qualname__
        self.renderer.render(protocol)
        members = contract_members(protocol)
        self.body.add("", "", f"# --- {name}: {len(members)} methods")
        self._service_class(protocol, f"{name}Implementation", plain_iterator=False)
        if any(member.style == "async-iterator" for member in members.values()):
            self._service_class(protocol, f"{name}PlainIterators", plain_iterator=True)
        if set(members) == {"__call__"} and not protocol.__type_params__:
            call = members["__call__"]
            assert call.function is not None
            items, returns = self.renderer.render_parameters(
                call.function, default=_default
            )
            items = items[1:]  # no self
            if items and items[0] == "/":
                items = items[1:]
            prefix = "async " if call.style == "async" else ""
            function = f"{name}Function"
            self.body.begin()
            self.body.add(
                "",
                "",
                f"{prefix}def {function}({', '.join(items)}) -> {returns}:",
                f"{_INDENT}raise NotImplementedError",
                "",
                "",
                f"def accept_{name}__function() -> None:",
                f"{_INDENT}_contract: {name} = {function}",
            )
            self.body.end(protocol, "function")

    def source(self) -> tuple[str, list[GeneratedCase]]:
        helper: list[str] = []
        if self.needs_empty_iterator:
            self.renderer.require("collections.abc", "AsyncGenerator")
            helper = [
                "",
                "",
                "async def _empty_async_iterator[T]() -> AsyncGenerator[T, None]:",
                f"{_INDENT}pending: list[T] = []",
                f"{_INDENT}for item in pending:",
                f"{_INDENT * 2}yield item",
            ]
        header = [
            '"""Implementation shapes that must satisfy the protocols of',
            f"{self.module}.",
            "",
            "Generated by tests/typing/accepted_shapes.py; checked with mypy --strict",
            "and basedpyright (strict). Every assignment to a protocol type must pass.",
            '"""',
            "",
            *self.renderer.import_lines(),
        ]
        offset = len(header) + len(helper)
        cases = [
            GeneratedCase(
                case.protocol,
                case.shape,
                case.first_line + offset,
                case.last_line + offset,
            )
            for case in self.body.cases
        ]
        return "\n".join([*header, *helper, *self.body.lines]) + "\n", cases


def generate_modules() -> list[GeneratedModule]:
    """Generate one module of accepted shapes per SPI module defining protocols.

    Returns:
        The modules, sorted by name.
    """
    literals = named_literals()
    by_module: dict[str, list[type]] = {}
    for protocol in iter_protocols():
        by_module.setdefault(protocol.__module__, []).append(protocol)
    modules: list[GeneratedModule] = []
    for module_name in sorted(by_module):
        builder = _ModuleBuilder(module_name, AnnotationRenderer(literals))
        for protocol in by_module[module_name]:
            kinds = {m.kind for m in contract_members(protocol).values()}
            if "method" not in kinds:
                builder.data_protocol(protocol)
            else:
                builder.service_protocol(protocol)
        source, cases = builder.source()
        short = module_name.rpartition(".")[2]
        modules.append(GeneratedModule(f"accepted_{short}", source, cases))
    return modules
