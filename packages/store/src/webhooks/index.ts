export {
  createWebhookDeliverer,
  type DeliveryRound,
  type WebhookAttemptEvent,
  type WebhookDeliverer,
  type WebhookDelivererSettings,
} from './webhook-deliverer.js';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType, webhookEventOf } from './webhook-events.js';
export {
  DEFAULT_RETRY_SCHEDULE,
  retryDelayMs,
  type WebhookRetrySchedule,
} from './webhook-retry-schedule.js';
export {
  MAX_DELIVERY_PAGE,
  type NewWebhookEndpoint,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookEndpoint,
  WebhookStore,
} from './webhook-store.js';
export {
  isAllowedAddress,
  MAX_WEBHOOK_URL_LENGTH,
  type WebhookAddressPolicy,
  webhookUrlProblems,
} from './webhook-url.js';
