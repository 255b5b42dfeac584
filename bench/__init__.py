"""Benchmarks (issue 8): seeded data sets and the measurements run against them.

`make bench` (`python -m bench [--full]`): how fast Rapport answers at a real book of
business, against the floors of bare WSGI and bare Bolt served by the same process."""
