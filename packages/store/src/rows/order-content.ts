import { hash } from 'node:crypto';
import type { Order } from '@orderbridge/core';
import { configure } from 'safe-stable-stringify';

/** JSON with object keys sorted at every depth: equal content always gives equal text. */
const stableStringify = configure({ deterministic: true, circularValue: Error });

/** An order's content as the store writes it. */
export interface OrderContent {
  /** The order without `raw` (the provider's wire object is not part of the content). */
  content: Omit<Order, 'raw'>;
  /** Its JSON text, stored as the document. */
  json: string;
  /** SHA-256 of `json`, hex. */
  hash: string;
}

/**
 * The content of an order: its document without `raw`, that document's JSON and its SHA-256.
 *
 * The hash is taken over `JSON.stringify`, not over canonical (key-sorted) JSON: sorting every
 * object's keys cost about 20 µs an order, most of a whole insert, while a provider's mapper
 * builds its objects with the same key order every time. So equal hashes mean equal content, and
 * a different hash is only a candidate change: `applyBatch` then compares the two documents
 * canonically (`orderDiff`) and logs nothing when only the key order moved.
 */
export function orderContent(order: Order): OrderContent {
  const { raw: _raw, ...content } = order;
  const json = JSON.stringify(content);
  return { content, json, hash: hash('sha256', json, 'hex') };
}

/** Stable JSON of any value: object keys sorted at every depth, `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}

/**
 * `canonicalJson` with `null` members left out as well, at every depth: for content where a
 * member sent as `null` and one not sent mean the same (provider `extensions`, which carried such
 * nulls before they were left out).
 */
export function canonicalJsonWithoutNulls(value: unknown): string {
  return stableStringify(value, dropNullMembers) ?? 'null';
}

function dropNullMembers(_key: string, value: unknown): unknown {
  return value === null ? undefined : value;
}
