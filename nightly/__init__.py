"""Nightly model zoo: build parity bundles with a legacy Relay, check them with tvm-migrate, report."""
