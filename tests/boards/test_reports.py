"""A board's day as CSV (boards/reports.py, service/reports.py): for its supervisors only,
times in the account's time zone, numbers and names only, adding up to the day's figures; the
same from `manage.py export_report`."""

import csv
import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from boards.models import Board
from service import intervals, samples
from service.reports import to_csv
from service.today import today_counts
from snapshots import store
from snapshots.models import Snapshot
from tests.boards.factories import agent, queue
from tests.service.helpers import QUEUE
from tests.service.test_intervals import build_the_day
from tests.service.test_today import NOW, day_of_events
from tests.webhooks.helpers import at

DAY = "2026-11-28"


@pytest.fixture
def day(receiver):
    """The account's day of calls (tests/service/test_today.py), its intervals built, and a
    board of it with one supervisor; in Berlin time, an hour ahead of UTC."""
    account = receiver.account
    account.time_zone = "Europe/Berlin"
    account.save()
    day_of_events(receiver)
    build_the_day(account, NOW)
    snapshot = Snapshot(
        account_id=account.account_id,
        source="key",
        agents=[agent(7, "Ada Lovelace"), agent(8, "Alan Turing")],
        queues=[queue(QUEUE, "Support")],
    )
    store.write_snapshot(
        account.account_id, snapshot, time.time(), expected_version=0, changed=True
    )
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    user = get_user_model().objects.create_user("sam", password="pw")
    board.supervisors.add(user)
    client = Client()
    client.force_login(user)
    return client


def table(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_interval_report_adds_up_to_the_day_in_local_time(day, receiver):
    response = day.get(f"/boards/floor/report.csv?date={DAY}&by=interval")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="floor-2026-11-28-interval.csv"' in response["Content-Disposition"]
    rows = [r for r in table(response.content.decode()) if r["queue_id"] == str(QUEUE)]
    # a1, answered at 09:00:10 UTC, is in the 10:00 interval of Berlin time.
    (ten,) = [r for r in rows if r["interval_start"] == f"{DAY} 10:00"]
    assert (ten["queue"], ten["answered"], ten["mean_wait_seconds"]) == ("Support", "1", "10.0")
    counts = today_counts(receiver.account.account_id, NOW).queues[QUEUE].service
    for column, total in [
        ("offered", counts.offered),
        ("answered", counts.answered),
        ("abandoned", counts.abandoned),
        ("timed_out", counts.timed_out),
        ("not_answered", counts.not_answered),
    ]:
        assert sum(int(r[column]) for r in rows) == total, column


def test_the_agent_report_gives_each_agents_day_without_a_phone_number(day, receiver):
    account = receiver.account
    # Two polls a minute apart: Ada available, Alan logged off (the interval built again).
    polled = Snapshot(
        account_id=account.account_id,
        source="key",
        agents=[agent(7, "Ada Lovelace"), agent(8, "Alan Turing", registered=False)],
        queues=[],
    )
    nine = at("2026-11-28 09:00:00")
    samples.record(account.account_id, polled, nine + 1)
    samples.record(account.account_id, polled, nine + 61)
    intervals.build(account, nine)
    text = day.get(f"/boards/floor/report.csv?date={DAY}&by=agent").content.decode()
    rows = {r["agent"]: r for r in table(text)}
    counts = today_counts(account.account_id, NOW).agents
    assert rows["Ada Lovelace"]["answered"] == str(counts[7].answered)
    assert rows["Ada Lovelace"]["placed"] == str(counts[7].placed)
    assert rows["Ada Lovelace"]["talk_seconds"] == "290.0"
    assert rows["Alan Turing"]["answered"] == str(counts[8].answered)
    ada, alan = rows["Ada Lovelace"], rows["Alan Turing"]
    assert (ada["available_seconds"], ada["offline_seconds"]) == ("60.0", "0.0")
    assert (alan["available_seconds"], alan["offline_seconds"]) == ("0.0", "60.0")
    assert "+1555" not in text and "+49" not in text


def test_only_the_boards_supervisors_get_it_and_bad_parameters_say_why(day):
    assert Client().get("/boards/floor/report.csv").status_code == 302  # to the login
    other = get_user_model().objects.create_user("kim", password="pw")
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get("/boards/floor/report.csv").status_code == 404
    bad_date = day.get("/boards/floor/report.csv?date=28.11.2026")
    assert (bad_date.status_code, bad_date.content) == (400, b"date= must be YYYY-MM-DD.")
    assert day.get("/boards/floor/report.csv?by=week").status_code == 400


def test_export_report_prints_the_same_csv(day, capsys):
    web = day.get(f"/boards/floor/report.csv?date={DAY}&by=interval").content.decode()
    call_command("export_report", "floor", "--date", DAY, "--by", "interval")
    assert capsys.readouterr().out == web


def test_a_formula_in_a_name_is_written_as_text():
    assert to_csv([("=HYPERLINK(1)", 3, "", "Ada")]) == "'=HYPERLINK(1),3,,Ada\n"
