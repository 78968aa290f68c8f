"""The conformance check over every SPI protocol, found by walking the package.

1. A faithful object (built by introspection) conforms, and every single-member
   mutation of it (missing, wrong call style, renamed, dropped or added
   parameter, lost default, method for a property) is reported with the right
   code.
2. Every implementation shape that the typing tests prove type-checks (the
   generated frozen/slots dataclasses, pydantic models, NamedTuples, property
   classes, service classes and callback functions) also passes the runtime
   check: the strict check never rejects what mypy and pyright accept.
"""

import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from omnibase.spi_conformance import (
    ContractMember,
    MismatchCode,
    check_conformance,
    contract_members,
)
from omnibase.spi_conformance.discovery import iter_protocols
from tests.runtime.protocol_fakes import conforming_class
from tests.typing.accepted_shapes import generate_modules

PROTOCOLS = iter_protocols()
P = inspect.Parameter
_REMOVED = object()


def _id(protocol: type) -> str:
    return protocol.__qualname__


def _function(style: str | None, signature: inspect.Signature) -> Callable[..., object]:
    """A function with the given call style and signature (``self`` included)."""
    method: Callable[..., object]
    if style == "async":

        async def coroutine_method(*args: object, **kwargs: object) -> None:
            return None

        method = coroutine_method
    else:

        def plain_method(*args: object, **kwargs: object) -> None:
            return None

        method = plain_method
    this = P("self", P.POSITIONAL_ONLY)
    vars(method)["__signature__"] = signature.replace(
        parameters=[this, *signature.parameters.values()]
    )
    return method


def _mutations(
    member: ContractMember,
) -> Iterator[tuple[str, object, MismatchCode]]:
    """Yield (description, replacement value, expected code) for one member."""
    yield "removed", _REMOVED, "missing"
    if member.kind == "method":
        yield "set to None", None, "missing"
    if member.kind == "property":
        yield "method", _function("sync", inspect.Signature()), "not-a-property"
        return
    signature = member.signature
    assert signature is not None
    parameters = list(signature.parameters.values())
    if member.style == "async":
        yield "sync", _function("sync", signature), "not-async"
    else:
        yield "async", _function("async", signature), (
            "unexpected-async" if member.style == "sync" else "not-async-iterator"
        )
    style = "async" if member.style == "async" else "sync"
    extra = P("zz_extra", P.KEYWORD_ONLY)
    yield (
        "extra required keyword",
        _function(style, signature.replace(parameters=[*parameters, extra])),
        "extra-required-parameter",
    )
    for index, parameter in enumerate(parameters):
        if parameter.kind is P.POSITIONAL_OR_KEYWORD:
            renamed = [*parameters]
            renamed[index] = parameter.replace(name=f"{parameter.name}_renamed")
            yield (
                f"renamed {parameter.name}",
                _function(style, signature.replace(parameters=renamed)),
                "renamed-parameter",
            )
        if parameter.kind is P.KEYWORD_ONLY:
            dropped = [p for p in parameters if p is not parameter]
            yield (
                f"dropped {parameter.name}",
                _function(style, signature.replace(parameters=dropped)),
                "missing-parameter",
            )
            if parameter.default is not P.empty:
                required = [
                    p.replace(default=P.empty) if p is parameter else p
                    for p in parameters
                ]
                yield (
                    f"required {parameter.name}",
                    _function(style, signature.replace(parameters=required)),
                    "missing-default",
                )


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_id)
def test_every_single_member_mutation_is_reported(protocol: type) -> None:
    faithful = conforming_class(protocol)
    assert check_conformance(faithful(), protocol) == []
    wrong: list[str] = []
    count = 0
    for name, member in contract_members(protocol).items():
        for description, value, code in _mutations(member):
            count += 1
            mutant = (
                conforming_class(protocol, omit=name)
                if value is _REMOVED
                else type(f"{faithful.__name__}Mutant", (faithful,), {name: value})
            )
            found = [(m.member, m.code) for m in check_conformance(mutant(), protocol)]
            if found != [(name, code)]:
                wrong.append(f"{name} {description}: expected {code}, got {found}")
    assert wrong == [], f"{len(wrong)} of {count} mutations misreported"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def accepted_modules(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[ModuleType]]:
    directory = tmp_path_factory.mktemp("accepted_runtime")
    modules: list[ModuleType] = []
    for generated in generate_modules():
        path = directory / f"{generated.name}.py"
        path.write_text(generated.source, encoding="utf-8")
        modules.append(_load(path, f"_runtime_{generated.name}"))
    yield modules
    for module in modules:
        sys.modules.pop(module.__name__, None)


def test_shapes_accepted_by_the_type_checkers_pass_the_runtime_check(
    accepted_modules: list[ModuleType],
) -> None:
    """Every ``accept_<Protocol>__<shape>(implementation: X)`` pair: X conforms.

    Classes are checked as classes; service classes (no constructor
    arguments) and callback functions are checked as objects too.
    """
    protocols = {protocol.__qualname__: protocol for protocol in PROTOCOLS}
    failures: list[str] = []
    checked = 0
    for module in accepted_modules:
        for name, function in vars(module).items():
            if not name.startswith("accept_") or not inspect.isfunction(function):
                continue
            protocol = protocols[name.removeprefix("accept_").partition("__")[0]]
            parameters = inspect.signature(function).parameters
            if parameters:
                implementation = typing_get_class(function)
                candidates: list[object] = [implementation]
                if name.endswith(("__class", "__class_plain_def_iterators")):
                    candidates.append(implementation())
            else:
                candidates = [vars(module)[f"{protocol.__qualname__}Function"]]
            for candidate in candidates:
                checked += 1
                found = check_conformance(candidate, protocol)
                if found:
                    failures.append(f"{name} ({candidate!r}): {found}")
    print(f"\n{checked} generated implementations pass the runtime check")
    assert failures == []
    assert checked > len(PROTOCOLS)


def typing_get_class(function: Callable[..., object]) -> type:
    """The class annotated on ``accept_...(implementation: X[...])``."""
    annotation: object = (
        inspect.signature(function).parameters["implementation"].annotation
    )
    origin: object = getattr(annotation, "__origin__", annotation)
    assert isinstance(origin, type)
    return origin
