"""Conformance suite of ``ProtocolArtifactContainer`` (AC-1 to AC-5, PG-1 to PG-5)."""

import hashlib
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import timedelta
from typing import ClassVar, Final, cast, override

from omnibase.protocols.container import (
    ArtifactType,
    ProtocolArtifactContainer,
    ProtocolArtifactMetadata,
)
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks
from omnibase.spi_conformance.suites.paging import PageChecks

__all__ = ["ArtifactContainerSuite", "chunks", "digest_of"]

CONTENT: Final = bytes(range(256)) * 1200
"""A little over 300 KiB: several chunks in most containers."""


def digest_of(content: bytes) -> str:
    """``"sha256:<hex>"`` of ``content`` (AC-2)."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


async def chunks(content: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    """Yield ``content`` in pieces, as a streaming uploader would."""
    for start in range(0, len(content), size):
        yield content[start : start + size]


class StreamBrokeError(Exception):
    """Raised by the suite's own upload stream, to break an upload midway."""


async def broken_stream(content: bytes) -> AsyncIterator[bytes]:
    """Yield the first chunk, then fail."""
    yield content[:1000]
    raise StreamBrokeError("the uploader's source failed")


class ArtifactContainerSuite(
    LifecycleChecks[ProtocolArtifactContainer, SuiteEnvironment],
    PageChecks[ProtocolArtifactContainer, SuiteEnvironment, ProtocolArtifactMetadata],
):
    """Checks a ``ProtocolArtifactContainer``; write only ``create_subject``."""

    contract: ClassVar[type] = ProtocolArtifactContainer

    async def read(
        self, rule_id: str, subject: ProtocolArtifactContainer, name: str, version: str
    ) -> bytes:
        """Read a whole artifact, requiring ``bytes`` chunks."""
        data = bytearray()
        async for chunk in subject.read_artifact(name, version):
            piece = cast("object", chunk)
            if not isinstance(piece, bytes):
                raise fail(rule_id, "bytes chunks", piece)
            data += piece
        return bytes(data)

    async def absent(
        self, rule_id: str, subject: ProtocolArtifactContainer, name: str, version: str
    ) -> None:
        """Require no version ``(name, version)``."""
        await check_raises(
            rule_id,
            NotFoundError,
            subject.get_artifact(name, version),
            doing=f"get_artifact of {name} {version}, never stored",
        )

    # --- what the paging checks need ------------------------------------------

    @override
    async def fill(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment, count: int
    ) -> None:
        """Store ``count`` artifacts named art-10, art-20, ..."""
        for index in range(count):
            await subject.store_artifact(f"art-{10 * (index + 1)}", "1", "data", b"x")

    @override
    async def list_page(
        self,
        subject: ProtocolArtifactContainer,
        env: SuiteEnvironment,
        cursor: str | None,
        limit: int,
    ) -> tuple[Sequence[ProtocolArtifactMetadata], str | None]:
        """One page of ``list_artifacts()``."""
        page = await subject.list_artifacts(cursor=cursor, limit=limit)
        return page.items, page.next_cursor

    @override
    def item_key(self, item: ProtocolArtifactMetadata) -> tuple[str, ...]:
        """By name, creation time, version (AC-3)."""
        return (item.name, item.created_at.strftime("%Y%m%d%H%M%S%f"), item.version)

    @override
    async def add_before(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Store art-15, which sorts after art-10."""
        await subject.store_artifact("art-15", "1", "data", b"x")

    @override
    async def remove_first(
        self,
        subject: ProtocolArtifactContainer,
        env: SuiteEnvironment,
        item: ProtocolArtifactMetadata,
    ) -> None:
        """Delete a version already listed."""
        await subject.delete_artifact(item.name, item.version)

    @override
    def calls_after_close(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every method after ``aclose`` (LC-3)."""

        async def read() -> AsyncIterator[bytes]:
            return subject.read_artifact("a", "1")

        return {
            "store_artifact": lambda: subject.store_artifact("a", "1", "data", b"x"),
            "get_artifact": lambda: subject.get_artifact("a", "1"),
            "read_artifact": read,
            "list_artifacts": subject.list_artifacts,
            "delete_artifact": lambda: subject.delete_artifact("a", "1"),
        }

    # --- immutability ---------------------------------------------------------

    @rule("AC-1")
    async def test_AC_1_storing_the_same_version_again_is_a_no_op(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Equal content and metadata return the existing version unchanged."""
        first = await subject.store_artifact(
            "tool", "1.0", "tool", CONTENT, labels={"team": "a"}
        )
        await self.advance_time(env, timedelta(seconds=5))
        again = await subject.store_artifact(
            "tool", "1.0", "tool", chunks(CONTENT), labels={"team": "a"}
        )
        check_equal(
            "AC-1", "created_at of the repeat", first.created_at, again.created_at
        )
        check_equal("AC-1", "digest of the repeat", first.digest, again.digest)
        page = await subject.list_artifacts(name="tool")
        check_equal("AC-1", "versions listed", 1, len(page.items))

    @rule("AC-1")
    async def test_AC_1_other_content_or_metadata_conflicts(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Other content, another type or other labels: ``AlreadyRegisteredError``."""
        stored = await subject.store_artifact(
            "tool", "1.0", "tool", CONTENT, labels={"team": "a"}
        )
        others: list[tuple[str, ArtifactType, bytes, dict[str, str]]] = [
            ("other content", "tool", CONTENT + b"!", {"team": "a"}),
            ("another type", "schema", CONTENT, {"team": "a"}),
            ("other labels", "tool", CONTENT, {"team": "b"}),
        ]
        for what, kind, content, labels in others:
            await check_raises(
                "AC-1",
                AlreadyRegisteredError,
                subject.store_artifact("tool", "1.0", kind, content, labels=labels),
                doing=f"store_artifact of tool 1.0 with {what}",
            )
        kept = await subject.get_artifact("tool", "1.0")
        check_equal("AC-1", "the stored digest", stored.digest, kept.digest)
        check_equal("AC-1", "the stored labels", {"team": "a"}, dict(kept.labels))
        check_equal(
            "AC-1",
            "the stored bytes",
            CONTENT,
            await self.read("AC-1", subject, "tool", "1.0"),
        )

    # --- content --------------------------------------------------------------

    @rule("AC-2")
    async def test_AC_2_reads_yield_the_stored_bytes(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """The bytes read back are the bytes stored; digest and size match them."""
        for version, content in (("1", CONTENT), ("empty", b"")):
            metadata = await subject.store_artifact("blob", version, "data", content)
            check_equal("AC-2", "digest", digest_of(content), metadata.digest)
            check_equal("AC-2", "size_bytes", len(content), metadata.size_bytes)
            data = await self.read("AC-2", subject, "blob", version)
            check(
                data == content,
                "AC-2",
                f"{len(content)} bytes read back",
                f"{len(data)} bytes differing",
            )

    @rule("AC-5")
    async def test_AC_5_a_streamed_upload_is_stored(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Chunks from an async iterable, checked against the expected digest."""
        await subject.store_artifact(
            "stream",
            "1",
            "data",
            chunks(CONTENT, 4096),
            expected_digest=digest_of(CONTENT),
        )
        check(
            await self.read("AC-5", subject, "stream", "1") == CONTENT,
            "AC-5",
            "the streamed bytes read back",
            "other bytes",
        )

    @rule("AC-5")
    async def test_AC_5_a_digest_mismatch_stores_nothing(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Content whose SHA-256 differs from ``expected_digest`` is refused."""
        wrong = digest_of(b"something else")
        for content in (CONTENT, chunks(CONTENT)):
            await check_raises(
                "AC-5",
                InvalidInputError,
                subject.store_artifact(
                    "bad", "1", "data", content, expected_digest=wrong
                ),
                doing="store_artifact with a mismatching expected_digest",
            )
        await self.absent("AC-5", subject, "bad", "1")
        await check_raises(
            "AC-5",
            InvalidInputError,
            subject.store_artifact("bad", "1", "data", b"x", expected_digest="md5:abc"),
            doing="store_artifact with a malformed expected_digest",
        )

    @rule("AC-5")
    async def test_AC_5_a_failing_stream_stores_nothing(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """The uploader's error propagates unchanged and no part is stored."""
        error = await check_raises(
            "AC-5",
            StreamBrokeError,
            subject.store_artifact("partial", "1", "data", broken_stream(CONTENT)),
            doing="store_artifact from a stream that fails midway",
        )
        check_equal("AC-5", "the error", "the uploader's source failed", str(error))
        await self.absent("AC-5", subject, "partial", "1")
        listed = await subject.list_artifacts(name="partial")
        check_equal("AC-5", "versions listed", [], list(listed.items))

    # --- listing --------------------------------------------------------------

    @rule("AC-3")
    async def test_AC_3_listing_orders_by_name_time_and_version(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Same instant: version breaks the tie; later versions come after."""
        await subject.store_artifact("beta", "1", "data", b"b")
        await subject.store_artifact("alpha", "2", "data", b"a2")
        await subject.store_artifact("alpha", "10", "data", b"a10")
        await self.advance_time(env, timedelta(seconds=1))
        await subject.store_artifact("alpha", "0", "schema", b"a0")
        page = await subject.list_artifacts()
        order = [(item.name, item.version) for item in page.items]
        if self.clock_wired:
            expected = [("alpha", "10"), ("alpha", "2"), ("alpha", "0"), ("beta", "1")]
            check_equal("AC-3", "the order", expected, order)
        keys = self.keys(page.items)
        check_equal("AC-3", "name, created_at, version order", sorted(keys), keys)
        schemas = await subject.list_artifacts(artifact_type="schema")
        check_equal(
            "AC-3",
            "schema artifacts",
            [("alpha", "0")],
            [(i.name, i.version) for i in schemas.items],
        )
        betas = await subject.list_artifacts(name="beta")
        check_equal(
            "AC-3",
            "beta versions",
            [("beta", "1")],
            [(i.name, i.version) for i in betas.items],
        )

    @rule("AC-4")
    async def test_AC_4_deleting_is_idempotent_and_frees_the_version(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """``True`` once, ``False`` after; then the version may hold other bytes."""
        await subject.store_artifact("gone", "1", "data", b"first")
        check_equal(
            "AC-4", "the first delete", True, await subject.delete_artifact("gone", "1")
        )
        check_equal(
            "AC-4",
            "the second delete",
            False,
            await subject.delete_artifact("gone", "1"),
        )
        await self.absent("AC-4", subject, "gone", "1")
        again = await subject.store_artifact("gone", "1", "data", b"second")
        check_equal("AC-4", "the new digest", digest_of(b"second"), again.digest)

    # --- values ---------------------------------------------------------------

    @rule("T-2")
    async def test_T_2_created_at_is_utc(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """``created_at`` is UTC."""
        metadata = await subject.store_artifact("t", "1", "data", b"x")
        check_equal(
            "T-2", "created_at's offset", timedelta(0), metadata.created_at.utcoffset()
        )

    @rule("T-4")
    async def test_T_4_labels_are_copied(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Changing the caller's labels afterwards changes nothing stored."""
        labels = {"team": "a"}
        await subject.store_artifact("t", "1", "data", b"x", labels=labels)
        labels["team"] = "b"
        stored = await subject.get_artifact("t", "1")
        check_equal("T-4", "the labels", {"team": "a"}, dict(stored.labels))

    @rule("T-5")
    async def test_T_5_an_unknown_artifact_type_is_refused(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """A type outside ``ArtifactType`` raises ``InvalidInputError``."""
        unknown = cast("ArtifactType", "binary")
        await check_raises(
            "T-5",
            InvalidInputError,
            subject.store_artifact("t", "1", unknown, b"x"),
            doing="store_artifact with artifact_type='binary'",
        )

    @rule("ERR-1")
    async def test_ERR_1_wrong_typed_content_is_invalid_input(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        """Text instead of bytes, or an empty name, raise ``InvalidInputError``."""
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.store_artifact("t", "1", "data", cast("bytes", "text")),
            doing="store_artifact of a str",
        )
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.store_artifact("", "1", "data", b"x"),
            doing="store_artifact with an empty name",
        )
