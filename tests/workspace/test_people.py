"""Administrators manage their organisation's people; new people set their own password."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tests.workspace.permissions import check_matrix
from workspace.accounts.models import Membership
from workspace.audit.models import AuditEvent
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "first_name": "Jo",
    "last_name": "Bloggs",
    "email": "jo.bloggs@example.org",
    "username": "jo.bloggs",
    "roles": ["analyst", "finance"],
}


def test_only_the_organisations_administrator_manages_its_people(
    client_for: Callable[[str | None], Client], cast: Cast
) -> None:
    admin_only = {"administrator"}
    check_matrix(
        client_for, method="get", url="/organisations/kingsmere/people/", allowed=admin_only
    )
    check_matrix(
        client_for, method="get", url="/organisations/kingsmere/people/add/", allowed=admin_only
    )
    priya = cast.users["commissioner"]
    check_matrix(
        client_for,
        method="get",
        url=f"/organisations/kingsmere/people/{priya.pk}/roles/",
        allowed=admin_only,
    )
    check_matrix(
        client_for,
        method="post",
        url="/organisations/kingsmere/people/add/",
        data=NEW_PERSON,
        allowed=admin_only,
    )
    assert Membership.objects.filter(user__username="jo.bloggs").count() == 2


def test_a_new_person_is_emailed_a_link_and_sets_their_password(
    client_for: Callable[[str | None], Client],
) -> None:
    response = client_for("administrator").post("/organisations/kingsmere/people/add/", NEW_PERSON)
    assert response.status_code == 302
    jo = User.objects.get(username="jo.bloggs")
    assert not jo.has_usable_password()
    assert AuditEvent.objects.filter(action="added person", object_id=str(jo.pk)).exists()
    added = AuditEvent.objects.get(action="added person", object_id=str(jo.pk))
    assert "password" not in (added.after or {})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/set-password/\S+)", mail.outbox[0].body)
    assert link is not None
    visitor = Client()
    weak = visitor.post(link.group(1), {"new_password1": "12345", "new_password2": "12345"})
    assert weak.status_code == 400
    assert "This password is too short" in weak.content.decode()
    good = "a-sensible-long-passphrase"
    assert (
        visitor.post(link.group(1), {"new_password1": good, "new_password2": good}).status_code
        == 302
    )
    jo.refresh_from_db()
    assert jo.check_password(good)
    again = visitor.post(link.group(1), {"new_password1": good, "new_password2": good})
    assert again.status_code == 400
    assert "This link has expired" in again.content.decode()


def test_bad_details_are_refused_naming_each_field_and_nothing_is_saved(
    client_for: Callable[[str | None], Client],
) -> None:
    response = client_for("administrator").post(
        "/organisations/kingsmere/people/add/",
        {"first_name": "", "last_name": "B", "email": "not-an-email", "username": "jo bloggs"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Enter a first name",
        "Enter an email address in the correct format",
        "Username must contain only letters",
        "Select at least one role",
    ):
        assert message in body
    assert not User.objects.filter(last_name="B").exists()


def test_an_administrator_cannot_remove_their_own_administrator_role(
    client_for: Callable[[str | None], Client], cast: Cast
) -> None:
    lee = cast.users["administrator"]
    response = client_for("administrator").post(
        f"/organisations/kingsmere/people/{lee.pk}/roles/", {"roles": ["analyst"]}
    )
    assert response.status_code == 400
    assert "You cannot remove your own administrator role" in response.content.decode()
    assert list(Membership.objects.filter(user=lee).values_list("role", flat=True)) == [
        "administrator"
    ]


def test_changing_roles_grants_and_removes_each_with_an_audit_event(
    client_for: Callable[[str | None], Client], cast: Cast
) -> None:
    priya = cast.users["commissioner"]
    response = client_for("administrator").post(
        f"/organisations/kingsmere/people/{priya.pk}/roles/", {"roles": ["approver"]}
    )
    assert response.status_code == 302
    roles = set(Membership.objects.filter(user=priya).values_list("role", flat=True))
    assert roles == {"approver"}
    assert (
        AuditEvent.objects.filter(action="removed role", object_label__contains="priya").count()
        == 1
    )


def test_a_commissioning_role_cannot_be_given_at_a_provider(cast: Cast) -> None:
    from workspace.accounts.services import membership_set_roles

    with pytest.raises(ValueError, match="provider role"):
        membership_set_roles(
            actor=cast.users["administrator"],
            organisation=cast.organisations["provider"],
            user=cast.users["provider"],
            roles=["commissioner"],
        )
