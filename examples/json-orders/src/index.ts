export {
  type AcmeLine,
  type AcmeOrder,
  acmeErrorSchema,
  acmeLineSchema,
  acmeListSchema,
  acmeOrderSchema,
} from './acme-api.js';
export { describeAcmeError } from './acme-error.js';
export {
  ACME_DOCUMENTED_STATES,
  acmeStatusMap,
  type MappedAcmeOrder,
  mapAcmeOrder,
} from './acme-mapper.js';
export { acmeSettingsSchema, createProvider, createProvider as default } from './acme-module.js';
export {
  ACME_API_KEY_VARIABLE,
  ACME_CAPABILITIES,
  type AcmeOrdersSettings,
  createAcmeOrders,
} from './acme-provider.js';
export {
  type AcmeSimulator,
  type AcmeSimulatorFaults,
  type AcmeSimulatorOptions,
  generateAcmeOrders,
  startAcmeSimulator,
} from './acme-simulator.js';
