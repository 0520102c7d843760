"""Benchmark (and smoke-test) the council spend import on a real or generated file.

Reads the payments file given as an argument (for example a council's "payments over £500"
CSV), prints the encoding and header mapping found, rows per second and the supplier count;
with ``--repeat N`` the file's rows are repeated N times in memory first, to time a bigger
file of the same shape.

    python bench/spend_import.py PATH/TO/spend.csv --repeat 20
"""

from __future__ import annotations

import argparse
import time

from spiral.spend.links import supplier_table
from spiral.spend.payments import SpendValidationError, read_payments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a payments CSV file")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the data rows N times")
    args = parser.parse_args()

    with open(args.path, "rb") as handle:
        data = handle.read()
    if args.repeat > 1:
        header, _, body = data.partition(b"\n")
        body = body if body.endswith(b"\n") else body + b"\n"
        data = header + b"\n" + body * args.repeat
    started = time.perf_counter()
    try:
        payments = read_payments(data, name=args.path)
    except SpendValidationError as error:
        print(f"rejected: {error}")
        raise SystemExit(1) from None
    seconds = time.perf_counter() - started
    suppliers = supplier_table(payments)
    print(f"encoding {payments.attrs['encoding']}; headers {payments.attrs['headers']}")
    print(
        f"{len(payments):,} payments in {seconds:.2f} s ({len(payments) / seconds:,.0f} rows/s); "
        f"{int(payments['redacted'].sum()):,} redacted; {len(suppliers):,} suppliers; "
        f"net total £{payments['net_amount'].sum():,.2f}"
    )


if __name__ == "__main__":
    main()
