from live.gc_freeze import GcFreezer


def test_connection_objects_are_frozen_out_of_full_collections_as_viewers_grow(monkeypatch):
    import gc

    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    freezer = GcFreezer()
    for viewers in (50, 199, 200, 210, 221, 1000, 1050, 400, 380, 450):
        freezer.check(viewers)
    assert calls == ["freeze", "freeze", "freeze", "unfreeze", "freeze"]
