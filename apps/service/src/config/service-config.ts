import { ConfigurationError } from '@orderbridge/core';
import { readServiceEnvironment } from './service-environment.js';
import { loadTenantsFile, type TenantEntry } from './tenants-file.js';

/** Default port. */
export const DEFAULT_PORT = 8080;
/** Default interface: loopback only, so a demo is never exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
/** Default grace period for in-flight requests at shutdown, in ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Default interval of the provider checks behind `/readyz`, in ms. */
export const DEFAULT_READINESS_INTERVAL_MS = 30_000;

/** Settings given on the command line; they win over the environment. */
export interface CommandLineOptions {
  /** `--tenants <file>`. */
  tenantsFile?: string | undefined;
  /** `--port <n>`. */
  port?: number | undefined;
  /** `--host <address>`. */
  host?: string | undefined;
}

/** Settings shared by both modes. */
interface CommonConfig {
  port: number;
  host: string;
  logLevel: string;
  redact: boolean;
  shutdownTimeoutMs: number;
  readinessIntervalMs: number;
}

/** Production: tenants from a file, a shared cursor secret. */
export interface ProductionConfig extends CommonConfig {
  mode: 'production';
  /** Absolute path of the tenants file. */
  tenantsFile: string;
  /** Folder the file's relative module paths resolve against. */
  baseDir: string;
  /** The validated tenants. */
  tenants: TenantEntry[];
  /** Secret that signs cursors; every instance must have the same. */
  cursorSecret: string;
}

/** Demo: no configuration; the embedded sandbox and a demo tenant. */
export interface DemoConfig extends CommonConfig {
  mode: 'demo';
  /** A cursor secret from the environment, or undefined for a random one per process. */
  cursorSecret: string | undefined;
}

/** The validated configuration of a service process. */
export type ServiceConfig = ProductionConfig | DemoConfig;

/**
 * Reads the configuration from the environment and the command line. With a tenants file
 * (`--tenants` or `ORDERBRIDGE_TENANTS_FILE`) the service runs in production mode and needs
 * `ORDERBRIDGE_CURSOR_SECRET`; without one it runs the embedded demo.
 * @throws ConfigurationError naming the variable, or the file and key, that is wrong.
 */
export async function loadServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: CommandLineOptions = {},
): Promise<ServiceConfig> {
  const environment = readServiceEnvironment(env);
  const common: CommonConfig = {
    port: options.port ?? environment.PORT ?? DEFAULT_PORT,
    host: options.host ?? environment.HOST ?? DEFAULT_HOST,
    logLevel: environment.LOG_LEVEL ?? 'info',
    redact: environment.ORDERBRIDGE_REDACT ?? false,
    shutdownTimeoutMs: environment.ORDERBRIDGE_SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    readinessIntervalMs:
      environment.ORDERBRIDGE_READINESS_INTERVAL_MS ?? DEFAULT_READINESS_INTERVAL_MS,
  };
  const tenantsPath = options.tenantsFile ?? environment.ORDERBRIDGE_TENANTS_FILE;
  if (tenantsPath === undefined) {
    return { ...common, mode: 'demo', cursorSecret: environment.ORDERBRIDGE_CURSOR_SECRET };
  }
  const cursorSecret = environment.ORDERBRIDGE_CURSOR_SECRET;
  if (cursorSecret === undefined) {
    throw new ConfigurationError({
      setting: 'cursorSecret',
      environmentVariable: 'ORDERBRIDGE_CURSOR_SECRET',
      message:
        'ORDERBRIDGE_CURSOR_SECRET is not set: with a tenants file the service needs a secret of at least 32 bytes to sign cursors, the same on every instance (e.g. "openssl rand -base64 48")',
    });
  }
  const file = await loadTenantsFile(tenantsPath);
  return {
    ...common,
    mode: 'production',
    tenantsFile: file.path,
    baseDir: file.baseDir,
    tenants: file.tenants,
    cursorSecret,
  };
}
