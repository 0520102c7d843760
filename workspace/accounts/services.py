"""Use cases for people and their API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from workspace.accounts.models import ApiToken, hash_token
from workspace.audit.services import audit_record, snapshot


def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its key, which is never shown again."""
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user_id=user.pk, name=name, prefix=key[4:12], key_hash=hash_token(key)
        )
        audit_record(actor=user, action="created API token", target=token, after=snapshot(token))
    return token, key


def api_token_revoke(*, user: AbstractBaseUser, token: ApiToken) -> None:
    """Revoke one of ``user``'s own tokens."""
    with transaction.atomic():
        before = snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=user,
            action="revoked API token",
            target=token,
            before=before,
            after=snapshot(token),
        )


def api_token_authenticate(key: str) -> AbstractBaseUser | None:
    """The active user a presented key belongs to, or ``None``."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_token(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
