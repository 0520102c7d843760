"""Collection rules for the whole repository (the suite-wide fixtures are in tests/)."""

# Where mypyc has compiled it, the merge's inner loop is imported from its build, so pytest
# cannot collect the doctests of its source file: tests/engine/ocds/test_merge_build.py runs
# them on the source instead.
collect_ignore = ["spiral/ocds/merge_core.py"]
