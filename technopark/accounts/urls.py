from django.urls import path

from technopark.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/", views.token_list, name="token-list"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("staff/users/", views.user_list, name="user-list"),
    path("staff/users/<int:user_id>/", views.user_detail, name="user-detail"),
    path("staff/users/<int:user_id>/roles/", views.user_grant_role, name="user-role-grant"),
    path("staff/users/<int:user_id>/roles/<slug:role>/remove/", views.user_revoke_role, name="user-role-revoke"),
    path("staff/users/<int:user_id>/active/", views.user_set_active, name="user-set-active"),
    path("staff/audit/", views.audit_list, name="audit-list"),
]
