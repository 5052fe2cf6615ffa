from django.urls import path

from technopark.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.gallery, name="gallery"),
    path("projects/my/", views.my_projects, name="mine"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/<int:project_id>/", views.project_detail, name="detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="edit"),
    path("projects/<int:project_id>/publish/", views.project_publish, name="publish"),
    path("projects/<int:project_id>/steps/new/", views.step_add, name="step-add"),
    path("projects/<int:project_id>/files/new/", views.file_add, name="file-add"),
    path("projects/<int:project_id>/contests/new/", views.entry_add, name="entry-add"),
    path("projects/steps/<int:step_id>/delete/", views.step_delete, name="step-delete"),
    path("projects/photos/<int:image_id>/", views.step_image, name="image"),
    path("projects/files/<int:file_id>/", views.file_download, name="file"),
    path("projects/files/<int:file_id>/delete/", views.file_delete, name="file-delete"),
    path("projects/contests/<int:entry_id>/delete/", views.entry_delete, name="entry-delete"),
]
