from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.product_photo_operation_list_response import (
    ProductPhotoOperationListResponse,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    if not isinstance(x_request_id, (str, Unset)):
        raise errors.InvalidArgument("x_request_id", "must be a str")

    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/product-photo-operations",
        "extensions": {"aigenstudio.operation": "list_product_photo_operations"},
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProductPhotoOperationListResponse | None:
    if response.status_code == 200:
        response_200 = ProductPhotoOperationListResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ProductPhotoOperationListResponse]:
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
    x_request_id: str | Unset = UNSET,
) -> Response[ProductPhotoOperationListResponse]:
    """List Product Photo operations

     Returns the supported billable Product Photo operation ids. Operation ids control processing intent
    and credit cost.

    Args:
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProductPhotoOperationListResponse]
    """

    try:
        kwargs = _get_kwargs(
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
    x_request_id: str | Unset = UNSET,
) -> ProductPhotoOperationListResponse | None:
    """List Product Photo operations

     Returns the supported billable Product Photo operation ids. Operation ids control processing intent
    and credit cost.

    Args:
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProductPhotoOperationListResponse
    """

    return sync_detailed(
        client=client,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> Response[ProductPhotoOperationListResponse]:
    """List Product Photo operations

     Returns the supported billable Product Photo operation ids. Operation ids control processing intent
    and credit cost.

    Args:
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProductPhotoOperationListResponse]
    """

    try:
        kwargs = _get_kwargs(
            x_request_id=x_request_id,
        )
    except errors.InvalidArgument as error:
        raise errors.argument_error(client, error) from None

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    x_request_id: str | Unset = UNSET,
) -> ProductPhotoOperationListResponse | None:
    """List Product Photo operations

     Returns the supported billable Product Photo operation ids. Operation ids control processing intent
    and credit cost.

    Args:
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProductPhotoOperationListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            x_request_id=x_request_id,
        )
    ).parsed
