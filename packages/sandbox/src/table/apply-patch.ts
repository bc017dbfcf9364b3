import type { WireObject } from './order-table.js';

/**
 * Applies a shallow patch the lenient way the stores promise: values are copied verbatim (no
 * validation, so drift can be injected) and a key whose value is undefined is removed. Keys already
 * present keep their position; new keys are appended.
 */
export function applyPatch(base: WireObject, patch: Readonly<Record<string, unknown>>): WireObject {
  const result: WireObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}
