"""The vendor's next spec as a maintainer meets it: `openapi.yaml` with one optional response
field, one enum value, the `status` query parameter of the job listing removed, and one new
operation; `info.version` goes from 1.0.0 to 1.1.0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def vendor_update(
    base: Path = ROOT / "openapi.yaml", *, remove_status: bool = True, new_operation: bool = True
) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(base.read_text(encoding="utf-8"))
    spec["info"]["version"] = "1.1.0"
    schemas = spec["components"]["schemas"]
    schemas["ProductPhotoJobItem"]["properties"]["background_color"] = {"type": "string"}
    schemas["ProductPhotoJobStatus"]["enum"].append("expired")
    if remove_status:
        listing = spec["paths"]["/product-photo-jobs"]["get"]
        listing["parameters"] = [p for p in listing["parameters"] if p.get("name") != "status"]
    if new_operation:
        job = spec["paths"]["/product-photo-jobs/{jobId}"]["get"]
        spec["paths"]["/product-photo-jobs/{jobId}/cancel"] = {
            "post": {
                **job,
                "operationId": "cancelProductPhotoJob",
                "summary": "Cancel a Product Photo job",
                "description": "Cancels a queued job.",
            }
        }
    return spec


def write_vendor_update(
    target: Path, base: Path = ROOT / "openapi.yaml", *, remove_status: bool = True
) -> Path:
    spec = vendor_update(base, remove_status=remove_status)
    target.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return target
