"""Signals of the alerts app.

`alert_acknowledged` (keyword `account_id`): someone acknowledged an alert of one of the
account's boards. Sent after the acknowledgement is stored; the poller listens and pushes the
changed overlay to every screen at once (else the account's next poll carries it).
"""

from django.dispatch import Signal

alert_acknowledged = Signal()
