import { FILTER_FIELDS } from '@orderbridge/core';

/**
 * Every query parameter of `GET /v1/orders`: core's canonical filters, then paging and sorting,
 * then the service's own (`provider`, `partial`, `includeRaw`, `fields`, `source`). What the OpenAPI document must
 * list, and the names random query strings are built from.
 */
export const ORDER_LIST_PARAMETERS: readonly string[] = [
  ...FILTER_FIELDS,
  'sort',
  'limit',
  'cursor',
  'provider',
  'partial',
  'includeRaw',
  'fields',
  'source',
];
