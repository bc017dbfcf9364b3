import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Order } from '@orderbridge/core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finished,
  killStrayProcesses,
  parseNdjson,
  runCli,
  spawnCli,
  temporaryDirectory,
  waitFor,
} from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

let sandbox: SandboxProcess;
/** Uninterrupted exports of the same data, made up front: what every resumed export must equal. */
let reference: { csv: string; json: string; completed: string };
const exportArgs = [
  'orders',
  'export',
  '--page-size',
  '100',
  '--checkpoint-every',
  '200',
  '--checkpoint-interval',
  '50',
];

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '3000', '--seed', '3']);
  const [csv, json, completed] = await Promise.all([
    straightExport(['--format', 'csv']),
    straightExport(['--format', 'json', '--status', 'processing,completed,pending']),
    straightExport(['--status', 'completed']),
  ]);
  reference = { csv, json, completed };
});

/** Latency on every provider request, so that an export (small pages) can be stopped mid-way. */
async function slow(extra: { failNext?: { count: number; status: number } } = {}): Promise<void> {
  await sandbox.control.faults.set('flexportal', { latencyMs: 25, ...extra });
  await sandbox.control.faults.set('flexfactor', { latencyMs: 25 });
}

/** Back to full speed for the resume. */
async function fast(): Promise<void> {
  await sandbox.control.faults.clear();
}
afterAll(async () => {
  killStrayProcesses();
  await sandbox?.stop();
});

async function checkpointOf(
  path: string,
): Promise<{ ordersWritten: number; complete: boolean; bytesWritten: number } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

async function straightExport(args: readonly string[]): Promise<string> {
  const result = await runCli([...exportArgs, ...args], { env: sandbox.env });
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('orders export', () => {
  it('resumes after a crash (SIGKILL) to exactly the full set, CSV header written once', async () => {
    const cwd = await temporaryDirectory();
    const args = [
      ...exportArgs,
      '--format',
      'csv',
      '--output',
      'orders.csv',
      '--checkpoint',
      'orders.checkpoint.json',
    ];
    await slow();
    const child = await spawnCli(args, { env: sandbox.env, cwd });
    const done = finished(child);
    await waitFor(
      async () =>
        ((await checkpointOf(join(cwd, 'orders.checkpoint.json')))?.ordersWritten ?? 0) >= 1000,
      30_000,
    );
    child.kill('SIGKILL');
    const killed = await done;
    await fast();
    expect(killed.signal).toBe('SIGKILL');
    const checkpoint = (await checkpointOf(join(cwd, 'orders.checkpoint.json')))!;
    expect(checkpoint.complete).toBe(false);
    expect(checkpoint.ordersWritten).toBeLessThan(6000);
    // The file may hold a torn batch after the checkpoint; the resume cuts it off.
    expect((await stat(join(cwd, 'orders.csv'))).size).toBeGreaterThanOrEqual(
      checkpoint.bytesWritten,
    );

    const resumed = await runCli([...args, '--resume'], { env: sandbox.env, cwd });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('exported 6000 orders');
    const expected = parse(reference.csv, { columns: true });
    const actual = parse(await readFile(join(cwd, 'orders.csv'), 'utf8'), { columns: true });
    expect(actual).toHaveLength(6000);
    expect(actual).toEqual(expected);
    expect((await checkpointOf(join(cwd, 'orders.checkpoint.json')))!.complete).toBe(true);

    const again = await runCli([...args, '--resume'], { env: sandbox.env, cwd });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to resume: the export');
  });

  it('on Ctrl-C (SIGINT) writes the checkpoint, says how to resume, exits 130; the resume completes the JSON array', async () => {
    const cwd = await temporaryDirectory();
    const args = [
      ...exportArgs,
      '--output',
      'orders.json',
      '--checkpoint',
      'cp.json',
      '--status',
      'processing,completed,pending',
    ];
    await slow();
    const child = await spawnCli(args, { env: sandbox.env, cwd });
    const done = finished(child);
    await waitFor(
      async () => ((await checkpointOf(join(cwd, 'cp.json')))?.ordersWritten ?? 0) >= 600,
      30_000,
    );
    child.kill('SIGINT');
    const interrupted = await done;
    await fast();
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(
      /orderbridge: interrupted: \d+ orders written to .*orders\.json; checkpoint saved to .*cp\.json\./,
    );
    expect(interrupted.stderr).toContain('Resume with: orderbridge orders export');
    expect(interrupted.stderr).toContain('--resume');
    const checkpoint = (await checkpointOf(join(cwd, 'cp.json')))!;
    // On SIGINT the checkpoint covers every byte written.
    expect((await stat(join(cwd, 'orders.json'))).size).toBe(checkpoint.bytesWritten);

    const resumed = await runCli([...args, '--resume'], { env: sandbox.env, cwd });
    expect(resumed.code).toBe(0);
    const actual = JSON.parse(await readFile(join(cwd, 'orders.json'), 'utf8')) as Order[];
    const expected = JSON.parse(reference.json) as Order[];
    expect(actual.length).toBe(expected.length);
    expect(new Set(actual.map((order) => order.key)).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  });

  it('on a provider failure mid-way saves the checkpoint, exits 1 with the resume command; the resume completes the set', async () => {
    const cwd = await temporaryDirectory();
    const args = [
      ...exportArgs,
      '--retries',
      '0',
      '--output',
      'orders.ndjson',
      '--checkpoint',
      'cp.json',
      '--status',
      'completed',
    ];
    const expected = parseNdjson<Order>(reference.completed);
    await slow();
    const child = await spawnCli(args, { env: sandbox.env, cwd });
    const done = finished(child);
    await waitFor(
      async () => ((await checkpointOf(join(cwd, 'cp.json')))?.ordersWritten ?? 0) >= 400,
      30_000,
    );
    await slow({ failNext: { count: 1000, status: 503 } });
    let failed: Awaited<typeof done>;
    try {
      failed = await done;
    } finally {
      await fast();
    }
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^orderbridge: flexportal unavailable error \((?:GET [^,]+, )?HTTP 503/m,
    );
    expect(failed.stderr).toMatch(
      /orderbridge: export stopped: \d+ orders written to .*orders\.ndjson; checkpoint saved to .*cp\.json\./,
    );
    expect(failed.stderr).toContain('Resume with: orderbridge orders export');

    const resumed = await runCli([...args, '--resume'], { env: sandbox.env, cwd });
    expect(resumed.code).toBe(0);
    const actual = parseNdjson<Order>(await readFile(join(cwd, 'orders.ndjson'), 'utf8'));
    expect(actual.map((order) => order.key)).toEqual(expected.map((order) => order.key));
  });

  it('refuses to resume with different arguments, naming the difference (exit 2)', async () => {
    const cwd = await temporaryDirectory();
    const first = await runCli(
      [
        'orders',
        'export',
        '-o',
        'a.ndjson',
        '--checkpoint',
        'cp.json',
        '--provider',
        'flexportal',
        '--status',
        'completed',
      ],
      {
        env: sandbox.env,
        cwd,
      },
    );
    expect(first.code).toBe(0);
    const checkpoint = JSON.parse(await readFile(join(cwd, 'cp.json'), 'utf8'));
    await writeFile(join(cwd, 'cp.json'), JSON.stringify({ ...checkpoint, complete: false }));
    const mismatch = await runCli(
      [
        'orders',
        'export',
        '-o',
        'a.ndjson',
        '--checkpoint',
        'cp.json',
        '--provider',
        'flexportal',
        '--status',
        'pending',
        '--resume',
      ],
      {
        env: sandbox.env,
        cwd,
      },
    );
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(
      'was written by a different export: --status (checkpoint: ["completed"]; now: ["pending"])',
    );
    const fresh = await runCli(
      ['orders', 'export', '-o', 'a.ndjson', '--checkpoint', 'cp.json', '--provider', 'flexportal'],
      { env: sandbox.env, cwd },
    );
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toContain('belongs to an unfinished export');
    expect(fresh.stderr).toContain('Add --resume to continue it');
  });

  it('needs --output for --checkpoint and --checkpoint for --resume (exit 2)', async () => {
    const noOutput = await runCli(['orders', 'export', '--checkpoint', 'cp.json'], {
      env: sandbox.env,
    });
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain('--checkpoint needs --output FILE');
    const noCheckpoint = await runCli(['orders', 'export', '-o', 'x.csv', '--resume'], {
      env: sandbox.env,
    });
    expect(noCheckpoint.code).toBe(2);
    expect(noCheckpoint.stderr).toContain('--resume needs --checkpoint FILE');
  });

  it('takes the format from the output file extension', async () => {
    const cwd = await temporaryDirectory();
    const result = await runCli(
      ['orders', 'export', '-o', 'x.csv', '--provider', 'flexfactor', '--status', 'returned'],
      { env: sandbox.env, cwd },
    );
    expect(result.code).toBe(0);
    expect((await readFile(join(cwd, 'x.csv'), 'utf8')).split('\r\n')[0]).toMatch(
      /^key,provider,id,status,/,
    );
    const rows = parseNdjson(
      (
        await runCli(['orders', 'export', '--provider', 'flexfactor', '--status', 'returned'], {
          env: sandbox.env,
        })
      ).stdout,
    );
    expect(parse(await readFile(join(cwd, 'x.csv'), 'utf8'), { columns: true })).toHaveLength(
      rows.length,
    );
  });
});
