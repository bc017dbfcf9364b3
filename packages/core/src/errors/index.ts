export { AuthenticationError } from './authentication-error.js';
export { ConfigurationError } from './configuration-error.js';
export {
  errorFromProviderResponse,
  kindForStatus,
  type ProviderErrorDescription,
  type ProviderErrorInput,
} from './error-from-status.js';
export { InvalidQueryError, type QueryIssue } from './invalid-query-error.js';
export { NotFoundError } from './not-found-error.js';
export { OrderBridgeError, type OrderBridgeErrorOptions } from './orderbridge-error.js';
export { PermissionError } from './permission-error.js';
export {
  ProviderApiError,
  type ProviderApiErrorKind,
  type ProviderApiErrorOptions,
} from './provider-api-error.js';
export { ProviderResponseError, type ResponseIssue } from './provider-response-error.js';
export { ProviderUnavailableError } from './provider-unavailable-error.js';
export { RateLimitError } from './rate-limit-error.js';
export { redactHeaders, redactSecrets, registerSecret, unregisterSecret } from './redact.js';
export { TimeoutError } from './timeout-error.js';
export { TransportError } from './transport-error.js';
