"""Hand-written expected Relax for the op goldens; see _golden.py. Loaded by tests/op_mappings."""
