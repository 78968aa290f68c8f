"""Checks every I/O service shares: ``health_check`` and ``aclose`` (LC-1 to LC-3)."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import ClassVar, get_args

from omnibase.protocols.core import ProtocolLifecycle
from omnibase.protocols.errors import UnavailableError
from omnibase.protocols.types import HealthStatus, ProtocolHealthReport
from omnibase.spi_conformance.members import contract_members
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_raises,
    fail,
    fault_hook,
    rule,
)

__all__ = ["LifecycleChecks", "check_health_report"]

type Call = Callable[[], Awaitable[object]]
"""One call of a contract method with valid arguments, not yet awaited."""

_LIFECYCLE_MEMBERS = frozenset({"health_check", "aclose"})


def check_health_report(rule_id: str, report: object) -> ProtocolHealthReport:
    """Require ``report`` to be a well-formed ``ProtocolHealthReport`` (T-2).

    Args:
        rule_id: The rule the report is checked for.
        report: What ``health_check`` returned.

    Returns:
        The report.

    Raises:
        ConformanceError: It is not a health report, its status is not a
            ``HealthStatus`` or its time is naive.
    """
    if not isinstance(report, ProtocolHealthReport):
        raise fail(rule_id, "a ProtocolHealthReport", report)
    status: object = report.status
    check(status in get_args(HealthStatus), rule_id, "a HealthStatus", status)
    check(
        report.observed_at.tzinfo is not None,
        "T-2",
        "a timezone-aware observed_at",
        report.observed_at,
    )
    return report


class LifecycleChecks[SubjectT: ProtocolLifecycle, EnvT: SuiteEnvironment](
    ConformanceSuite[SubjectT, EnvT]
):
    """LC-1 to LC-3 for a suite whose contract extends ``ProtocolLifecycle``.

    Attributes:
        health_check_within: How long a health check may take when the
            backend is unreachable (LC-1: it bounds its own probe).
    """

    health_check_within: ClassVar[timedelta] = timedelta(seconds=10)

    def calls_after_close(self, subject: SubjectT, env: EnvT) -> Mapping[str, Call]:
        """Return one call per contract method but ``health_check`` and ``aclose``.

        Each domain suite of the kit implements it with valid arguments; the
        LC-3 test checks that it covers every method of the contract.

        Args:
            subject: The subject under test (already closed when called).
            env: The test's environment.

        Returns:
            Method name -> a call of it, not yet awaited.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.calls_after_close")

    @fault_hook
    async def fault_backend_unreachable(self, subject: SubjectT, env: EnvT) -> None:
        """Make the subject's backend unreachable (stop the broker, drop packets).

        Args:
            subject: The subject under test.
            env: The test's environment.
        """

    @rule("LC-1", "T-2")
    async def test_LC_1_health_check_returns_a_report(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """A fresh service reports its health as a well-formed report."""
        check_health_report("LC-1", await subject.health_check())

    @rule("LC-1")
    async def test_LC_1_unreachable_backend_is_reported_critical(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """A backend that cannot be reached is ``critical``, not an exception."""
        self.require_hook("fault_backend_unreachable")
        await self.fault_backend_unreachable(subject, env)
        try:
            async with asyncio.timeout(self.health_check_within.total_seconds()):
                report = await subject.health_check()
        except TimeoutError:
            raise fail(
                "LC-1",
                f"a report within {self.health_check_within}",
                "health_check did not return (it must bound its own probe)",
            ) from None
        except Exception as error:
            raise fail(
                "LC-1", "a critical report", f"{type(error).__name__}: {error}"
            ) from error
        check_health_report("LC-1", report)
        check(report.status == "critical", "LC-1", "status critical", report.status)

    @rule("LC-2", "LC-3")
    async def test_LC_2_aclose_twice_is_a_no_op(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """Closing an already closed service returns without error."""
        await subject.aclose()
        try:
            await subject.aclose()
        except Exception as error:
            raise fail(
                "LC-2", "a second aclose to return", f"{type(error).__name__}: {error}"
            ) from error
        report = check_health_report("LC-2", await subject.health_check())
        check(
            report.status == "critical",
            "LC-2",
            "the service still closed (critical) after a second aclose",
            report.status,
        )

    @rule("LC-3")
    async def test_LC_3_closed_service_is_critical(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """After ``aclose`` the health check reports ``critical``."""
        await subject.aclose()
        report = check_health_report("LC-3", await subject.health_check())
        check(report.status == "critical", "LC-3", "status critical", report.status)

    @rule("LC-3")
    async def test_LC_3_closed_service_refuses_every_method(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """After ``aclose`` every other method raises ``UnavailableError``."""
        await subject.aclose()
        calls = self.calls_after_close(subject, env)
        methods = {
            name
            for name, member in contract_members(self.contract).items()
            if member.kind != "property"
        }
        missing = methods - _LIFECYCLE_MEMBERS - set(calls)
        if missing:  # a kit defect, not the implementation's
            raise TypeError(f"calls_after_close does not cover {sorted(missing)}")
        for name, call in sorted(calls.items()):
            await check_raises(
                "LC-3", UnavailableError, _drain(call), doing=f"{name} after aclose"
            )


async def _drain(call: Call) -> object:
    """Await ``call``; if it gives an async iterator, take its first step too."""
    result = await call()
    iterator: object = result
    anext_method = getattr(iterator, "__anext__", None)
    if anext_method is not None:
        try:
            return await anext_method()
        except StopAsyncIteration:
            return "an iterator that ended without raising"
    return result
