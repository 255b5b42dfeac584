"""`make bench`: how fast Rapport answers at a real book of business, against the floors of
bare WSGI and bare Bolt served by the same process (issue 8). `python -m bench [--full]`."""
