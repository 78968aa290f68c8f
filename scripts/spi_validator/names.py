"""Qualified names the rules look for, in every spelling.

A reference in a checked module is resolved through that module's imports
(``from typing import Any as A`` makes ``A`` mean ``typing.Any``); the sets
below hold every qualified spelling of each construct, so one membership test
answers "is this ``typing.Any``?" whatever the module wrote.
"""

import builtins
from collections.abc import Iterable
from typing import Final

SPI_ROOT: Final = "omnibase.protocols"
ERRORS_MODULE: Final = SPI_ROOT + ".errors"
TYPING: Final = ("typing", "typing_extensions")


def spellings(names: Iterable[str], *modules: str) -> frozenset[str]:
    """Return every name bare and qualified by each of ``modules``."""
    names = list(names)
    return frozenset({f"{m}.{n}" for n in names for m in modules} | set(names))


def is_spi(module: str) -> bool:
    """Tell whether ``module`` is the SPI package or one of its modules."""
    return module == SPI_ROOT or module.startswith(SPI_ROOT + ".")


ANY: Final = spellings(["Any"], *TYPING)
TYPE_CHECKING: Final = spellings(["TYPE_CHECKING"], *TYPING)
LITERAL: Final = spellings(["Literal"], *TYPING)
ANNOTATED: Final = spellings(["Annotated"], *TYPING)
CALLABLE: Final = spellings(["Callable"], "collections.abc", *TYPING)
FINAL: Final = spellings(["Final"], *TYPING)
TYPE_ALIAS: Final = spellings(["TypeAlias"], *TYPING)
PROTOCOL: Final = spellings(["Protocol"], *TYPING)
GENERIC: Final = spellings(["Generic", "Protocol"], *TYPING)
RUNTIME_CHECKABLE: Final = spellings(["runtime_checkable"], *TYPING)
OVERLOAD: Final = spellings(["overload"], *TYPING)
#: ``@override`` is required by mypy's explicit-override check.
OVERRIDE: Final = spellings(["override"], *TYPING)
PROPERTY: Final = spellings(["property"], "builtins")
STR: Final = spellings(["str"], "builtins")
MAPPING_PROXY: Final = frozenset({"types.MappingProxyType"})
MAPPINGS: Final = (
    spellings(["dict"], "builtins")
    | spellings(["Mapping", "MutableMapping"], "collections.abc", *TYPING)
    | spellings(["Dict", "DefaultDict", "OrderedDict"], *TYPING)
    | MAPPING_PROXY
)
#: The only decorators an SPI module may apply: each is a call at import time.
DECORATORS: Final = RUNTIME_CHECKABLE | PROPERTY | OVERRIDE | OVERLOAD

_ABC_GENERICS: Final = (  # noqa: SIM905
    "AsyncGenerator AsyncIterable AsyncIterator Awaitable Callable Collection "
    "Container Coroutine Generator ItemsView Iterable Iterator KeysView Mapping "
    "MappingView MutableMapping MutableSequence MutableSet Reversible Sequence Set "
    "ValuesView"
).split()
_TYPING_ONLY_GENERICS: Final = (  # noqa: SIM905
    "AbstractSet AsyncContextManager ChainMap ContextManager Counter DefaultDict "
    "Deque Dict FrozenSet IO List Match OrderedDict Pattern SupportsAbs "
    "SupportsRound Tuple Type"
).split()
#: Standard generics that mean ``X[Any, ...]`` when written without arguments.
BARE_GENERICS: Final = (
    spellings(["dict", "list", "set", "frozenset", "tuple", "type"], "builtins")
    | spellings(_ABC_GENERICS, "collections.abc", *TYPING)
    | spellings(_TYPING_ONLY_GENERICS, *TYPING)
    | MAPPING_PROXY
)

#: Typing factories whose arguments are type expressions (possibly strings):
#: factory -> (positional indexes, keyword names) that hold types.
TYPE_FACTORIES: Final[dict[str, tuple[range, frozenset[str]]]] = {
    **dict.fromkeys(
        spellings(["TypeVar"], *TYPING), (range(1, 99), frozenset({"bound", "default"}))
    ),
    **dict.fromkeys(
        spellings(["ParamSpec", "TypeVarTuple"], *TYPING),
        (range(0), frozenset({"default"})),
    ),
    **dict.fromkeys(spellings(["NewType"], *TYPING), (range(1, 2), frozenset())),
    **dict.fromkeys(
        spellings(["TypeAliasType"], *TYPING), (range(1, 2), frozenset({"value"}))
    ),
    **dict.fromkeys(
        spellings(["cast", "ForwardRef"], *TYPING), (range(1), frozenset({"typ"}))
    ),
    **dict.fromkeys(spellings(["assert_type"], *TYPING), (range(1, 2), frozenset())),
}

#: The last name of each factory (a cheap first test before resolving).
FACTORY_NAMES: Final = frozenset(name.rpartition(".")[2] for name in TYPE_FACTORIES)

BUILTIN_EXCEPTIONS: Final = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
