"""/metrics shows webhook events accepted by type, rejections by reason and duplicates."""

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.webhooks.helpers import payload, post


def samples() -> dict[tuple[str, tuple], float]:
    text = Client().get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    return {
        (s.name, tuple(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_accepted_rejected_and_duplicate_events(client, receiver):
    body = payload("USER_ANSWER")
    post(client, body)
    post(client, body)
    post(client, payload("SMS_RECEIVED"))
    post(client, "not json")
    post(client, payload("USER_DIAL"), token="wrong")
    seen = samples()
    assert seen[("wallboard_webhook_events_total", (("event", "USER_ANSWER"),))] == 1
    assert seen[("wallboard_webhook_events_total", (("event", "SMS_RECEIVED"),))] == 1
    assert seen[("wallboard_webhook_duplicates_total", (("event", "USER_ANSWER"),))] == 1
    assert seen[("wallboard_webhook_rejections_total", (("reason", "bad_json"),))] == 1
    assert seen[("wallboard_webhook_rejections_total", (("reason", "unknown_token"),))] == 1
