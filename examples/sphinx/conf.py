"""A minimal Sphinx project whose formulas symnn checks: `sphinx-build -W . _build`."""

project = "symnn example"
extensions = ["symnn.sphinx"]
exclude_patterns = ["_build"]
