"""Forward-compatible enums: unknown values in responses parse; constructing stays strict.

Every enum kind the generator emits: string enums (StrEnum, the vendored spec's) and integer
enums (IntEnum, tests/fixtures/specs/v1.1/integer-enums.yaml's job priority).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_status_response import ProductPhotoJobStatusResponse
from aigenstudio_client.models.product_photo_operation_id import ProductPhotoOperationId
from aigenstudio_client.models.product_photo_operation_list_response import (
    ProductPhotoOperationListResponse,
)

from .conftest import ROOT, RepoCopy

INTEGER_ENUMS_SPEC = ROOT / "tests" / "fixtures" / "specs" / "v1.1" / "integer-enums.yaml"

OPERATIONS = {
    "operations": [
        {"id": "new_op", "name": "New", "credits_per_image": 3},
        {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5},
    ],
    "request_id": "req_1",
}


def test_unknown_operation_id_parses_and_is_visible() -> None:
    parsed = ProductPhotoOperationListResponse.from_dict(OPERATIONS)
    unknown, known = parsed.operations
    assert unknown.id.value == "new_op"
    assert unknown.id == "new_op"
    assert unknown.id.is_known is False
    assert isinstance(unknown.id, ProductPhotoOperationId)
    assert known.id is ProductPhotoOperationId.STUDIO_PACKSHOT
    assert known.id.is_known is True


def test_unknown_value_round_trips_through_to_dict() -> None:
    assert ProductPhotoOperationListResponse.from_dict(OPERATIONS).to_dict() == OPERATIONS


def test_unknown_job_status_inside_allof_model_parses() -> None:
    body = {
        "job": {
            "id": "6f1c1a52-2b1e-4c9a-9a55-1d3f0f5e8c11",
            "total_items": 1,
            "credits_reserved": 5,
            "sandbox": True,
            "status": "archived",
        },
        "request_id": "req_2",
    }
    parsed = ProductPhotoJobStatusResponse.from_dict(body)
    assert parsed.job.status.value == "archived"
    assert parsed.job.status.is_known is False


def test_a_response_with_an_unknown_value_survives_pickling() -> None:
    # A parsed response handed to another process (multiprocessing, a cache) keeps its value.
    parsed = ProductPhotoOperationListResponse.from_dict(OPERATIONS)
    copied = pickle.loads(pickle.dumps(parsed))
    unknown, known = copied.operations
    assert (unknown.id.value, unknown.id.is_known) == ("new_op", False)
    assert known.id is ProductPhotoOperationId.STUDIO_PACKSHOT


def test_constructing_an_enum_stays_strict() -> None:
    with pytest.raises(ValueError, match="new_op"):
        ProductPhotoOperationId("new_op")


def test_request_models_only_take_known_members_by_construction() -> None:
    body = ProductPhotoJobCreateRequest(images=[], operation=ProductPhotoOperationId("remove_background"))
    assert body.to_dict()["operation"] == "remove_background"


# Run against the package generated from integer-enums.yaml; httpx.MockTransport answers, so
# nothing leaves the process. `priority` is the integer enum (1, 2, 3) in a response model, a
# path parameter and a query parameter.
INTEGER_ENUM_SCRIPT = """
import pickle

import httpx
from aigenstudio_client import Client, errors
from aigenstudio_client.api.product_photo_api import get_product_photo_queue, list_product_photo_jobs
from aigenstudio_client.models import ProductPhotoJobCreateRequest, ProductPhotoImageInput
from aigenstudio_client.models import ProductPhotoJobPriority as Priority
from aigenstudio_client.models import ProductPhotoQueueResponse

def queue(priority):
    return {"queue": {"priority": priority, "queued_jobs": 2}, "request_id": "req_1"}

known = ProductPhotoQueueResponse.from_dict(queue(3))
assert known.queue.priority is Priority.VALUE_3 and known.queue.priority.is_known

unknown = ProductPhotoQueueResponse.from_dict(queue(7)).queue.priority
assert isinstance(unknown, Priority) and unknown == 7 and unknown.value == 7
assert unknown.is_known is False and str(unknown) == "7"
assert ProductPhotoQueueResponse.from_dict(queue(7)).to_dict() == queue(7)
copied = pickle.loads(pickle.dumps(ProductPhotoQueueResponse.from_dict(queue(7))))
assert copied.queue.priority == 7 and copied.queue.priority.is_known is False
assert pickle.loads(pickle.dumps(Priority.VALUE_2)) is Priority.VALUE_2

for wrong in (True, "3", 3.5, None):  # not integers on the wire: the response does not parse
    try:
        ProductPhotoQueueResponse.from_dict(queue(wrong))
    except ValueError:
        pass
    else:
        raise AssertionError(f"{wrong!r} parsed as a priority")
try:
    Priority(7)  # constructing stays strict: requests only carry listed values
except ValueError:
    pass
else:
    raise AssertionError("Priority(7) was accepted")
body = ProductPhotoJobCreateRequest(images=[ProductPhotoImageInput(source_url="https://a.example/1.jpg")],
                                    priority=Priority.VALUE_1)
assert body.to_dict()["priority"] == 1

urls = []
def answer(request):
    urls.append(request.url)
    if request.url.path.startswith("/product-photo-queues/"):
        return httpx.Response(200, json=queue(9))
    return httpx.Response(200, json={"jobs": [], "request_id": "req_2"})

client = Client(base_url="http://127.0.0.1:9", httpx_args={"transport": httpx.MockTransport(answer)})
parsed = get_product_photo_queue.sync(client=client, priority=Priority.VALUE_3)
assert urls[-1].path == "/product-photo-queues/3", urls[-1]
assert parsed.queue.priority == 9 and not parsed.queue.priority.is_known
get_product_photo_queue.sync(client=client, priority=2)  # the wire value is accepted
assert urls[-1].path == "/product-photo-queues/2", urls[-1]
list_product_photo_jobs.sync(client=client, priority=Priority.VALUE_2)
assert urls[-1].params.get_list("priority") == ["2"], urls[-1]
for wrong in (True, 4, "3"):
    try:
        get_product_photo_queue.sync(client=client, priority=wrong)
    except errors.InvalidArgument as error:
        assert error.argument == "priority" and "1, 2, 3" in str(error), error
    else:
        raise AssertionError(f"{wrong!r} was sent as a priority")
assert len(urls) == 3
print("ok")
"""


@pytest.mark.slow
def test_integer_enums_type_check_parse_unknown_values_and_serialise(repo: RepoCopy, tmp_path: Path) -> None:
    result = repo.run("generate", "--spec", str(INTEGER_ENUMS_SPEC))
    assert result.returncode == 0, result.stdout + result.stderr
    enum_module = (repo.package / "models" / "product_photo_job_priority.py").read_text()
    assert "class ProductPhotoJobPriority(IntEnum):" in enum_module
    repo.assert_typed_and_runs(tmp_path, INTEGER_ENUM_SCRIPT)
