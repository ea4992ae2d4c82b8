"""The sandbox's demo account 61 and its keys, as docs/sandbox.md lists them."""

DEVELOPER_KEY = "v360_dev_sandbox_61_demo_key_0000000001"
USER_KEY = "usr61sandboxdemokey0000000001"
