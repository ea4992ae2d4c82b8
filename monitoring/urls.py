from django.urls import path

from monitoring import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("metrics", views.metrics_view, name="metrics"),
]
