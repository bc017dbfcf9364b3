import { createHash } from 'node:crypto';
import type { Order } from '@orderbridge/core';
import { configure } from 'safe-stable-stringify';

/** JSON with object keys sorted at every depth: equal content always gives equal text. */
const stableStringify = configure({ deterministic: true, circularValue: Error });

/** An order's canonical content: what is stored and compared. */
export interface CanonicalContent {
  /** The order without `raw` (the provider's wire object is not part of the content). */
  content: Omit<Order, 'raw'>;
  /** Its canonical JSON text (keys sorted), stored as the document. */
  json: string;
  /** SHA-256 of `json`, hex: a row changes, and a change is logged, only when this changes. */
  hash: string;
}

/** The canonical content of an order: its document without `raw`, its stable JSON and its hash. */
export function canonicalContent(order: Order): CanonicalContent {
  const { raw: _raw, ...content } = order;
  const json = canonicalJson(content);
  return { content, json, hash: createHash('sha256').update(json).digest('hex') };
}

/** Stable JSON of any value: object keys sorted at every depth, `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}
