export {
  createWebhookReceiver,
  type OrderBridgeEvent,
  type WebhookReceiverSettings,
} from './create-webhook-receiver.js';
