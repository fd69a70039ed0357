"""Rewrite Relay-era user scripts and notebooks for TVM 0.27 (libcst codemods).

Public entry points:

* :func:`rewriters.engine.rewrite_source` -- rewrite one source string;
* :func:`rewriters.runner.rewrite_bytes` / :func:`rewriters.runner.process_files`;
* :func:`rewriters.cli.add_codemod_arguments` / :func:`rewriters.cli.run_codemod`;
* :func:`rewriters.registry.all_rules` -- the rule registry.
"""
