"""What every conformance suite shares: the subject's factory, rules, checks, time.

A suite is a base class with one test per rule (or per facet of a rule). An
implementer subclasses it in their own test suite, writes ``create_subject``
(an async generator: build the implementation, ``yield`` it, tear it down),
declares the optional ``capabilities`` it has and overrides the fault hooks it
can supply. pytest then collects every test of the base class.

Each test is written ``async def test_<RULE>_<what>(self, subject, env)`` and
decorated with [`rule`][]; the decorator turns it into a plain synchronous
pytest test that opens a fresh event loop, builds a fresh subject, runs the
test under a time limit and tears the subject down. So the suites need no
pytest plugin and behave the same under pytest-asyncio (strict or auto mode)
and without it. Every failure message starts with the rule ids the test
checks, whatever raised.
"""

import asyncio
import contextlib
import inspect
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Mapping,
)
from collections.abc import Set as AbstractSet
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, Final, cast, override

import pytest

from omnibase.spi_conformance.support import ManualClock, eventually

__all__ = [
    "ConformanceError",
    "ConformanceSuite",
    "SuiteEnvironment",
    "capability_of",
    "check",
    "check_equal",
    "check_raises",
    "fail",
    "fault_hook",
    "rule",
    "rules_of",
]

_CURRENT_RULES: ContextVar[tuple[str, ...]] = ContextVar(
    "conformance_rules", default=()
)
_RULES_ATTRIBUTE: Final = "__conformance_rules__"
_CAPABILITY_ATTRIBUTE: Final = "__conformance_capability__"
_HOOK_PREFIXES: Final = ("fault_", "hook_")
_HOOK_ATTRIBUTE: Final = "__conformance_hook__"
_DEFAULT_HOOK_ATTRIBUTE: Final = "__conformance_default_hook__"


class ConformanceError(AssertionError):
    """A conformance test found the implementation breaking a rule.

    The message starts with the rule ids, then says what was expected and
    what the implementation did.
    """


def _prefix(message: str, rule_ids: tuple[str, ...]) -> str:
    """Put ``rule_ids`` in front of ``message`` unless it already starts with one."""
    if not rule_ids or message.startswith(rule_ids):
        return message
    return f"{', '.join(rule_ids)}: {message}"


def fail(rule_id: str, expected: str, actual: object) -> ConformanceError:
    """Build the failure of ``rule_id``: what was expected, what happened.

    Args:
        rule_id: The rule broken, e.g. ``"WP-2"``.
        expected: What the rule requires, in words.
        actual: What the implementation did (a string is shown as is, any
            other value by its ``repr``).

    Returns:
        The error to raise.
    """
    shown = actual if isinstance(actual, str) else repr(actual)
    return ConformanceError(f"{rule_id}: expected {expected}; got {shown}")


def check(condition: bool, rule_id: str, expected: str, actual: object) -> None:
    """Raise the failure of ``rule_id`` unless ``condition`` holds.

    Args:
        condition: Whether the implementation did what the rule requires.
        rule_id: The rule checked.
        expected: What the rule requires, in words.
        actual: What the implementation did.

    Raises:
        ConformanceError: ``condition`` is false.
    """
    if not condition:
        raise fail(rule_id, expected, actual)


def check_equal(rule_id: str, what: str, expected: object, actual: object) -> None:
    """Raise the failure of ``rule_id`` unless ``actual == expected``.

    Args:
        rule_id: The rule checked.
        what: What is compared, e.g. ``"the returned sequence number"``.
        expected: The value the rule requires.
        actual: The value the implementation produced.

    Raises:
        ConformanceError: The values differ.
    """
    if actual != expected:
        raise fail(rule_id, f"{what} == {expected!r}", f"{actual!r}")


async def check_raises[ErrorT: BaseException](
    rule_id: str,
    error_type: type[ErrorT],
    operation: Awaitable[object],
    *,
    doing: str,
) -> ErrorT:
    """Await ``operation`` and require it to raise ``error_type``.

    Args:
        rule_id: The rule checked.
        error_type: The exception class the rule requires (or a base of it).
        operation: The call under test, not yet awaited.
        doing: What the call does, in words, for the message.

    Returns:
        The exception raised, for further checks.

    Raises:
        ConformanceError: The call returned, or raised something else.
    """
    expected = f"{error_type.__name__} from {doing}"
    try:
        result = await operation
    except error_type as error:
        return error
    except asyncio.CancelledError:
        raise
    except Exception as error:
        raise fail(rule_id, expected, f"{type(error).__name__}: {error}") from error
    raise fail(rule_id, expected, f"it returned {result!r}")


@dataclass(slots=True)
class SuiteEnvironment:
    """What a suite gives the implementer's factory, and its tests, per test.

    Attributes:
        clock: A manual clock; wire it into the subject (and set
            ``clock_wired = True`` on the suite) to let time-dependent rules
            run without waiting.
        notes: Free-form values a domain suite passes between its hooks and
            its tests.
    """

    clock: ManualClock = field(default_factory=ManualClock)
    notes: dict[str, object] = field(default_factory=dict[str, object])


class ConformanceSuite[SubjectT, EnvT: SuiteEnvironment]:
    """Base class of every conformance suite.

    Class attributes an implementer sets on their subclass:

    - ``capabilities``: the optional capabilities the implementation has
      (names from the suite's ``OPTIONAL_CAPABILITIES``).
    - ``clock_wired``: ``True`` when ``create_subject`` wires ``env.clock``
      into the subject; otherwise time-dependent tests wait in real time.
    - ``eventually_within``: how long asynchronous outcomes may take.
    - ``test_timeout``: the limit of one whole test.

    Attributes:
        contract: The protocol the suite checks.
        OPTIONAL_CAPABILITIES: Capability name -> what it means, for every
            optional capability the suite knows.
    """

    contract: ClassVar[type]
    OPTIONAL_CAPABILITIES: ClassVar[Mapping[str, str]] = {}
    capabilities: ClassVar[AbstractSet[str]] = frozenset()
    clock_wired: ClassVar[bool] = False
    eventually_within: ClassVar[timedelta] = timedelta(seconds=5)
    test_timeout: ClassVar[timedelta] = timedelta(seconds=60)

    @override
    def __init_subclass__(cls) -> None:
        """Refuse a capability the suite does not know (a typo would hide tests)."""
        super().__init_subclass__()
        unknown = set(cls.capabilities) - set(cls.OPTIONAL_CAPABILITIES)
        if unknown:
            known = ", ".join(sorted(cls.OPTIONAL_CAPABILITIES)) or "none"
            raise TypeError(
                f"{cls.__qualname__} declares unknown capabilities "
                f"{sorted(unknown)}; this suite knows: {known}"
            )

    # --- what the implementer provides ---------------------------------------

    def create_subject(self, env: EnvT) -> AsyncIterator[SubjectT]:
        """Build the implementation under test; write it as an async generator.

        ``yield`` the subject once, then release it (``await subject.aclose()``
        for a lifecycle service). Called once per test, inside the test's
        event loop.

        Args:
            env: This test's environment (clock, domain values).

        Returns:
            An async generator yielding the subject once.
        """
        raise NotImplementedError(
            f"{type(self).__qualname__} must define `async def create_subject(self, "
            "env)` that yields the implementation under test"
        )

    def make_environment(self) -> EnvT:
        """Return a fresh environment for one test; domain suites override it.

        Returns:
            The environment.
        """
        return cast("EnvT", SuiteEnvironment())

    # --- what tests use -------------------------------------------------------

    def run(self, body: Callable[[SubjectT, EnvT], Awaitable[None]]) -> None:
        """Run one test body against a fresh subject in a fresh event loop.

        Args:
            body: The test, given the subject and the environment.
        """

        async def main() -> None:
            env = self.make_environment()
            async with self._subject(env) as subject:
                async with asyncio.timeout(self.test_timeout.total_seconds()):
                    await body(subject, env)

        self.run_coroutine(main)

    def run_coroutine(self, main: Callable[[], Coroutine[None, None, None]]) -> None:
        """Run ``main`` in a new event loop; override to use another runner.

        Args:
            main: The coroutine function to run to completion.
        """
        with asyncio.Runner() as runner:
            runner.run(main())

    def _subject(self, env: EnvT) -> contextlib.AbstractAsyncContextManager[SubjectT]:
        """Turn ``create_subject`` into an async context manager.

        Like a pytest yield fixture, the code after ``yield`` runs whether
        the test passed or failed; a failing teardown after a failing test
        is added to the test's failure as a note instead of hiding it.
        """
        if not inspect.isasyncgenfunction(self.create_subject):
            created: object = self.create_subject(env)
            if isinstance(created, contextlib.AbstractAsyncContextManager):
                return cast("contextlib.AbstractAsyncContextManager[SubjectT]", created)
            raise TypeError(
                f"{type(self).__qualname__}.create_subject must be an async "
                f"generator (async def ... yield subject); it returned {created!r}"
            )
        generator = cast("AsyncGenerator[SubjectT]", self.create_subject(env))

        @contextlib.asynccontextmanager
        async def managed() -> AsyncGenerator[SubjectT]:
            subject = await anext(generator)
            try:
                yield subject
            except BaseException as failure:
                try:
                    await _teardown(generator)
                except Exception as teardown_error:
                    failure.add_note(f"teardown also failed: {teardown_error!r}")
                raise
            await _teardown(generator)

        return managed()

    async def eventually[T](self, check: Callable[[], Awaitable[T]]) -> T:
        """Wait until ``check`` passes, for at most ``eventually_within``.

        Args:
            check: An assertion about the subject.

        Returns:
            What ``check`` returned once it passed.
        """
        return await eventually(check, within=self.eventually_within)

    async def advance_time(self, env: EnvT, delta: timedelta) -> None:
        """Let ``delta`` pass for the subject: on the manual clock, or really.

        Args:
            env: The test's environment.
            delta: How much time passes.
        """
        if self.clock_wired:
            env.clock.advance(delta)
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(delta.total_seconds())

    def require_capability(self, name: str) -> None:
        """Skip the test unless the implementer declared capability ``name``.

        Args:
            name: A key of ``OPTIONAL_CAPABILITIES``.
        """
        if name not in self.capabilities:
            pytest.skip(f"optional capability {name!r} not declared")

    def require_hook(self, name: str) -> None:
        """Skip the test unless the implementer supplied the fault hook ``name``.

        Args:
            name: A method of the suite decorated with [`fault_hook`][].

        Raises:
            TypeError: ``name`` is not a hook of this suite (a kit bug).
        """
        hook: object = getattr(type(self), name, None)
        if hook is None or not name.startswith(_HOOK_PREFIXES):
            raise TypeError(f"{type(self).__qualname__} has no fault hook {name!r}")
        if getattr(hook, _DEFAULT_HOOK_ATTRIBUTE, False):
            pytest.skip(f"fault hook {name!r} not supplied")

    @classmethod
    def hooks(cls) -> list[str]:
        """Return the names of the suite's fault hooks.

        Returns:
            Every method decorated with [`fault_hook`][], sorted.
        """
        return sorted(
            {
                name
                for klass in cls.__mro__
                for name, member in vars(klass).items()
                if name.startswith(_HOOK_PREFIXES)
                and getattr(member, _HOOK_ATTRIBUTE, False)
            }
        )


def fault_hook[FunctionT: Callable[..., object]](function: FunctionT) -> FunctionT:
    """Mark a suite method as a fault hook the implementer may override.

    The kit's own body is never run: a test that needs the hook calls
    ``self.require_hook(name)`` first and is skipped, with the hook's name,
    when the implementer did not override it. An override (which carries no
    mark) is the implementer's way to inject the fault.

    Args:
        function: The kit's placeholder; its name starts with ``fault_`` or
            ``hook_``.

    Returns:
        The same function, marked.
    """
    setattr(function, _HOOK_ATTRIBUTE, True)
    setattr(function, _DEFAULT_HOOK_ATTRIBUTE, True)
    return function


async def _teardown(generator: AsyncGenerator[object]) -> None:
    """Run the code after ``create_subject``'s ``yield``."""
    try:
        await anext(generator)
    except StopAsyncIteration:
        return
    await generator.aclose()
    raise TypeError("create_subject must yield exactly once")


def rules_of(test: object) -> tuple[str, ...]:
    """Return the rule ids a conformance test checks (empty for other functions).

    Args:
        test: A test function or method.

    Returns:
        The ids given to [`rule`][], primary rule first.
    """
    rule_ids: object = getattr(test, _RULES_ATTRIBUTE, ())
    if isinstance(rule_ids, tuple):
        return tuple(str(rule_id) for rule_id in cast("tuple[object, ...]", rule_ids))
    return ()


def capability_of(test: object) -> str | None:
    """Return the optional capability a conformance test needs, if any.

    Args:
        test: A test function or method.

    Returns:
        The capability's name, or ``None`` for a required test.
    """
    capability: object = getattr(test, _CAPABILITY_ATTRIBUTE, None)
    return capability if isinstance(capability, str) else None


def rule[SuiteT, SubjectT, EnvT: SuiteEnvironment](
    *rule_ids: str, capability: str | None = None
) -> Callable[
    [Callable[[SuiteT, SubjectT, EnvT], Awaitable[None]]], Callable[[SuiteT], None]
]:
    """Make an ``async def test_...(self, subject, env)`` a conformance test.

    Args:
        *rule_ids: The rules the test checks, primary rule first.
        capability: The optional capability the test needs; without it the
            test is skipped with the capability's name.

    Returns:
        A decorator producing a synchronous pytest test method.

    Raises:
        ValueError: No rule id was given.
    """
    if not rule_ids:
        raise ValueError("a conformance test checks at least one rule")

    def decorate(
        test: Callable[[SuiteT, SubjectT, EnvT], Awaitable[None]],
    ) -> Callable[[SuiteT], None]:
        def conformance_test(self: SuiteT) -> None:
            suite = cast("ConformanceSuite[SubjectT, EnvT]", self)
            if capability is not None:
                suite.require_capability(capability)
            token = _CURRENT_RULES.set(rule_ids)
            try:
                suite.run(lambda subject, env: test(self, subject, env))
            except ConformanceError:
                raise
            except AssertionError as failure:
                raise ConformanceError(_prefix(str(failure), rule_ids)) from failure
            except Exception as error:
                raise ConformanceError(
                    _prefix(
                        f"the implementation raised {type(error).__name__}: {error}",
                        rule_ids,
                    )
                ) from error
            finally:
                _CURRENT_RULES.reset(token)

        # Not functools.wraps: pytest would follow __wrapped__ and look for
        # fixtures named after the test's ``subject`` and ``env`` parameters.
        conformance_test.__name__ = test.__name__
        conformance_test.__qualname__ = test.__qualname__
        conformance_test.__doc__ = test.__doc__
        conformance_test.__module__ = test.__module__
        setattr(conformance_test, _RULES_ATTRIBUTE, rule_ids)
        setattr(conformance_test, _CAPABILITY_ATTRIBUTE, capability)
        return conformance_test

    return decorate
