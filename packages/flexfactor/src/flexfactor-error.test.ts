import { describe, expect, it } from 'vitest';
import {
  describeFlexFactorError,
  kindOfEnvelopeFailure,
  readEnvelopeFailure,
} from './flexfactor-error.js';
import { readFixture } from './test-support/read-fixture.js';

describe('describeFlexFactorError', () => {
  it('reads ASP.NET ProblemDetails: title, field messages, trace id', () => {
    expect(describeFlexFactorError(readFixture('error-problem-details.json'), 400)).toEqual({
      message:
        'One or more validation errors occurred. (Transaction.Id: The Id field is required.; pageSize: The field pageSize must be between 1 and 500.)',
      details: [
        { path: 'Transaction.Id', message: 'The Id field is required.' },
        { path: 'pageSize', message: 'The field pageSize must be between 1 and 500.' },
      ],
      requestId: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });

  it('reads ProblemDetails whose status is the string "400"', () => {
    expect(
      describeFlexFactorError(readFixture('error-problem-details-string-status.json'), 400),
    ).toMatchObject({
      message:
        "One or more validation errors occurred. (from: The value 'yesterday' is not valid.)",
      requestId: '00-11111111111111111111111111111111-2222222222222222-00',
    });
  });

  it('reads a ProblemDetails without errors (e.g. a 404)', () => {
    expect(
      describeFlexFactorError({ type: 'x', title: 'Not Found', status: 404, traceId: 't-1' }, 404),
    ).toEqual({ message: 'Not Found', requestId: 't-1' });
  });

  it('reads the flattened ModelState with TraceId as an array', () => {
    expect(describeFlexFactorError(readFixture('error-flat-field-map.json'), 400)).toEqual({
      message:
        'IdempotencyKey: The IdempotencyKey field is required.; OrderId: The OrderId field is required.; OrderId: The OrderId must be a GUID.',
      details: [
        { path: 'IdempotencyKey', message: 'The IdempotencyKey field is required.' },
        { path: 'OrderId', message: 'The OrderId field is required.' },
        { path: 'OrderId', message: 'The OrderId must be a GUID.' },
      ],
      requestId: '00-33333333333333333333333333333333-4444444444444444-00',
    });
  });

  it('reads the envelope with ValueTuple errors: message and six-digit code', () => {
    expect(describeFlexFactorError(readFixture('error-envelope-failure.json'), 404)).toEqual({
      message: 'Order 5c7d0b7e-0000-4000-8000-000000000000 not found',
      providerCode: '404001',
      details: [
        { message: 'Order 5c7d0b7e-0000-4000-8000-000000000000 not found', code: '404001' },
      ],
    });
  });

  it('reads the API gateway message body', () => {
    expect(describeFlexFactorError({ message: 'Unauthorized' }, 401)).toEqual({
      message: 'Unauthorized',
    });
  });

  it.each([undefined, '', '<html>Bad Gateway</html>', [], { unexpected: { nested: true } }, 42])(
    'returns nothing for an unknown body %j, so the status speaks',
    (body) => {
      expect(describeFlexFactorError(body, 502)).toEqual({});
    },
  );
});

describe('readEnvelopeFailure', () => {
  it('ignores a successful envelope', () => {
    expect(readEnvelopeFailure(readFixture('seed-002-list-response.json'))).toBeUndefined();
    expect(readEnvelopeFailure({ success: true, errors: null })).toBeUndefined();
  });

  it('reports success:false even without errors', () => {
    expect(readEnvelopeFailure({ success: false, result: 'Declined', errors: [] })).toMatchObject({
      message: 'Declined',
      codeStatus: undefined,
    });
  });

  it('reports a non-empty errors array even with success:true', () => {
    expect(
      readEnvelopeFailure({
        success: true,
        errors: [{ item1: 'Invalid status', item2: '400007' }],
      }),
    ).toMatchObject({ message: 'Invalid status', providerCode: '400007', codeStatus: 400 });
  });

  it('takes the kind from the six-digit code when the HTTP status is 200', () => {
    const failure = readEnvelopeFailure(readFixture('error-envelope-failure.json'));
    expect(failure).toBeDefined();
    if (!failure) return;
    expect(kindOfEnvelopeFailure(failure, 200)).toBe('not_found');
    expect(kindOfEnvelopeFailure(failure, 503)).toBe('unavailable');
    expect(kindOfEnvelopeFailure({ ...failure, codeStatus: 401 }, 200)).toBe('authentication');
    expect(kindOfEnvelopeFailure({ ...failure, codeStatus: undefined }, 200)).toBe('unknown');
  });
});
