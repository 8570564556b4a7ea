"""Form bodies (multipart/form-data, application/x-www-form-urlencoded) are checked as JSON
bodies are, before anything is sent, and a multipart body has a random boundary per request.

A client generated from tests/fixtures/specs/v1.1/forms.yaml: ``uploads.create`` (multipart: an
``image`` file part whose encoding allows PNG, JPEG or WebP, a ``filename`` of 1..255
characters, a ``rotation`` in 0..270 by 90, a ``background`` enum) and
``product_photo_jobs.feedback`` (urlencoded: ``rating`` 1..5 required, ``comment`` at most 500
characters, a ``reason`` enum). Before, form bodies were not in the contract (anything was
sent), and every multipart body used the generator's fixed boundary ``+++``: an image whose
bytes hold ``\\r\\n--+++`` ended the body early or injected a part of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from .regenerated import SPECS, regenerate, run_with_client

pytestmark = pytest.mark.slow

SCRIPT = r"""
import email.parser, email.policy, http.server, json, threading, uuid
from io import BytesIO
import httpx
import aigenstudio
from aigenstudio_client.models import (
    JobFeedbackForm, JobFeedbackFormReason, UploadCreateRequest, UploadCreateRequestBackground,
)
from aigenstudio_client.types import File

received = []

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received.append((self.headers["Content-Type"], body))
        answer = json.dumps({  # an upload and a feedback at once (extra fields are allowed)
            "id": str(uuid.uuid4()), "source_url": "https://cdn.example.test/a.png", "request_id": "r",
            "job_id": str(uuid.uuid4()), "rating": 5,
        }).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
client = aigenstudio.Client(
    api_key="aigen_test_" + "k" * 24, base_url=f"http://127.0.0.1:{server.server_port}/v1", max_retries=0,
)
HOSTILE = (
    b"\x89PNG\r\n--+++\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n"
    b"evil\r\n--+++--\r\n\x00tail"
)

def upload(image=None, **fields):
    image = image or File(payload=BytesIO(HOSTILE), file_name="shoe.png", mime_type="image/png")
    return client.uploads.create(body=UploadCreateRequest(image=image, **{"filename": "shoe.png", **fields}))

def feedback(**fields):
    return client.product_photo_jobs.feedback(uuid.uuid4(), body=JobFeedbackForm(**{"rating": 5, **fields}))

CASES = {
    "upload": lambda: upload(),
    "upload again": lambda: upload(
        rotation=90, background=UploadCreateRequestBackground.WHITE, keep_shadow=True
    ),
    "filename too long": lambda: upload(filename="x" * 256),
    "filename empty": lambda: upload(filename=""),
    "rotation out of range": lambda: upload(rotation=360),
    "rotation not by 90": lambda: upload(rotation=45),
    "unknown background": lambda: upload(background=UploadCreateRequestBackground.from_api_value("blur")),
    "image a gif": lambda: upload(File(payload=BytesIO(b"GIF89a"), file_name="shoe.gif")),
    "image no type": lambda: upload(File(payload=BytesIO(b"??"), file_name="shoe")),
    "feedback": lambda: feedback(comment="Größe passt", reason=JobFeedbackFormReason.GREAT),
    "rating 6": lambda: feedback(rating=6),
    "comment too long": lambda: feedback(comment="é" * 501),
    "unknown reason": lambda: feedback(reason=JobFeedbackFormReason.from_api_value("meh")),
}
out = {}
for name, call in CASES.items():
    before = len(received)
    try:
        call()
    except aigenstudio.RequestValidationError as error:
        out[name] = {"refused": str(error), "field": error.field, "sent": len(received) - before}
        continue
    content_type, body = received[-1]
    result = {"sent": len(received) - before, "content_type": content_type}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        parts = {}
        for part in message.iter_parts():
            parts.setdefault(part.get_param("name", header="content-disposition"), []).append(
                part.get_payload(decode=True).decode("latin-1")
            )
        result["parts"] = parts
    else:
        result["body"] = body.decode()
    out[name] = result
server.shutdown()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    generated = regenerate(SPECS / "forms.yaml", Path(tmp_path_factory.mktemp("forms")))
    result: dict[str, dict[str, object]] = json.loads(run_with_client(generated, SCRIPT))
    return result


def test_a_file_holding_the_old_boundary_arrives_whole_and_adds_no_part(
    outcomes: dict[str, dict[str, object]],
) -> None:
    hostile = (
        b'\x89PNG\r\n--+++\r\nContent-Disposition: form-data; name="filename"\r\n\r\n'
        b"evil\r\n--+++--\r\n\x00tail"
    )
    upload = outcomes["upload"]
    assert upload["sent"] == 1, upload
    assert "boundary=+++" not in str(upload["content_type"]), upload
    assert upload["parts"] == {"image": [hostile.decode("latin-1")], "filename": ["shoe.png"]}


def test_every_multipart_request_gets_its_own_boundary(outcomes: dict[str, dict[str, object]]) -> None:
    first, second = outcomes["upload"]["content_type"], outcomes["upload again"]["content_type"]
    assert str(first).startswith("multipart/form-data; boundary=")
    assert first != second
    assert outcomes["upload again"]["parts"] == {
        "image": [outcomes["upload"]["parts"]["image"][0]],  # type: ignore[index]
        "filename": ["shoe.png"],
        "rotation": ["90"],
        "background": ["white"],
        "keep_shadow": ["true"],  # not Python's "True": the spec's boolean
    }


def test_a_valid_urlencoded_form_goes_out(outcomes: dict[str, dict[str, object]]) -> None:
    assert outcomes["feedback"] == {
        "sent": 1,
        "content_type": "application/x-www-form-urlencoded",
        "body": "rating=5&comment=Gr%C3%B6%C3%9Fe+passt&reason=great",
    }


@pytest.mark.parametrize(
    ("case", "field", "rule"),
    [
        ("filename too long", "body.filename", "at most 255 characters (got 256)"),
        ("filename empty", "body.filename", "at least 1 character"),
        ("rotation out of range", "body.rotation", "at most 270"),
        ("rotation not by 90", "body.rotation", "a multiple of 90"),
        ("unknown background", "body.background", "must be one of 'keep', 'remove', 'white'"),
        (
            "image a gif",
            "body.image",
            "must be sent as image/png or image/jpeg or image/webp (got image/gif)",
        ),
        ("image no type", "body.image", "(got application/octet-stream)"),
        ("rating 6", "body.rating", "at most 5"),
        ("comment too long", "body.comment", "at most 500 characters (got 501)"),
        ("unknown reason", "body.reason", "must be one of 'great'"),
    ],
)
def test_form_fields_the_spec_refuses_send_nothing(
    outcomes: dict[str, dict[str, object]], case: str, field: str, rule: str
) -> None:
    outcome = outcomes[case]
    assert outcome["sent"] == 0, outcome
    assert outcome["field"] == field, outcome
    assert rule in str(outcome["refused"]), outcome


# -- the reading itself, without a generated client -------------------------------------------

CROP = {
    "type": "object",
    "required": ["width"],
    "properties": {"width": {"type": "integer", "minimum": 1}},
}


def _form_problem(files: list[tuple[str, object]]) -> str | None:
    """What the checks say of a multipart request carrying ``files`` (None: it may go out)."""
    from aigenstudio._contract.schema import compile_validator, first_problem
    from aigenstudio._contract.wire import FORM_BODY_EXTENSION, FormBody, form_body, form_fields

    schema = {
        "type": "object",
        "properties": {"crop": CROP, "tags": {"type": "array", "items": {"type": "integer"}}},
    }
    form = FormBody(schema, {"crop": ("object", None), "tags": ("array", "integer")}, {})
    request = httpx.Request("POST", "https://api.example.test/v1/uploads", files=files)  # type: ignore[arg-type]
    request.extensions[FORM_BODY_EXTENSION] = form_fields(None, files)
    problem = first_problem(compile_validator(schema, {}), form_body(form, request), "body")
    return None if problem is None else problem.describe()


def test_an_object_field_sent_as_a_json_part_is_read_as_json() -> None:
    # The generated code sends an object field of a multipart body as one application/json
    # part (OpenAPI's default encoding for an object). Prism reads every part as text and
    # would refuse it as "must be object"; the spec, not Prism, decides here.
    assert _form_problem([("crop", (None, b'{"width": 640}', "application/json"))]) is None
    assert (
        _form_problem([("crop", (None, b'{"width": 0}', "application/json"))])
        == "body.crop.width: at least 1 (got 0)"
    )
    assert (
        _form_problem([("crop", (None, b"{not json", "application/json"))])
        == "body.crop: must be object (got string)"
    )


def test_an_array_field_is_every_part_of_its_name() -> None:
    assert _form_problem([("tags", (None, b"1", "text/plain")), ("tags", (None, b"2", "text/plain"))]) is None
    assert _form_problem([("tags", (None, b"1", "text/plain")), ("tags", (None, b"x", "text/plain"))]) == (
        "body.tags[1]: must be integer (got string)"
    )


@pytest.fixture(scope="module")
def forms_spec() -> Any:
    from aigenstudio._contract.spec import build_spec

    from tools.contract import compile_contract
    from tools.generate import validate_spec

    return build_spec(compile_contract(validate_spec(SPECS / "forms.yaml").document))


def _sent_by_hand(forms_spec: Any, operation_id: str, **body: Any) -> str | None:
    """What the checks say of a form request built as the client builds one (None: it may go out)."""
    from aigenstudio import RequestValidationError
    from aigenstudio._contract.wire import FORM_BODY_EXTENSION, form_fields

    request = httpx.Request("POST", "https://api.example.test/v1/x", **body)
    if "content" not in body:
        request.extensions[FORM_BODY_EXTENSION] = form_fields(body.get("data"), body.get("files"))
    try:
        forms_spec.operations[operation_id].validate_beyond_path(request)
    except RequestValidationError as error:
        return str(error)
    return None


def test_a_missing_required_part_is_refused(forms_spec: Any) -> None:
    image = ("image", ("a.png", b"\x89PNG", "image/png"))
    name = ("filename", (None, b"a.png", "text/plain"))
    assert _sent_by_hand(forms_spec, "createUpload", files=[image, name]) is None
    assert _sent_by_hand(forms_spec, "createUpload", files=[name]) == "body.image: is required"
    assert _sent_by_hand(forms_spec, "createUpload", files=[image]) == "body.filename: is required"
    # A text field where the image goes is present, though no file: the spec's "binary" is any bytes.
    assert (
        _sent_by_hand(forms_spec, "createUpload", files=[("image", (None, b"xx", "text/plain")), name])
        is None
    )
    assert _sent_by_hand(forms_spec, "createProductPhotoJobFeedback", data={"comment": "ok"}) == (
        "body.rating: is required"
    )


def test_a_form_encoded_by_hand_is_read_as_the_server_reads_it(forms_spec: Any) -> None:
    # A urlencoded form encoded by hand is read as the server parses it (multipart: below).
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    feedback = "createProductPhotoJobFeedback"
    assert _sent_by_hand(forms_spec, feedback, content=b"rating=5&comment=ok", headers=urlencoded) is None
    assert (
        _sent_by_hand(forms_spec, feedback, content=b"rating=9", headers=urlencoded)
        == "body.rating: at most 5 (got 9)"
    )
    assert _sent_by_hand(forms_spec, "createProductPhotoJobFeedback", data={"rating": ["5", "1"]}) == (
        "body.rating: must be given once (the form repeats it)"
    )
    # A JSON body where the spec takes only a form: the server would find no form in it.
    assert _sent_by_hand(forms_spec, "createProductPhotoJobFeedback", json={"rating": 5}) == (
        "body: must be sent as application/x-www-form-urlencoded (got application/json)"
    )


IMAGE = ("image", ("a.png", b"\x89PNG\r\n--not-the-boundary\r\n", "image/png"))
NAME = ("filename", (None, "caf\u00e9 \U0001f600.png".encode(), "text/plain"))


def _encoded(files: list[Any]) -> tuple[bytes, dict[str, str]]:
    """A multipart body as httpx encodes ``files=``: its bytes and its Content-Type."""
    request = httpx.Request("POST", "https://api.example.test/v1/uploads", files=files)
    return request.read(), {"Content-Type": request.headers["Content-Type"]}


@pytest.mark.parametrize(
    "files",
    [
        [IMAGE, NAME],
        [NAME],
        [IMAGE],
        [("image", ("a.gif", b"GIF89a", "image/gif")), NAME],
        [IMAGE, NAME, ("rotation", (None, b"45", "text/plain"))],
        [IMAGE, NAME, ("rotation", (None, b"90", "text/plain")), ("rotation", (None, b"180", "text/plain"))],
        [IMAGE, ("filename", (None, b"", "text/plain"))],
        [("image", (None, b"xx", "text/plain")), NAME],
    ],
    ids=[
        "valid",
        "no image",
        "no filename",
        "gif",
        "rotation 45",
        "rotation twice",
        "empty name",
        "text image",
    ],
)
def test_a_multipart_body_encoded_by_hand_is_judged_as_its_files(forms_spec: Any, files: list[Any]) -> None:
    # The bytes are read as the server reads them: the same verdict as the same parts given as files=.
    content, headers = _encoded(files)
    assert _sent_by_hand(forms_spec, "createUpload", content=content, headers=headers) == _sent_by_hand(
        forms_spec, "createUpload", files=files
    )


def test_a_valid_multipart_body_encoded_by_hand_goes_out(forms_spec: Any) -> None:
    content, headers = _encoded([IMAGE, NAME])
    assert _sent_by_hand(forms_spec, "createUpload", content=content, headers=headers) is None
    gif, headers = _encoded([("image", ("a.gif", b"GIF89a", "image/gif")), NAME])
    assert _sent_by_hand(forms_spec, "createUpload", content=gif, headers=headers) == (
        "body.image: must be sent as image/png or image/jpeg or image/webp (got image/gif)"
    )


MALFORMED = "body: must be multipart/form-data framed by its declared boundary"


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("multipart/form-data", None),  # no boundary
        ("multipart/form-data; boundary=" + "b" * 71, None),  # RFC 2046: at most 70 characters
        ("multipart/form-data; boundary=a\x7fb", None),  # not a boundary character
        ("multipart/form-data; boundary=other", None),  # a boundary the body does not use
        ("multipart/form-data; boundary={b}", b"--{b}\r\nContent-Disposition: form-data; name=x\r\n\r\n1"),
        ("multipart/form-data; boundary={b}", b"preamble\r\n{body}"),  # bytes before the first part
        ("multipart/form-data; boundary={b}", b"--{b}\r\nContent-Type: text/plain\r\n\r\n1\r\n--{b}--\r\n"),
        (
            "multipart/form-data; boundary={b}",
            b"--{b}\r\nContent-Disposition: form-data\r\n\r\n1\r\n--{b}--\r\n",
        ),
        ("multipart/form-data; boundary={b}; boundary=other", None),  # which would a server take?
        ("multipart/form-data; boundary={b}", (b'"filename"', b'"filename"; name="x"')),
        ("multipart/form-data; boundary={b}", (b'"filename"', b"\"filename\"; name*=UTF-8''x")),
        ("multipart/form-data; boundary={b}", (b"Content-Disp", b"Content-Disposition: x\r\nContent-Disp")),
        ("multipart/form-data; boundary={b}", (b"\r\n--{b}--", b"\r\n--{b} \r\n--{b}--")),
    ],
    ids=[
        "no boundary",
        "boundary too long",
        "boundary control",
        "another boundary",
        "unclosed",
        "preamble",
        "no disposition",
        "no name",
        "two boundaries",
        "two names",
        "name and name*",
        "two dispositions",
        "padded delimiter",
    ],
)
def test_a_multipart_body_encoded_by_hand_that_is_not_framed_as_declared_is_refused(
    forms_spec: Any, content_type: str, content: bytes | tuple[bytes, bytes] | None
) -> None:
    # content: the bytes ({b}: the boundary), or (old, new) replaced once in the encoded body.
    body, headers = _encoded([IMAGE, NAME])
    boundary = headers["Content-Type"].split("boundary=", 1)[1].encode()
    if content is None:
        content = body
    elif isinstance(content, tuple):
        old, new = (part.replace(b"{b}", boundary) for part in content)
        assert old in body
        content = body.replace(old, new, 1)
    content = content.replace(b"{body}", body).replace(b"{b}", boundary)
    headers = {"Content-Type": content_type.replace("{b}", boundary.decode())}
    assert _sent_by_hand(forms_spec, "createUpload", content=content, headers=headers) == MALFORMED


def test_a_multipart_body_encoded_by_hand_with_too_many_parts_is_refused(forms_spec: Any) -> None:
    from aigenstudio._contract.multipart import MAX_PARTS

    content, headers = _encoded([IMAGE, NAME] + [("note", (None, b"x", "text/plain"))] * MAX_PARTS)
    assert _sent_by_hand(forms_spec, "createUpload", content=content, headers=headers) == (
        f"body: must have at most {MAX_PARTS} parts"
    )


def test_a_multipart_stream_is_refused_before_sending(forms_spec: Any) -> None:
    content, headers = _encoded([IMAGE, NAME])
    assert _sent_by_hand(forms_spec, "createUpload", content=iter([content]), headers=headers) == (
        "body: must be multipart bytes (content=) or files= (and data=), not a stream"
    )


def test_a_multipart_body_with_two_content_types_is_refused(forms_spec: Any) -> None:
    content, headers = _encoded([IMAGE, NAME])
    other = "multipart/form-data; boundary=x"
    twice = [("Content-Type", headers["Content-Type"]), ("Content-Type", other)]
    assert _sent_by_hand(forms_spec, "createUpload", content=content, headers=twice) == (
        f"body: must have one Content-Type header (got {headers['Content-Type']}, {other})"
    )
