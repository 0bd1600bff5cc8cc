from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("activate/", views.activate, name="activate"),
    path("class-lists/import/", views.import_class_list, name="import_class_list"),
    path("invitations/", views.list_invitations, name="list_invitations"),
    path("invitations/print/", views.print_invitations, name="print_invitations"),
    path("invitations/<int:pk>/reissue/", views.reissue_invitation, name="reissue_invitation"),
    path("applications/<int:pk>/reset-password/", views.reset_password, name="reset_password"),
    path("profile/", views.edit_profile, name="edit_profile"),
    path("profile/phone/", views.verify_phone, name="verify_phone"),
    path("password/reset-by-phone/", views.request_reset_code, name="request_reset_code"),
    path("password/reset-by-phone/code/", views.reset_password_with_code, name="reset_password_with_code"),
    path("mine/", views.my_applications, name="my_applications"),
    path("mine/data/", views.export_my_data, name="export_my_data"),
    path("apply/<int:batch_pk>/", views.create_application, name="create_application"),
    path("applications/", views.list_applications, name="list_applications"),
    path("applications/<int:pk>/", views.view_application, name="view_application"),
    path("applications/<int:pk>/documents/", views.upload_document, name="upload_document"),
    path("applications/<int:pk>/confirm-photo/", views.confirm_photo, name="confirm_photo"),
    path("applications/<int:pk>/submit/", views.submit_application, name="submit_application"),
    path("applications/<int:pk>/withdraw/", views.withdraw_application, name="withdraw_application"),
    path("applications/<int:pk>/review/", views.review_application, name="review_application"),
    path("applications/<int:pk>/print/", views.print_application, name="print_application"),
    path("applications/<int:pk>/original-seen/", views.record_original_seen, name="record_original_seen"),
    path("documents/<int:pk>/", views.download_document, name="download_document"),
    path("declarations/", views.list_declarations, name="list_declarations"),
    path("declarations/declare/<int:batch_pk>/", views.declare_batch, name="declare_batch"),
    path("declarations/<int:pk>/", views.view_declaration, name="view_declaration"),
    path("declarations/<int:pk>/export/", views.export_declaration, name="export_declaration"),
    path("declarations/<int:pk>/city-approval/", views.record_city_approval, name="record_city_approval"),
    path("rosters/<int:batch_pk>/print/", views.print_roster, name="print_roster"),
    path("rosters/<int:batch_pk>/export/", views.export_roster, name="export_roster"),
]
