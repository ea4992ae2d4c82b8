"""The API doc's own example clients run against the sandbox, changed only in base URL and key.

The examples are read from the doc at test time (shared/seeds beside the clone) rather than
copied into the project, so this test always runs what the doc says today.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from demo import names as demo
from tests.sandbox_process import RunningSandbox

DOC = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_667dbbd90905938b.txt"
DOC_BASE_URL = "https://api.voice360.app/v3/voice"

pytestmark = pytest.mark.skipif(not DOC.exists(), reason=f"the API doc is not at {DOC}")


def _example(start: str, end: str) -> str:
    text = DOC.read_text()
    begin = text.index(start)
    finish = text.index(end, begin) + len(end)
    return text[begin:finish]


def _for_sandbox(code: str, sandbox: RunningSandbox) -> str:
    assert DOC_BASE_URL in code
    code = code.replace(DOC_BASE_URL, sandbox.base_url)
    return code.replace("your_api_key", demo.SANDBOX_DEFAULT_DEVELOPER_KEY)


def test_the_python_example_client_runs_every_call_without_error(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    script = tmp_path / "example.py"
    code = _example("import requests\nimport json", "if __name__ == '__main__':\n    main()")
    script.write_text(_for_sandbox(code, sandbox))

    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )

    assert "API Error" not in run.stdout, run.stdout
    assert "Unexpected response format" not in run.stdout, run.stdout
    assert re.search(r"^Online users: [1-9]\d*$", run.stdout, re.M), run.stdout
    assert re.search(r"^Queues with agents: [1-9]\d*$", run.stdout, re.M), run.stdout
    assert "  - Sales Queue:" in run.stdout
    assert re.search(r"^Call initiated: \S+$", run.stdout, re.M), run.stdout
    assert re.search(r"^SMS sent: .+$", run.stdout, re.M), run.stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_javascript_example_client_runs_every_call_without_error(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    script = tmp_path / "example.mjs"
    script.write_text(_for_sandbox(_example("class Voice360API {", "\nmain();"), sandbox))

    run = subprocess.run(
        ["node", str(script)], capture_output=True, text=True, timeout=60, check=True
    )

    assert "API Error" not in run.stdout + run.stderr, run.stdout + run.stderr
    assert re.search(r"^[1-9]\d* users online$", run.stdout, re.M), run.stdout
    assert re.search(r"^[1-9]\d* queues have agents available$", run.stdout, re.M), run.stdout
    assert re.search(r"^Call initiated: \S+$", run.stdout, re.M), run.stdout


def _json_objects(text: str) -> list[dict]:
    """The JSON objects in curl's output; bodies end without a newline, so echo lines abut."""
    decoder, found, index = json.JSONDecoder(), [], text.find("{")
    while index != -1:
        value, end = decoder.raw_decode(text, index)
        found.append(value)
        index = text.find("{", end)
    return found


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_example_script_gets_a_successful_envelope_from_every_call(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    script = tmp_path / "example.sh"
    code = _example("#!/bin/bash", '"recording": true\n  }\'')
    script.write_text(_for_sandbox(code, sandbox))

    run = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=60, check=True
    )

    envelopes = _json_objects(run.stdout)
    assert len(envelopes) == 4, run.stdout
    assert all(envelope["error"] is False for envelope in envelopes), run.stdout
    assert envelopes[3]["result"]["status"] == "initiating"
