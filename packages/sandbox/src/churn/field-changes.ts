import type { FieldChange } from './churn-request.js';

/**
 * The leaf fields that differ between two versions of a wire object, keyed by dotted path. Objects
 * are compared key by key; arrays of equal length are compared element by element, other arrays as
 * whole values (`rentalIds` growing from `[]` to two ids is one change). A field missing on one
 * side has no `from` / `to` key.
 */
export function fieldChanges(before: unknown, after: unknown): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  collect(before, after, '', changes);
  return changes;
}

function collect(
  before: unknown,
  after: unknown,
  path: string,
  changes: Record<string, FieldChange>,
): void {
  // Transitions copy on write, so unchanged parts are the same object on both sides: skip them.
  if (before === after) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      collect(before[key], after[key], path === '' ? key : `${path}.${key}`, changes);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    if (before.some(isPlainObject) || after.some(isPlainObject)) {
      before.forEach((element, index) => {
        collect(element, after[index], `${path}.${index}`, changes);
      });
      return;
    }
  }
  if (isDeepEqual(before, after)) return;
  changes[path] = {
    ...(before === undefined ? {} : { from: before }),
    ...(after === undefined ? {} : { to: after }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values (key order ignored). */
export function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((element, index) => isDeepEqual(element, right[index]))
    );
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && isDeepEqual(left[key], right[key]))
    );
  }
  return false;
}
