/**
 * How `orderbridge providers` shows a secret: enough to recognise which key is set (`fp_t…(redacted)`),
 * never enough to use it; short values only say `set`.
 */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'set';
  return value.length >= 12 ? `${value.slice(0, 4)}…(redacted)` : 'set';
}
