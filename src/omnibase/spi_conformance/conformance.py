"""A registration-time conformance check, stricter than ``isinstance``.

``isinstance(obj, SomeProtocol)`` only checks that every member exists: a sync
``def`` where the contract says ``async def``, a renamed parameter or a missing
keyword-only parameter all pass it, and fail later, at the first call.
[`check_conformance`][] inspects what a runtime check can see and reports
every difference:

- a missing member (a method set to ``None`` counts as missing, as in
  ``typing``);
- a member that is not implemented: a class that subclasses the protocol and
  inherits its declaration (a stub body: a docstring, ``...``, ``pass`` or
  ``raise NotImplementedError``, which type checkers treat as abstract), or a
  method whose own body is only ``...`` (after an optional docstring);
- a property implemented by a method, or a method by a property or a
  non-callable attribute;
- ``def`` versus ``async def``: an ``async def`` member must be a coroutine
  function (or an object marked as one, such as ``unittest.mock.AsyncMock``);
  a plain ``def`` member must not be one; a ``def ... -> AsyncIterator[T]``
  member may be an async generator function (``async def`` with ``yield``) or
  a plain function returning an async iterator, but not a coroutine function;
- parameters: every parameter the contract lets callers pass must be
  accepted the same way: positional-or-keyword parameters with the same name
  at the same position, keyword-only parameters by name, positional-only
  parameters by position (any name, so a plain function implements a
  ``__call__(self, event, /)`` callback); optional contract parameters must be
  optional in the implementation; the implementation may add parameters only
  if they are optional (a default, ``*args`` or ``**kwargs``). ``*args`` and
  ``**kwargs`` accept what they can absorb, so ``(*args, **kwargs)`` accepts
  every call. A method whose parameters cannot be read (``inspect.signature``
  fails) is a mismatch: nothing proves that the contract's calls work.

Members are read the way Python calls them. A function, a method written in
C (``method_descriptor``, slot wrappers, compiled functions), a
``functools.partialmethod``, a class-based decorator that defines ``__get__``,
or any other callable non-data descriptor, stored on the class, receives the
instance as its first argument; a ``staticmethod``, a ``functools.partial``, a
builtin function or a callable object without ``__get__`` does not.

What it does not check: annotations (a type checker's job: run ``mypy
--strict`` or pyright), default *values* (only that a default exists), type
arguments of generic protocols (``ProtocolPage[int]`` is checked as
``ProtocolPage``), and attributes an object only provides through
``__getattr__``, as ``unittest.mock.Mock`` does (``isinstance`` does not see
them either; ``create_autospec(cls, instance=True)`` gives a mock whose
members are visible).

An implementation may be an instance or a class. A class is checked as the
type of its instances: members declared as annotations (dataclass fields,
pydantic fields) count as present. A plain function implements a callback
protocol whose only member is ``__call__``.

Hostile objects are reported, not raised: members are read from the class
namespaces and the instance ``__dict__`` without calling ``__getattribute__``
or ``__class__`` (an object claiming another class is checked as what it is).
Only a class that overrides ``__getattribute__`` has its members read through
it, since it decides what every access returns. A member whose reading raises
(a descriptor, ``__dict__``, ``__getattribute__``) is reported as
``inaccessible``; only ``InvalidInputError`` leaves [`assert_conforms`][].
``KeyboardInterrupt`` and other ``BaseException`` subclasses that are not
``Exception`` propagate.

Results are cached per ``(class, protocol)``, by identity, for everything
found on the class, so a check of an instance costs two dictionary lookups
when the class defines every member, plus one lookup in the instance's
``__dict__`` per member the class does not define. Functions, bound methods
and partials are checked afresh each time (their attributes may change).
Classes are assumed not to change after their first check; call
[`clear_conformance_cache`][] after patching one.
"""

import ast
import dis
import inspect
import sys
import textwrap
import typing
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial, partialmethod
from types import (
    BuiltinFunctionType,
    CodeType,
    FunctionType,
    MethodType,
    MethodWrapperType,
)
from typing import Final, Literal, override

from omnibase.protocols.errors import InvalidInputError
from omnibase.spi_conformance._static import (
    MISSING,
    is_class,
    static_annotations,
    static_lookup,
    static_mro,
)
from omnibase.spi_conformance.members import (
    CallStyle,
    ContractMember,
    contract_members,
    is_protocol_class,
    protocol_origin,
)

__all__ = [
    "Mismatch",
    "MismatchCode",
    "assert_conforms",
    "check_conformance",
    "clear_conformance_cache",
]

type MismatchCode = Literal[
    "missing",
    "not-implemented",
    "not-a-property",
    "not-a-method",
    "not-async",
    "unexpected-async",
    "not-async-iterator",
    "missing-parameter",
    "renamed-parameter",
    "parameter-order",
    "parameter-kind",
    "extra-required-parameter",
    "missing-default",
    "unreadable-signature",
    "inaccessible",
]
"""What is wrong with one member.

- ``missing``: the member does not exist (or is ``None``).
- ``not-implemented``: the member is the protocol's own declaration, inherited
  by a class that subclasses the protocol (its body is a stub: a docstring,
  ``...``, ``pass`` or ``raise NotImplementedError``), or a method whose body
  is only ``...`` (after an optional docstring).
- ``not-a-property``: the contract declares a property; the implementation
  has a method.
- ``not-a-method``: the contract declares a method; the implementation has a
  property or a value that is not callable.
- ``not-async``: the contract says ``async def``; the implementation is a
  plain ``def`` or an async generator function.
- ``unexpected-async``: the contract says ``def``; the implementation is
  ``async def`` (or an async generator function).
- ``not-async-iterator``: the contract says ``def ... -> AsyncIterator[T]``;
  the implementation is a coroutine function (``async def`` without
  ``yield``), whose result must be awaited before it can be iterated.
- ``missing-parameter``: a parameter callers may pass is not accepted.
- ``renamed-parameter``: a positional-or-keyword parameter has another name
  (callers pass it by keyword).
- ``parameter-order``: a parameter exists at another position.
- ``parameter-kind``: keyword-only where callers pass it by position, or
  positional-only where they pass it by keyword.
- ``extra-required-parameter``: the implementation requires a parameter the
  contract never passes.
- ``missing-default``: the contract makes a parameter optional; the
  implementation requires it.
- ``unreadable-signature``: the method's parameters cannot be read
  (``inspect.signature`` fails: a builtin without a text signature, a broken
  ``__signature__`` or ``__wrapped__``), so nothing proves the calls work.
- ``inaccessible``: reading the member raised (a descriptor, ``__dict__``,
  ``__getattribute__`` or a call-style marker that raises something other than
  ``AttributeError``).
"""

_POSITIONAL: Final = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
)
_BY_NAME: Final = (
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)
_EMPTY: Final = inspect.Parameter.empty

_FUNCTION_TYPES: Final[tuple[type, ...]] = (
    FunctionType,
    MethodType,
    BuiltinFunctionType,
    MethodWrapperType,
    partial,
)
"""Implementations checked as functions (a callback protocol's ``__call__``)."""
_FUNCTION_OR_CLASS: Final[tuple[type, ...]] = (*_FUNCTION_TYPES, type)

_NOT_BINDING: Final[tuple[type, ...]] = (partial, MethodType, BuiltinFunctionType, type)
"""Callables that a class attribute hands out unbound, ``__get__`` or not
(``partial`` and bound methods gained a non-binding ``__get__`` in 3.13)."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One way an implementation differs from its contract.

    Attributes:
        member: The contract member concerned.
        code: What kind of difference it is.
        detail: A sentence saying what is wrong and what the contract expects.
    """

    member: str
    code: MismatchCode
    detail: str

    @override
    def __str__(self) -> str:
        """Return ``"member: detail [code]"``."""
        return f"{self.member}: {self.detail} [{self.code}]"


type _Mode = Literal["lookup", "call", "access"]
"""How an instance supplies a member the class alone cannot decide.

- ``lookup``: the class does not define it (or holds it in a data descriptor
  such as a slot): read the instance ``__dict__``, then the descriptor.
- ``call``: the callback protocol's ``__call__``, whose class-level verdict
  failed: the instance itself may be marked async (``AsyncMock``) or carry a
  ``__signature__``.
- ``access``: the class overrides ``__getattribute__``: read through it.
"""


@dataclass(frozen=True, slots=True)
class _Deferred:
    """A member the instance decides."""

    member: ContractMember
    mode: _Mode
    class_verdict: tuple[Mismatch, ...] | None
    """The verdict of the value found on the class, if any: what a check of
    the class reports (``call``), or what stands once the access worked
    (``access``)."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the class of an implementation tells about each member."""

    protocol: type
    """The protocol (held so that its id, the cache key, stays unique)."""
    mismatches: tuple[Mismatch, ...]
    """Mismatches of the members found on the class (final)."""
    deferred: tuple[_Deferred, ...]
    """Members the instance decides."""
    class_result: tuple[Mismatch, ...]
    """The full result when the class itself is checked."""
    present: frozenset[str]
    """Data members the class leaves to the instance ``__dict__`` (dataclass
    fields): when the ``__dict__`` holds them all, nothing more to check."""
    others: tuple[_Deferred, ...]
    """The deferred members not in ``present``."""


@dataclass(slots=True)
class _ClassEntry:
    """The cache of one class: a weak reference to it and its plans."""

    reference: weakref.ref[type]
    instances: bool
    """The class's instances are checked as instances (it is neither a
    metaclass nor a function type)."""
    plans: dict[int, _Plan]
    """Plans by ``id(protocol)``."""


_CLASSES: dict[int, _ClassEntry] = {}
"""Plans by ``id(class)``. Keyed by identity: a metaclass may define
``__eq__``/``__hash__``. A weak reference's callback drops the entry when the
class dies, before its id can be reused."""

_RESULTS: dict[int, dict[int, tuple[Mismatch, ...]]] = {}
"""The fast path: by ``id(class)`` then ``id(protocol)``, the final result of
an instance whose class decides every member. Only classes whose instances are
checked as instances (not classes, not functions) are entered, and only
through the protocol class itself (its plan holds it alive)."""


def clear_conformance_cache() -> None:
    """Forget every cached result (after a class was changed at runtime)."""
    _RESULTS.clear()
    _CLASSES.clear()


def _forget(key: int) -> Callable[[weakref.ref[type]], None]:
    def forget(reference: weakref.ref[type]) -> None:
        entry = _CLASSES.get(key)
        if entry is not None and entry.reference is reference:
            del _CLASSES[key]
            _RESULTS.pop(key, None)

    return forget


_type_qualname = typing.cast(
    "Callable[[type], str]", type.__dict__["__qualname__"].__get__
)
_type_module = typing.cast(
    "Callable[[type], object]", type.__dict__["__module__"].__get__
)


def _class_name(cls: type) -> str:
    """``module.QualName`` of a class, read without running user code."""
    qualname = _type_qualname(cls)
    try:
        module = _type_module(cls)
    except AttributeError:  # a class whose namespace lost __module__
        return qualname
    return qualname if type(module) is not str else f"{module}.{qualname}"


def _error_text(error: BaseException) -> str:
    """``Type: message`` of an exception whose ``__str__`` may itself raise."""
    name = _type_qualname(type(error))
    try:
        message = str(error)
    except Exception:  # a hostile __str__
        return f"{name} (its message cannot be shown)"
    return f"{name}: {message}" if message else name


def _safe_repr(obj: object) -> str:
    try:
        return repr(obj)
    except Exception:  # a hostile __repr__
        return f"<{_class_name(type(obj))} object>"


def _inaccessible(member: ContractMember, error: Exception, how: str) -> Mismatch:
    return Mismatch(
        member.name,
        "inaccessible",
        f"cannot be read: {how} raised {_error_text(error)}",
    )


def _missing(member: ContractMember, cls: type | None = None) -> Mismatch:
    what = "method" if member.kind == "method" else "property"
    hint = ""
    if cls is not None and not member.name.startswith("__"):
        owner, _ = static_lookup(cls, "__getattr__")
        if owner is not None:
            hint = (
                f" ({_type_qualname(owner)} provides attributes through "
                "`__getattr__`, which the check does not call)"
            )
    return Mismatch(
        member.name, "missing", f"is missing; the contract declares a {what}{hint}"
    )


# --- call styles ------------------------------------------------------------------


def _is_async_mock(obj: object) -> bool:
    """``unittest.mock.AsyncMock`` (checked only when ``unittest.mock`` is loaded)."""
    mock = sys.modules.get("unittest.mock")
    async_mock: object = getattr(mock, "AsyncMock", None)
    return is_class(async_mock) and issubclass(
        type(obj), typing.cast("type", async_mock)
    )


def _delegates_to_async_mock(function: object) -> bool:
    """A function made by ``create_autospec`` for an ``async def`` on 3.12.

    3.12's ``create_autospec`` wraps an ``AsyncMock`` in a plain ``def`` that
    returns the mock's coroutine; 3.13 makes the wrapper ``async def``.
    """
    if type(function) is not FunctionType:
        return False
    return _is_async_mock(function.__dict__.get("mock"))


def _describe_style(function: object) -> Literal["sync", "async", "async-generator"]:
    if inspect.iscoroutinefunction(function) or _delegates_to_async_mock(function):
        return "async"
    if inspect.isasyncgenfunction(function):
        return "async-generator"
    kind = type(function)
    if not issubclass(kind, _FUNCTION_OR_CLASS):
        # A callable object: its class's ``__call__`` decides.
        _, call = static_lookup(kind, "__call__")
        if inspect.iscoroutinefunction(call):
            return "async"
        if inspect.isasyncgenfunction(call):
            return "async-generator"
    return "sync"


def _style_mismatch(member: ContractMember, function: object) -> Mismatch | None:
    actual = _describe_style(function)
    expected: CallStyle | None = member.style
    name = member.name
    if expected == "async" and actual != "async":
        what = "an async generator function" if actual != "sync" else "a plain `def`"
        return Mismatch(
            name, "not-async", f"is {what}; the contract says `async def` (awaited)"
        )
    if expected == "sync" and actual != "sync":
        what = "`async def`" if actual == "async" else "an async generator function"
        return Mismatch(
            name,
            "unexpected-async",
            f"is {what}; the contract says a plain `def` (called without await)",
        )
    if expected == "async-iterator" and actual == "async":
        return Mismatch(
            name,
            "not-async-iterator",
            "is a coroutine function (`async def` without `yield`); the contract "
            "says `def ... -> AsyncIterator[...]`: make it an async generator "
            "(`async def` with `yield`) or a `def` returning an async iterator",
        )
    return None


# --- stubs ------------------------------------------------------------------------

_PROLOGUE: Final = frozenset(
    {
        "RESUME",
        "NOP",
        "CACHE",
        "EXTENDED_ARG",
        "RETURN_GENERATOR",
        "POP_TOP",
        "CALL_INTRINSIC_1",
        "RERAISE",
    }
)
"""Instructions every (async) function has around its body; ignored."""
_RAISE_ARGUMENTS: Final = frozenset(
    {"LOAD_CONST", "PUSH_NULL", "CALL", "CALL_KW", "KW_NAMES", "PRECALL"}
)
_RETURNS_NONE: Final = (
    (("RETURN_CONST", None),),
    (("LOAD_CONST", None), ("RETURN_VALUE", None)),
)


def _has_stub_body(code: CodeType) -> bool:
    """Tell whether a body only returns ``None`` or raises ``NotImplementedError``.

    ``...``, ``pass``, a lone docstring and ``return None`` compile to the same
    instructions, so they cannot be told apart here. Type checkers treat all
    but ``return None`` as a trivial body (abstract, in a protocol).
    """
    body = tuple(
        (instruction.opname, instruction.argval)
        for instruction in dis.get_instructions(code)
        if instruction.opname not in _PROLOGUE
    )
    if body in _RETURNS_NONE:
        return True
    return (
        len(body) >= 2  # the load and the raise
        and body[0] == ("LOAD_GLOBAL", "NotImplementedError")
        and body[-1][0] == "RAISE_VARARGS"
        and all(opname in _RAISE_ARGUMENTS for opname, _ in body[1:-1])
    )


def _body_is_ellipsis(function: FunctionType) -> bool:
    """Tell whether the source of ``function`` is ``...`` after an optional docstring.

    ``False`` when the source cannot be read or parsed.
    """
    try:
        lines, _ = inspect.getsourcelines(function)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except Exception:  # no source (exec, REPL, stale file): cannot tell
        return False
    if not tree.body or not isinstance(
        tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        return False
    body = tree.body[0].body
    if ast.get_docstring(tree.body[0], clean=False) is not None:
        body = body[1:]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and body[0].value.value is Ellipsis
    )


def _stub_function(value: object) -> FunctionType | None:
    """The Python function behind a class attribute, if any (getter, wrapped)."""
    if issubclass(type(value), property):
        value = typing.cast("property", value).fget
    elif issubclass(type(value), (staticmethod, classmethod)):
        value = typing.cast("staticmethod[..., object]", value).__func__
    return value if type(value) is FunctionType else None


def _stub(member: ContractMember, owner: type, value: object) -> Mismatch | None:
    """Report a member whose implementation is a stub (see ``not-implemented``)."""
    function = _stub_function(value)
    if function is None or not _has_stub_body(function.__code__):
        return None
    if is_protocol_class(owner):
        return Mismatch(
            member.name,
            "not-implemented",
            "is not implemented: the class inherits the stub that "
            f"{_type_qualname(owner)} declares (subclassing a protocol does not "
            "implement it)",
        )
    if _body_is_ellipsis(function):
        return Mismatch(
            member.name,
            "not-implemented",
            "is not implemented: its body is only `...` (a stub); if doing "
            "nothing is intended, say so with a docstring or `pass`",
        )
    return None


# --- signatures -------------------------------------------------------------------


def _ordinal(index: int) -> str:
    return f"#{index + 1}"


def _matched_at_position(
    name: str, index: int, expected: inspect.Parameter, actual: inspect.Parameter
) -> list[Mismatch]:
    """Check the implementation parameter found at a contract parameter's position."""
    found: list[Mismatch] = []
    if (
        expected.kind is not inspect.Parameter.POSITIONAL_ONLY
        and actual.kind is inspect.Parameter.POSITIONAL_ONLY
    ):
        found.append(
            Mismatch(
                name,
                "parameter-kind",
                f"`{expected.name}` is positional-only; the contract lets callers "
                "pass it by keyword",
            )
        )
    if expected.default is not _EMPTY and actual.default is _EMPTY:
        found.append(
            Mismatch(
                name,
                "missing-default",
                f"parameter {_ordinal(index)} `{actual.name}` is required; the "
                "contract makes it optional",
            )
        )
    return found


def _misplaced(
    name: str,
    index: int,
    expected: inspect.Parameter,
    actual: inspect.Parameter | None,
    *,
    impl: Sequence[inspect.Parameter],
    used: set[str],
    var_positional: bool,
    var_keyword: bool,
) -> Mismatch | None:
    """Explain a positional-or-keyword parameter not found at its position."""
    impl_positional = [p for p in impl if p.kind in _POSITIONAL]
    elsewhere = next((p for p in impl if p.name == expected.name), None)
    position = _ordinal(index)
    if elsewhere is not None and elsewhere.kind is inspect.Parameter.KEYWORD_ONLY:
        used.add(elsewhere.name)
        return Mismatch(
            name,
            "parameter-kind",
            f"`{expected.name}` is keyword-only; the contract lets callers pass it "
            f"by position ({position})",
        )
    if elsewhere is not None and elsewhere.kind in _POSITIONAL:
        used.add(elsewhere.name)
        return Mismatch(
            name,
            "parameter-order",
            f"`{expected.name}` is parameter "
            f"{_ordinal(impl_positional.index(elsewhere))}; the contract has it at "
            f"{position}",
        )
    if actual is not None:
        used.add(actual.name)
        return Mismatch(
            name,
            "renamed-parameter",
            f"parameter {position} is named `{actual.name}`; the contract names it "
            f"`{expected.name}` (callers may pass it by keyword)",
        )
    if var_positional and var_keyword:
        return None  # *args and **kwargs receive it either way
    if var_positional or var_keyword:
        how = (
            "by position (through *args)"
            if var_positional
            else ("by keyword (through **kwargs)")
        )
        other = "by keyword" if var_positional else f"by position ({position})"
        return Mismatch(
            name,
            "missing-parameter",
            f"accepts `{expected.name}` only {how}; the contract lets callers pass "
            f"it {other}",
        )
    return Mismatch(name, "missing-parameter", f"has no parameter `{expected.name}`")


def _positional_mismatches(
    name: str,
    contract: Sequence[inspect.Parameter],
    impl: Sequence[inspect.Parameter],
    used: set[str],
    *,
    var_positional: bool,
    var_keyword: bool,
) -> list[Mismatch]:
    """Compare the contract's positional parameters with the implementation's.

    Args:
        name: The member.
        contract: The contract's positional parameters, in order.
        impl: All the implementation's parameters, in order.
        used: Filled with the names of the implementation parameters that
            stand for a contract parameter.
        var_positional: The implementation has ``*args``.
        var_keyword: The implementation has ``**kwargs``.

    Returns:
        The mismatches found.
    """
    found: list[Mismatch] = []
    impl_positional = [p for p in impl if p.kind in _POSITIONAL]
    for index, expected in enumerate(contract):
        actual = impl_positional[index] if index < len(impl_positional) else None
        if actual is not None and (
            expected.kind is inspect.Parameter.POSITIONAL_ONLY
            or actual.name == expected.name
        ):
            used.add(actual.name)
            found.extend(_matched_at_position(name, index, expected, actual))
        elif expected.kind is inspect.Parameter.POSITIONAL_ONLY:
            if not var_positional:
                found.append(
                    Mismatch(
                        name,
                        "missing-parameter",
                        f"takes no positional parameter {_ordinal(index)} "
                        f"(`{expected.name}`, positional-only in the contract)",
                    )
                )
        else:
            mismatch = _misplaced(
                name,
                index,
                expected,
                actual,
                impl=impl,
                used=used,
                var_positional=var_positional,
                var_keyword=var_keyword,
            )
            if mismatch is not None:
                found.append(mismatch)
    return found


def _signature_mismatches(
    name: str, contract: inspect.Signature, impl: inspect.Signature
) -> list[Mismatch]:
    """Compare parameter names, kinds, order, arity and presence of defaults."""
    expected = list(contract.parameters.values())
    actual = list(impl.parameters.values())
    var_positional = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in actual)
    var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in actual)
    impl_by_name = {p.name: p for p in actual if p.kind in _BY_NAME}
    used: set[str] = set()
    found = _positional_mismatches(
        name,
        [p for p in expected if p.kind in _POSITIONAL],
        actual,
        used,
        var_positional=var_positional,
        var_keyword=var_keyword,
    )
    for parameter in expected:
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            counterpart = impl_by_name.get(parameter.name)
            if counterpart is None:
                if any(p.name == parameter.name for p in actual):
                    used.add(parameter.name)
                    found.append(
                        Mismatch(
                            name,
                            "parameter-kind",
                            f"`{parameter.name}` is positional-only; the contract "
                            "passes it by keyword",
                        )
                    )
                elif not var_keyword:  # else **kwargs receives it
                    found.append(
                        Mismatch(
                            name,
                            "missing-parameter",
                            f"has no keyword-only parameter `{parameter.name}`",
                        )
                    )
                continue
            if counterpart.name in used:
                found.append(
                    Mismatch(
                        name,
                        "renamed-parameter",
                        f"`{parameter.name}` also receives a positional argument of "
                        "the contract: a call passing both fails",
                    )
                )
                continue
            used.add(counterpart.name)
            if parameter.default is not _EMPTY and counterpart.default is _EMPTY:
                found.append(
                    Mismatch(
                        name,
                        "missing-default",
                        f"`{parameter.name}` is required; the contract makes it "
                        "optional (callers may omit it)",
                    )
                )
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL and not var_positional:
            found.append(
                Mismatch(name, "missing-parameter", f"has no `*{parameter.name}`")
            )
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD and not var_keyword:
            found.append(
                Mismatch(name, "missing-parameter", f"has no `**{parameter.name}`")
            )
    for parameter in actual:
        if (
            parameter.kind
            not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
            and parameter.name not in used
            and parameter.default is _EMPTY
        ):
            found.append(
                Mismatch(
                    name,
                    "extra-required-parameter",
                    f"requires parameter `{parameter.name}`, which the contract "
                    "never passes",
                )
            )
    return found


def _signature_of(function: object, *, binds: bool) -> inspect.Signature:
    """The parameters callers pass (without the instance, when it binds).

    Raises:
        Exception: Whatever ``inspect.signature`` raises; ``TypeError`` when
            a ``__signature__`` is not a real ``inspect.Signature``.
    """
    callable_ = typing.cast("Callable[..., object]", function)
    signature = typing.cast("object", inspect.signature(callable_))
    if not issubclass(type(signature), inspect.Signature):
        msg = f"__signature__ is a {_type_qualname(type(signature))}, not a Signature"
        raise TypeError(msg)
    result = typing.cast("inspect.Signature", signature)
    if binds:
        parameters = list(result.parameters.values())
        if parameters and parameters[0].kind in _POSITIONAL:
            result = result.replace(parameters=parameters[1:])
    return result


def _callable_mismatches(
    member: ContractMember, function: object, *, binds: bool, style_of: object
) -> list[Mismatch]:
    """Check one implementation callable against a contract method.

    Args:
        member: The contract method.
        function: The implementation's callable, whose signature is read.
        binds: ``function`` is found on a class and receives the instance as
            its first argument.
        style_of: What tells ``async def`` from ``def`` (``function`` itself,
            or the function a ``partialmethod`` wraps).
    """
    found: list[Mismatch] = []
    try:
        style = _style_mismatch(member, style_of)
    except Exception as error:  # a hostile marker, __class__ or __getattribute__
        return [_inaccessible(member, error, "reading its call style")]
    if style is not None:
        found.append(style)
    if member.signature is None:  # pragma: no cover - contract methods have one
        return found
    try:
        signature = _signature_of(function, binds=binds)
        found.extend(_signature_mismatches(member.name, member.signature, signature))
    except Exception as error:  # ValueError, TypeError, or a raising __signature__
        found.append(
            Mismatch(
                member.name,
                "unreadable-signature",
                f"has parameters that cannot be read ({_error_text(error)}), so "
                "nothing proves the contract's calls work: implement it as a Python "
                "function, or give it a correct `__signature__`",
            )
        )
    return found


# --- the class ----------------------------------------------------------------------


def _is_data_descriptor(kind: type) -> bool:
    return (
        static_lookup(kind, "__set__")[0] is not None
        or static_lookup(kind, "__delete__")[0] is not None
    )


def _binds(kind: type) -> bool:
    """Instances of ``kind`` stored on a class receive the instance when called."""
    owner, _ = static_lookup(kind, "__get__")
    return owner is not None and not issubclass(kind, _NOT_BINDING)


def _is_method_like(value: object) -> bool:
    kind = type(value)
    if issubclass(kind, (FunctionType, staticmethod, classmethod, partialmethod)):
        return True
    return callable(value) and _binds(kind) and not _is_data_descriptor(kind)


def _method_of(cls: type, value: object) -> tuple[object, bool, object] | None:
    """The callable a class attribute provides, whether it binds, and its style source.

    Returns ``None`` for a data descriptor other than a property (a slot, for
    example): the instance holds the value.
    """
    kind = type(value)
    if kind is FunctionType:
        return value, True, value
    if issubclass(kind, staticmethod):
        function = typing.cast("staticmethod[..., object]", value).__func__
        return function, False, function
    if issubclass(kind, classmethod):
        function = typing.cast("classmethod[object, ..., object]", value).__func__
        return function, True, function
    if issubclass(kind, partialmethod):
        method = typing.cast("partialmethod[object]", value)
        # On the class, a partialmethod of a function gives a function whose
        # signature inspect computes with the instance first.
        unbound: object = method.__get__(None, cls)
        return unbound, type(unbound) is FunctionType, method.func
    if _is_data_descriptor(kind):
        return None
    return value, _binds(kind), value


def _property_verdict(member: ContractMember, value: object) -> list[Mismatch]:
    if _is_method_like(value):
        return [
            Mismatch(
                member.name,
                "not-a-property",
                "is a method; the contract declares a read-only property",
            )
        ]
    return []


def _not_a_method(member: ContractMember, value: object) -> Mismatch:
    what = (
        "a property"
        if issubclass(type(value), property)
        else f"a {_type_qualname(type(value))} value"
    )
    return Mismatch(
        member.name, "not-a-method", f"is {what}; the contract declares a method"
    )


def _class_verdict(
    cls: type, member: ContractMember, owner: type, value: object
) -> list[Mismatch] | _Deferred:
    """Check a member found on a class; a ``_Deferred`` lets the instance decide.

    A stub is reported before whatever else is wrong with the member.
    """
    stub = _stub(member, owner, value)
    verdict = _shape_verdict(cls, member, value)
    if stub is None:
        return verdict
    if isinstance(verdict, _Deferred):  # a stub is final, whatever the instance
        return [stub, *(verdict.class_verdict or ())]
    return [stub, *verdict]


def _shape_verdict(
    cls: type, member: ContractMember, value: object
) -> list[Mismatch] | _Deferred:
    if member.kind != "method":
        return _property_verdict(member, value)
    if value is None:
        return [
            Mismatch(member.name, "missing", "is None; the contract declares a method")
        ]
    if issubclass(type(value), property):
        return [_not_a_method(member, value)]
    return _method_verdict(cls, member, value)


def _method_verdict(
    cls: type, member: ContractMember, value: object
) -> list[Mismatch] | _Deferred:
    method = _method_of(cls, value)
    if method is None:
        return _Deferred(member, "lookup", None)
    function, binds, style_of = method
    if not callable(function):
        return [_not_a_method(member, function)]
    found = _callable_mismatches(member, function, binds=binds, style_of=style_of)
    if found and member.name == "__call__":
        return _Deferred(member, "call", tuple(found))
    return found


def _declared(cls: type, name: str) -> bool:
    """An annotation of ``cls`` or a base that is not a protocol declares ``name``."""
    return any(
        name in static_annotations(klass)
        for klass in static_mro(cls)
        if not is_protocol_class(klass)
    )


def _member_plan(
    cls: type, member: ContractMember, *, through_getattribute: bool
) -> tuple[list[Mismatch], _Deferred | None, list[Mismatch]]:
    """(final mismatches, what the instance decides, the class check's result)."""
    owner, value = static_lookup(cls, member.name)
    if owner is None:
        class_result = [] if _declared(cls, member.name) else [_missing(member, cls)]
        mode: _Mode = "access" if through_getattribute else "lookup"
        return [], _Deferred(member, mode, None), class_result
    verdict = _class_verdict(cls, member, owner, value)
    if isinstance(verdict, _Deferred):
        class_result = list(verdict.class_verdict or ())
        if through_getattribute:
            verdict = _Deferred(member, "access", None)
        return [], verdict, class_result
    if through_getattribute:
        return [], _Deferred(member, "access", tuple(verdict)), verdict
    return verdict, None, verdict


def _build_plan(cls: type, protocol: type) -> _Plan:
    owner, _ = static_lookup(cls, "__getattribute__")
    through_getattribute = owner is not None and owner is not object
    mismatches: list[Mismatch] = []
    deferred: list[_Deferred] = []
    class_result: list[Mismatch] = []
    for member in contract_members(protocol).values():
        try:
            final, later, on_class = _member_plan(
                cls, member, through_getattribute=through_getattribute
            )
        except Exception as error:  # a hostile class attribute
            final = on_class = [_inaccessible(member, error, "reading it on the class")]
            later = None
        mismatches.extend(final)
        class_result.extend(on_class)
        if later is not None:
            deferred.append(later)
    present = [d for d in deferred if d.mode == "lookup" and d.member.kind != "method"]
    return _Plan(
        protocol,
        tuple(mismatches),
        tuple(deferred),
        tuple(class_result),
        frozenset(d.member.name for d in present),
        tuple(d for d in deferred if d not in present),
    )


def _plan(cls: type, protocol: type) -> _Plan:
    key = id(cls)
    entry = _CLASSES.get(key)
    if entry is None or entry.reference() is not cls:
        instances = not issubclass(cls, _FUNCTION_OR_CLASS)
        entry = _ClassEntry(weakref.ref(cls, _forget(key)), instances, {})
        _CLASSES[key] = entry
        _RESULTS.pop(key, None)
    plan = entry.plans.get(id(protocol))
    if plan is None:
        plan = _build_plan(cls, protocol)
        entry.plans[id(protocol)] = plan
    return plan


# --- the instance -------------------------------------------------------------------


def _instance_value(instance: object, cls: type, name: str) -> object:
    """The value of ``name`` on ``instance``: its ``__dict__``, then a data descriptor.

    Raises:
        Exception: Whatever a raising ``__dict__`` or descriptor raises (not
            ``AttributeError``, which means "missing").
    """
    try:
        namespace: object = object.__getattribute__(instance, "__dict__")
    except AttributeError:
        namespace = None
    if type(namespace) is dict:
        values = typing.cast("dict[str, object]", namespace)
        if name in values:
            return values[name]
    _, descriptor = static_lookup(cls, name)
    if descriptor is MISSING:
        return MISSING
    _, getter = static_lookup(type(descriptor), "__get__")
    if getter is MISSING:
        return descriptor
    try:
        return typing.cast("Callable[[object, object, type], object]", getter)(
            descriptor, instance, cls
        )
    except AttributeError:
        return MISSING


def _value_verdict(member: ContractMember, cls: type, value: object) -> list[Mismatch]:
    if value is MISSING or (value is None and member.kind == "method"):
        return [_missing(member, cls)]
    if member.kind != "method":
        return []
    if not callable(value):
        return [_not_a_method(member, value)]
    return _callable_mismatches(member, value, binds=False, style_of=value)


def _instance_verdict(
    instance: object, cls: type, deferred: _Deferred
) -> list[Mismatch]:
    member = deferred.member
    if deferred.mode == "call":
        # Python calls type(instance).__call__, but the instance may say more:
        # AsyncMock marks itself as a coroutine function.
        return _callable_mismatches(member, instance, binds=False, style_of=instance)
    if deferred.mode == "access":
        return _access_verdict(instance, cls, deferred)
    try:
        value = _instance_value(instance, cls, member.name)
    except Exception as error:  # a raising descriptor or __dict__
        return [_inaccessible(member, error, "reading it on the instance")]
    return _value_verdict(member, cls, value)


def _access_verdict(instance: object, cls: type, deferred: _Deferred) -> list[Mismatch]:
    """Read a member through the ``__getattribute__`` override of ``cls``."""
    member = deferred.member
    try:
        value = typing.cast("object", getattr(instance, member.name))
    except AttributeError:
        return [_missing(member, cls)]
    except Exception as error:  # a raising __getattribute__
        return [
            _inaccessible(
                member, error, f"{_type_qualname(cls)}.__getattribute__ (the override)"
            )
        ]
    if deferred.class_verdict is not None:
        return list(deferred.class_verdict)
    return _value_verdict(member, cls, value)


def _holds(instance: object, names: frozenset[str]) -> bool:
    """The instance ``__dict__`` holds every name (``False`` when unreadable)."""
    try:
        namespace: object = object.__getattribute__(instance, "__dict__")
    except Exception:  # no __dict__, or a raising one: the careful path reports
        return False
    return (
        type(namespace) is dict
        and typing.cast("dict[str, object]", namespace).keys() >= names
    )


def _check_instance(instance: object, cls: type, plan: _Plan) -> list[Mismatch]:
    """Check an instance of ``cls`` (its class's plan built)."""
    if not plan.deferred:  # the class decides: enter the fast path
        _RESULTS.setdefault(id(cls), {})[id(plan.protocol)] = plan.mismatches
        return list(plan.mismatches)
    pending = plan.others
    if plan.present and not _holds(instance, plan.present):
        pending = plan.deferred
    if not pending:
        return list(plan.mismatches)
    found = list(plan.mismatches)
    for deferred in pending:
        found.extend(_instance_verdict(instance, cls, deferred))
    found.sort(key=lambda mismatch: mismatch.member)
    return found


def _check_function(function: object, protocol: type) -> list[Mismatch]:
    """Check a plain function (or method, partial) against a callback protocol.

    Not cached: a function's ``__signature__``, defaults or markers may change.
    """
    found: list[Mismatch] = []
    for member in contract_members(protocol).values():
        if member.name == "__call__" and member.kind == "method":
            found.extend(
                _callable_mismatches(member, function, binds=False, style_of=function)
            )
            continue
        try:
            value = inspect.getattr_static(function, member.name, MISSING)
        except Exception as error:  # a hostile object bound in a partial
            found.append(_inaccessible(member, error, "reading it"))
            continue
        if value is MISSING:
            found.append(_missing(member))
    return found


# --- the public API -----------------------------------------------------------------


def _contract(protocol: object) -> type:
    """The protocol class behind ``protocol``, its members read.

    Raises:
        InvalidInputError: ``protocol`` is not a Protocol class, or its
            members cannot be read.
    """
    origin = protocol_origin(protocol)
    if origin is None:
        msg = f"{_safe_repr(protocol)} is not a typing.Protocol class"
        raise InvalidInputError(msg)
    try:
        contract_members(origin)
    except Exception as error:  # a protocol whose own members are unreadable
        msg = f"cannot read the members of {_class_name(origin)}: {_error_text(error)}"
        raise InvalidInputError(msg) from error
    return origin


def _check(implementation: object, protocol: object) -> list[Mismatch]:
    origin = _contract(protocol)
    cls = type(implementation)
    try:
        if issubclass(cls, type):
            implementation_class = typing.cast("type", implementation)
            return list(_plan(implementation_class, origin).class_result)
        if issubclass(cls, _FUNCTION_TYPES):
            return _check_function(implementation, origin)
        return _check_instance(implementation, cls, _plan(cls, origin))
    except Exception as error:  # pragma: no cover - every member is guarded
        return [
            _inaccessible(member, error, "checking it")
            for member in contract_members(origin).values()
        ]


def check_conformance(implementation: object, protocol: type) -> list[Mismatch]:
    """List every way ``implementation`` differs from ``protocol``, beyond isinstance.

    See the module documentation for what is and is not checked. Never raises
    because of ``implementation``: whatever cannot be read is a mismatch.

    Args:
        implementation: An instance, a class (checked as the type of its
            instances), or a plain function for a callback protocol.
        protocol: A ``typing.Protocol`` class, possibly parameterised
            (``ProtocolPage[int]``); it need not be runtime-checkable.

    Returns:
        The mismatches, ordered by member name; empty when the implementation
        conforms.

    Raises:
        InvalidInputError: ``protocol`` is not a Protocol class.
    """
    cls = type(implementation)
    results = _RESULTS.get(id(cls))
    if results is not None:
        cached = results.get(id(protocol))
        if cached is not None:
            return [*cached]
    entry = _CLASSES.get(id(cls))
    if entry is not None and entry.instances:
        # A plan keyed by id(protocol) holds that protocol: it is this one.
        plan = entry.plans.get(id(protocol))
        if plan is not None and entry.reference() is cls:
            return _check_instance(implementation, cls, plan)
    return _check(implementation, protocol)


def _describe(implementation: object) -> str:
    cls = type(implementation)
    if issubclass(cls, type):
        return f"class {_class_name(typing.cast('type', implementation))}"
    if issubclass(cls, _FUNCTION_TYPES):
        try:
            qualname: object = getattr(implementation, "__qualname__", None)
        except Exception:  # a bound method of a hostile callable
            qualname = None
        if type(qualname) is not str:
            qualname = _safe_repr(implementation)
        return f"function {qualname}"
    return f"{_class_name(cls)} instance"


def assert_conforms(implementation: object, protocol: type) -> None:
    """Raise unless ``implementation`` conforms to ``protocol``.

    See [`check_conformance`][] for what is checked.

    Meant for dependency-injection containers at registration time (SR-1).

    Args:
        implementation: An instance, a class, or a function for a callback
            protocol.
        protocol: A ``typing.Protocol`` class, possibly parameterised.

    Raises:
        InvalidInputError: ``protocol`` is not a Protocol class, or the
            implementation does not conform; the message lists every mismatch,
            one per line, naming the member and what is wrong. No other
            exception escapes, whatever ``implementation`` does when inspected.
    """
    mismatches = check_conformance(implementation, protocol)
    if not mismatches:
        return
    contract = _class_name(_contract(protocol))
    count = len(mismatches)
    lines = [
        f"{_describe(implementation)} does not conform to {contract} "
        f"({count} mismatch{'es' if count > 1 else ''}):",
        *(f"  - {mismatch}" for mismatch in mismatches),
    ]
    raise InvalidInputError("\n".join(lines))
