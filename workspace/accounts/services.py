"""Use cases for people and their API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from spiral.ocds.identifiers import (
    ocid_prefix,
    ods_code,
    organisation_identifier,
    ppon,
    register_code,
)
from workspace.accounts.access import Capability, require
from workspace.accounts.models import ApiToken, Membership, Organisation, Role, hash_token
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


def person_add(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: list[str],
) -> User:
    """Add a person to ``organisation`` with ``roles``, or give an existing person those roles.

    A new person has no password until they set one from the link they are sent.
    """
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": email},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            audit_record(
                actor=actor,
                action="added person",
                target=user,
                organisation=organisation,
                after=snapshot(user),
            )
        membership_set_roles(actor=actor, organisation=organisation, user=user, roles=roles)
    return user


def membership_set_roles(
    *, actor: AbstractBaseUser, organisation: Organisation, user: User, roles: list[str]
) -> None:
    """Make ``user``'s roles in ``organisation`` exactly ``roles``, recording each change.

    An administrator cannot take their own administrator role away, so an organisation is
    never left with nobody able to manage its people by accident.
    """
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    if user.pk == actor.pk and Role.ADMINISTRATOR not in wanted:
        raise ValueError("You cannot remove your own administrator role")
    if organisation.kind == Organisation.Kind.PROVIDER and wanted - {Role.PROVIDER}:
        raise ValueError("People at a provider can only hold the provider role")
    with transaction.atomic():
        current = {
            m.role: m for m in Membership.objects.filter(user=user, organisation=organisation)
        }
        for role in sorted(wanted - set(current)):
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
            audit_record(
                actor=actor,
                action="granted role",
                target=membership,
                organisation=organisation,
                after=snapshot(membership),
            )
        for role in sorted(set(current) - wanted):
            membership = current[role]
            before = snapshot(membership)
            label = str(membership)
            membership.delete()
            audit_record(
                actor=actor,
                action="removed role",
                object_type="accounts.membership",
                object_id=str(before["id"]),
                object_label=label,
                organisation=organisation,
                before=before,
            )


def password_set_link(*, user: User, base_url: str) -> str:
    """A one-time link for ``user`` to set their password (it stops working once used)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:set-password", args=[uid, token])


def welcome_send(*, user: User, organisation: Organisation, base_url: str) -> None:
    """Email a newly added person the link to set their password."""
    link = password_set_link(user=user, base_url=base_url)
    send_mail(
        subject=f"You have been added to Spiral by {organisation.name}",
        message=(
            f"Hello {user.first_name},\n\n"
            f"{organisation.name} has given you access to Spiral, its commissioning workspace.\n"
            f"Your username is {user.username}. Set your password here (the link works once):\n\n"
            f"{link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def organisation_ocid_prefix_set(
    *, actor: AbstractBaseUser, organisation: Organisation, prefix: str
) -> Organisation:
    """Set (or clear, with an empty ``prefix``) the organisation's registered ocid prefix.

    Only its administrators may. The prefix is checked by
    :func:`spiral.ocds.identifiers.ocid_prefix`; every OCDS the organisation publishes from
    then on uses it (the placeholder ``ocds-spiral`` while none is set).
    """
    require(actor, organisation, Capability.ADMINISTER)
    cleaned = ""
    if prefix.strip():
        try:
            cleaned = ocid_prefix(prefix)
        except ValueError as error:
            message = str(error)
            raise ValidationError({"ocid_prefix": message[0].upper() + message[1:]}) from None
    with transaction.atomic():
        before = snapshot(organisation)
        organisation.ocid_prefix = cleaned
        organisation.save(update_fields=["ocid_prefix"])
        audit_record(
            actor=actor,
            action="set ocid prefix",
            target=organisation,
            organisation=organisation,
            before=before,
            after=snapshot(organisation),
        )
    return organisation


def _first_upper(message: str) -> str:
    return message[0].upper() + message[1:]


def organisation_identifiers_set(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    ppon_text: str,
    ods_code_text: str = "",
    register_code_text: str = "",
) -> Organisation:
    """Set (or clear, with empty text) the codes that name the organisation in published OCDS.

    Only its administrators may. Its PPON (any organisation), ODS code (an NHS body only) and
    local authority register code (a council only) are each checked by their one engine
    function in :mod:`spiral.ocds.identifiers`; every error is raised at once, keyed by field,
    and nothing is saved unless all are good. From then on every publication names the
    organisation by :func:`spiral.ocds.identifiers.organisation_identifier` over these codes.

    Raises
    ------
    ValidationError
        Keyed ``ppon``, ``ods_code`` or ``register_code``: a code of the wrong shape, a code
        for a kind of organisation that has none, a PPON another organisation already holds,
        or a register code with no GSS code to tell the council's nation.
    """
    require(actor, organisation, Capability.ADMINISTER)
    errors: dict[str, str] = {}
    cleaned = {"ppon": "", "ods_code": "", "register_code": ""}
    typed = {"ppon": ppon_text, "ods_code": ods_code_text, "register_code": register_code_text}
    checks = {"ppon": ppon, "ods_code": ods_code, "register_code": register_code}
    allowed = {
        "ppon": True,
        "ods_code": organisation.holds_ods_code,
        "register_code": organisation.holds_register_code,
    }
    for name, text in typed.items():
        if not text.strip():
            continue
        if not allowed[name]:
            errors[name] = (
                "Only an NHS body has an ODS code"
                if name == "ods_code"
                else "Only a council has a local authority register code"
            )
            continue
        try:
            cleaned[name] = checks[name](text)
        except ValueError as error:
            errors[name] = _first_upper(str(error))
    if (
        "ppon" not in errors
        and cleaned["ppon"]
        and Organisation.objects.filter(ppon=cleaned["ppon"]).exclude(pk=organisation.pk).exists()
    ):
        errors["ppon"] = f"Another organisation in Spiral already has the PPON {cleaned['ppon']}"
    if "register_code" not in errors and cleaned["register_code"]:
        try:
            organisation_identifier(
                kind=organisation.kind,
                slug=organisation.slug,
                gss_code=organisation.ons_code,
                register_code=cleaned["register_code"],
            )
        except ValueError as error:
            errors["register_code"] = _first_upper(str(error))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(organisation)
        organisation.ppon = cleaned["ppon"]
        organisation.ods_code = cleaned["ods_code"]
        organisation.register_code = cleaned["register_code"]
        organisation.save(update_fields=["ppon", "ods_code", "register_code"])
        audit_record(
            actor=actor,
            action="set organisation identifiers",
            target=organisation,
            organisation=organisation,
            before=before,
            after=snapshot(organisation),
        )
    return organisation
