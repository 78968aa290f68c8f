"""Conformance kit for implementations of the ONEX SPI (not part of the contracts).

The kit is for implementers and dependency-injection containers; the SPI
(``omnibase.protocols``) never imports it. It needs only the standard library
and ``omnibase.protocols``.

- [`check_conformance`][] / [`assert_conforms`][]: a registration-time
  check stricter than ``isinstance`` (async-ness, parameter names, kinds,
  order, arity, optional parameters, properties versus methods).
- [`contract_members`][]: how each member of a protocol is declared.
- [`protocol_type`][]: pass a protocol class where ``type[T]`` is expected,
  accepted by both mypy and pyright (mypy's ``type-abstract``).
- ``omnibase.spi_conformance.discovery``: find every SPI module and
  protocol, and render annotations back to source.

Example::

    from omnibase.protocols.event_bus import ProtocolEventBus
    from omnibase.spi_conformance import assert_conforms

    assert_conforms(MyKafkaEventBus(...), ProtocolEventBus)  # InvalidInputError
"""

from omnibase.spi_conformance.conformance import (
    Mismatch,
    MismatchCode,
    assert_conforms,
    check_conformance,
    clear_conformance_cache,
)
from omnibase.spi_conformance.members import (
    CallStyle,
    ContractMember,
    MemberKind,
    call_style,
    contract_members,
    is_protocol_class,
    protocol_origin,
)
from omnibase.spi_conformance.registration import protocol_type

__all__ = [
    "CallStyle",
    "ContractMember",
    "MemberKind",
    "Mismatch",
    "MismatchCode",
    "assert_conforms",
    "call_style",
    "check_conformance",
    "clear_conformance_cache",
    "contract_members",
    "is_protocol_class",
    "protocol_origin",
    "protocol_type",
]
