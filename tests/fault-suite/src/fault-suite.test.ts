import { describeCanarySweep } from './scenarios/canary-sweep.js';
import { describeCliExport } from './scenarios/cli-export.js';
import { describeForgedCursors } from './scenarios/forged-cursors.js';
import { describeLibraryResume } from './scenarios/library-resume.js';
import { describePageWalkModel } from './scenarios/page-walk-model.js';
import { describeProviderDown } from './scenarios/provider-down.js';
import { describeSchemaDrift } from './scenarios/schema-drift.js';
import { describeServiceHttp } from './scenarios/service-http.js';
import { describeSyncKills } from './scenarios/sync-kills.js';
import { describeTokenExpiry } from './scenarios/token-expiry.js';
import { describeTransportFaults } from './scenarios/transport-faults.js';
import { describeWebhookOutbox } from './scenarios/webhook-outbox.js';
import { describeWorkerCluster } from './scenarios/worker-cluster.js';

// One file, so that the scenarios run in a fixed order and the canary sweep runs last, over
// everything the scenarios collected (vitest runs separate files in separate workers, in no
// guaranteed order).
describeTransportFaults();
describeSchemaDrift();
describeTokenExpiry();
describePageWalkModel();
describeProviderDown();
describeLibraryResume();
describeForgedCursors();
describeCliExport();
describeServiceHttp();
describeSyncKills();
describeWebhookOutbox();
describeWorkerCluster();
// Last: it searches everything the scenarios above collected.
describeCanarySweep();
