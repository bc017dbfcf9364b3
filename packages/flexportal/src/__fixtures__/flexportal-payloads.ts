// FlexPortal payloads written by hand from the documented schema (docs/providers/flexportal.md §1.7, §1.8,
// §1.9; OpenAPI of FP-LIST / FP-GET). Values are fake. Each function returns a fresh copy, so a
// test can change a field without affecting another test.

/** Every documented field of an order set, including the optional ones (an `upgrade` order). */
export function fullOrder(): Record<string, unknown> {
  return {
    orderId: 'ord_7Qm2xk',
    tenantId: 'bu_42',
    status: 'partial',
    orderType: 'upgrade',
    customer: {
      customerId: 'cust_91ab',
      email: 'ops@example.org',
      firstName: 'Lena',
      lastName: 'Vos',
      company: 'Example BV',
      phone: '+31 20 000 0000',
      customerType: 'business',
    },
    billingAddress: {
      contactName: 'Lena Vos',
      company: 'Example BV',
      streetAddress: 'Keizersgracht 1',
      buildingInfo: '2nd floor',
      locality: 'Grachtengordel',
      city: 'Amsterdam',
      adminArea: 'Noord-Holland',
      postalCode: '1015 AA',
      country: 'Netherlands',
    },
    shippingAddress: {
      contactName: 'Lena Vos',
      streetAddress: 'Keizersgracht 1',
      city: 'Amsterdam',
      country: 'Netherlands',
      postalCode: null,
    },
    items: [
      {
        sku: 'LAPTOP-14-A',
        productName: 'Laptop 14 (grade A)',
        quantity: 2,
        unitPrice: 39.5,
        contractLength: 24,
        productId: 'prod_1',
        variantId: 'var_1',
        productImageUrl: 'https://images.example.org/laptop-14.png',
        listPrice: 1299,
        listPriceSource: 'variant',
        acquisitionCost: 900.1,
        acquisitionCostSource: 'manual',
        listPriceOverride: 1249.99,
        acquisitionCostOverride: 880,
        usedListPriceAsAcquisition: false,
        rentalIds: ['sub_a1'],
        rentalStatus: 'partial',
      },
      {
        sku: 'DOCK-USB-C',
        productName: 'USB-C dock',
        quantity: 1,
        unitPrice: 4.99,
        contractLength: 12,
      },
    ],
    totals: {
      subtotal: 83.99,
      taxAmount: 17.64,
      total: 101.63,
      currency: 'EUR',
      totalDevices: 3,
    },
    payment: {
      status: 'paid',
      method: 'stripe',
      transactionId: 'pi_fake_123',
      paidAmount: 101.63,
      manuallyMarked: false,
    },
    customFields: { purchaseOrderNumber: 'PO-1', costCenter: 42 },
    rentalProgress: { totalDevices: 3, rentedDevices: 1 },
    rentalIds: ['sub_a1'],
    billingGroupId: 'bg_7',
    trackingNumber: 'TRACK-0001',
    shippedAt: '2025-03-03',
    createdAt: '2025-03-01T10:12:00+01:00',
    updatedAt: '2025-03-02T10:00:00.123456Z',
    createdBy: 'api',
    notes: 'Deliver to reception.',
    upgradeDetails: {
      previousDevice: 'Laptop 13',
      previousSerialNumber: 'SN-0001',
      previousMonthlyAmount: 29.9,
      previousRentalId: 'sub_old',
      upgradeReason: 'faster machine',
    },
  };
}

/** Only the fields the OpenAPI `required` lists demand (a `standard` order with no payment). */
export function minimalOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 'ord_min1',
    tenantId: 'bu_42',
    status: 'pending',
    orderType: 'standard',
    customer: {
      customerId: 'cust_min',
      email: 'min@example.org',
      firstName: 'Ada',
      lastName: 'Min',
    },
    billingAddress: {
      contactName: 'Ada Min',
      streetAddress: 'Main St 1',
      city: 'Springfield',
      country: 'US',
    },
    shippingAddress: {
      contactName: 'Ada Min',
      streetAddress: 'Main St 1',
      city: 'Springfield',
      country: 'US',
    },
    items: [
      { sku: 'PHONE-X', productName: 'Phone X', quantity: 1, unitPrice: 19, contractLength: 12 },
    ],
    totals: { subtotal: 19, total: 19, currency: 'USD', totalDevices: 1 },
    rentalProgress: { totalDevices: 1, rentedDevices: 0 },
    rentalIds: [],
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    createdBy: 'usr_1',
    ...overrides,
  };
}

/** A `GET /v1/orders` envelope (docs/providers/flexportal.md §1.4): all five keys present. */
export function listPage(
  orders: unknown[],
  options: { hasMore?: boolean; nextCursor?: string | null; limit?: number } = {},
): Record<string, unknown> {
  return {
    orders,
    count: orders.length,
    limit: options.limit ?? 50,
    hasMore: options.hasMore ?? false,
    nextCursor: options.nextCursor ?? null,
  };
}

/** A FlexPortal error body (docs/providers/flexportal.md §1.9). */
export function errorBody(
  code: string,
  message: string,
  details?: Array<{ path: string; message: string; code?: string }>,
): Record<string, unknown> {
  return { error: { code, message, ...(details ? { details } : {}) } };
}
