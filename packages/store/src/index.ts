export * from './order-store.js';
