import { z } from '@hono/zod-openapi';

/** A field with its description (the OpenAPI document describes every field). */
const text = (description: string) => z.string().openapi({ description });
const nullableText = (description: string) => z.string().nullable().openapi({ description });
const integer = (description: string) => z.number().int().openapi({ description });
const nullableInteger = (description: string) =>
  z.number().int().nullable().openapi({ description });
const count = (description: string) => z.number().int().min(0).openapi({ description });
const minor = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description}, in minor units of \`currency\`.` });

const provider = () => text('Provider id.');
const currency = () => text('ISO 4217 code of `totals.total`: no amount mixes two currencies.');

/** One row of the revenue report. */
export const revenueRowSchema = z
  .object({
    period: text(
      'UTC day (`2025-03-03`), ISO week by its Monday (`2025-03-03`), or month (`2025-03`) of `createdAt`.',
    ),
    provider: provider(),
    currency: currency(),
    orders: count('Orders created in the period.'),
    byStatus: z
      .record(z.string(), z.number().int())
      .openapi({ description: 'Those orders per lifecycle status (statuses that occur).' }),
    amountMinor: minor('Σ `totals.total`'),
    capturedOrders: count(
      'Orders whose `paymentStatus` is paid, refunded, partially_refunded or disputed.',
    ),
    capturedMinor: minor('Σ `totals.total` of the captured orders'),
    refundedOrders: count('Orders with a refund above zero in the total’s currency.'),
    refundedMinor: minor('Σ `totals.refunded` in the total’s currency'),
    netMinor: minor('`capturedMinor − refundedMinor`'),
    awaitingCaptureOrders: count('Orders whose `paymentStatus` is requires_capture.'),
    awaitingCaptureMinor: minor('Σ `totals.total` awaiting capture'),
    cancelledOrFailedOrders: count('Orders whose `status` is cancelled or failed.'),
    refundsInOtherCurrency: count(
      'Orders refunded in another currency than their total (not in refundedMinor).',
    ),
  })
  .openapi('RevenueRow');

/** The revenue report. */
export const revenueReportSchema = z
  .object({
    by: z.enum(['day', 'week', 'month']).openapi({ description: 'The period the rows group by.' }),
    rows: z
      .array(revenueRowSchema)
      .openapi({ description: 'One row per period, provider and currency, sorted so.' }),
    freshness: z
      .array(
        z.object({
          provider: provider(),
          lastSyncAt: nullableText('When a sync run of the provider last completed, or null.'),
          lastSeenAt: nullableText(
            'When one of its orders was last seen at the provider, or null.',
          ),
        }),
      )
      .openapi({ description: 'How current the stored orders are, per provider.' }),
  })
  .openapi('RevenueReport');

/** The fulfilment queue report. */
export const fulfillmentReportSchema = z
  .object({
    asOf: text('The time ages are measured from (ISO 8601 UTC).'),
    total: count('Orders in the queue (all of them, whatever `limit`).'),
    byStatus: z
      .array(
        z.object({
          status: text('Lifecycle status.'),
          fulfillmentStatus: text('Fulfilment status.'),
          orders: count('Queue orders with this pair.'),
        }),
      )
      .openapi({ description: 'Queue orders per (status, fulfillmentStatus).' }),
    byAge: z
      .array(
        z.object({
          bucket: text('Age bucket: 0-1d, 1-3d, 3-7d, 7-14d, 14-30d or 30d+.'),
          orders: count('Queue orders of this age.'),
        }),
      )
      .openapi({ description: 'Queue orders per age bucket, every bucket, youngest first.' }),
    queue: z
      .array(
        z.object({
          key: text('Order key.'),
          provider: provider(),
          orderId: text('The provider’s order id.'),
          status: text('Lifecycle status.'),
          fulfillmentStatus: text('unfulfilled or partially_fulfilled.'),
          createdAt: text('When the order was created (ISO 8601 UTC).'),
          ageDays: count('Whole days from `createdAt` to `asOf`.'),
          unitsDone: nullableInteger('`fulfillment.done`: units fulfilled (devices rented).'),
          unitsTotal: nullableInteger('`fulfillment.total`: units ordered (devices).'),
          currency: currency(),
          amountMinor: minor('`totals.total`'),
        }),
      )
      .openapi({ description: 'The oldest `limit` queue orders, oldest first.' }),
  })
  .openapi('FulfillmentReport');

/** The merchants report. */
export const merchantsReportSchema = z
  .object({
    asOf: text('The time "stuck" is measured from (ISO 8601 UTC).'),
    stuckAfterDays: integer('Awaiting capture longer than this many days is an anomaly.'),
    rows: z
      .array(
        z.object({
          provider: provider(),
          merchantId: nullableText(
            '`merchant.id`; null for orders without a merchant (FlexPortal).',
          ),
          merchantName: nullableText('`merchant.name`.'),
          currency: currency(),
          orders: count('Orders.'),
          amountMinor: minor('Σ `totals.total`'),
          byStatus: z
            .record(z.string(), z.number().int())
            .openapi({ description: 'Orders per lifecycle status (statuses that occur).' }),
          capturedMinor: minor('Σ `totals.total` of captured orders'),
          refundedMinor: minor('Σ `totals.refunded` in the total’s currency'),
          netMinor: minor('`capturedMinor − refundedMinor`'),
          awaitingCaptureOrders: count('Orders whose `paymentStatus` is requires_capture.'),
          awaitingCaptureMinor: minor('Σ of the orders awaiting capture'),
          problemOrders: count('Orders whose `status` is failed or on_hold.'),
          problemMinor: minor('Σ of the problem orders'),
          chargebackOrders: count('Orders whose `paymentStatus` is disputed.'),
          chargebackMinor: minor('Σ of the disputed orders'),
          anomalies: count('Anomalies of this merchant and currency.'),
        }),
      )
      .openapi({ description: 'One row per provider, merchant and currency.' }),
    anomalies: z
      .array(
        z.object({
          kind: z
            .enum([
              'refund_exceeds_amount',
              'refund_in_other_currency',
              'stuck_awaiting_capture',
              'unknown_status',
            ])
            .openapi({ description: 'What is wrong (docs/reports.md).' }),
          provider: provider(),
          merchantId: nullableText('`merchant.id`.'),
          key: text('Order key.'),
          currency: currency(),
          amountMinor: minor('`totals.total`'),
          createdAt: text('When the order was created.'),
          detail: text('What is wrong, with the figures.'),
        }),
      )
      .openapi({ description: 'Each anomalous order, oldest first.' }),
  })
  .openapi('MerchantsReport');

const VERDICTS = [
  'matched',
  'amount_mismatch',
  'currency_mismatch',
  'status_mismatch',
  'missing_in_provider',
  'missing_in_ledger',
  'duplicate_in_ledger',
  'ambiguous_reference',
] as const;
const verdictSchema = z.enum(VERDICTS).openapi({ description: 'The verdict (docs/reports.md).' });

/** The reconciliation. */
export const reconcileReportSchema = z
  .object({
    rows: z
      .array(
        z.object({
          verdict: verdictSchema,
          line: nullableInteger(
            'Ledger line number (1 is the header); null for missing_in_ledger.',
          ),
          reference: nullableText('The ledger’s reference, or the order’s reference number.'),
          ledgerAmount: nullableText('The ledger’s amount as written (major units).'),
          ledgerAmountMinor: nullableInteger('The ledger’s amount in minor units of its currency.'),
          ledgerCurrency: nullableText('The ledger’s currency.'),
          ledgerStatus: nullableText('The ledger’s status, if any.'),
          orderKey: nullableText('The matched order.'),
          provider: nullableText('The matched order’s provider.'),
          orderAmountMinor: nullableInteger('The order’s `totals.total` in minor units.'),
          orderCurrency: nullableText('The order’s currency.'),
          orderStatus: nullableText('The order’s lifecycle status.'),
          orderPaymentStatus: nullableText('The order’s payment status.'),
          orderCreatedAt: nullableText('When the order was created.'),
          detail: text('Why the verdict.'),
        }),
      )
      .openapi({
        description: 'Ledger lines in file order, then orders no line names, oldest first.',
      }),
    summary: z
      .object(
        Object.fromEntries(
          VERDICTS.map((verdict) => [verdict, count(`Rows whose verdict is ${verdict}.`)]),
        ) as Record<(typeof VERDICTS)[number], z.ZodNumber>,
      )
      .openapi({ description: 'A count per verdict, every verdict listed.' }),
    differences: count('Rows whose verdict is not matched (the CLI exits 4 when above zero).'),
  })
  .openapi('ReconcileReport');
