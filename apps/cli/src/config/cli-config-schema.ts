import { providersConfigSchema } from '@orderbridge/config';
import { MAX_LIMIT } from '@orderbridge/core';
import { z } from 'zod';
import { OUTPUT_FORMATS } from '../output/output-format.js';

/** Defaults a config file can set for the order commands; flags and environment override them. */
export const cliDefaultsSchema = z.strictObject({
  /** Output format of `orders list` and `orders get` when `--format` is absent. */
  format: z
    .enum(OUTPUT_FORMATS, { error: `must be one of ${OUTPUT_FORMATS.join(', ')}` })
    .optional(),
  /** Page size of `orders list` when `--limit` is absent. */
  limit: z
    .int({ error: 'must be a whole number' })
    .min(1, 'must be at least 1')
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
    .optional(),
  /** Mask emails and payment tokens by default (`--redact`). */
  redact: z.boolean({ error: 'must be true or false' }).optional(),
  /** Accept partial results by default (`--allow-partial`). */
  allowPartial: z.boolean({ error: 'must be true or false' }).optional(),
  /**
   * The order store of `sync`, `db` and `--source store` (`sqlite:./orderbridge.db`,
   * `postgres://...`; a relative SQLite path is relative to the working directory). A URL with a
   * password is better given as `ORDERBRIDGE_DATABASE_URL`.
   */
  database: z.string({ error: 'must be a database URL' }).min(1, 'must not be empty').optional(),
});

/**
 * `orderbridge.config.json`: the providers (as `@orderbridge/config` defines them) plus CLI
 * defaults. Unknown keys are errors, so a typo never silently does nothing.
 */
export const cliConfigSchema = z.strictObject({
  ...providersConfigSchema.shape,
  providers: providersConfigSchema.shape.providers.optional(),
  defaults: cliDefaultsSchema.optional(),
});

/** A validated `orderbridge.config.json`. */
export type CliConfig = z.output<typeof cliConfigSchema>;
/** The `defaults` section of the config file. */
export type CliDefaults = z.output<typeof cliDefaultsSchema>;

/** The config file looked for in the working directory when neither `--config` nor `ORDERBRIDGE_CONFIG` is set. */
export const DEFAULT_CONFIG_FILE = 'orderbridge.config.json';
