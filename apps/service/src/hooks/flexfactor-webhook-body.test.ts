import { describe, expect, it } from 'vitest';
import { readFlexFactorWebhook } from './flexfactor-webhook-body.js';

const documented = {
  event: 'order.completed',
  timeStamp: '2026-01-01T00:00:00Z',
  eventData: { anything: ['goes'] },
  externalOrderId: 'ref-1',
  orderId: '12345678-abcd-1234-efgh-ijklmnopqrst',
  isTestMode: true,
  isResent: false,
};

describe('readFlexFactorWebhook', () => {
  it('takes the event and the order id from the documented payload, ignoring the rest', () => {
    expect(readFlexFactorWebhook(JSON.stringify(documented))).toEqual({
      kind: 'refresh',
      event: 'order.completed',
      orderId: documented.orderId,
    });
  });

  it.each([
    ['PascalCase names', { Event: 'order.refunded', OrderId: 'ff-1' }],
    ['snake_case names', { event: 'order.refunded', order_id: 'ff-1' }],
    ['an upper-case event', { EVENT: 'ORDER.REFUNDED', ORDERID: 'ff-1' }],
    ['padding around the values', { event: ' order.refunded ', orderId: ' ff-1 ' }],
    ['extra, unknown fields', { event: 'order.refunded', orderId: 'ff-1', newField: { a: 1 } }],
  ])('accepts %s', (_name, body) => {
    expect(readFlexFactorWebhook(JSON.stringify(body))).toEqual({
      kind: 'refresh',
      event: 'order.refunded',
      orderId: 'ff-1',
    });
  });

  it('accepts a byte-order mark and JSON text wrapped once more in a JSON string', () => {
    const text = JSON.stringify({ event: 'order.cancelled', orderId: 'ff-2' });
    expect(readFlexFactorWebhook(`\uFEFF${text}`)).toMatchObject({ kind: 'refresh' });
    expect(readFlexFactorWebhook(JSON.stringify(text))).toMatchObject({
      kind: 'refresh',
      orderId: 'ff-2',
    });
  });

  it('acknowledges unknown events and bodies without an event, without acting on them', () => {
    expect(
      readFlexFactorWebhook(JSON.stringify({ event: 'order.teleported', orderId: 'x' })),
    ).toEqual({
      kind: 'ignored',
      event: 'order.teleported',
      reason: '"order.teleported" is not an event FlexFactor documents',
    });
    expect(readFlexFactorWebhook(JSON.stringify({ orderId: 'x' }))).toMatchObject({
      kind: 'ignored',
      event: undefined,
    });
  });

  it.each([
    ['not JSON', 'event=order.completed&orderId=1', 'body'],
    ['a JSON array', '[]', 'body'],
    ['no order id', JSON.stringify({ event: 'order.completed' }), 'orderId'],
    [
      'an order id of another type',
      JSON.stringify({ event: 'order.completed', orderId: {} }),
      'orderId',
    ],
    [
      'a path in the order id',
      JSON.stringify({ event: 'order.completed', orderId: '../x' }),
      'orderId',
    ],
    ['a dot-dot order id', JSON.stringify({ event: 'order.completed', orderId: '..' }), 'orderId'],
    [
      'a control character',
      JSON.stringify({ event: 'order.completed', orderId: 'a\nb' }),
      'orderId',
    ],
    [
      'a huge order id',
      JSON.stringify({ event: 'order.completed', orderId: 'x'.repeat(201) }),
      'orderId',
    ],
  ])('refuses %s, naming the field', (_name, text, field) => {
    expect(readFlexFactorWebhook(text)).toMatchObject({ kind: 'invalid', field });
  });
});
