"""Section 2: the cost of ``isinstance`` / ``issubclass`` against the SPI.

For every protocol the section generates, by introspection, conforming
implementations and non-conforming objects, and an ``abc.ABC`` with the same
members as the baseline a DI container would otherwise use:

- service protocols (methods only): a class defining every method (``async``
  where the protocol's is); ``issubclass`` is measured too;
- data protocols (properties only): a frozen dataclass, a frozen dataclass
  with ``slots=True``, a frozen pydantic model (when pydantic is installed)
  and a plain class with ``@property`` members;
- negatives: the conforming object without the member ``isinstance``
  checks last (it walks every other member first: the slowest negative),
  without the member it checks first (it stops at once), and an object with
  no members. ``isinstance`` walks ``__protocol_attrs__``, a set whose
  order depends on the hash seed, so the missing member is chosen from that
  order at run time: the rows measure the same thing under every seed.

Two measurements:

- *ns per check*: :mod:`timeit` with ``time.process_time`` as its clock
  (CPU time: a repeat does not grow while another process holds the core),
  the object and the class bound as locals (the figure includes the loop,
  ~10-20 ns, in every case alike), in short repeats taken round-robin over
  every check of every protocol, so that a busy moment spreads evenly over
  all cases and baselines;
- *instructions per check* (with valgrind): a child under callgrind runs
  every check ``n`` and ``2n`` times between marks (see
  :mod:`benchmarks.callgrind`); the difference, less the same for an empty
  loop, divided by ``n``, is one check with its call, without the loop.
  The target is decided on these counts; without valgrind on the median
  per-round ratio of the CPU times and its 95% interval.

The cached registration check: :func:`omnibase.spi_conformance.check_conformance`
on the conforming object of a service protocol and of a data protocol
(:data:`CONFORMANCE_PROTOCOLS`, the ``@property`` class for the data one),
whose class it has checked before, against a plain positive ``isinstance``
on the same object; measured and decided the same two ways.
"""

import abc
import dataclasses
import gc
import itertools
import json
import os
import statistics
import sys
import time
import timeit
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from benchmarks import callgrind, spi
from benchmarks.common import (
    REPO,
    BenchmarkError,
    Decision,
    Row,
    SectionResult,
    Settings,
    Stats,
    TargetResult,
    child_env,
    decide,
    paired_decision,
    python_version,
    ratio_text,
    seeded_decision,
)
from omnibase.spi_conformance import check_conformance

KEY = "isinstance"
TITLE = "isinstance / issubclass (ns per check)"

POSITIVE_TARGET = 2.0
"""Positive ``isinstance`` on service protocols: within 2x of an ABC check."""

CENTRAL_SERVICE = (
    "ProtocolEventBus",
    "ProtocolServiceRegistry",
    "ProtocolKafkaAdapter",
)
CENTRAL_DATA = ("ProtocolOnexEnvelope", "EventMessage")
"""Protocols shown one by one (present ones only); all are in the aggregates."""

CONFORMANCE_TARGET = 2.0
"""The cached registration check: within 2x of a positive ``isinstance``."""

CONFORMANCE_PROTOCOLS = ("ProtocolServiceRegistry", "ProtocolOnexEnvelope")
"""A service and a data protocol the cached check is measured on (present ones)."""

# Case labels. Service protocols:
POS = "isinstance +"
NEG_MISSING = "isinstance - (1 member missing, checked last)"
NEG_FIRST = "isinstance - (1 member missing, checked first)"
NEG_EMPTY = "isinstance - (no members)"
SUB_POS = "issubclass +"
SUB_NEG = "issubclass - (1 member missing)"
ABC_POS = "ABC isinstance +"
ABC_NEG = "ABC isinstance -"
ABC_SUB = "ABC issubclass +"
# Data protocols:
POS_DATACLASS = "isinstance + frozen dataclass"
POS_SLOTS = "isinstance + frozen slots dataclass"
POS_PYDANTIC = "isinstance + frozen pydantic model"
POS_PROPERTIES = "isinstance + @property class"
# The registration check of omnibase.spi_conformance, its class checked before:
CONF_SERVICE = "check_conformance (cached) +"
CONF_DATA = "check_conformance (cached) + @property class"

BASELINE_OF: Mapping[str, str] = {
    POS: ABC_POS,
    NEG_MISSING: ABC_NEG,
    NEG_FIRST: ABC_NEG,
    NEG_EMPTY: ABC_NEG,
    SUB_POS: ABC_SUB,
    SUB_NEG: ABC_SUB,
    POS_DATACLASS: ABC_POS,
    POS_SLOTS: ABC_POS,
    POS_PYDANTIC: ABC_POS,
    POS_PROPERTIES: ABC_POS,
    CONF_SERVICE: POS,
    CONF_DATA: POS_PROPERTIES,
}
SHORT: Mapping[str, str] = {
    ABC_POS: "ABC +",
    ABC_NEG: "ABC -",
    ABC_SUB: "ABC sub +",
    POS: "isinstance +",
    POS_PROPERTIES: "isinstance + @property",
}
"""Baseline names in the table's baseline column."""

SERVICE_CASES = (POS, NEG_MISSING, NEG_FIRST, NEG_EMPTY, SUB_POS, SUB_NEG)
DATA_CASES = (
    POS_DATACLASS,
    POS_SLOTS,
    POS_PYDANTIC,
    POS_PROPERTIES,
    NEG_MISSING,
    NEG_FIRST,
    NEG_EMPTY,
)

type Method = Callable[..., object]


@dataclass(slots=True)
class ProtocolTimings:
    """Timings of one protocol.

    Attributes:
        info: The protocol.
        cases: Case label to measurement (ns per check).
        samples: Case label to the samples of every round (ns per check).
    """

    info: spi.ProtocolInfo
    cases: dict[str, Stats] = field(default_factory=dict[str, Stats])
    samples: dict[str, list[float]] = field(default_factory=dict[str, list[float]])

    def ratio(self, case: str) -> float:
        """Median of ``case`` over the median of its ABC baseline."""
        return self.cases[case].median / self.cases[BASELINE_OF[case]].median


# -- generated implementations ------------------------------------------------


def _sync_method() -> Method:
    def method(self: object, *args: object, **kwargs: object) -> None:
        return None

    return method


def _async_method() -> Method:
    async def method(self: object, *args: object, **kwargs: object) -> None:
        return None

    return method


def _getter() -> Method:
    def getter(self: object) -> str:
        return "value"

    return getter


def _method_for(info: spi.ProtocolInfo, name: str) -> Method:
    return _async_method() if name in info.coroutines else _sync_method()


def service_class(info: spi.ProtocolInfo, members: Sequence[str]) -> type:
    """Build a class that defines ``members`` of a service protocol.

    Args:
        info: The protocol.
        members: The members to define (all of them for a conforming class).

    Returns:
        A plain class; methods are ``async`` where the protocol's are.
    """
    namespace: dict[str, object] = {m: _method_for(info, m) for m in members}
    return type(f"{info.name}Impl", (), namespace)


def property_class(info: spi.ProtocolInfo) -> type:
    """Build a plain class with one ``@property`` per member of ``info``."""
    namespace: dict[str, object] = {m: property(_getter()) for m in info.members}
    return type(f"{info.name}Properties", (), namespace)


def dataclass_instance(
    info: spi.ProtocolInfo, members: Sequence[str], *, slots: bool = False
) -> object:
    """Build a frozen dataclass with one field per member, and an instance.

    The fields have no defaults, so the values are instance attributes only
    (a default would also make them class attributes).

    Args:
        info: The protocol.
        members: Field names.
        slots: Generate ``__slots__`` (members become class-level descriptors).

    Returns:
        An instance with every field set.
    """
    cls = dataclasses.make_dataclass(
        f"{info.name}Data", [(m, object) for m in members], frozen=True, slots=slots
    )
    instance: object = cls(**dict.fromkeys(members, "value"))
    return instance


def pydantic_instance(info: spi.ProtocolInfo) -> object | None:
    """Build a frozen pydantic model with one ``object`` field per member.

    Returns:
        An instance, or ``None`` when pydantic is not installed.
    """
    try:
        from pydantic import BaseModel  # noqa: PLC0415 (optional, costly)
    except ImportError:
        return None

    def body(namespace: dict[str, object]) -> None:
        namespace["__annotations__"] = dict.fromkeys(info.members, object)
        namespace["__module__"] = __name__

    model = types.new_class(
        f"{info.name}Model",
        (BaseModel,),
        {"frozen": True, "protected_namespaces": ()},
        body,
    )
    instance: object = model(**dict.fromkeys(info.members, "value"))
    return instance


def abc_pair(info: spi.ProtocolInfo) -> tuple[type, type]:
    """Build the ABC baseline of ``info`` and a conforming subclass.

    The ABC has one abstract method (or abstract property, for data
    protocols) per protocol member; the subclass implements all of them.

    Returns:
        The ABC and the subclass.
    """
    data = info.kind == "data"
    abstract: dict[str, object] = {
        m: (
            property(abc.abstractmethod(_getter()))
            if data
            else abc.abstractmethod(_sync_method())
        )
        for m in info.members
    }
    base = abc.ABCMeta(f"{info.name}ABC", (abc.ABC,), abstract)
    concrete: dict[str, object] = {
        m: property(_getter()) if data else _sync_method() for m in info.members
    }
    return base, abc.ABCMeta(f"{info.name}ABCImpl", (base,), concrete)


# -- timing -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One timed check: ``isinstance(obj, cls)`` or ``issubclass(obj, cls)``.

    Attributes:
        label: Case label.
        function: ``isinstance`` or ``issubclass``.
        obj: First argument.
        cls: Second argument.
        expected: The answer a correct generated object gives.
    """

    label: str
    function: str
    obj: object
    cls: type
    expected: bool


def _timer(check: Check) -> timeit.Timer:
    return timeit.Timer(
        f"{check.function}(obj, cls)",
        setup="obj = _obj; cls = _cls",  # locals inside timeit's loop function
        timer=time.process_time,
        globals={
            "_obj": check.obj,
            "_cls": check.cls,
            "check_conformance": check_conformance,
        },
    )


def _loops(timer: timeit.Timer, budget: float) -> int:
    number, elapsed = 1, timer.timeit(1)  # the first call also fills any cache
    while elapsed < budget / 4:
        number *= 4
        elapsed = timer.timeit(number)
    return max(1, round(number * budget / max(elapsed, 1e-9)))


def time_checks(
    groups: Sequence[Sequence[Check]], settings: Settings
) -> list[dict[str, list[float]]]:
    """Time checks round-robin across every group.

    Each round takes one repeat of every check of every group (protocol), so
    the samples of each check are spread over the whole run: a slow moment
    of the machine costs each check a sample or two, not its median, and hits
    a protocol's checks and its ABC baseline alike.

    Args:
        groups: The checks of each protocol.
        settings: Repeat count and duration of one repeat.

    Returns:
        Per group, by label, nanoseconds per check of every round.
    """
    plan: list[tuple[int, str, timeit.Timer, int]] = []
    for index, checks in enumerate(groups):
        for check in checks:
            timer = _timer(check)
            plan.append(
                (index, check.label, timer, _loops(timer, settings.timeit_budget))
            )
    samples: list[dict[str, list[float]]] = [
        {check.label: [] for check in checks} for checks in groups
    ]
    for _ in range(settings.timeit_repeats):
        for index, label, timer, loops in plan:
            samples[index][label].append(timer.timeit(loops) / loops * 1e9)
    return samples


def check_order(info: spi.ProtocolInfo) -> tuple[str, ...]:
    """Return the members in the order ``isinstance`` checks them.

    ``typing._ProtocolMeta.__instancecheck__`` walks ``__protocol_attrs__``,
    a set: its order depends on the hash seed, and is fixed in one process.

    Args:
        info: The protocol.

    Returns:
        Its members in that order (definition order when the interpreter
        has no ``__protocol_attrs__``).
    """
    isinstance(object(), info.cls)  # computes __protocol_attrs__ where lazy
    declared: object = getattr(info.cls, "__protocol_attrs__", None)
    if isinstance(declared, set | frozenset):
        names = cast("Iterable[object]", declared)
        order = [str(name) for name in names]
        if set(order) == set(info.members):
            return tuple(order)
    return info.members


def _without(members: Sequence[str], name: str) -> list[str]:
    return [m for m in members if m != name]


def make_checks(info: spi.ProtocolInfo, *, pydantic: bool = True) -> list[Check]:
    """Return the checks of ``info`` and their baselines (see the module)."""
    proto = info.cls
    empty: object = type(f"{info.name}Empty", (), {})()
    abc_base, abc_impl = abc_pair(info)
    order = check_order(info)
    last, first = _without(info.members, order[-1]), _without(info.members, order[0])
    checks = [
        Check(ABC_POS, "isinstance", abc_impl(), abc_base, True),
        Check(ABC_NEG, "isinstance", empty, abc_base, False),
        Check(NEG_EMPTY, "isinstance", empty, proto, False),
    ]
    conformance = info.name in CONFORMANCE_PROTOCOLS
    if info.kind == "service":
        full = service_class(info, info.members)
        partial = service_class(info, last)
        implementation = full()
        if conformance:
            checks.append(
                Check(CONF_SERVICE, "check_conformance", implementation, proto, True)
            )
        return [
            *checks,
            Check(POS, "isinstance", implementation, proto, True),
            Check(NEG_MISSING, "isinstance", partial(), proto, False),
            Check(NEG_FIRST, "isinstance", service_class(info, first)(), proto, False),
            Check(ABC_SUB, "issubclass", abc_impl, abc_base, True),
            Check(SUB_POS, "issubclass", full, proto, True),
            Check(SUB_NEG, "issubclass", partial, proto, False),
        ]
    properties = property_class(info)()
    if conformance:
        checks.append(Check(CONF_DATA, "check_conformance", properties, proto, True))
    checks += [
        Check(
            POS_DATACLASS,
            "isinstance",
            dataclass_instance(info, info.members),
            proto,
            True,
        ),
        Check(
            POS_SLOTS,
            "isinstance",
            dataclass_instance(info, info.members, slots=True),
            proto,
            True,
        ),
        Check(POS_PROPERTIES, "isinstance", properties, proto, True),
        Check(NEG_MISSING, "isinstance", dataclass_instance(info, last), proto, False),
        Check(NEG_FIRST, "isinstance", dataclass_instance(info, first), proto, False),
    ]
    model = pydantic_instance(info) if pydantic else None
    if model is not None:
        checks.append(Check(POS_PYDANTIC, "isinstance", model, proto, True))
    return checks


def _verify(info: spi.ProtocolInfo, checks: Sequence[Check]) -> None:
    for check in checks:
        if check.function == "isinstance":
            answer = isinstance(check.obj, check.cls)
        elif check.function == "check_conformance":
            answer = check_conformance(check.obj, check.cls) == []
        else:
            answer = isinstance(check.obj, type) and issubclass(check.obj, check.cls)
        if answer is not check.expected:
            raise BenchmarkError(
                f"{info.name}: {check.label} gave {answer}, expected "
                f"{check.expected}; the generated object does not model the protocol"
            )


def measure_protocols(
    infos: Sequence[spi.ProtocolInfo], settings: Settings
) -> list[ProtocolTimings]:
    """Time every case of every protocol (see the module docstring).

    Args:
        infos: The protocols.
        settings: Timing settings.

    Returns:
        Their timings, in the same order.

    Raises:
        BenchmarkError: A generated object did not give the expected answer.
    """
    groups = [make_checks(info) for info in infos]
    for info, checks in zip(infos, groups, strict=True):
        _verify(info, checks)
    timed = time_checks(groups, settings)
    return [
        ProtocolTimings(i, {k: Stats.of(v) for k, v in t.items()}, t)
        for i, t in zip(infos, timed, strict=True)
    ]


# -- instruction counts (callgrind) -----------------------------------------

_LOOP = """\
def loop(obj, cls, n):
    for _ in repeat(None, n):
        {call}
"""

EMPTY_LOOP = "(empty loop)"

COUNTED = frozenset({ABC_POS, POS, POS_SLOTS, POS_PROPERTIES, CONF_SERVICE, CONF_DATA})
"""Checks counted under callgrind: the targets' and the other cached positives.

The negatives and the uncached positives (plain frozen dataclasses) cost
25k-250k instructions each; they are timed (ns rows), not counted, which
keeps the callgrind run short.
"""

WARM_UP = 64
"""Checks run before counting: fills the caches, lets the interpreter specialise."""


def _loop_function(call: str) -> Callable[[object, object, int], None]:
    namespace: dict[str, object] = {
        "repeat": itertools.repeat,
        "check_conformance": check_conformance,
    }
    # A fresh code object per check: each loop keeps its own specialisation.
    exec(_LOOP.format(call=call), namespace)
    function = namespace["loop"]
    if not callable(function):
        raise BenchmarkError("the generated loop is not callable")
    return function  # pyright: ignore[reportReturnType]


def instruction_worker(loops: int) -> None:
    """Run every check between callgrind marks; print the phase labels.

    Run by :func:`count_instructions` in a child under callgrind. Each check
    of :data:`COUNTED` runs ``loops`` then ``2 * loops`` times, each run
    followed by a mark; an empty loop does the same last. Prints JSON:
    ``loops`` and the ``[protocol, label]`` of each check, in phase order.

    Args:
        loops: Checks per first phase.
    """
    infos = spi.protocols()
    plan: list[tuple[str, str, Callable[[object, object, int], None], Check]] = []
    for info in infos:
        checks = make_checks(info, pydantic=False)
        _verify(info, checks)
        for check in checks:
            if check.label not in COUNTED:
                continue
            function = _loop_function(f"{check.function}(obj, cls)")
            plan.append((info.name, check.label, function, check))
    empty = _loop_function("pass")
    plan.append((EMPTY_LOOP, EMPTY_LOOP, empty, Check("", "", None, object, True)))
    for _name, _label, function, check in plan:
        function(check.obj, check.cls, WARM_UP)
    gc.collect()
    gc.disable()
    os.getppid()
    for _name, _label, function, check in plan:
        function(check.obj, check.cls, loops)
        os.getppid()
        function(check.obj, check.cls, 2 * loops)
        os.getppid()
    gc.enable()
    labels = [[name, label] for name, label, _function, _check in plan]
    print(json.dumps({"loops": loops, "labels": labels}))


type Counts = dict[tuple[str, str], dict[int, float]]
"""Instructions per check by (protocol, case) and hash seed."""


def count_instructions(settings: Settings) -> Counts:
    """Count instructions per check of every check, once per hash seed.

    Args:
        settings: Seeds and loop count.

    Returns:
        Instructions per check, the empty loop subtracted.

    Raises:
        BenchmarkError: callgrind failed or the phases do not match.
    """
    paths = [str(REPO), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]
    env = child_env({"PYTHONPATH": os.pathsep.join(p for p in paths if p)})
    loops = settings.instruction_loops
    code = (
        "from benchmarks.bench_isinstance import instruction_worker\n"
        f"instruction_worker({loops})\n"
    )
    jobs = [
        callgrind.Job(KEY, sys.executable, code, env, seed) for seed in settings.seeds
    ]
    counts: Counts = {}
    for (_key, seed), phases in _run_worker(jobs).items():
        labels, per_loop = phases
        empty = per_loop[(EMPTY_LOOP, EMPTY_LOOP)]
        for pair in labels:
            if pair[0] == EMPTY_LOOP:
                continue
            counts.setdefault(pair, {})[seed] = per_loop[pair] - empty
    return counts


def _run_worker(
    jobs: Sequence[callgrind.Job],
) -> dict[tuple[str, int], tuple[list[tuple[str, str]], dict[tuple[str, str], float]]]:
    results: dict[
        tuple[str, int], tuple[list[tuple[str, str]], dict[tuple[str, str], float]]
    ] = {}
    for key, counted in callgrind.run_jobs(jobs).items():
        phases = counted.phases
        try:
            document = json.loads(counted.stdout.strip().splitlines()[-1])
            loops = int(document["loops"])
            labels = [(str(a), str(b)) for a, b in document["labels"]]
        except (IndexError, KeyError, TypeError, ValueError) as exc:
            raise BenchmarkError(
                f"the isinstance worker printed no labels: {exc}"
            ) from exc
        if len(phases) != 2 * len(labels):
            raise BenchmarkError(
                f"{len(phases)} callgrind phases for {len(labels)} checks"
            )
        per_loop = {
            pair: (phases[2 * i + 1] - phases[2 * i]) / loops
            for i, pair in enumerate(labels)
        }
        results[key] = (labels, per_loop)
    return results


def _issubclass_raises(proto: type) -> bool:
    try:
        issubclass(object, proto)
    except TypeError:
        return True
    return False


# -- rows ---------------------------------------------------------------------


def _protocol_rows(timings: ProtocolTimings, cases: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    info = timings.info
    for case in cases:
        if case not in timings.cases:
            continue
        base = timings.cases[BASELINE_OF[case]]
        rows.append(
            Row(
                KEY,
                f"{info.name} ({len(info.members)}): {case}",
                timings.cases[case],
                "ns",
                f"{SHORT[BASELINE_OF[case]]} {base.median:.0f}",
                timings.ratio(case),
            )
        )
    return rows


def _aggregate_row(
    group: Sequence[ProtocolTimings], label: str, case: str, baseline: Stats | None
) -> Row | None:
    measured = [t for t in group if case in t.cases]
    if not measured:
        return None
    stats = Stats.of(t.cases[case].median for t in measured)
    if case not in BASELINE_OF or baseline is None:
        return Row(KEY, f"{label}: {case}", stats, "ns")
    ratio = statistics.median(t.ratio(case) for t in measured)
    return Row(
        KEY,
        f"{label}: {case}",
        stats,
        "ns",
        f"{SHORT[BASELINE_OF[case]]} {baseline.median:.0f}",
        ratio,
    )


def _aggregate_rows(
    group: Sequence[ProtocolTimings], label: str, cases: Sequence[str]
) -> list[Row]:
    rows: list[Row] = []
    baselines: dict[str, Stats] = {}
    for abc_case in (ABC_POS, ABC_NEG, ABC_SUB):
        row = _aggregate_row(group, label, abc_case, None)
        if row is not None and row.stats is not None:
            baselines[abc_case] = row.stats
            rows.append(row)
    for case in cases:
        row = _aggregate_row(group, label, case, baselines.get(BASELINE_OF[case]))
        if row is not None:
            rows.append(row)
    return rows


def _floor_row(settings: Settings) -> Row:
    plain = type("Plain", (), {})
    label = "floor: isinstance(obj, its own plain class)"
    check = Check(label, "isinstance", plain(), plain, True)
    samples = time_checks([[check]], settings)[0][label]
    return Row(KEY, label, Stats.of(samples), "ns")


def _instruction_rows(
    counts: Counts, services: Sequence[ProtocolTimings], data: Sequence[ProtocolTimings]
) -> list[Row]:
    """Aggregates of instructions per check over each kind of protocol."""
    rows: list[Row] = []
    for group, cases in ((services, SERVICE_CASES), (data, DATA_CASES)):
        if not group:
            continue
        label = f"instructions: {len(group)} {group[0].info.kind} protocols"
        names = [t.info.name for t in group]
        medians: dict[str, list[float]] = {}
        for case in (ABC_POS, ABC_NEG, *cases):
            values = [
                statistics.median(counts[(n, case)].values())
                for n in names
                if (n, case) in counts
            ]
            if values:
                medians[case] = values
        for case in (ABC_POS, ABC_NEG):
            if case in medians:
                rows.append(
                    Row(KEY, f"{label}: {case}", Stats.of(medians[case]), "instr")
                )
        for case in cases:
            if case not in medians or BASELINE_OF[case] not in medians:
                continue
            base = BASELINE_OF[case]
            ratios = [
                statistics.median(counts[(n, case)].values())
                / statistics.median(counts[(n, base)].values())
                for n in names
                if (n, case) in counts
            ]
            rows.append(
                Row(
                    KEY,
                    f"{label}: {case}",
                    Stats.of(medians[case]),
                    "instr",
                    f"{SHORT[base]} {statistics.median(medians[base]):.0f}",
                    statistics.median(ratios),
                )
            )
    return rows


def _service_decisions(
    services: Sequence[ProtocolTimings], counts: Counts, rounds: int
) -> dict[str, Decision]:
    """The decision on ``isinstance +`` against ``ABC +``, per protocol."""
    decisions: dict[str, Decision] = {}
    for timings in services:
        name = timings.info.name
        if counts:
            decisions[name] = seeded_decision(
                counts[(name, POS)],
                counts[(name, ABC_POS)],
                "instructions per check",
            )
        else:
            decisions[name] = paired_decision(
                timings.samples[POS],
                timings.samples[ABC_POS],
                f"CPU time per check, {rounds} interleaved rounds",
            )
    return decisions


def _positive_target(
    services: Sequence[ProtocolTimings], counts: Counts, settings: Settings
) -> tuple[Row, TargetResult]:
    decisions = _service_decisions(services, counts, settings.timeit_repeats)
    worst = max(services, key=lambda t: decisions[t.info.name].ratio)
    best = min(services, key=lambda t: decisions[t.info.name].ratio)
    chosen = decisions[worst.info.name]
    # The worst of several ratios: its interval runs from the largest lower
    # end to the largest upper end.
    combined = Decision(
        chosen.ratio,
        max(d.low for d in decisions.values()),
        max(d.high for d in decisions.values()),
        chosen.method,
    )
    outcome = decide(combined, POSITIVE_TARGET)
    median_ratio = statistics.median(d.ratio for d in decisions.values())
    members = sorted(len(t.info.members) for t in services)
    name = worst.info.name
    if counts:
        stats = Stats.of(counts[(name, POS)].values())
        base = statistics.median(counts[(name, ABC_POS)].values())
        row = Row(
            KEY,
            f"instructions: worst: {name} ({len(worst.info.members)}): {POS}",
            stats,
            "instr",
            f"{SHORT[ABC_POS]} {base:.0f}",
        )
    else:
        row = Row(
            KEY,
            f"worst: {name} ({len(worst.info.members)}): {POS}",
            worst.cases[POS],
            "ns",
            f"{SHORT[ABC_POS]} {worst.cases[ABC_POS].median:.0f}",
        )
    row = dataclasses.replace(
        row,
        ratio=combined.ratio,
        target=f"<= {POSITIVE_TARGET:.1f}x ABC (3.12+)",
        verdict=outcome,
    )
    limit = (
        f"Positive checks are cached by the ABC machinery (all {len(services)} "
        f"service protocols, {members[0]}-{members[-1]} methods, cost about the same: "
        f"best {best.info.name} {ratio_text(decisions[best.info.name].ratio)}). "
        "What is left is typing._ProtocolMeta.__instancecheck__, pure-Python code "
        "that runs before the C-level ABC cache lookup on every call; it does not "
        "depend on the SPI's protocols (member count, async-ness). Nothing in the "
        "SPI can lower it without a custom metaclass; DI containers that check in "
        "a hot path can cache the answer per concrete type."
    )
    target = TargetResult(
        f"positive isinstance on service protocols within {POSITIVE_TARGET:.0f}x of "
        "an ABC check (3.12+)",
        f"worst {ratio_text(chosen.ratio)} ({name}), median "
        f"{ratio_text(median_ratio)} over {len(services)} service protocols "
        f"(Python {python_version()})",
        combined.ratio,
        outcome,
        limit,
        combined.method
        + f"; the verdict needs every one of the {len(services)} protocols",
    )
    return row, target


def _conformance_decision(
    timings: ProtocolTimings, case: str, counts: Counts, rounds: int
) -> Decision:
    name, base = timings.info.name, BASELINE_OF[case]
    if counts:
        return seeded_decision(
            counts[(name, case)], counts[(name, base)], "instructions per check"
        )
    return paired_decision(
        timings.samples[case],
        timings.samples[base],
        f"CPU time per check, {rounds} interleaved rounds",
    )


def conformance_rows(
    by_name: Mapping[str, ProtocolTimings], counts: Counts, settings: Settings
) -> tuple[list[Row], TargetResult | None]:
    """Rows and target of the cached registration check against ``isinstance``.

    Args:
        by_name: Every protocol's timings, by name.
        counts: Instructions per check (empty without valgrind).
        settings: Round count.

    Returns:
        One ns row per measured protocol and, with valgrind, one
        instruction row (with the verdict); the target over both protocols
        (None when neither is present).
    """
    measured: list[tuple[ProtocolTimings, str]] = []
    for name in CONFORMANCE_PROTOCOLS:
        timings = by_name.get(name)
        case = (
            None
            if timings is None
            else (CONF_SERVICE if timings.info.kind == "service" else CONF_DATA)
        )
        if timings is not None and case is not None and case in timings.cases:
            measured.append((timings, case))
    if not measured:
        return [], None
    rows: list[Row] = []
    decisions: dict[str, Decision] = {}
    target_text = f"<= {CONFORMANCE_TARGET:.1f}x isinstance"
    for timings, case in measured:
        info, base = timings.info, BASELINE_OF[case]
        decision = _conformance_decision(timings, case, counts, settings.timeit_repeats)
        decisions[info.name] = decision
        label = f"{info.name} ({len(info.members)}): {case}"
        row = Row(
            KEY,
            label,
            timings.cases[case],
            "ns",
            f"{SHORT[base]} {timings.cases[base].median:.0f}",
            timings.ratio(case),
        )
        if not counts:
            row = dataclasses.replace(
                row,
                ratio=decision.ratio,
                target=target_text,
                verdict=decide(decision, CONFORMANCE_TARGET),
            )
        rows.append(row)
        if counts:
            base_count = statistics.median(counts[(info.name, base)].values())
            rows.append(
                Row(
                    KEY,
                    f"instructions: {label}",
                    Stats.of(counts[(info.name, case)].values()),
                    "instr",
                    f"{SHORT[base]} {base_count:.0f}",
                    decision.ratio,
                    target_text,
                    decide(decision, CONFORMANCE_TARGET),
                )
            )
    worst_name = max(decisions, key=lambda n: decisions[n].ratio)
    worst = decisions[worst_name]
    combined = Decision(
        worst.ratio,
        max(d.low for d in decisions.values()),
        max(d.high for d in decisions.values()),
        worst.method,
    )
    target = TargetResult(
        "the cached registration check (check_conformance on an instance whose "
        f"class was checked before) within {CONFORMANCE_TARGET:.0f}x of a "
        "positive isinstance",
        f"worst {ratio_text(worst.ratio)} ({worst_name}); "
        + ", ".join(f"{n} {ratio_text(d.ratio)}" for n, d in decisions.items())
        + f" (Python {python_version()})",
        combined.ratio,
        decide(combined, CONFORMANCE_TARGET),
        "check_conformance keeps each class's result per protocol after the "
        "first check: a later check of any instance of a class that defines "
        "every member is two dictionary lookups and a copy of the (empty) "
        "mismatch list, while a positive protocol isinstance runs "
        "typing._ProtocolMeta.__instancecheck__ (pure Python) before the ABC "
        "cache. A class that leaves data members to its instances (a dataclass "
        "without slots) costs one instance __dict__ lookup per such member more.",
        combined.method
        + f"; the verdict needs every one of the {len(decisions)} protocols",
    )
    return rows, target


def run(settings: Settings) -> SectionResult:
    """Run the section.

    Args:
        settings: Timing settings and the method that decides the target.

    Returns:
        Rows for the central protocols one by one, aggregates over all
        service and all data protocols (ns, and instructions with valgrind),
        the floor, and the target verdict.
    """
    result = SectionResult(KEY, TITLE, python_version())
    infos = spi.protocols()
    counts = count_instructions(settings) if settings.method == "instructions" else {}
    gc.collect()
    timings = measure_protocols(infos, settings)
    services = [t for t in timings if t.info.kind == "service"]
    data = [t for t in timings if t.info.kind == "data"]
    result.rows.append(_floor_row(settings))
    by_name = {t.info.name: t for t in timings}
    for name in CENTRAL_SERVICE:
        if name in by_name:
            result.rows.extend(_protocol_rows(by_name[name], SERVICE_CASES))
    for name in CENTRAL_DATA:
        if name in by_name:
            result.rows.extend(_protocol_rows(by_name[name], DATA_CASES))
    result.rows.extend(
        _aggregate_rows(services, f"{len(services)} service protocols", SERVICE_CASES)
    )
    result.rows.extend(_aggregate_rows(data, f"{len(data)} data protocols", DATA_CASES))
    result.rows.extend(_instruction_rows(counts, services, data))
    if services:
        row, target = _positive_target(services, counts, settings)
        result.rows.append(row)
        result.targets.append(target)
    rows, conformance = conformance_rows(by_name, counts, settings)
    result.rows.extend(rows)
    if conformance is not None:
        result.targets.append(conformance)
    _notes(result, services, data, settings, counts)
    return result


def _notes(
    result: SectionResult,
    services: Sequence[ProtocolTimings],
    data: Sequence[ProtocolTimings],
    settings: Settings,
    counts: Counts,
) -> None:
    raising = sum(_issubclass_raises(t.info.cls) for t in data)
    result.notes.append(
        f"{len(services)} service protocols (methods only) and {len(data)} data "
        "protocols (properties only), found by walking omnibase.protocols. "
        "Baseline: an abc.ABC with the same number of abstract members and a "
        "conforming subclass (ABC + / ABC - / ABC sub +: its positive and negative "
        "isinstance and positive issubclass). Rows named 'N service/data "
        "protocols' give median, min and max over the protocols' medians, and the "
        "median of the protocols' own ratios; (N) after a protocol is its member "
        "count."
    )
    result.notes.append(
        "ns: CPU time per check (timeit with time.process_time), the loop "
        f"(~10-20 ns) included in every case alike; {settings.timeit_repeats} "
        "rounds over every check of every protocol."
    )
    if counts:
        result.notes.append(
            "instructions: per check with its call, without the loop, counted by "
            f"callgrind after {WARM_UP} warm-up checks ({settings.instruction_loops} "
            f"and {2 * settings.instruction_loops} checks between marks, the "
            f"difference less an empty loop's), under {len(settings.seeds)} hash "
            "seed(s). Counted: the ABC baseline and the cached positive checks "
            "(the target's); negatives and uncached positives are timed only. "
            "The target is decided on these counts."
        )
    else:
        result.notes.append(
            f"instructions: not counted ({settings.method_note}); the target is "
            "decided on the CPU times."
        )
    result.notes.append(
        "Cached registration check: omnibase.spi_conformance.check_conformance("
        "obj, protocol) on the conforming object of "
        + " and ".join(CONFORMANCE_PROTOCOLS)
        + " (a generated class; the @property class for a data protocol), "
        "checked before (the timer's first call, the counted run's warm-up), "
        "against isinstance(obj, protocol) on the same object: the cost a DI "
        "container pays per registration once the class has been checked."
    )
    result.notes.append(
        "Negative checks: isinstance walks the protocol's __protocol_attrs__ (a "
        "set, in hash-seed order) and stops at the first missing member. The "
        "missing member is picked from that order in the same process: 'checked "
        "last' walks every other member first (the slowest negative), 'checked "
        "first' stops at once, so each row measures the same thing under every "
        "hash seed. A non-method member found on the instance only (a plain "
        "dataclass field) costs an inspect.getattr_static call per member."
    )
    result.notes.append(
        f"issubclass() raises TypeError on {raising} of {len(data)} data "
        "protocols (data contracts declare read-only properties, which are "
        "non-method members; expected) and works on every service protocol."
    )
    result.notes.append(
        "Caching (3.12+): a positive protocol isinstance is cached per class by "
        "the ABC machinery only when every member is found on the class: "
        "methods, @property, slots descriptors. Frozen dataclasses without "
        "slots and pydantic models keep data members as instance attributes, so "
        "every positive check walks all members with inspect.getattr_static "
        "(microseconds, growing with the member count); "
        "dataclass(frozen=True, slots=True) and classes with @property members "
        "are cached. Negative checks are never cached."
    )
    if not any(POS_PYDANTIC in t.cases for t in data) and data:
        result.notes.append("pydantic is not installed here: its rows are skipped.")
