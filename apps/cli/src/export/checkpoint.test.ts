import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import { fullDisk, onFullDisk } from '../test-support/full-disk.js';
import {
  assertResumable,
  type Checkpoint,
  type ExportArguments,
  fingerprintArguments,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';

const args: ExportArguments = {
  query: {
    status: ['completed'],
    createdFrom: 'relative 7d',
    sort: { field: 'createdAt', direction: 'desc' },
  },
  providers: [],
  format: 'csv',
  fields: null,
  redact: false,
  includeRaw: false,
};

function checkpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    version: 1,
    command: 'orders export',
    arguments: args,
    fingerprint: fingerprintArguments(args),
    query: { status: ['completed'], createdFrom: '2024-05-03T12:00:00.000Z' },
    output: '/tmp/out.csv',
    bytesWritten: 1234,
    ordersWritten: 10,
    cursor: 'abc',
    complete: false,
    startedAt: '2024-05-10T12:00:00.000Z',
    updatedAt: '2024-05-10T12:00:01.000Z',
    ...overrides,
  };
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => onFullDisk(await actual.open(...args)),
  };
});

afterEach(() => {
  fullDisk.isFull = false;
});

async function temporaryDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'orderbridge-checkpoint-'));
}

describe('checkpoint files', () => {
  it('round-trips through an atomic write and leaves no temporary file', async () => {
    const directory = await temporaryDirectory();
    const path = join(directory, 'export.checkpoint.json');
    await writeCheckpoint(path, checkpoint());
    await writeCheckpoint(path, checkpoint({ ordersWritten: 20, cursor: 'def' }));
    expect(await readCheckpoint(path)).toEqual(checkpoint({ ordersWritten: 20, cursor: 'def' }));
    expect(await readdir(directory)).toEqual(['export.checkpoint.json']);
  });

  it('leaves the previous checkpoint and no temporary file when the disk is full', async () => {
    const directory = await temporaryDirectory();
    const path = join(directory, 'export.checkpoint.json');
    await writeCheckpoint(path, checkpoint());
    fullDisk.isFull = true;
    const error = await writeCheckpoint(path, checkpoint({ ordersWritten: 20 })).catch(
      (caught: unknown) => caught,
    );
    expect(OutputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('no space left on the device (ENOSPC)');
    fullDisk.isFull = false;
    expect(await readdir(directory)).toEqual(['export.checkpoint.json']);
    expect(await readCheckpoint(path)).toEqual(checkpoint());
  });

  it('reads a missing file as undefined', async () => {
    expect(await readCheckpoint(join(await temporaryDirectory(), 'none.json'))).toBeUndefined();
  });

  it('refuses a file that is not a checkpoint, or of another version', async () => {
    const directory = await temporaryDirectory();
    const notJson = join(directory, 'a.json');
    await writeFile(notJson, 'hello');
    await expect(readCheckpoint(notJson)).rejects.toThrow(/is not a checkpoint \(not JSON\)/);
    const wrongShape = join(directory, 'b.json');
    await writeFile(wrongShape, JSON.stringify({ ...checkpoint(), bytesWritten: -1 }));
    await expect(readCheckpoint(wrongShape)).rejects.toThrow(
      /is not a valid checkpoint \(bytesWritten/,
    );
    const newer = join(directory, 'c.json');
    await writeFile(newer, JSON.stringify({ ...checkpoint(), version: 2 }));
    await expect(readCheckpoint(newer)).rejects.toThrow(
      /has version 2; this orderbridge reads version 1/,
    );
    await expect(readCheckpoint(newer)).rejects.toSatisfy(UsageError.isInstance);
  });

  it('is written as readable JSON', async () => {
    const path = join(await temporaryDirectory(), 'x.json');
    await writeCheckpoint(path, checkpoint());
    expect(JSON.parse(await readFile(path, 'utf8')).cursor).toBe('abc');
  });
});

describe('assertResumable', () => {
  it('accepts the same output and arguments, in any key order', () => {
    const reordered: ExportArguments = {
      includeRaw: false,
      redact: false,
      fields: null,
      format: 'csv',
      providers: [],
      query: {
        sort: { direction: 'desc', field: 'createdAt' },
        createdFrom: 'relative 7d',
        status: ['completed'],
      },
    };
    expect(() =>
      assertResumable(checkpoint(), { output: '/tmp/out.csv', arguments: reordered }, 'cp.json'),
    ).not.toThrow();
  });

  it('names every difference', () => {
    const changed: ExportArguments = {
      ...args,
      format: 'ndjson',
      query: { ...args.query, status: ['pending'], search: 'acme' },
    };
    expect(() =>
      assertResumable(checkpoint(), { output: '/tmp/other.csv', arguments: changed }, 'cp.json'),
    ).toThrow(
      '--resume: the checkpoint cp.json was written by a different export: --output (checkpoint: /tmp/out.csv; now: /tmp/other.csv), --format (checkpoint: "csv"; now: "ndjson"), --status (checkpoint: ["completed"]; now: ["pending"]), --search (checkpoint: not set; now: "acme").',
    );
  });
});
