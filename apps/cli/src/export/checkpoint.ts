import { createHash } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import { FLAG_OF_FIELD } from '../query/query-flags.js';
import { EXPORT_FORMATS } from './export-format.js';

/** Version of the checkpoint file format; a file of another version is refused, not guessed at. */
export const CHECKPOINT_VERSION = 1;

/**
 * What decides which bytes an export writes: the query as typed (relative dates stay `7d`, so the
 * same command matches), providers, format, fields, redaction and raw payloads. A resume must have
 * the same arguments, or it would append different data to the file.
 */
export const exportArgumentsSchema = z.strictObject({
  /** The query's filters and sort (normalised; relative dates as typed). */
  query: z.record(z.string(), z.unknown()),
  /** `--provider` ids, sorted; empty for all. */
  providers: z.array(z.string()),
  /** Output format. */
  format: z.enum(EXPORT_FORMATS),
  /** `--fields`, as given; null for all. */
  fields: z.array(z.string()).nullable(),
  /** `--redact`. */
  redact: z.boolean(),
  /** `--include-raw`. */
  includeRaw: z.boolean(),
  /** `store` for `--source store`; absent for an export from the providers. */
  source: z.literal('store').optional(),
});
/** The arguments of an export, as a checkpoint records them. */
export type ExportArguments = z.output<typeof exportArgumentsSchema>;

/**
 * An export's progress on disk. Everything up to `bytesWritten` of `output` is complete and
 * durable (fsync'ed before the checkpoint was written); `cursor` resumes right after the last of
 * the `ordersWritten` orders in it.
 */
export const checkpointSchema = z.strictObject({
  version: z.literal(CHECKPOINT_VERSION),
  /** The command that wrote it. */
  command: z.literal('orders export'),
  /** The export's arguments (compared on `--resume`). */
  arguments: exportArgumentsSchema,
  /** Hash of `arguments`, for a quick comparison. */
  fingerprint: z.string(),
  /** The resolved canonical query (absolute dates), used on resume so `7d` keeps its original window. */
  query: z.record(z.string(), z.unknown()),
  /** Absolute path of the output file. */
  output: z.string(),
  /** Bytes of the output file that are complete. */
  bytesWritten: z.int().min(0),
  /** Orders in those bytes. */
  ordersWritten: z.int().min(0),
  /**
   * Records the providers sent that failed validation and were not exported (each reported as an
   * `invalid-record` warning); absent in checkpoints of older versions.
   */
  recordsDropped: z.int().min(0).optional(),
  /** Composite cursor resuming after the last written order; null once everything was written. */
  cursor: z.string().nullable(),
  /** True once the export finished; `--resume` then has nothing to do. */
  complete: z.boolean(),
  /** When the export started (ISO 8601). */
  startedAt: z.string(),
  /** When this checkpoint was written (ISO 8601). */
  updatedAt: z.string(),
});
/** An export checkpoint. */
export type Checkpoint = z.output<typeof checkpointSchema>;

/** A stable hash of export arguments (key order does not matter). */
export function fingerprintArguments(args: ExportArguments): string {
  return createHash('sha256')
    .update(stableJson(args) ?? '')
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Writes a checkpoint atomically: a temporary file is written and fsync'ed, then renamed over the
 * old one, then the folder is fsync'ed, so a crash at any moment leaves either the old or the new
 * checkpoint, never a torn one.
 */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    // Whatever failed (a full disk while writing, a rename), no temporary file stays behind.
    await rm(temporary, { force: true });
    throw new OutputError(path, error);
  }
  await syncDirectory(dirname(path));
}

/**
 * Reads and validates a checkpoint; undefined when the file does not exist.
 * @throws UsageError when the file is not a checkpoint of this version.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw new UsageError(`--checkpoint: cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--checkpoint: ${path} is not a checkpoint (not JSON).`, {
      hint: 'Point --checkpoint at the file an earlier "orderbridge orders export --checkpoint" wrote, or delete it to start over.',
    });
  }
  const result = checkpointSchema.safeParse(json);
  if (!result.success) {
    const version = (json as { version?: unknown } | null)?.version;
    throw new UsageError(
      version !== undefined && version !== CHECKPOINT_VERSION
        ? `--checkpoint: ${path} has version ${String(version)}; this orderbridge reads version ${CHECKPOINT_VERSION}.`
        : `--checkpoint: ${path} is not a valid checkpoint (${result.error.issues[0]?.path.join('.') || 'top level'}: ${result.error.issues[0]?.message}).`,
      { hint: 'Delete it to start the export over.' },
    );
  }
  return result.data;
}

/**
 * Checks that a checkpoint belongs to this command: same output file and same arguments.
 * @throws UsageError naming each difference.
 */
export function assertResumable(
  checkpoint: Checkpoint,
  expected: { output: string; arguments: ExportArguments },
  path: string,
): void {
  const differences: string[] = [];
  if (checkpoint.output !== expected.output) {
    differences.push(`--output (checkpoint: ${checkpoint.output}; now: ${expected.output})`);
  }
  if (checkpoint.fingerprint !== fingerprintArguments(expected.arguments)) {
    const before = checkpoint.arguments as Record<string, unknown>;
    const now = expected.arguments as Record<string, unknown>;
    // Both sides' keys: a setting only one of them records (`source`) differs too.
    for (const key of new Set([...Object.keys(before), ...Object.keys(now)])) {
      if (key === 'query') continue;
      if (stableJson(before[key]) !== stableJson(now[key])) {
        differences.push(
          `${flagOf(key)} (checkpoint: ${stableJson(before[key]) ?? 'not set'}; now: ${stableJson(now[key]) ?? 'not set'})`,
        );
      }
    }
    const queryBefore = checkpoint.arguments.query;
    const queryNow = expected.arguments.query;
    for (const key of new Set([...Object.keys(queryBefore), ...Object.keys(queryNow)])) {
      if (stableJson(queryBefore[key]) !== stableJson(queryNow[key])) {
        differences.push(
          `${flagOf(key)} (checkpoint: ${stableJson(queryBefore[key]) ?? 'not set'}; now: ${stableJson(queryNow[key]) ?? 'not set'})`,
        );
      }
    }
  }
  if (differences.length > 0) {
    throw new UsageError(
      `--resume: the checkpoint ${path} was written by a different export: ${differences.join(', ')}.`,
      {
        hint: 'Repeat the original command with --resume, or delete the checkpoint to start over.',
      },
    );
  }
}

/** The flag of each setting a checkpoint records: the query's flags, then the export's own. */
const FLAGS: Readonly<Record<string, string>> = {
  ...FLAG_OF_FIELD,
  providers: '--provider',
  format: '--format',
  fields: '--fields',
  redact: '--redact',
  includeRaw: '--include-raw',
  source: '--source',
};

function flagOf(key: string): string {
  return FLAGS[key] ?? key;
}

/** JSON with object keys sorted, so equal values always serialise the same. */
export function stableJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    return Object.fromEntries(
      Object.entries(inner as Record<string, unknown>).sort(([left], [right]) =>
        left.localeCompare(right),
      ),
    );
  });
}

async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse to fsync a directory; the rename is still atomic there.
  }
}
