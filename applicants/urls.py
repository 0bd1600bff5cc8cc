from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
]
