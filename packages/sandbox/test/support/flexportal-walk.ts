import type { FlexPortalOrder, Sandbox } from '../../src/index.js';
import { type FlexPortalPage, flexPortalGet } from './sandbox-http.js';

/** Follows nextCursor from the first page to the end; returns every page. */
export async function walkFlexPortal(
  sandbox: Sandbox,
  query: string,
  between?: (page: FlexPortalPage, index: number) => void | Promise<void>,
): Promise<FlexPortalPage[]> {
  const pages: FlexPortalPage[] = [];
  let cursor: string | null = null;
  do {
    const separator = query === '' ? '' : '&';
    const url: string = `/v1/orders?${query}${cursor ? `${separator}startAfter=${encodeURIComponent(cursor)}` : ''}`;
    const result = await flexPortalGet<FlexPortalPage>(sandbox, url);
    if (result.status !== 200) throw new Error(`${url} → ${result.status} ${result.text}`);
    pages.push(result.json);
    cursor = result.json.nextCursor;
    if (between) await between(result.json, pages.length - 1);
    if (pages.length > 10_000) throw new Error('cursor walk does not end');
  } while (cursor);
  return pages;
}

/** The sort value of an order under a documented sort field (FP-LIST "Sorting Options"). */
export function flexPortalSortValue(order: FlexPortalOrder, field: string): number | string {
  switch (field) {
    case 'createdAt':
      return Date.parse(order.createdAt);
    case 'updatedAt':
      return Date.parse(order.updatedAt);
    case 'orderId':
      return order.orderId;
    case 'status':
      return order.status;
    case 'totals.total':
      return order.totals.total;
    default:
      throw new Error(`unknown sort field ${field}`);
  }
}

/** Ground-truth order: the sort value, ties by orderId, both in the same direction. */
export function sortFlexPortal(
  orders: FlexPortalOrder[],
  field: string,
  direction: 'asc' | 'desc',
): FlexPortalOrder[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...orders].sort((a, b) => {
    const x = flexPortalSortValue(a, field);
    const y = flexPortalSortValue(b, field);
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0) * sign;
  });
}
