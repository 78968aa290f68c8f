"""Find every module, protocol and named type of the SPI, and render types as source.

The repository's own tests and its API-surface script walk the SPI with these
functions instead of keeping lists by hand, so a new protocol is tested and
recorded the moment it is added. Implementers can use them to enumerate the
contracts too.
"""

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType, NoneType, UnionType
from typing import Final, Literal, TypeAliasType, TypeVar

from omnibase.spi_conformance.members import is_protocol_class

__all__ = [
    "SPI_PACKAGE",
    "AnnotationRenderer",
    "NamedType",
    "is_literal",
    "iter_modules",
    "iter_protocols",
    "named_literals",
    "resolved_hints",
]

SPI_PACKAGE: Final = "omnibase.protocols"
"""The import package of the SPI."""


def iter_modules(package: str = SPI_PACKAGE) -> list[ModuleType]:
    """Import and return a package and every module below it, sorted by name.

    Args:
        package: Dotted name of the package to walk.

    Returns:
        The package itself and all its submodules (packages included).
    """
    root = importlib.import_module(package)
    modules = {root.__name__: root}
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{root.__name__}."):
        modules[info.name] = importlib.import_module(info.name)
    return [modules[name] for name in sorted(modules)]


def iter_protocols(package: str = SPI_PACKAGE) -> list[type]:
    """Return every Protocol class defined in a package, sorted by qualified name.

    A protocol re-exported by several modules is listed once, under the module
    that defines it.

    Args:
        package: Dotted name of the package to walk.

    Returns:
        The protocol classes.
    """
    found: dict[str, type] = {}
    for module in iter_modules(package):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and is_protocol_class(value)
                and value.__module__ == module.__name__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def is_literal(value: object) -> bool:
    """Tell whether ``value`` is a ``Literal[...]`` type.

    Args:
        value: Anything.

    Returns:
        ``True`` for ``Literal["a", "b"]`` and the like.
    """
    return typing.get_origin(value) is Literal


@dataclass(frozen=True, slots=True)
class NamedType:
    """A type object known by a public name.

    Attributes:
        module: The (non-package) module that defines the name.
        name: The name.
        value: The type object.
    """

    module: str
    name: str
    value: object


def named_literals(package: str = SPI_PACKAGE) -> list[NamedType]:
    """Return the public ``Literal`` aliases of a package (``X = Literal[...]``).

    ``typing.get_type_hints`` returns the ``Literal`` object itself, not its
    name; this index lets [`AnnotationRenderer`][] print the name back.

    Args:
        package: Dotted name of the package to walk.

    Returns:
        One entry per alias, from the module that defines it (a package that
        re-exports it is skipped), sorted by module and name.
    """
    found: list[NamedType] = []
    for module in iter_modules(package):
        if hasattr(module, "__path__"):
            continue  # a package: it re-exports
        exported: Sequence[str] = getattr(module, "__all__", ())
        for name in exported:
            value: object = getattr(module, name)
            if is_literal(value):
                found.append(NamedType(module.__name__, name, value))
    return found


def resolved_hints(obj: object) -> dict[str, object]:
    """Return ``typing.get_type_hints(obj)``, naming ``obj`` when it fails.

    Args:
        obj: A function, class or module.

    Returns:
        The resolved annotations.

    Raises:
        TypeError: An annotation does not resolve at runtime (for example a
            name imported only under ``TYPE_CHECKING``).
    """
    try:
        return typing.get_type_hints(obj)
    except (NameError, AttributeError, TypeError, SyntaxError) as exc:
        name = getattr(obj, "__qualname__", repr(obj))
        msg = f"the annotations of {name} do not resolve at runtime: {exc!r}"
        raise TypeError(msg) from exc


_BUILTIN_MODULE: Final = "builtins"
_RENAMED: Final[Mapping[tuple[str, str], str]] = {
    ("collections.abc", "Set"): "AbstractSet",
}


class AnnotationRenderer:
    """Render runtime type objects back to Python source.

    Names are printed unqualified; [`imports`][] collects what a module must
    import for the text to resolve. Type aliases (``type JsonValue = ...``)
    and PEP 695 type parameters are printed by name; ``Literal`` aliases are
    printed by name when given in ``literal_names``.
    """

    def __init__(self, literal_names: Sequence[NamedType] = ()) -> None:
        """Create a renderer.

        Args:
            literal_names: ``Literal`` aliases to print by name (see
                [`named_literals`][]).
        """
        self._literal_names = list(literal_names)
        self.imports: dict[str, dict[str, str]] = {}
        """module -> {imported name: local name}."""

    def _use(self, module: str, name: str) -> str:
        local = _RENAMED.get((module, name), name)
        if module != _BUILTIN_MODULE:
            self.imports.setdefault(module, {})[name] = local
        return local

    def require(self, module: str, name: str) -> str:
        """Record that rendered source uses ``name`` from ``module``.

        Args:
            module: The module to import from.
            name: The name to import.

        Returns:
            The local name to write.
        """
        return self._use(module, name)

    def import_lines(self) -> list[str]:
        """Return ``from module import name`` lines for every name used so far.

        Returns:
            Sorted import statements.
        """
        lines: list[str] = []
        for module in sorted(self.imports):
            names = self.imports[module]
            parts = [
                name if local == name else f"{name} as {local}"
                for name, local in sorted(names.items())
            ]
            lines.append(f"from {module} import {', '.join(parts)}")
        return lines

    def _literal_name(self, value: object) -> str | None:
        for named in self._literal_names:
            if named.value is value:
                return self._use(named.module, named.name)
        matches = [named for named in self._literal_names if named.value == value]
        if len(matches) == 1:
            return self._use(matches[0].module, matches[0].name)
        return None

    def render(  # noqa: PLR0911, PLR0912 - one return per kind of type object
        self, annotation: object
    ) -> str:
        """Render one type as source text.

        Args:
            annotation: A runtime type object, as returned by
                ``typing.get_type_hints``.

        Returns:
            Source text, e.g. ``"Sequence[UUID] | None"``.

        Raises:
            TypeError: A type this renderer does not know how to print.
        """
        if annotation is None or annotation is NoneType:
            return "None"
        if annotation is Ellipsis:
            return "..."
        if isinstance(annotation, TypeAliasType):
            module = annotation.__module__
            if module is None:  # pragma: no cover - aliases made outside a module
                msg = f"cannot tell where {annotation.__name__} is defined"
                raise TypeError(msg)
            return self._use(module, annotation.__name__)
        if isinstance(annotation, TypeVar):
            return annotation.__name__
        if is_literal(annotation):
            named = self._literal_name(annotation)
            if named is not None:
                return named
            values = ", ".join(repr(arg) for arg in typing.get_args(annotation))
            return f"{self._use('typing', 'Literal')}[{values}]"
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if isinstance(annotation, UnionType) or origin is typing.Union:
            return " | ".join(self.render(arg) for arg in args)
        if origin is not None:
            if not args and origin is tuple:
                return "tuple[()]"
            rendered = ", ".join(self.render(arg) for arg in args)
            return f"{self.render(origin)}[{rendered}]"
        if annotation is Final:
            return self._use("typing", "Final")
        if annotation is typing.Any:
            return self._use("typing", "Any")
        if isinstance(annotation, type):
            return self._use(annotation.__module__, annotation.__qualname__)
        msg = f"cannot render {annotation!r} as source"
        raise TypeError(msg)

    def render_parameters(
        self,
        function: Callable[..., object],
        *,
        default: Callable[[object], str] = repr,
    ) -> tuple[list[str], str]:
        """Render a function's parameters and return type as source.

        Args:
            function: A function; its annotations must resolve with
                ``typing.get_type_hints``.
            default: Renders a default value.

        Returns:
            The parameters as written in a ``def`` (``self`` included, with
            ``/`` and ``*`` markers where the kinds change), and the return
            annotation (``"None"`` when absent).
        """
        hints = resolved_hints(function)
        items: list[str] = []
        previous: inspect.Parameter | None = None
        for parameter in inspect.signature(function).parameters.values():
            kind = parameter.kind
            if (
                previous is not None
                and previous.kind is inspect.Parameter.POSITIONAL_ONLY
                and kind is not inspect.Parameter.POSITIONAL_ONLY
            ):
                items.append("/")
            if kind is inspect.Parameter.KEYWORD_ONLY and (
                previous is None
                or previous.kind
                not in (
                    inspect.Parameter.KEYWORD_ONLY,
                    inspect.Parameter.VAR_POSITIONAL,
                )
            ):
                items.append("*")
            text = parameter.name
            if kind is inspect.Parameter.VAR_POSITIONAL:
                text = f"*{text}"
            elif kind is inspect.Parameter.VAR_KEYWORD:
                text = f"**{text}"
            if parameter.name in hints:
                text = f"{text}: {self.render(hints[parameter.name])}"
            if parameter.default is not inspect.Parameter.empty:
                text = f"{text} = {default(parameter.default)}"
            items.append(text)
            previous = parameter
        if previous is not None and previous.kind is inspect.Parameter.POSITIONAL_ONLY:
            items.append("/")
        returns = self.render(hints["return"]) if "return" in hints else "None"
        return items, returns

    def render_type_params(self, obj: object) -> str:
        """Render the PEP 695 type parameters of a class, function or alias.

        Args:
            obj: A class, function or ``TypeAliasType``.

        Returns:
            ``"[T, U]"``, or ``""`` when there are none.
        """
        params: tuple[object, ...] = getattr(obj, "__type_params__", ())
        if not params:
            return ""
        return f"[{', '.join(self.render(param) for param in params)}]"
