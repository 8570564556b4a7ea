import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.product_photo_job_list_response import ProductPhotoJobListResponse
from ...models.product_photo_job_status import ProductPhotoJobStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: datetime.datetime | Unset = UNSET,
    status: ProductPhotoJobStatus | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    if not isinstance(limit, Unset) and (
        isinstance(limit, bool) or not isinstance(limit, int)
    ):
        raise errors.InvalidArgument("limit", "must be an int")

    if not isinstance(cursor, Unset) and (
        not isinstance(cursor, datetime.datetime) or errors.lacks_utc_offset(cursor)
    ):
        raise errors.InvalidArgument(
            "cursor", "must be a datetime.datetime with a UTC offset"
        )

    if not isinstance(status, (ProductPhotoJobStatus, Unset)):
        try:
            status = ProductPhotoJobStatus(status)
        except (TypeError, ValueError):
            raise errors.InvalidArgument(
                "status",
                "must be a ProductPhotoJobStatus or one of its values: 'queued', 'processing', 'completed', 'partially_completed', 'failed', 'cancelled'",
            ) from None

    if not isinstance(x_request_id, (str, Unset)):
        raise errors.InvalidArgument("x_request_id", "must be a str")

    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: str | Unset = UNSET
    if not isinstance(cursor, Unset):
        json_cursor = cursor.isoformat()
    params["cursor"] = json_cursor

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/product-photo-jobs",
        "extensions": {"aigenstudio.operation": "list_product_photo_jobs"},
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ProductPhotoJobListResponse | None:
    if response.status_code == 200:
        response_200 = ProductPhotoJobListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ProductPhotoJobListResponse]:
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
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: datetime.datetime | Unset = UNSET,
    status: ProductPhotoJobStatus | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ProductPhotoJobListResponse]:
    """List Product Photo jobs

     Returns recent Product Photo jobs created by the current API key.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (datetime.datetime | Unset):
        status (ProductPhotoJobStatus | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProductPhotoJobListResponse]
    """

    try:
        kwargs = _get_kwargs(
            limit=limit,
            cursor=cursor,
            status=status,
            x_request_id=x_request_id,
        )
    except errors.InvalidArgument as error:
        raise errors.argument_error(client, error) from None

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: datetime.datetime | Unset = UNSET,
    status: ProductPhotoJobStatus | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorResponse | ProductPhotoJobListResponse | None:
    """List Product Photo jobs

     Returns recent Product Photo jobs created by the current API key.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (datetime.datetime | Unset):
        status (ProductPhotoJobStatus | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProductPhotoJobListResponse
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        status=status,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: datetime.datetime | Unset = UNSET,
    status: ProductPhotoJobStatus | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ProductPhotoJobListResponse]:
    """List Product Photo jobs

     Returns recent Product Photo jobs created by the current API key.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (datetime.datetime | Unset):
        status (ProductPhotoJobStatus | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProductPhotoJobListResponse]
    """

    try:
        kwargs = _get_kwargs(
            limit=limit,
            cursor=cursor,
            status=status,
            x_request_id=x_request_id,
        )
    except errors.InvalidArgument as error:
        raise errors.argument_error(client, error) from None

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: datetime.datetime | Unset = UNSET,
    status: ProductPhotoJobStatus | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorResponse | ProductPhotoJobListResponse | None:
    """List Product Photo jobs

     Returns recent Product Photo jobs created by the current API key.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (datetime.datetime | Unset):
        status (ProductPhotoJobStatus | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProductPhotoJobListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            status=status,
            x_request_id=x_request_id,
        )
    ).parsed
