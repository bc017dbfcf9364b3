import { readFileSync } from 'node:fs';

/** Reads a JSON payload from `src/__fixtures__`. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8'));
}
