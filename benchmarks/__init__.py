"""Benchmarks: uv run python -m benchmarks. Timing verdicts live here, never in tests."""
