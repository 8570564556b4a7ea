"""Sort a job's items into completed, failed (to retry) and still pending.

An item is *completed* when it has a ``result_url`` and no ``error_code``; *failed* when it
has an ``error_code``, or when the job is terminal and it still has no ``result_url`` (it
will never get one); otherwise *pending*. Items carry no source URL, so retrying needs the
original inputs, matched by ``external_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job import ProductPhotoJob
from aigenstudio_client.models.product_photo_job_item import ProductPhotoJobItem

from .waiting import is_terminal

__all__ = ["JobResults", "job_results"]

Inputs = Mapping[str, ProductPhotoImageInput] | Iterable[ProductPhotoImageInput]


@dataclass(frozen=True)
class JobResults:
    """The items of one job, sorted; see the module docstring for the exact rules."""

    job: ProductPhotoJob
    completed: list[ProductPhotoJobItem]
    failed: list[ProductPhotoJobItem]
    pending: list[ProductPhotoJobItem]
    # Inputs sent in the job that it reported no item for (only when inputs were given).
    missing_external_ids: list[str]
    inputs: Mapping[str, ProductPhotoImageInput] = field(repr=False)

    @property
    def completed_by_external_id(self) -> dict[str, ProductPhotoJobItem]:
        """Completed items keyed by ``external_id`` (items without one are only in ``completed``)."""
        return {i.external_id: i for i in self.completed if isinstance(i.external_id, str)}

    def retry_inputs(self, *, skip_unknown: bool = False) -> list[ProductPhotoImageInput]:
        """The original inputs of the failed (and missing) items, in input order.

        Raises LookupError naming the failed items that cannot be matched to an input (no
        ``external_id``, or one not among ``inputs``) unless ``skip_unknown`` is True.
        """
        wanted = {i.external_id for i in self.failed if isinstance(i.external_id, str)}
        wanted.update(self.missing_external_ids)
        unknown = [
            str(i.external_id) if isinstance(i.external_id, str) else f"item {i.id} (no external_id)"
            for i in self.failed
            if not isinstance(i.external_id, str) or i.external_id not in self.inputs
        ]
        if unknown and not skip_unknown:
            raise LookupError(f"no original input for failed item(s): {', '.join(unknown)}")
        return [image for key, image in self.inputs.items() if key in wanted]


def job_results(job: ProductPhotoJob, inputs: Inputs | None = None) -> JobResults:
    """Sort ``job``'s items; pass the job's original ``inputs`` to get :meth:`JobResults.retry_inputs`.

    ``inputs`` is a mapping ``external_id -> ProductPhotoImageInput`` or the list of images
    sent (those with an ``external_id`` are used). Raises ValueError if the job carries no
    items (a summary from a listing rather than a fetched job).
    """
    if job.items is None:
        raise ValueError(f"job {job.id} carries no items; fetch it (get_product_photo_job) first")
    by_id = _index_inputs(inputs)
    terminal = is_terminal(job.status)
    items = job.items
    completed: list[ProductPhotoJobItem] = []
    failed: list[ProductPhotoJobItem] = []
    pending: list[ProductPhotoJobItem] = []
    for item in items:
        if item.error_code:
            failed.append(item)
        elif item.result_url:
            completed.append(item)
        else:
            (failed if terminal else pending).append(item)
    reported = {i.external_id for i in items}
    missing = [key for key in by_id if key not in reported] if terminal else []
    return JobResults(job, completed, failed, pending, missing, by_id)


def _index_inputs(inputs: Inputs | None) -> dict[str, ProductPhotoImageInput]:
    if inputs is None:
        return {}
    if isinstance(inputs, Mapping):
        return dict(inputs)
    indexed: dict[str, ProductPhotoImageInput] = {}
    for image in inputs:
        if isinstance(image.external_id, str):
            if image.external_id in indexed:
                raise ValueError(f"duplicate external_id {image.external_id!r} in inputs")
            indexed[image.external_id] = image
    return indexed
