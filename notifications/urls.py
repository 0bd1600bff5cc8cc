from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.list_messages, name="list_messages"),
    path("<int:pk>/", views.open_message, name="open_message"),
    path("preferences/", views.edit_preferences, name="edit_preferences"),
    path("undelivered/", views.list_undelivered, name="list_undelivered"),
    path("sms-receipts/", views.receive_sms_receipts, name="receive_sms_receipts"),
]
