from django.urls import path

from exams import views

app_name = "exams"
urlpatterns = [
    path("occupations/", views.list_occupations, name="list_occupations"),
    path("occupations/new/", views.create_occupation, name="create_occupation"),
    path("occupations/<int:pk>/", views.edit_occupation, name="edit_occupation"),
    path("occupations/export/", views.export_occupations, name="export_occupations"),
    path("occupations/import/", views.import_occupations, name="import_occupations"),
    path("plans/", views.list_plans, name="list_plans"),
    path("plans/new/", views.create_plan, name="create_plan"),
    path("plans/<int:pk>/", views.view_plan, name="view_plan"),
    path("plans/<int:pk>/lines/", views.add_plan_line, name="add_plan_line"),
    path("plans/<int:pk>/submit/", views.submit_plan, name="submit_plan"),
    path("plans/<int:pk>/decide/", views.decide_plan, name="decide_plan"),
    path("plans/<int:pk>/revise/", views.revise_plan, name="revise_plan"),
    path("plans/<int:pk>/compare/<int:other>/", views.compare_plans, name="compare_plans"),
    path("plans/<int:pk>/export/", views.export_plan, name="export_plan"),
    path("plan-lines/<int:pk>/", views.edit_plan_line, name="edit_plan_line"),
    path("plan-lines/<int:pk>/delete/", views.delete_plan_line, name="delete_plan_line"),
    path("batches/", views.list_batches, name="list_batches"),
    path("batches/new/", views.create_batch, name="create_batch"),
    path("batches/<int:pk>/", views.view_batch, name="view_batch"),
    path("batches/<int:pk>/edit/", views.edit_batch, name="edit_batch"),
    path("batches/<int:pk>/<slug:action>/", views.move_batch, name="move_batch"),
    path("question-banks/", views.list_banks, name="list_banks"),
    path("question-banks/new/", views.upload_bank, name="upload_bank"),
    path("question-banks/<int:pk>/decide/", views.decide_bank, name="decide_bank"),
    path("question-banks/<int:pk>/download/", views.download_bank, name="download_bank"),
    path("statistics/", views.view_statistics, name="view_statistics"),
    path("statistics/export/", views.export_statistics, name="export_statistics"),
]
