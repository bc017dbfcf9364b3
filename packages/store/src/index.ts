export { createOrderStore, type OrderStoreSettings } from './create-order-store.js';
export * from './order-store.js';
export { StoreUnavailableError } from './store-unavailable-error.js';
export { DATABASE_URL_VARIABLE, describeStoreUrl } from './store-url.js';
