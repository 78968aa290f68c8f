"""Read-only contract members: what is rejected is a *caller* mutating them.

An implementation may hold a mutable ``list`` where the contract promises a
``Sequence`` (a ``@property`` member is covariant, so ``list[UUID]`` satisfies
``Sequence[UUID]``; see ``accepted_by_hand.py``). The promise protects the
callers' view: through the protocol type there is no ``append``, no item
assignment and no attribute assignment, so code written against the SPI
cannot mutate what an implementation shares with it.
"""

from uuid import UUID

from omnibase.protocols.types import ProtocolWorkflowContext, ProtocolWorkflowEvent


def append_to_sequence(event: ProtocolWorkflowEvent, correlation_id: UUID) -> None:
    event.correlation_chain.append(correlation_id)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


def assign_sequence_item(event: ProtocolWorkflowEvent, correlation_id: UUID) -> None:
    event.correlation_chain[0] = correlation_id  # type: ignore[index]  # pyright: ignore[reportIndexIssue]


def assign_property(event: ProtocolWorkflowEvent, correlation_id: UUID) -> None:
    event.correlation_chain = [correlation_id]  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]


def assign_mapping_item(context: ProtocolWorkflowContext) -> None:
    context.data["attempt"] = 2  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
