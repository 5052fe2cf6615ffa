from django.urls import path

from technopark.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.news_list, name="news-list"),
    path("news/<int:news_id>/", views.news_detail, name="news-detail"),
    path("news/<int:news_id>/image/", views.news_image, name="news-image"),
    path("staff/news/", views.news_manage, name="news-manage"),
    path("staff/news/new/", views.news_create, name="news-create"),
    path("staff/news/<int:news_id>/", views.news_edit, name="news-edit"),
    path("staff/news/<int:news_id>/status/", views.news_set_status, name="news-set-status"),
    path("staff/news/<int:news_id>/delete/", views.news_delete, name="news-delete"),
    path("staff/home/", views.home_blocks, name="home-blocks"),
    path("staff/home/new/", views.home_block_create, name="home-block-create"),
    path("staff/home/<int:block_id>/", views.home_block_edit, name="home-block-edit"),
    path("staff/home/<int:block_id>/delete/", views.home_block_delete, name="home-block-delete"),
]
