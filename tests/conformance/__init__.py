"""The conformance kit run against its own reference implementations."""
