"""Benchmarks: scripts with results written down (docs/benchmarks.md), not tests."""
