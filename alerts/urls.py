from django.urls import path

from alerts import views

urlpatterns = [
    path(
        "boards/<slug:slug>/alerts/<int:event_id>/ack",
        views.acknowledge,
        name="alert-acknowledge",
    ),
]
