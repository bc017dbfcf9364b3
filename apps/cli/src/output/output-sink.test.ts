import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputError } from '../errors/output-error.js';
import { fullDisk, onFullDisk } from '../test-support/full-disk.js';
import { createFileSink } from './output-sink.js';

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

describe('createFileSink', () => {
  it('cuts a write that failed on a full disk off the file and names the path and cause', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'orderbridge-sink-')), 'orders.ndjson');
    const sink = await createFileSink(path);
    await sink.write('{"key":"a:1"}\n{"key":"a:2"}\n');
    fullDisk.isFull = true;
    const error = await sink.write('{"key":"a:3"}\n{"key":"a:4"}\n').catch((caught) => caught);
    expect(OutputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `cannot write ${path}: no space left on the device (ENOSPC)`,
    );
    fullDisk.isFull = false;
    await sink.close();
    // No torn record: the file ends after the last complete write, which bytesWritten counts.
    expect(await readFile(path, 'utf8')).toBe('{"key":"a:1"}\n{"key":"a:2"}\n');
    expect(sink.bytesWritten).toBe(28);
  });

  it('names the path and the cause when the file cannot be opened', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'orderbridge-sink-'));
    await expect(createFileSink(join(folder, 'missing', 'x.csv'))).rejects.toThrow(
      `cannot write ${join(folder, 'missing', 'x.csv')}: its folder does not exist (ENOENT)`,
    );
    await expect(createFileSink(folder)).rejects.toThrow(
      `cannot write ${folder}: it is a folder (EISDIR)`,
    );
  });
});
