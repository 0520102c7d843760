from django.urls import path

from workspace.accounts import people, publishing, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke-token"),
    path("set-password/<str:uidb64>/<str:token>/", people.set_password, name="set-password"),
    path("organisations/<slug:slug>/people/", people.people, name="people"),
    path("organisations/<slug:slug>/publishing/", publishing.publishing, name="publishing"),
    path("organisations/<slug:slug>/people/add/", people.add_person, name="add-person"),
    path(
        "organisations/<slug:slug>/people/<int:user_id>/roles/",
        people.edit_roles,
        name="edit-roles",
    ),
]
