from __future__ import annotations

from typing import Any

from django import forms

from workspace.accounts.models import Role


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example, the provider's case management system",
        error_messages={"required": "Enter what the token is for"},
    )


ROLE_CHOICES = [(value, label) for value, label in Role.choices]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select at least one role"},
    )

    def __init__(self, *args: Any, provider: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = (
            [(Role.PROVIDER.value, Role.PROVIDER.label)]
            if provider
            else [c for c in ROLE_CHOICES if c[0] != Role.PROVIDER]
        )


class PersonForm(RolesForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter a first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter a last name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="Letters, digits and . @ + - _ only, for example priya.shah",
        error_messages={
            "required": "Enter a username",
            "invalid": "Username must contain only letters, digits and . @ + - _",
        },
    )

    field_order = ["first_name", "last_name", "email", "username", "roles"]
