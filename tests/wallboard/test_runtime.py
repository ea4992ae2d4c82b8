import multiprocessing
import os

from tests.polling.helpers import add_account, poll_now
from wallboard import runtime


def test_polls_share_one_event_loop_and_one_client_per_process(wallboard, redis_client):
    add_account()
    poll_now()
    loop, client = runtime.get_loop(), runtime.get_client()
    session = client.http
    poll_now()
    poll_now()
    assert runtime.get_loop() is loop
    assert runtime.get_client() is client
    assert client.http is session and not session.closed
    idle = session.connector._conns  # aiohttp's kept-alive connections, by host
    assert sum(len(kept) for kept in idle.values()) <= 2  # reused, not one more per poll


def _child_loop_id(queue) -> None:
    queue.put((os.getpid(), id(runtime.get_loop())))


def test_a_forked_child_gets_its_own_loop(redis_client):
    parent_loop = runtime.get_loop()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_loop_id, args=(queue,))
    child.start()
    pid, loop_id = queue.get(timeout=10)
    child.join(timeout=10)
    queue.close()
    assert pid != os.getpid()
    assert runtime.get_loop() is parent_loop
    assert runtime._state["pid"] == os.getpid()
    assert loop_id != id(parent_loop) or pid != os.getpid()
