export {
  FULFILLMENT_AGE_BUCKETS,
  type FulfillmentQueueRow,
  type FulfillmentReport,
  type FulfillmentReportOptions,
  fulfillmentReport,
  QUEUE_FULFILLMENT_STATUSES,
} from './fulfillment-report.js';
export { LEDGER_REQUIRED_COLUMNS, type LedgerLine, parseLedgerCsv } from './ledger-csv.js';
export {
  CHARGEBACK_PAYMENT_STATUSES,
  MERCHANT_ANOMALY_KINDS,
  type MerchantAnomaly,
  type MerchantAnomalyKind,
  type MerchantRow,
  type MerchantsReport,
  type MerchantsReportOptions,
  merchantsReport,
  PROBLEM_STATUSES,
} from './merchants-report.js';
export {
  RECONCILE_VERDICTS,
  type ReconcileReport,
  type ReconcileReportOptions,
  type ReconcileRow,
  type ReconcileVerdict,
  reconcileReport,
} from './reconcile-report.js';
export { type ProviderFreshness, reportFreshness } from './report-freshness.js';
export { CAPTURED_PAYMENT_STATUSES, FINAL_STATUSES, type ReportWindow } from './report-query.js';
export {
  REVENUE_PERIODS,
  type RevenuePeriod,
  type RevenueReport,
  type RevenueReportOptions,
  type RevenueRow,
  revenueReport,
} from './revenue-report.js';
