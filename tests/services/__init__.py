"""Tests of the services app: service types, rule sets, the catalogue."""
