"""MkDocs hook: rule links, the rules index and the state machines, from the code.

Everything here is computed at build time from the code, so the site follows
the contracts as they change:

- every mention of a rule id (``WP-2``, in text or alone in inline code) on any page,
  docstrings included, becomes a link to the rule's definition (the anchors
  are made by ``griffe_rules.py``; unknown ids are left alone);
- a page may hold generated blocks, written as one HTML comment on a line of
  its own (invisible on GitHub and in other renderers):

  - ``<!-- spi:rules-index -->``: every rule, by contract, with its text, its
    conformance-kit classification and the kit tests citing it;
  - ``<!-- spi:state-machine workflow -->`` (or ``task``): a mermaid diagram
    of ``WORKFLOW_TRANSITIONS`` (``TASK_TRANSITIONS``);
  - ``<!-- spi:event-states workflow -->`` (or ``task``): the table of
    ``WORKFLOW_EVENT_STATES`` (``TASK_EVENT_STATES``);
  - ``<!-- spi:contracts PACKAGE... -->``: the contracts of SPI packages or
    modules, each with its kind, summary and rule ids;
  - ``<!-- spi:suites -->``: the kit's suites, with their contracts,
    optional capabilities and fault hooks;
  - ``<!-- spi:fakes -->``: the reference implementations, by the service
    contract they satisfy;
  - ``<!-- spi:stability -->``: the protocols whose docstring marks them
    other than stable (a ``Stability:`` section).

A generated block this hook does not know fails the build, naming the page.
"""

import html
import importlib
import inspect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, cast, override
from xml.etree import ElementTree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from omnibase.protocols.types import workflow_orchestration_types as workflow_types
from omnibase.spi_conformance.discovery import iter_protocols
from omnibase.spi_conformance.members import contract_members
from omnibase.spi_conformance.rules import (
    CLASSIFICATION,
    RULE_ID,
    Optional,
    Required,
    RuleDefinition,
    Untested,
    defined_rules,
)
from omnibase.spi_conformance.suites import ALL_SUITES, capability_of, rules_of

__all__ = [
    "GENERATORS",
    "KitTest",
    "RuleLinkExtension",
    "contracts_table",
    "event_states_table",
    "expand_generated_blocks",
    "fakes_table",
    "kit_tests",
    "on_config",
    "on_page_markdown",
    "qualify_crossrefs",
    "rules_index",
    "stability_of",
    "stability_table",
    "state_machine",
    "suites_table",
]

_MARKER: Final = re.compile(
    r"^<!-- spi:(?P<name>[\w-]+)(?P<args>(?: [\w.-]+)*) -->$", re.M
)
_SKIPPED_TAGS: Final = frozenset({"a", "autoref", "code", "pre", "script", "style"})


# --- rule links -----------------------------------------------------------------------


class RuleLinker(Treeprocessor):
    """Turn each rule id in text into an mkdocs-autorefs reference to its rule."""

    def __init__(self, md: Markdown, rule_ids: frozenset[str]) -> None:
        """Link the ids in ``rule_ids`` and no others.

        Args:
            md: The Markdown instance.
            rule_ids: The defined rule ids.
        """
        super().__init__(md)
        self.rule_ids = rule_ids

    @override
    def run(self, root: ElementTree.Element) -> None:
        """Link the rule ids under ``root``."""
        self._link_children(root)

    def _link_children(self, parent: ElementTree.Element) -> None:
        if parent.text and not isinstance(parent.text, AtomicString):
            pieces = self._split(parent.text)
            if pieces is not None:
                parent.text, elements = pieces
                for position, element in enumerate(elements):
                    parent.insert(position, element)
        index = 0
        while index < len(parent):
            child = parent[index]
            if child.tag == "code" and (child.text or "") in self.rule_ids:
                parent[index] = self._reference(child.text or "", code=child)
            elif child.tag not in _SKIPPED_TAGS:
                self._link_children(child)
            index += 1
            if child.tail and not isinstance(child.tail, AtomicString):
                pieces = self._split(child.tail)
                if pieces is not None:
                    child.tail, elements = pieces
                    for element in elements:
                        parent.insert(index, element)
                        index += 1

    def _split(self, text: str) -> tuple[str, list[ElementTree.Element]] | None:
        """Split ``text`` at the rule ids it mentions, or ``None`` if none."""
        matches = [m for m in RULE_ID.finditer(text) if m[0] in self.rule_ids]
        if not matches:
            return None
        head = text[: matches[0].start()]
        elements: list[ElementTree.Element] = []
        for match, following in zip(matches, [*matches[1:], None], strict=True):
            element = self._reference(match[0])
            element.tail = text[match.end() : following.start() if following else None]
            elements.append(element)
        return head, elements

    @staticmethod
    def _reference(
        rule_id: str, *, code: ElementTree.Element | None = None
    ) -> ElementTree.Element:
        element = ElementTree.Element("autoref", {"identifier": rule_id})
        if code is None:
            element.text = rule_id
        else:
            tail, code.tail = code.tail, None
            element.append(code)
            element.tail = tail
        return element


class RuleLinkExtension(Extension):
    """The Markdown extension running [`RuleLinker`][] after inline processing."""

    def __init__(self, rule_ids: Iterable[str]) -> None:
        """Link exactly ``rule_ids``.

        Args:
            rule_ids: The defined rule ids.
        """
        super().__init__()
        self.rule_ids = frozenset(rule_ids)

    @override
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the tree processor: after ``attr_list`` (8), before ``toc`` (5)."""
        md.treeprocessors.register(RuleLinker(md, self.rule_ids), "spi-rule-links", 7)


# --- the rules index ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KitTest:
    """One conformance-kit test and the suites that run it.

    Attributes:
        path: Dotted path of the test method where it is defined.
        name: ``Class.test_name`` as shown.
        suites: The suites of ``ALL_SUITES`` that run it.
        capability: The optional capability it needs, if any.
    """

    path: str
    name: str
    suites: tuple[str, ...]
    capability: str | None


def kit_tests(suites: Sequence[type] = ALL_SUITES) -> dict[str, list[KitTest]]:
    """Return, per rule id, the kit tests citing it (``rules_of``), in suite order.

    Args:
        suites: The suites to read.

    Returns:
        Rule id -> the tests citing it.
    """
    runners: dict[str, list[str]] = defaultdict(list)
    tests: dict[str, tuple[str, object, tuple[str, ...]]] = {}
    for suite in suites:
        for name in sorted(dir(suite)):
            member: object = getattr(suite, name)
            cited = rules_of(member) if name.startswith("test") else ()
            if not cited:
                continue
            qualname = str(getattr(member, "__qualname__", name))
            path = f"{getattr(member, '__module__', suite.__module__)}.{qualname}"
            tests[path] = (qualname, member, cited)
            runners[path].append(suite.__name__)
    by_rule: dict[str, list[KitTest]] = defaultdict(list)
    for path, (qualname, member, cited) in tests.items():
        test = KitTest(
            path=path,
            name=qualname,
            suites=tuple(runners[path]),
            capability=capability_of(member),
        )
        for rule_id in cited:
            by_rule[rule_id].append(test)
    return dict(by_rule)


def _place(definition: RuleDefinition) -> str:
    """Dotted path of the docstring defining a rule (module or class)."""
    if definition.owner is None:
        return definition.module
    return f"{definition.module}.{definition.owner}"


_CROSSREF: Final = re.compile(r"\[(?P<title>[^\]]+)\]\[(?P<target>[^\]]*)\]")


def qualify_crossrefs(definition: RuleDefinition) -> str:
    """Return a rule's text with its scoped cross-references made absolute.

    In a docstring, ``[`WORKFLOW_EVENT_STATES`][]`` is found in the docstring's
    scope (its class, then its module); on another page it needs the full
    path. Names found in neither stay as they are (a strict build reports them).

    Args:
        definition: The rule.

    Returns:
        The text, ready for any page.
    """
    if not _CROSSREF.search(definition.text):
        return definition.text
    module = importlib.import_module(definition.module)
    scopes: list[tuple[str, object]] = []
    if definition.owner is not None:
        scopes.append(
            (
                f"{definition.module}.{definition.owner}",
                getattr(module, definition.owner, None),
            )
        )
    scopes.append((definition.module, module))

    def qualify(match: re.Match[str]) -> str:
        title, target = match["title"], match["target"]
        name = target or title.strip("`")
        if not name.isidentifier():
            return match[0]
        for path, scope in scopes:
            if scope is not None and hasattr(scope, name):
                return f"[{title}][{path}.{name}]"
        return match[0]

    return _CROSSREF.sub(qualify, definition.text)


def _classification(rule_id: str) -> str:
    found = CLASSIFICATION.get(rule_id)
    match found:
        case Required():
            return "**required**"
        case Optional(capability=capability):
            return f"**optional**, capability `{capability}`"
        case Untested(reason=reason):
            return f"**untested**: {reason}"
        case None:
            return "**unclassified** (the kit's gate fails on it)"


def _test_line(test: KitTest) -> str:
    notes: list[str] = []
    if test.suites != (test.name.split(".", 1)[0],):
        notes.append(f"run by {', '.join(test.suites)}")
    if test.capability:
        notes.append(f"needs the capability `{test.capability}`")
    shown = f" ({'; '.join(notes)})" if notes else ""
    return f"[`{test.name}`][{test.path}]{shown}"


_LAYERS: Final = (
    "omnibase.protocols.types",
    "omnibase.protocols.errors",
    "omnibase.protocols.core",
    "omnibase.protocols.event_bus",
    "omnibase.protocols.container",
    "omnibase.protocols.mcp",
    "omnibase.protocols.workflow_orchestration",
)


def _layer(definition: RuleDefinition) -> int:
    """Position of a rule's package in the SPI's layering (unknown ones last)."""
    for position, package in enumerate(_LAYERS):
        if definition.module == package or definition.module.startswith(f"{package}."):
            return position
    return len(_LAYERS)


def rules_index(
    rules: Mapping[str, RuleDefinition] | None = None,
    tests: Mapping[str, Sequence[KitTest]] | None = None,
) -> str:
    """Return the Markdown of the rules index.

    Args:
        rules: The rules (the SPI's by default).
        tests: The kit tests per rule (from ``ALL_SUITES`` by default).

    Returns:
        A summary table, then one section per contract with one heading per
        rule: its text, its classification and the kit tests citing it.
    """
    rules = defined_rules() if rules is None else rules
    tests = kit_tests() if tests is None else tests
    groups: dict[str, list[RuleDefinition]] = defaultdict(list)
    for definition in sorted(rules.values(), key=_layer):
        groups[_place(definition)].append(definition)
    counts = {"required": 0, "optional": 0, "untested": 0}
    for rule_id in rules:
        kind = type(CLASSIFICATION.get(rule_id)).__name__.lower()
        counts[kind] = counts.get(kind, 0) + 1
    cited = sum(1 for rule_id in rules if tests.get(rule_id))
    lines = [
        f"{len(rules)} rules in {len(groups)} docstrings: {counts['required']} "
        f"required, {counts['optional']} optional, {counts['untested']} untested; "
        f"{cited} cited by at least one test of the kit's "
        f"{len(ALL_SUITES)} suite(s).",
        "",
        "| defined in | rules |",
        "|---|---|",
    ]
    for place, definitions in groups.items():
        ids = ", ".join(f"[{d.rule_id}](#rule-{d.rule_id})" for d in definitions)
        lines.append(f"| [`{place.rsplit('.', 1)[-1]}`][{place}] | {ids} |")
    for place, definitions in groups.items():
        name = place.rsplit(".", 1)[-1]
        kind = "module" if definitions[0].owner is None else "contract"
        lines += ["", f"## {name} {{ #{_slug(place)} }}", ""]
        lines.append(f"Rules of the {kind} [`{place}`][{place}].")
        for definition in definitions:
            rule_id = definition.rule_id
            lines += ["", f"### {rule_id} {{ #rule-{rule_id} }}", ""]
            lines += [qualify_crossrefs(definition), ""]
            lines.append(f"- Kit: {_classification(rule_id)}")
            cited_by = tests.get(rule_id, ())
            if cited_by:
                lines.append("- Checked by:")
                lines += [f"    - {_test_line(test)}" for test in cited_by]
            else:
                lines.append("- Checked by: no kit test cites it yet")
    return "\n".join(lines) + "\n"


def _slug(place: str) -> str:
    return "rules-" + place.rsplit(".", 1)[-1].lower().replace("_", "-")


# --- state machines -------------------------------------------------------------------

_MACHINES: Final[Mapping[str, tuple[str, str]]] = {
    "workflow": ("WORKFLOW_TRANSITIONS", "WORKFLOW_EVENT_STATES"),
    "task": ("TASK_TRANSITIONS", "TASK_EVENT_STATES"),
}


def _table(name: str) -> Mapping[str, object]:
    """Read a table of ``workflow_orchestration_types`` (by name: tables change)."""
    table: object = getattr(workflow_types, name, None)
    if not isinstance(table, Mapping):
        raise PluginError(f"{workflow_types.__name__}.{name} is not a mapping")
    entries = cast("Mapping[object, object]", table)
    return {str(key): value for key, value in entries.items()}


def _machine(kind: str) -> tuple[str, str]:
    try:
        return _MACHINES[kind]
    except KeyError:
        known = ", ".join(_MACHINES)
        raise PluginError(f"unknown state machine {kind!r}; known: {known}") from None


def state_machine(kind: str) -> str:
    """Return a mermaid ``stateDiagram-v2`` of the workflow or task transitions.

    States without an incoming transition (or else the table's first state)
    are initial; terminal states (no outgoing transition, WF-1) are drawn
    with a double border.

    Args:
        kind: ``"workflow"`` or ``"task"``.

    Returns:
        A fenced mermaid block.
    """
    table = _table(_machine(kind)[0])
    transitions = {
        state: tuple(str(s) for s in _targets(t)) for state, t in table.items()
    }
    entered = {target for targets in transitions.values() for target in targets}
    initial = [state for state in transitions if state not in entered]
    initial = initial or list(transitions)[:1]
    lines = ["```mermaid", "stateDiagram-v2", "    direction LR"]
    lines += [f'    state "{state}" as {_node(state)}' for state in transitions]
    lines += [f"    [*] --> {_node(state)}" for state in initial]
    for state, targets in transitions.items():
        lines += [f"    {_node(state)} --> {_node(target)}" for target in targets]
    terminal = [_node(state) for state, targets in transitions.items() if not targets]
    if terminal:
        lines.append("    classDef terminal stroke-width:3px,font-weight:bold")
        lines.append(f"    class {','.join(terminal)} terminal")
    lines.append("```")
    return "\n".join(lines)


def _targets(value: object) -> tuple[object, ...]:
    if not isinstance(value, tuple):
        raise PluginError(f"a transition table maps a state to a tuple, not {value!r}")
    return cast("tuple[object, ...]", value)


def _node(state: str) -> str:
    return "s_" + re.sub(r"\W", "_", state)


def event_states_table(kind: str) -> str:
    """Return the event type -> state table of workflows or tasks, as Markdown.

    Args:
        kind: ``"workflow"`` or ``"task"``.

    Returns:
        A table with one row per event type, in the table's order.
    """
    name = _machine(kind)[1]
    table = _table(name)
    lines = [f"| event type | {kind} state after it |", "|---|---|"]
    lines += [f"| `{event}` | `{state}` |" for event, state in table.items()]
    return "\n".join(lines)


# --- contracts of a package -----------------------------------------------------------


def contracts_table(packages: Sequence[str]) -> str:
    """Return a table of the protocols defined under ``packages``.

    Args:
        packages: Dotted SPI packages or modules.

    Returns:
        One row per protocol: name (linked), service or data contract, the
        first line of its docstring and the rules its docstring defines.
    """
    rules_by_owner: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for definition in defined_rules().values():
        rules_by_owner[(definition.module, definition.owner)].append(definition.rule_id)
    rows = ["| contract | kind | what it is | rules |", "|---|---|---|---|"]
    found = 0
    for protocol in iter_protocols():
        module = protocol.__module__
        if not any(module == p or module.startswith(f"{p}.") for p in packages):
            continue
        found += 1
        members = contract_members(protocol)
        if "__call__" in members:
            kind = "callback"
        elif any(m.kind == "property" for m in members.values()):
            kind = "data"
        else:
            kind = "service"
        summary = (
            (inspect.getdoc(protocol) or "").split("\n\n", 1)[0].replace("\n", " ")
        )
        summary = summary.replace("|", "\\|")
        ids = ", ".join(rules_by_owner.get((module, protocol.__name__), [])) or "-"
        path = f"{module}.{protocol.__name__}"
        rows.append(f"| [`{protocol.__name__}`][{path}] | {kind} | {summary} | {ids} |")
    if not found:
        raise PluginError(f"no protocol under {', '.join(packages)}")
    return "\n".join(rows)


# --- stability ------------------------------------------------------------------------

_STABILITY: Final = re.compile(r"^Stability:\n\s+(?P<level>\w+):\s*(?P<note>.*)", re.M)


def stability_of(protocol: type) -> tuple[str, str]:
    """Return a protocol's stability and its note (``("stable", "")`` by default).

    Args:
        protocol: A protocol class.

    Returns:
        The level named by the docstring's ``Stability:`` section and its note.
    """
    match = _STABILITY.search(inspect.getdoc(protocol) or "")
    if match is None:
        return "stable", ""
    return match["level"].lower(), match["note"].strip()


def stability_table() -> str:
    """Return the protocols that are not stable, or say that every one is.

    Returns:
        A sentence, and a table when some protocol is not stable.
    """
    protocols = iter_protocols()
    marked = [(p, *stability_of(p)) for p in protocols]
    others = [(p, level, note) for p, level, note in marked if level != "stable"]
    if not others:
        return f"All {len(protocols)} protocols of the SPI are stable."
    rows = [
        f"{len(protocols) - len(others)} of the {len(protocols)} protocols are "
        "stable; these are not:",
        "",
        "| protocol | stability | note |",
        "|---|---|---|",
    ]
    for protocol, level, note in others:
        path = f"{protocol.__module__}.{protocol.__qualname__}"
        rows.append(f"| [`{protocol.__name__}`][{path}] | {level} | {note} |")
    return "\n".join(rows)


# --- the kit: suites and reference implementations ------------------------------------


def suites_table(suites: Sequence[type] = ALL_SUITES) -> str:
    """Return a table of the kit's suites: contract, capabilities, fault hooks.

    Args:
        suites: The suites (``ALL_SUITES`` by default).

    Returns:
        One row per suite.
    """
    rows = [
        "| suite | contract | optional capabilities | fault hooks |",
        "|---|---|---|---|",
    ]
    for suite in suites:
        contract: object = getattr(suite, "contract", None)
        if not isinstance(contract, type):
            raise PluginError(f"{suite.__qualname__} names no contract")
        capabilities: Mapping[str, str] = getattr(suite, "OPTIONAL_CAPABILITIES", {})
        hooks_of: Callable[[], list[str]] | None = getattr(suite, "hooks", None)
        hooks = hooks_of() if hooks_of is not None else []
        shown_capabilities = (
            "<br>".join(f"`{name}`: {what}" for name, what in capabilities.items())
            or "-"
        )
        shown_hooks = ", ".join(f"`{hook}`" for hook in hooks) or "-"
        rows.append(
            f"| [`{suite.__name__}`][{suite.__module__}.{suite.__qualname__}] "
            f"| [`{contract.__name__}`][{contract.__module__}.{contract.__qualname__}] "
            f"| {shown_capabilities} | {shown_hooks} |"
        )
    return "\n".join(rows)


def fakes_table(package: str = "omnibase.spi_conformance.reference") -> str:
    """Return which service contract each reference implementation satisfies.

    Args:
        package: The package of reference implementations.

    Returns:
        One row per service contract, naming its reference implementations.
    """
    module = importlib.import_module(package)
    names: Sequence[str] = getattr(module, "__all__", ())
    protocols = iter_protocols()
    services = [  # method-only contracts that no other contract extends
        protocol
        for protocol in protocols
        if not any(m.kind != "method" for m in contract_members(protocol).values())
        and not any(
            other is not protocol and protocol in other.__mro__ for other in protocols
        )
    ]
    found: dict[type, list[str]] = defaultdict(list)
    for name in names:
        candidate: object = getattr(module, name)
        if not isinstance(candidate, type):
            continue
        matched = [p for p in services if issubclass(candidate, p)]
        for protocol in matched:
            if not any(
                other is not protocol and issubclass(other, protocol)
                for other in matched
            ):
                found[protocol].append(name)
    rows = ["| contract | reference implementation |", "|---|---|"]
    for protocol in sorted(found, key=protocols.index):
        implementations = found[protocol]
        path = f"{protocol.__module__}.{protocol.__qualname__}"
        shown = ", ".join(f"`{name}`" for name in implementations)
        rows.append(f"| [`{protocol.__name__}`][{path}] | {shown} |")
    return "\n".join(rows)


# --- generated blocks -----------------------------------------------------------------


def _one(args: Sequence[str], make: Callable[[str], str]) -> str:
    if len(args) != 1:
        raise PluginError(f"expected one argument, got {list(args)}")
    return make(args[0])


def _none(args: Sequence[str], make: Callable[[], str]) -> str:
    if args:
        raise PluginError(f"expected no argument, got {list(args)}")
    return make()


def _some(args: Sequence[str], make: Callable[[Sequence[str]], str]) -> str:
    if not args:
        raise PluginError("expected at least one argument")
    return make(args)


GENERATORS: Final[Mapping[str, Callable[[Sequence[str]], str]]] = {
    "rules-index": lambda args: _none(args, rules_index),
    "state-machine": lambda args: _one(args, state_machine),
    "event-states": lambda args: _one(args, event_states_table),
    "contracts": lambda args: _some(args, contracts_table),
    "suites": lambda args: _none(args, suites_table),
    "fakes": lambda args: _none(args, fakes_table),
    "stability": lambda args: _none(args, stability_table),
}
"""Generated block name -> function of its arguments returning Markdown."""


def expand_generated_blocks(markdown: str, where: str) -> str:
    """Replace every ``<!-- spi:NAME ARGS -->`` line with what it generates.

    Args:
        markdown: A page's Markdown.
        where: The page's path, for error messages.

    Returns:
        The Markdown with the blocks expanded.

    Raises:
        PluginError: An unknown block, or wrong arguments, naming the page.
    """

    def expand(match: re.Match[str]) -> str:
        name, args = match["name"], match["args"].split()
        generator = GENERATORS.get(name)
        if generator is None:
            known = ", ".join(GENERATORS)
            raise PluginError(
                f"{where}: unknown generated block {name!r}; known: {known}"
            )
        try:
            return generator(args)
        except PluginError as error:
            raise PluginError(f"{where}: <!-- spi:{name} -->: {error}") from error

    expanded = _MARKER.sub(expand, markdown)
    stray = re.search(r"<!-- spi:.*", expanded)
    if stray:
        raise PluginError(f"{where}: malformed generated block {stray[0]!r}")
    return expanded


def mermaid_fence(
    source: str, language: str, css_class: str, *args: object, **kwargs: object
) -> str:
    """Format a ``mermaid`` fence as Material for MkDocs expects it.

    Args:
        source: The diagram.
        language: The fence's language (``mermaid``).
        css_class: The class to give the block (``mermaid``).
        *args: The options and Markdown instance superfences passes.
        **kwargs: Further arguments superfences may pass.

    Returns:
        ``<pre class="mermaid"><code>...</code></pre>``, the source escaped.
    """
    return f'<pre class="{css_class}"><code>{html.escape(source)}</code></pre>'


# --- MkDocs events --------------------------------------------------------------------


@event_priority(100)  # before mkdocstrings hands the extension list to its handlers
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Add the rule linker to every Markdown conversion, docstrings included.

    Also declare ``mermaid`` fences to pymdownx.superfences, the way Material
    for MkDocs renders diagrams.
    """
    configs = cast("dict[str, dict[str, object]]", config.mdx_configs)
    superfences = configs.setdefault("pymdownx.superfences", {})
    fences = cast("list[object]", superfences.setdefault("custom_fences", []))
    fences.append({"name": "mermaid", "class": "mermaid", "format": mermaid_fence})
    extensions = cast("list[object]", config.markdown_extensions)  # names or objects
    extensions.append(RuleLinkExtension(defined_rules()))
    return config


def on_page_markdown(
    markdown: str, page: Page, config: MkDocsConfig, files: Files
) -> str:
    """Expand the page's generated blocks."""
    return expand_generated_blocks(markdown, page.file.src_uri)
