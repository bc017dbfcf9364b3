import { UsageError } from '../errors/usage-error.js';
import { suggestClosest } from '../query/suggest-closest.js';

/** Output formats of the order commands. */
export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
/** An output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * Reads a `--format` value (or `ORDERBRIDGE_FORMAT`, or the config file's default), restricted to
 * the formats a command supports.
 * @throws UsageError naming where the value came from and the allowed formats.
 */
export function parseOutputFormat(
  value: string,
  source: string,
  allowed: readonly OutputFormat[] = OUTPUT_FORMATS,
): OutputFormat {
  const normalized = value.trim().toLowerCase();
  const match = allowed.find((format) => format === normalized);
  if (match) return match;
  const closest = suggestClosest(normalized, allowed);
  throw new UsageError(
    `${source}: "${value}" is not a supported format${closest ? ` (did you mean "${closest}"?)` : ''}. Allowed: ${allowed.join(', ')}.`,
  );
}

/** The formats of the commands that print records rather than orders (sync, db, providers). */
export type RecordFormat = 'table' | 'json' | 'ndjson';

/**
 * `--format` of a command that prints records: the flag, else a table on a terminal and NDJSON in
 * a pipe.
 * @throws UsageError for a format other than table, json or ndjson.
 */
export function chooseRecordFormat(
  flag: string | undefined,
  stdout: { readonly isTTY?: boolean | undefined },
): RecordFormat {
  if (flag !== undefined) {
    return parseOutputFormat(flag, '--format', ['table', 'json', 'ndjson']) as RecordFormat;
  }
  return stdout.isTTY ? 'table' : 'ndjson';
}
