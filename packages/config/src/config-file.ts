import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigurationError, formatPath } from '@orderbridge/core';
import { z } from 'zod';
import { entryId, type ProviderEntry, providerEntrySchema } from './provider-entry.js';

/** The providers part of a configuration file; apps extend it with their own keys. */
export const providersConfigSchema = z.object({
  /** Optional JSON schema reference for editors. */
  $schema: z.string().optional(),
  providers: z.array(providerEntrySchema).superRefine((entries, context) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const id = entryId(entry);
      const first = seen.get(id);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `repeats the provider id "${id}" of providers[${first}]; give each account its own "id"`,
        });
      }
      seen.set(id, index);
    });
  }),
});

/** A configuration file that was read and validated. */
export interface LoadedConfigFile<T> {
  /** Absolute path of the file. */
  path: string;
  /** Folder relative module paths resolve against. */
  baseDir: string;
  /** The validated content. */
  config: T;
}

/**
 * Reads and validates a JSON configuration file.
 * @throws ConfigurationError naming the file, the key and what was expected; or that the file is
 * missing or not JSON.
 */
export async function loadConfigFile<T extends z.ZodType>(
  path: string,
  schema: T,
): Promise<LoadedConfigFile<z.output<T>>> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigurationError({
      setting: 'config',
      message:
        code === 'ENOENT'
          ? `configuration file ${absolute} does not exist`
          : `cannot read configuration file ${absolute}: ${(error as Error).message}`,
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError({
      setting: 'config',
      message: `configuration file ${absolute} is not valid JSON: ${(error as Error).message}`,
    });
  }
  return {
    path: absolute,
    baseDir: dirname(absolute),
    config: parseConfig(schema, json, absolute),
  };
}

/**
 * Validates configuration content.
 * @throws ConfigurationError listing each bad key (`providers[0].apiKey: must not be empty`).
 */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  value: unknown,
  source: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return `${path ? `${path}: ` : ''}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    }
    return `${path || '(top level)'}: ${issue.message}`;
  });
  throw new ConfigurationError({
    setting: 'config',
    message: `invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`,
  });
}

/** The providers of a loaded configuration, with their ids. */
export function entriesWithIds(
  entries: readonly ProviderEntry[],
): Array<{ id: string; entry: ProviderEntry }> {
  return entries.map((entry) => ({ id: entryId(entry), entry }));
}
