import type { FlexFactorRow } from './flexfactor-schema.js';

/**
 * The two rows of the response example in FF-LIST (docs/providers/flexfactor.md), verbatim
 * (including `"amount": 3`, `"formattedAmount": "$3"` and the lower-case `"statusName"`). They are
 * part of every generated FlexFactor dataset, so the seed's example request
 * (`status=7&from=2024-03-01T00:00:00Z&to=2024-03-31T23:59:59Z&pageSize=10&pageNumber=1`) returns
 * exactly the seed's example response: generated orders never fall in March 2024.
 */
export const FLEXFACTOR_SEED_ROWS: readonly Readonly<FlexFactorRow>[] = [
  {
    id: '12345678-abcd-1234-efgh-ijklmnopqrst',
    isGhostMode: false,
    payerName: 'John Appleseed',
    merchantName: 'GenericStore',
    merchantId: 'abcd-efgh-ijkl-mnop-qrstuvwx1234',
    referenceNumber: 'ref1234567890',
    storeName: 'Example Store',
    storeId: 'store123',
    status: 7,
    statusName: 'completed',
    amount: 45.65,
    formattedAmount: '$45.65',
    currencyCode: 'USD',
    currencySymbol: '$',
    createdOn: '2024-03-06T10:09:18.437947Z',
    orderPlacedDate: '2024-03-06T10:09:25.337202Z',
    expiryDate: null,
    payoutStatus: null,
    refundsAmount: 0,
    descriptor: 'product-description',
    paymentInstrumentToken: 'token12345678901234567890',
    isMIT: false,
    siteId: 'site1234567',
  },
  {
    id: 'abcdef12-3456-7890-abcd-efghijklmnop',
    isGhostMode: false,
    payerName: 'Jane Doe',
    merchantName: 'GenericStore',
    merchantId: 'abcd-efgh-ijkl-mnop-qrstuvwx1234',
    referenceNumber: 'ref0987654321',
    storeName: 'Example Store',
    storeId: 'store123',
    status: 7,
    statusName: 'completed',
    amount: 3,
    formattedAmount: '$3',
    currencyCode: 'USD',
    currencySymbol: '$',
    createdOn: '2024-03-06T09:43:07.387804Z',
    orderPlacedDate: '2024-03-06T09:43:24.254865Z',
    expiryDate: null,
    payoutStatus: null,
    refundsAmount: 0,
    descriptor: 'product-description',
    paymentInstrumentToken: 'token12345678901234567890',
    isMIT: false,
    siteId: 'site1234567',
  },
];
