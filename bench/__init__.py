"""Benchmarks (issue 8): seeded data sets and the measurements run against them."""
