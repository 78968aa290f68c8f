"""A name a domain package does not export: what the checkers say.

The domain packages define a PEP 562 ``__getattr__(name: str) -> object``, so
both checkers accept ``from <package> import <any name>`` and type an
unknown name as ``object`` (a typo is not reported on the import line). It
is rejected where it is used as a type, a base or a class; at run time the
import itself raises ImportError.
"""

from omnibase.protocols.core import ProtocolLifecyle


def check(service: ProtocolLifecyle) -> None:  # type: ignore[valid-type]  # pyright: ignore[reportGeneralTypeIssues, reportUnknownParameterType]
    pass


def is_lifecycle(service: object) -> bool:
    return isinstance(service, ProtocolLifecyle)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
