"""Build the compiled part of Spiral: the OCDS merge's inner loop, compiled to C by mypyc.

Everything else is configured in ``pyproject.toml``. The extension is optional: without a C
compiler (or the Python headers) the build warns and Spiral runs the same module as Python,
which makes compiling OCDS releases take about half as long again (``docs/performance.md``,
"OCDS compile").
"""

from mypyc.build import mypycify
from setuptools import setup

# ``--config-file=``: the project's mypy settings load the Django plugin, which the isolated
# build environment does not have; ``make typecheck`` checks the module strictly anyway.
extensions = mypycify(["--config-file=", "spiral/ocds/merge_core.py"], opt_level="3")
for extension in extensions:
    extension.optional = True

setup(ext_modules=extensions)
