import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEXFACTOR_SEED_ROWS,
  type FlexFactorRow,
  flexFactorEnvelopeFailureSchema,
  flexFactorOrderDetailSchema,
  type Sandbox,
  startSandbox,
} from '../src/index.js';
import { flexFactorGet, flexFactorToken } from './support/sandbox-http.js';

/** FF-GET's documented fields, in order (the list is cut off after currencySymbol). */
const DOCUMENTED = [
  'id',
  'correlationId',
  'referenceNumber',
  'status',
  'statusName',
  'orderPlacedDate',
  'expiryDate',
  'billingAddress',
  'shippingAddress',
  'firstName',
  'lastName',
  'email',
  'phone',
  'secondaryEmail',
  'currencyCode',
  'currencySymbol',
];

// docs/providers/flexfactor.md §2.6.
describe('FlexFactor GET /v1/orders/{id}', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 50, seed: 2 });
    token = await flexFactorToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it('returns the documented fields first, then every other row field', async () => {
    const row = sandbox.flexfactor.store.list()[20] as FlexFactorRow;
    const result = await flexFactorGet<Record<string, unknown>>(sandbox, `orders/${row.id}`, token);
    expect(result.status).toBe(200);
    const detail = flexFactorOrderDetailSchema.parse(result.json);
    expect(Object.keys(result.json).slice(0, DOCUMENTED.length)).toEqual(DOCUMENTED);
    // Every row field is there with the row's value, except statusName which is upper case here.
    for (const [key, value] of Object.entries(row)) {
      if (key === 'statusName') expect(detail.statusName).toBe(row.statusName.toUpperCase());
      else expect(result.json[key], key).toEqual(value);
    }
    expect(detail.firstName).toBe(row.payerName.split(' ')[0]);
    expect(sandbox.flexfactor.store.detail(row.id)).toEqual(result.json);
  });

  it('serves the seed rows too, with "COMPLETED"', async () => {
    const seedRow = FLEXFACTOR_SEED_ROWS[1] as FlexFactorRow;
    const result = await flexFactorGet<Record<string, unknown>>(
      sandbox,
      `orders/${seedRow.id}`,
      token,
    );
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      id: seedRow.id,
      statusName: 'COMPLETED',
      amount: 3,
      formattedAmount: '$3',
      firstName: 'Jane',
      lastName: 'Doe',
    });
  });

  it('answers an unknown id with 404 and the envelope failure', async () => {
    const result = await flexFactorGet(
      sandbox,
      'orders/00000000-0000-4000-8000-000000000000',
      token,
    );
    expect(result.status).toBe(404);
    const body = flexFactorEnvelopeFailureSchema.parse(result.json);
    expect(body).toEqual({
      success: false,
      result: null,
      status: 'FAILED',
      statusCode: '404001',
      errors: [
        {
          item1: 'Order 00000000-0000-4000-8000-000000000000 not found',
          item2: '404001',
          item3: 'ORDER_NOT_FOUND',
          item4: false,
        },
      ],
      customProperties: {},
    });
  });

  it('reflects updates and deletes', async () => {
    const row = sandbox.flexfactor.store.list()[30] as FlexFactorRow;
    sandbox.flexfactor.store.update(row.id, { status: 5, statusName: 'capturerequired' });
    const updated = await flexFactorGet<Record<string, unknown>>(
      sandbox,
      `orders/${row.id}`,
      token,
    );
    expect(updated.json.statusName).toBe('CAPTUREREQUIRED');
    sandbox.flexfactor.store.delete(row.id);
    expect((await flexFactorGet(sandbox, `orders/${row.id}`, token)).status).toBe(404);
  });
});
