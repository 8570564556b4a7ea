"""What importing the client and making a first call load: only what that call needs.

Each probe runs in a fresh interpreter (``sys.modules`` of this one is full of everything the
other tests used) and prints the modules it loaded; the tests name what must not be there.
"""

from __future__ import annotations

import subprocess
import sys

# Loaded by neither ``from aigenstudio import Client`` nor a first sync call.
NEVER_FOR_A_SYNC_CALL = (
    "anyio",  # async only (httpcore imports it too: the default pool does, this probe has none)
    "ada_url",  # webhook_url checks only
    "aigenstudio._webhooks",
    "aigenstudio._catalog",
    "aigenstudio._workflow.waiting",
    "aigenstudio._workflow.pagination",
    "aigenstudio._workflow.results",
)
# Loaded when a client is built and sends, not by the import.
NOT_AT_IMPORT = (
    *NEVER_FOR_A_SYNC_CALL,
    "httpcore",  # httpx loads it for its own transport only when one is built
    "h11",
    "jsonschema_rs",  # the first check compiles it
    "aigenstudio._contract.spec",  # the contract: read with the first call (hooks, request_build)
    "aigenstudio._contract.wire",
    "aigenstudio._contract.multipart",  # email.* parsing of form bodies
    "aigenstudio_client.api.",  # endpoint modules: on first use of a verb
    "aigenstudio_client.models.",  # models: with their endpoint module
)

_FIRST_CALL = """
import httpx
from aigenstudio import Client

def answer(request: httpx.Request) -> httpx.Response:
    operation = {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}
    return httpx.Response(200, json={"operations": [operation], "request_id": "req_1"})

client = Client("aigen_test_" + "k" * 32, base_url="https://api.example.test/api/v1",
                transport=httpx.MockTransport(answer))
assert client.product_photo_operations.list().operations[0].name == "Studio packshot"
"""


def loaded_by(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    probe = code + "\nimport sys\nprint('\\n'.join(sys.modules))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def matching(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """``modules`` that are one of ``names`` or inside one (a name ending in "." is a prefix)."""
    return sorted(
        m for m in modules for n in names if m == n or m.startswith(n if n.endswith(".") else n + ".")
    )


def test_importing_the_client_loads_no_transport_no_endpoint_and_no_model() -> None:
    modules = loaded_by("from aigenstudio import AsyncClient, Client")
    assert "aigenstudio_client.resources" in modules  # the probe is not vacuous
    assert matching(modules, NOT_AT_IMPORT) == []


def test_a_first_sync_call_loads_its_own_endpoint_and_models_only() -> None:
    modules = loaded_by(_FIRST_CALL)
    api = matching(modules, ("aigenstudio_client.api.",))
    endpoints = {m.rsplit(".", 1)[1] for m in api if m.count(".") == 3}
    assert endpoints == {"list_product_photo_operations"}  # whatever tag package holds it
    assert matching(modules, ("aigenstudio_client.models.",)) == [
        "aigenstudio_client.models.product_photo_operation",
        "aigenstudio_client.models.product_photo_operation_id",
        "aigenstudio_client.models.product_photo_operation_list_response",
    ]
    assert matching(modules, NEVER_FOR_A_SYNC_CALL) == []


def test_the_default_transport_loads_the_connection_pool_when_the_client_sends() -> None:
    code = (
        "from aigenstudio import Client\n"
        "client = Client('aigen_test_' + 'k' * 32, base_url='https://api.example.test/api/v1')\n"
        "import sys\nassert 'httpcore' not in sys.modules\n"
        "client.get_httpx_client()\n"
    )
    assert {"httpcore", "aigenstudio._http.wire"} <= loaded_by(code)
