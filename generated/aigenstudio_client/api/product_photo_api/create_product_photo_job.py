from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from ...models.product_photo_job_create_response import ProductPhotoJobCreateResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ProductPhotoJobCreateRequest,
    idempotency_key: str,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    if not isinstance(idempotency_key, str):
        raise errors.InvalidArgument("idempotency_key", "must be a str")

    if not isinstance(x_request_id, (str, Unset)):
        raise errors.InvalidArgument("x_request_id", "must be a str")

    if not isinstance(body, ProductPhotoJobCreateRequest):
        raise errors.InvalidArgument(
            "body",
            "must be a ProductPhotoJobCreateRequest: pass ProductPhotoJobCreateRequest(...) or ProductPhotoJobCreateRequest.from_dict(...)",
        )

    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/product-photo-jobs",
        "extensions": {"aigenstudio.operation": "create_product_photo_job"},
    }

    try:
        _kwargs["json"] = body.to_dict()
    except (AttributeError, TypeError, ValueError) as error:
        raise errors.InvalidArgument(
            "body",
            f"could not be serialised: {type(error).__name__}: {str(error)[:120]}"
            " (nested values must be the generated model and enum classes;"
            " ProductPhotoJobCreateRequest.from_dict(...) builds them from plain data)",
        ) from None
    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ProductPhotoJobCreateResponse | None:
    if response.status_code == 200:
        response_200 = ProductPhotoJobCreateResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = ProductPhotoJobCreateResponse.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ProductPhotoJobCreateResponse]:
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
    body: ProductPhotoJobCreateRequest,
    idempotency_key: str,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ProductPhotoJobCreateResponse]:
    """Create a Product Photo job

     Creates an asynchronous Product Photo job. Live keys consume paid API credits. Sandbox keys validate
    the request and return simulated results without calling paid providers or consuming credits.

    Args:
        idempotency_key (str):
        x_request_id (str | Unset):
        body (ProductPhotoJobCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProductPhotoJobCreateResponse]
    """

    try:
        kwargs = _get_kwargs(
            body=body,
            idempotency_key=idempotency_key,
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
    body: ProductPhotoJobCreateRequest,
    idempotency_key: str,
    x_request_id: str | Unset = UNSET,
) -> ErrorResponse | ProductPhotoJobCreateResponse | None:
    """Create a Product Photo job

     Creates an asynchronous Product Photo job. Live keys consume paid API credits. Sandbox keys validate
    the request and return simulated results without calling paid providers or consuming credits.

    Args:
        idempotency_key (str):
        x_request_id (str | Unset):
        body (ProductPhotoJobCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProductPhotoJobCreateResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ProductPhotoJobCreateRequest,
    idempotency_key: str,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorResponse | ProductPhotoJobCreateResponse]:
    """Create a Product Photo job

     Creates an asynchronous Product Photo job. Live keys consume paid API credits. Sandbox keys validate
    the request and return simulated results without calling paid providers or consuming credits.

    Args:
        idempotency_key (str):
        x_request_id (str | Unset):
        body (ProductPhotoJobCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ProductPhotoJobCreateResponse]
    """

    try:
        kwargs = _get_kwargs(
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    except errors.InvalidArgument as error:
        raise errors.argument_error(client, error) from None

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ProductPhotoJobCreateRequest,
    idempotency_key: str,
    x_request_id: str | Unset = UNSET,
) -> ErrorResponse | ProductPhotoJobCreateResponse | None:
    """Create a Product Photo job

     Creates an asynchronous Product Photo job. Live keys consume paid API credits. Sandbox keys validate
    the request and return simulated results without calling paid providers or consuming credits.

    Args:
        idempotency_key (str):
        x_request_id (str | Unset):
        body (ProductPhotoJobCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ProductPhotoJobCreateResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
