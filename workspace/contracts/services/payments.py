"""Payments made under an agreement: one at a time, or imported from a council payments file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from workspace.audit.services import audit_record, snapshot
from workspace.contracts.models import Agreement, Payment
from workspace.contracts.services.common import _lead, _require_edit


def payment_record(
    *, actor: User, agreement: Agreement, paid_on: dt.date, amount: Decimal, reference: str = ""
) -> Payment:
    """Record one payment made under the agreement."""
    _require_edit(actor, agreement)
    if amount == 0:
        raise ValidationError({"amount": "Enter an amount other than £0"})
    with transaction.atomic():
        payment = Payment.objects.create(
            agreement=agreement, paid_on=paid_on, amount=amount, reference=reference.strip()
        )
        audit_record(
            actor=actor,
            action="recorded payment",
            target=payment,
            organisation=_lead(agreement),
            after=snapshot(payment),
        )
    return payment


def payments_import(*, actor: User, agreement: Agreement, data: bytes, name: str) -> int:
    """Import the agreement's provider's payments from a council payments file.

    The file is read by :func:`spiral.spend.payments.read_payments` (every row checked, all
    or nothing); rows whose supplier is the agreement's provider (names compared by
    :func:`spiral.spend.names.name_key`) are recorded. An in-house agreement takes every row.
    """
    from spiral.spend.names import name_key
    from spiral.spend.payments import SpendValidationError, read_payments

    _require_edit(actor, agreement)
    try:
        table = read_payments(data, name=name)
    except SpendValidationError as error:
        raise ValidationError(
            {"file": [str(problem) for problem in error.problems[:20]] or [str(error)]}
        ) from None
    except ValueError as error:
        raise ValidationError({"file": str(error)}) from None
    if agreement.provider is not None:
        wanted = name_key(agreement.provider.name)
        keys = table["supplier_name"].map(name_key)
        table = table[keys == wanted]
    if table.empty:
        raise ValidationError({"file": f"No payment in {name} is to {agreement.provider_name}"})
    with transaction.atomic():
        rows: list[dict[Any, Any]] = table.to_dict("records")
        payments = Payment.objects.bulk_create(
            Payment(
                agreement=agreement,
                paid_on=row["payment_date"].date(),
                amount=Decimal(str(round(float(row["net_amount"]), 2))),
                reference=str(row.get("transaction_number") or "")[:100],
                source=name[:200],
            )
            for row in rows
        )
        audit_record(
            actor=actor,
            action="imported payments",
            target=agreement,
            organisation=_lead(agreement),
            after={"file": name, "payments": len(payments)},
        )
    return len(payments)
