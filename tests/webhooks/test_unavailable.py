"""A database that cannot store the event answers 503, so that the sender retries later."""

from django.db import connection

from tests.webhooks.helpers import payload, post
from webhooks import metrics


def test_it_answers_503_when_the_events_cannot_be_written(client, receiver):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DROP TABLE webhooks_webhookevent")
    response = post(client, payload("INCOMING_EXTERNAL_CALL"))
    assert response.status_code == 503
    assert response.json() == {"error": "database_unavailable"}
    assert metrics.read(metrics.REJECTIONS) == {"database_unavailable": 1}


def test_it_answers_503_when_the_receiver_cannot_be_looked_up(client, receiver):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The receiver row's foreign keys wait for the commit; other tables point here.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP TABLE webhooks_webhookreceiver CASCADE")
        else:
            cursor.execute("DROP TABLE webhooks_webhookreceiver")
    assert post(client, payload("USER_DIAL")).status_code == 503
