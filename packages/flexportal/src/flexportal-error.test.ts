import { describe, expect, it } from 'vitest';
import { errorBody } from './__fixtures__/flexportal-payloads.js';
import { describeFlexPortalError } from './flexportal-error.js';

describe('describeFlexPortalError', () => {
  it('keeps the provider code and message', () => {
    expect(describeFlexPortalError(errorBody('NOT_FOUND', 'Order not found'), 404)).toEqual({
      providerCode: 'NOT_FOUND',
      message: 'Order not found',
      details: undefined,
    });
  });

  it('keeps the per-field details of a validation error', () => {
    const body = errorBody('VALIDATION_ERROR', 'Invalid request', [
      { path: 'limit', message: 'must be at most 100', code: 'too_big' },
      { path: 'status', message: 'unknown status' },
    ]);
    expect(describeFlexPortalError(body, 400)).toEqual({
      providerCode: 'VALIDATION_ERROR',
      message: 'Invalid request',
      details: [
        { path: 'limit', message: 'must be at most 100', code: 'too_big' },
        { path: 'status', message: 'unknown status' },
      ],
    });
  });

  it('ignores unknown fields of the error body', () => {
    const body = { error: { code: 'INVALID_TOKEN', message: 'Key expired', hint: 'x' }, trace: 1 };
    expect(describeFlexPortalError(body, 401)).toMatchObject({ providerCode: 'INVALID_TOKEN' });
  });

  it('falls back to a short excerpt of a body in another shape', () => {
    const html = `<html><body>${'Bad gateway '.repeat(40)}</body></html>`;
    const description = describeFlexPortalError(html, 502);
    expect(description.providerCode).toBeUndefined();
    expect(description.message).toMatch(/^unexpected error body: <html><body>Bad gateway/);
    expect(description.message!.length).toBeLessThan(250);
    expect(describeFlexPortalError({ message: 'other' }, 500)).toEqual({});
    expect(describeFlexPortalError(undefined, 500)).toEqual({});
  });
});
