#!/usr/bin/env node
import { createServer } from 'node:http';
import { createWebhookReceiver } from './create-webhook-receiver.js';

// A receiver to try OrderBridge's webhooks with: prints one line per event.
//   WEBHOOK_SECRET=whsec_… PORT=4000 node dist/main.js
const secret = process.env.WEBHOOK_SECRET;
if (secret === undefined || !secret.startsWith('whsec_')) {
  process.stderr.write('Set WEBHOOK_SECRET to the whsec_… secret POST /v1/webhooks returned.\n');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 4000);
const server = createServer(
  createWebhookReceiver({
    secret,
    onEvent: (event, webhookId) => {
      const { change } = event.data;
      process.stdout.write(`${webhookId} ${event.type} ${change.key} seq=${change.seq}\n`);
    },
  }),
);
server.listen(port, '127.0.0.1', () => {
  process.stderr.write(`listening on http://127.0.0.1:${port}/\n`);
});
