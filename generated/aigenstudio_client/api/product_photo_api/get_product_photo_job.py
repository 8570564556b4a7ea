from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.product_photo_job_status_response import ProductPhotoJobStatusResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: UUID,
    *,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    if not isinstance(job_id, (UUID, str)) or not str(job_id).isprintable():
        raise errors.InvalidArgument(
            "job_id", "must be a UUID or a str of printable characters"
        )

    if not isinstance(x_request_id, (str, Unset)):
        raise errors.InvalidArgument("x_request_id", "must be a str")

    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _path = {
        "job_id": str(job_id),
    }
    for _argument, _segment in _path.items():
        if _segment in ("", ".", "..") or not _segment.isprintable():
            raise errors.InvalidArgument(
                _argument,
                "must be printable text, not empty, '.' or '..' (a path segment that would change which endpoint is called)",
            )

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/product-photo-jobs/{job_id}".format(
            job_id=quote(_path["job_id"], safe=""),
        ),
        "extensions": {
            "aigenstudio.operation": "get_product_photo_job",
            "aigenstudio.path": _path,
        },
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ProductPhotoJobStatusResponse | None:
    if response.status_code == 200:
        response_200 = ProductPhotoJobStatusResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ProductPhotoJobStatusResponse]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise errors.parse_error(client, response, error) from None
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    job_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ProductPhotoJobStatusResponse]:
    """Get Product Photo job status

     Returns the current Product Photo job state and item results for the API key owner.

    Args:
        job_id (UUID):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProductPhotoJobStatusResponse]
    """

    try:
        kwargs = _get_kwargs(
            job_id=job_id,
            x_request_id=x_request_id,
        )
    except errors.InvalidArgument as error:
        raise errors.argument_error(client, error) from None

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> ErrorResponse | ProductPhotoJobStatusResponse | None:
    """Get Product Photo job status

     Returns the current Product Photo job state and item results for the API key owner.

    Args:
        job_id (UUID):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProductPhotoJobStatusResponse
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    job_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ProductPhotoJobStatusResponse]:
    """Get Product Photo job status

     Returns the current Product Photo job state and item results for the API key owner.

    Args:
        job_id (UUID):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProductPhotoJobStatusResponse]
    """

    try:
        kwargs = _get_kwargs(
            job_id=job_id,
            x_request_id=x_request_id,
        )
    except errors.InvalidArgument as error:
        raise errors.argument_error(client, error) from None

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> ErrorResponse | ProductPhotoJobStatusResponse | None:
    """Get Product Photo job status

     Returns the current Product Photo job state and item results for the API key owner.

    Args:
        job_id (UUID):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProductPhotoJobStatusResponse
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            x_request_id=x_request_id,
        )
    ).parsed
