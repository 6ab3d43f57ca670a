from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/security-code/", views.security_code, name="security_code"),
    path("sign-in/set-up/", views.set_up_second_factor, name="set_up_second_factor"),
    path("sign-in/enrol/<str:secret>/", views.enrol, name="enrol"),
    path("sign-in/council/", views.council_sign_in, name="council_sign_in"),
    path(
        "sign-in/council/callback/",
        views.council_sign_in_callback,
        name="council_sign_in_callback",
    ),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
]
