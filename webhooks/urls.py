from django.urls import path

from webhooks import views

urlpatterns = [
    path("voice360/<str:token>/", views.receive, name="webhook-receive"),
]
