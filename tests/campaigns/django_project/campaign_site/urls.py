from django.urls import path

from campaign_site import views

urlpatterns = [
    path("campaigns/", views.start),
    path("campaigns/<str:campaign_id>/", views.status),
]
