import { expect } from 'vitest';
import { PROBLEM_BASE } from '../http/problem.js';

/**
 * Asserts that `response` is the problem+json answer `name` with `status`, and returns its body
 * for further checks (the body is in the status assertion's message when it fails).
 */
export async function expectProblem(
  response: Response,
  status: number,
  name: string,
): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(body.type).toBe(`${PROBLEM_BASE}${name}`);
  return body;
}
