"""A registration-time conformance check, stricter than ``isinstance``.

``isinstance(obj, SomeProtocol)`` only checks that every member exists: a sync
``def`` where the contract says ``async def``, a renamed parameter or a missing
keyword-only parameter all pass it, and fail later, at the first call.
[`check_conformance`][] inspects what a runtime check can see and reports
every difference:

- a missing member (a method set to ``None`` counts as missing, as in
  ``typing``);
- a property implemented by a method, or a method by a property or a
  non-callable attribute;
- ``def`` versus ``async def``: an ``async def`` member must be a coroutine
  function; a plain ``def`` member must not be one; a ``def ... ->
  AsyncIterator[T]`` member may be an async generator function (``async def``
  with ``yield``) or a plain function returning an async iterator, but not a
  coroutine function;
- parameters: every parameter the contract lets callers pass must be
  accepted the same way: positional-or-keyword parameters with the same name
  at the same position, keyword-only parameters by name, positional-only
  parameters by position (any name, so a plain function implements a
  ``__call__(self, event, /)`` callback); optional contract parameters must be
  optional in the implementation; the implementation may add parameters only
  if they are optional (a default, ``*args`` or ``**kwargs``). ``*args`` and
  ``**kwargs`` accept what they can absorb, so ``(*args, **kwargs)`` accepts
  every call.

What it does not check: annotations (a type checker's job: run ``mypy
--strict`` or pyright), default *values* (only that a default exists), type
arguments of generic protocols (``ProtocolPage[int]`` is checked as
``ProtocolPage``), and attributes an object only provides through
``__getattr__`` (``isinstance`` does not see them either).

An implementation may be an instance or a class. A class is checked as the
type of its instances: members declared as annotations (dataclass fields,
pydantic fields) count as present. A plain function implements a callback
protocol whose only member is ``__call__``.

Results are cached per ``(class, protocol)`` for everything found on the
class, so a check of an instance costs a dictionary lookup plus one lookup in
the instance's ``__dict__`` per member the class does not define. Classes are
assumed not to change after their first check; call
[`clear_conformance_cache`][] after patching one.
"""

import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Final, Literal, override
from weakref import WeakKeyDictionary

from omnibase.protocols.errors import InvalidInputError
from omnibase.spi_conformance.members import (
    CallStyle,
    ContractMember,
    contract_members,
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
]
"""What is wrong with one member.

- ``missing``: the member does not exist (or is ``None``).
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


class _Missing:
    """Sentinel type: no attribute found."""


_MISSING: Final = _Missing()


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


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the class of an implementation tells about each member."""

    mismatches: tuple[Mismatch, ...]
    """Mismatches of the members found on the class (final)."""
    deferred: tuple[ContractMember, ...]
    """Members the class does not define: look them up on the instance."""
    class_result: tuple[Mismatch, ...]
    """The full result when the class itself is checked."""


_PLANS: WeakKeyDictionary[type, dict[type, _Plan]] = WeakKeyDictionary()
_FUNCTION_RESULTS: WeakKeyDictionary[FunctionType, dict[type, tuple[Mismatch, ...]]] = (
    WeakKeyDictionary()
)


def clear_conformance_cache() -> None:
    """Forget every cached result (after a class was changed at runtime)."""
    _PLANS.clear()
    _FUNCTION_RESULTS.clear()


def _lookup_on_class(cls: type, name: str) -> object:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            value: object = klass.__dict__[name]
            return value
    return _MISSING


def _declared_in_annotations(cls: type, name: str) -> bool:
    return any(name in inspect.get_annotations(klass) for klass in cls.__mro__)


def _is_function_like(obj: object) -> bool:
    return isinstance(obj, (FunctionType, MethodType, BuiltinFunctionType, partial))


def _describe_style(function: object) -> Literal["sync", "async", "async-generator"]:
    if inspect.iscoroutinefunction(function):
        return "async"
    if inspect.isasyncgenfunction(function):
        return "async-generator"
    if not _is_function_like(function) and not isinstance(function, type):
        # A callable object: its class's ``__call__`` decides.
        call = _lookup_on_class(type(function), "__call__")
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


def _signature_of(function: object, *, bound: bool) -> inspect.Signature | None:
    try:
        signature = inspect.signature(typing.cast("Callable[..., object]", function))
    except (TypeError, ValueError):
        return None  # builtins without a signature: nothing to compare
    if bound:
        parameters = list(signature.parameters.values())
        if parameters and parameters[0].kind in _POSITIONAL:
            signature = signature.replace(parameters=parameters[1:])
    return signature


def _callable_mismatches(
    member: ContractMember, function: object, *, bound: bool
) -> list[Mismatch]:
    """Check one implementation callable against a contract method.

    Args:
        member: The contract method.
        function: The implementation's callable.
        bound: ``function`` is a function found on a class: its first
            parameter receives the instance.
    """
    found: list[Mismatch] = []
    style = _style_mismatch(member, function)
    if style is not None:
        found.append(style)
    signature = _signature_of(function, bound=bound)
    if signature is not None and member.signature is not None:
        found.extend(_signature_mismatches(member.name, member.signature, signature))
    return found


def _method_of(value: object) -> tuple[object, bool] | None:
    """The callable a class attribute provides, and whether it is bound to instances.

    Returns ``None`` for a data descriptor other than a property (a slot, for
    example): the instance holds the value.
    """
    if isinstance(value, FunctionType):
        return value, True
    if isinstance(value, staticmethod):
        return typing.cast("staticmethod[..., object]", value).__func__, False
    if isinstance(value, classmethod):
        method = typing.cast("classmethod[object, ..., object]", value)
        return method.__func__, True
    if hasattr(type(value), "__set__"):
        return None
    return value, False


def _class_value_mismatches(
    member: ContractMember, value: object
) -> list[Mismatch] | None:
    """Check a member found on a class; ``None`` means "decide per instance"."""
    name = member.name
    if member.kind != "method":
        if isinstance(value, (FunctionType, staticmethod, classmethod)):
            return [
                Mismatch(
                    name,
                    "not-a-property",
                    "is a method; the contract declares a read-only property",
                )
            ]
        return []
    if value is None:
        return [Mismatch(name, "missing", "is None; the contract declares a method")]
    if not isinstance(value, property):
        method = _method_of(value)
        if method is None:
            return None
        function, bound = method
        if callable(function):
            return _callable_mismatches(member, function, bound=bound)
    what = (
        "a property"
        if isinstance(value, property)
        else f"a {type(value).__name__} value"
    )
    return [
        Mismatch(name, "not-a-method", f"is {what}; the contract declares a method")
    ]


def _missing(member: ContractMember) -> Mismatch:
    what = "method" if member.kind == "method" else "property"
    return Mismatch(
        member.name, "missing", f"is missing; the contract declares a {what}"
    )


def _plan(cls: type, protocol: type) -> _Plan:
    per_class = _PLANS.get(cls)
    if per_class is None:
        per_class = {}
        _PLANS[cls] = per_class
    plan = per_class.get(protocol)
    if plan is not None:
        return plan
    mismatches: list[Mismatch] = []
    deferred: list[ContractMember] = []
    class_result: list[Mismatch] = []
    for member in contract_members(protocol).values():
        value = _lookup_on_class(cls, member.name)
        found = None if value is _MISSING else _class_value_mismatches(member, value)
        if found is None:
            deferred.append(member)
            if value is _MISSING and not _declared_in_annotations(cls, member.name):
                class_result.append(_missing(member))
            continue
        mismatches.extend(found)
        class_result.extend(found)
    plan = _Plan(tuple(mismatches), tuple(deferred), tuple(class_result))
    per_class[protocol] = plan
    return plan


def _instance_value(instance: object, name: str) -> object:
    try:
        namespace: object = object.__getattribute__(instance, "__dict__")
    except AttributeError:
        namespace = None
    if isinstance(namespace, dict) and name in namespace:
        value: object = typing.cast("dict[str, object]", namespace)[name]
        return value
    descriptor = _lookup_on_class(type(instance), name)
    if descriptor is not _MISSING:
        try:
            return typing.cast("object", getattr(instance, name))
        except AttributeError:
            return _MISSING
    return _MISSING


def _check_instance(instance: object, protocol: type) -> list[Mismatch]:
    plan = _plan(type(instance), protocol)
    if not plan.deferred:
        return list(plan.mismatches)
    found = list(plan.mismatches)
    for member in plan.deferred:
        value = _instance_value(instance, member.name)
        if value is _MISSING or (value is None and member.kind == "method"):
            found.append(_missing(member))
        elif member.kind == "method":
            if callable(value):
                found.extend(_callable_mismatches(member, value, bound=False))
            else:
                found.append(
                    Mismatch(
                        member.name,
                        "not-a-method",
                        f"is a {type(value).__name__} value; the contract "
                        "declares a method",
                    )
                )
    found.sort(key=lambda mismatch: mismatch.member)
    return found


def _check_function(function: object, protocol: type) -> list[Mismatch]:
    """Check a plain function (or method, partial) against a callback protocol."""
    cached = None
    if isinstance(function, FunctionType):
        cached = _FUNCTION_RESULTS.get(function, {}).get(protocol)
    if cached is not None:
        return list(cached)
    found: list[Mismatch] = []
    for member in contract_members(protocol).values():
        if member.name == "__call__" and member.kind == "method":
            found.extend(_callable_mismatches(member, function, bound=False))
            continue
        value = inspect.getattr_static(function, member.name, _MISSING)
        if value is _MISSING:
            found.append(_missing(member))
    if isinstance(function, FunctionType):
        _FUNCTION_RESULTS.setdefault(function, {})[protocol] = tuple(found)
    return found


def check_conformance(implementation: object, protocol: type) -> list[Mismatch]:
    """List every way ``implementation`` differs from ``protocol``, beyond isinstance.

    See the module documentation for what is and is not checked.

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
    origin = protocol_origin(protocol)
    if origin is None:
        msg = f"{protocol!r} is not a typing.Protocol class"
        raise InvalidInputError(msg)
    if isinstance(implementation, type):
        return list(_plan(implementation, origin).class_result)
    if _is_function_like(implementation):
        return _check_function(implementation, origin)
    return _check_instance(implementation, origin)


def _describe(implementation: object) -> str:
    if isinstance(implementation, type):
        return f"class {implementation.__module__}.{implementation.__qualname__}"
    if _is_function_like(implementation):
        qualname = getattr(implementation, "__qualname__", repr(implementation))
        return f"function {qualname}"
    cls = type(implementation)
    return f"{cls.__module__}.{cls.__qualname__} instance"


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
            one per line, naming the member and what is wrong.
    """
    mismatches = check_conformance(implementation, protocol)
    if not mismatches:
        return
    origin = protocol_origin(protocol)
    target = protocol if origin is None else origin
    contract = f"{target.__module__}.{target.__qualname__}"
    count = len(mismatches)
    lines = [
        f"{_describe(implementation)} does not conform to {contract} "
        f"({count} mismatch{'es' if count > 1 else ''}):",
        *(f"  - {mismatch}" for mismatch in mismatches),
    ]
    raise InvalidInputError("\n".join(lines))
