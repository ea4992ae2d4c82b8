import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_200_when_redis_and_the_database_answer(redis_client) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["redis"] is True
    assert response.json()["database"] is True


@pytest.mark.django_db
def test_healthz_reports_the_age_of_the_worker_heartbeat(redis_client) -> None:
    from wallboard.tasks import heartbeat

    heartbeat()
    age = Client().get("/healthz").json()["worker_heartbeat_age_seconds"]
    assert age is not None
    assert 0 <= age < 5
