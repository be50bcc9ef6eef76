"""Benchmarks (`make bench`, `python -m bench`; `make bench-compare`)."""
