"""The command line: options, output formats and exit status."""

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from scripts.spi_validator.checker import RULES, check_paths
from scripts.spi_validator.layers import LayeringError
from scripts.spi_validator.rules import Diagnostic

DEFAULT_ROOT: Final = (
    Path(__file__).resolve().parents[2] / "src" / "omnibase" / "protocols"
)
PROG: Final = "ast_spi_validator.py"


def _codes(raw: str | None, parser: argparse.ArgumentParser) -> tuple[str, ...]:
    """Parse a comma-separated list of code prefixes, rejecting unknown ones."""
    if raw is None:
        return ()
    prefixes = tuple(p.strip().upper() for p in raw.split(",") if p.strip())
    for prefix in prefixes:
        if not any(code.startswith(prefix) for code in RULES):
            parser.error(f"no rule code starts with {prefix!r} (see --list-rules)")
    return prefixes


def _parser() -> argparse.ArgumentParser:
    """Build the command-line parser."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check the omnibase.protocols SPI without importing it.",
        epilog="Exit status: 0 clean, 1 violations, 2 usage error or a path "
        "that could not be read.",
    )
    parser.add_argument(
        "paths", nargs="*", help=f"files or directories (default: {DEFAULT_ROOT})"
    )
    parser.add_argument(
        "--check-protocols",
        action="store_true",
        help="also apply the contract rules (SPI3xx); selecting one enables them too",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--select", metavar="CODES", help="only these codes or prefixes"
    )
    parser.add_argument(
        "--ignore", metavar="CODES", help="skip these codes or prefixes"
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print a count per code"
    )
    parser.add_argument(
        "--list-rules", action="store_true", help="explain every code and exit"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validator.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when clean, 1 on violations, 2 on usage or unreadable input.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_rules:
        for rule in RULES.values():
            print(f"{rule.code}  {rule.group:<8}  {rule.summary}")
        return 0
    select, ignore = _codes(args.select, parser), _codes(args.ignore, parser)
    protocols = args.check_protocols or any(
        RULES[c].group == "protocol" for c in RULES if select and c.startswith(select)
    )
    started = time.perf_counter()
    try:
        found, checked = check_paths(
            args.paths or [str(DEFAULT_ROOT)], protocols=protocols
        )
    except LayeringError as exc:
        print(f"{PROG}: cannot read the SPI layering: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started

    def kept(diagnostic: Diagnostic) -> bool:
        code = diagnostic.code
        if RULES[code].group == "io":
            return True
        return (not select or code.startswith(select)) and not code.startswith(
            ignore or ("~",)
        )

    shown = sorted(filter(kept, found), key=lambda d: (d.path, d.line, d.col, d.code))
    status = 2 if any(RULES[d.code].group == "io" for d in shown) else int(bool(shown))
    counts = Counter(d.code for d in shown)
    if args.format == "json":
        summary = {
            "files_checked": checked,
            "violations": len(shown),
            "by_code": dict(sorted(counts.items())),
            "exit_code": status,
            "seconds": round(elapsed, 3),
        }
        print(
            json.dumps(
                {"diagnostics": [d._asdict() for d in shown], "summary": summary}
            )
        )
        return status
    for diagnostic in shown:
        print(diagnostic)
    if args.statistics:
        for code, count in sorted(counts.items()):
            print(f"{count:6d}  {code}  {RULES[code].summary}")
    print(
        f"{len(shown)} violation(s) in {checked} file(s) checked in {elapsed:.2f}s",
        file=sys.stderr,
    )
    return status
