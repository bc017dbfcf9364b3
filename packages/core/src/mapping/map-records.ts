import { z } from 'zod';
import { ProviderResponseError, type ResponseIssue } from '../errors/provider-response-error.js';
import type { Warning } from '../model/warning.js';
import { formatPath } from '../query/order-query.js';

/** A record mapped to its canonical form, with what the caller should know about it. */
export interface MappedRecord<T> {
  /** The canonical value. */
  value: T;
  /** Warnings about this record (e.g. an unknown status). */
  warnings: Warning[];
}

/** How `mapRecords` reads one page of records. */
export interface MapRecordsOptions<T> {
  /** Provider id, for warnings and errors. */
  provider: string;
  /** JSON path of the record array inside the response body, e.g. `orders`. */
  path: string;
  /** What was requested, for messages (`GET /v1/orders`). */
  operation: string;
  /** Throw on the first bad record instead of reporting it and delivering the rest. */
  strict?: boolean | undefined;
  /** HTTP status and request id of the response, carried by a strict-mode error. */
  status?: number | undefined;
  requestId?: string | undefined;
  /** The provider's id of a raw record, when it can be read (for the warning). */
  recordId(record: unknown): string | undefined;
  /**
   * Validates and maps one record.
   * @throws a `ZodError` or a `ProviderResponseError` (paths relative to the record) when the record
   * does not match the provider's schema; any other error is a bug and propagates.
   */
  map(record: unknown, index: number): MappedRecord<T>;
}

/**
 * Validates and maps each record of a page on its own. A record that does not match the schema is
 * not delivered: it becomes an `invalid-record` warning naming its id and the JSON path of each
 * violation (`orders[3].totals.total`), and the rest of the page is delivered. With `strict`, the
 * first bad record fails the call instead. Every provider maps its pages through this one loop.
 * @throws ProviderResponseError in strict mode, with the issues of the first bad record.
 */
export function mapRecords<T>(
  records: readonly unknown[],
  options: MapRecordsOptions<T>,
): { values: T[]; warnings: Warning[] } {
  const values: T[] = [];
  const warnings: Warning[] = [];
  // A plain loop, and the record's path built only for a bad record: this runs once per order.
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    let mapped: MappedRecord<T>;
    try {
      mapped = options.map(record, index);
    } catch (error) {
      const recordPath = `${options.path}[${index}]`;
      const issues = recordIssues(error, recordPath);
      if (!issues) throw error;
      const recordId = options.recordId(record);
      const described = `${recordId ? `order ${JSON.stringify(recordId)} (${recordPath})` : recordPath}`;
      const detail = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      if (options.strict) {
        throw new ProviderResponseError({
          provider: options.provider,
          issues,
          status: options.status,
          requestId: options.requestId,
          message: `${options.provider} ${options.operation} returned ${described}, which does not match the documented schema: ${detail}`,
        });
      }
      warnings.push({
        code: 'invalid-record',
        provider: options.provider,
        ...(recordId ? { recordId } : {}),
        issues,
        message: `${options.provider} sent ${described}, which does not match the documented schema (${detail}); it was left out of the page`,
      });
      continue;
    }
    values.push(mapped.value);
    for (const warning of mapped.warnings) warnings.push(warning);
  }
  return { values, warnings };
}

/**
 * The schema violations carried by a validation error, with paths prefixed by `prefix`; undefined
 * for any other error.
 */
export function recordIssues(error: unknown, prefix = ''): ResponseIssue[] | undefined {
  if (error instanceof z.ZodError) {
    return error.issues.map((issue) => ({
      path: joinPath(prefix, formatPath(issue.path)),
      message: issue.message,
    }));
  }
  if (ProviderResponseError.isInstance(error)) {
    return error.issues.map((issue) => ({
      path: joinPath(prefix, issue.path),
      message: issue.message,
    }));
  }
  return undefined;
}

/** Joins a JSON path prefix and a relative path (`orders[3]` + `totals.total`). */
export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path || '(root)';
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
