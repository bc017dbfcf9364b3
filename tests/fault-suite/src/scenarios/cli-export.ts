import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Order, orderComparator, parseOrderQuery } from '@orderbridge/core';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  runCli,
  type SandboxProcess,
  startCli,
  startSandboxProcess,
  temporaryDirectory,
} from '../support/cli-process.js';
import { evidence } from '../support/evidence.js';
import {
  duplicates,
  flexFactorTruth,
  flexPortalTruth,
  keysInOrder,
  type SuiteSandboxOptions,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

/** A few thousand orders: enough pages (of 50) that a kill can land anywhere in the export. */
const DATASET: SuiteSandboxOptions = { flexportal: 1200, flexfactor: 1200, seed: 71 };
/** Per-request latency during the kill runs, so an export lasts a second or two. */
const KILL_LATENCY_MS = 25;

type Format = 'ndjson' | 'csv';

/** Keys of the orders in an export file, in file order. */
function exportedKeys(text: string, format: Format): string[] {
  if (format === 'csv') {
    return (parseCsv(text, { columns: true }) as Array<{ key: string }>).map((row) => row.key);
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { key: string }).key);
}

/** The orders of an NDJSON export. */
function exportedOrders(text: string): Order[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Order);
}

/** One interruption of an export: after `delayMs`, `signal`. */
interface Interruption {
  delayMs: number;
  signal: 'SIGKILL' | 'SIGINT';
}

/**
 * The CLI against a sandbox in another process (`orders export`): a straight export equals the
 * ground truth; one provider down fails naming it (exit 1) or, with `--allow-partial`, exports the
 * other provider exactly (exit 3); schema drift is reported and `--strict` fails (exit 1); an export
 * killed at random points (SIGKILL: a crash; SIGINT: exit 130) and resumed until done is byte for
 * byte the straight export.
 */
export function describeCliExport(): void {
  describe('orderbridge orders export against a sandbox process', () => {
    let sandbox: SandboxProcess;
    let directory: string;
    let portalKeys: string[];
    let factorKeys: string[];
    let truthKeys: string[];
    const straight: Partial<Record<Format, string>> = {};
    let runs = 0;

    const run = (args: string[], label: string) =>
      runCli(args, { env: sandbox.env, cwd: directory, label: `cli/${label}` });
    const file = (name: string) => join(directory, `${runs++}-${name}`);
    const exportArgs = (output: string, extra: string[] = []) => [
      'orders',
      'export',
      '--output',
      output,
      '--page-size',
      '50',
      ...extra,
    ];
    /** Records an output file and returns its text. */
    const read = (path: string, label: string) => {
      evidence.addFile(`cli/${label}`, path);
      return readFileSync(path, 'utf8');
    };

    beforeAll(async () => {
      // The same options give the same data: an in-process twin is the ground truth.
      const twin = await startSuiteSandbox(DATASET);
      try {
        portalKeys = keysInOrder(flexPortalTruth(twin).orders);
        factorKeys = keysInOrder(flexFactorTruth(twin).orders);
        truthKeys = keysInOrder([...flexPortalTruth(twin).orders, ...flexFactorTruth(twin).orders]);
      } finally {
        await twin.close();
      }
      sandbox = await startSandboxProcess(DATASET);
      directory = await temporaryDirectory();
    });
    afterEach(() => sandbox.control.faults.clear());
    afterAll(() => sandbox?.stop());

    it.each(['ndjson', 'csv'] as const)(
      'a straight %s export equals the ground truth (exit 0)',
      async (format) => {
        const output = file(`straight.${format}`);
        const result = await run(exportArgs(output), `straight ${format}`);
        expect(result.code, result.stderr).toBe(0);
        const text = read(output, `straight ${format}`);
        expect(exportedKeys(text, format)).toEqual(truthKeys);
        straight[format] = text;
      },
    );

    it('one provider down: exit 1, and the message names it', async () => {
      await sandbox.control.faults.set('flexfactor', { failNext: { count: 10_000, status: 503 } });
      const result = await run(exportArgs(file('down.ndjson'), ['--retries', '0']), 'down default');
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^orderbridge: .*flexfactor.*503/m);
    });

    it('one provider down with --allow-partial: exit 3, every flexportal order exactly, flexfactor reported', async () => {
      await sandbox.control.faults.set('flexfactor', { failNext: { count: 10_000, status: 503 } });
      const output = file('partial.ndjson');
      const result = await run(
        exportArgs(output, ['--retries', '0', '--allow-partial']),
        'down partial',
      );
      expect(result.code, result.stderr).toBe(3);
      expect(exportedKeys(read(output, 'down partial'), 'ndjson')).toEqual(portalKeys);
      expect(result.stderr).toMatch(/flexfactor/);
      expect(result.stderr).toMatch(/503/);
    });

    it('schema drift: bad records reported by id and path and counted in the summary and checkpoint, the rest exported; --strict exits 1 naming one', async () => {
      const portal = sandbox.control.flexportal;
      const factor = sandbox.control.flexfactor;
      const unknownStatus = await portal.insert({ status: 'on_backorder' });
      const noCustomer = await portal.insert({ customer: undefined });
      const shipped = await factor.insert({ status: 9, statusName: 'Shipped' });
      const wordAmount = await factor.insert({ amount: 'forty-five' });
      const invalid = [`flexportal:${noCustomer.orderId}`, `flexfactor:${wordAmount.id}`];
      try {
        const output = file('drift.ndjson');
        const checkpoint = file('drift.checkpoint.json');
        const result = await run(exportArgs(output, ['--checkpoint', checkpoint]), 'drift');
        expect(result.code, result.stderr).toBe(0);
        // Exit 0 without --strict, but never silently: the summary and the checkpoint count them.
        expect(result.stderr).toContain(
          `; ${invalid.length} records failed validation and were not exported`,
        );
        const saved = JSON.parse(read(checkpoint, 'drift checkpoint')) as Record<string, unknown>;
        expect(saved).toMatchObject({ complete: true, recordsDropped: invalid.length });
        const orders = exportedOrders(read(output, 'drift'));
        const keys = orders.map((order) => order.key);
        const added = [`flexportal:${unknownStatus.orderId}`, `flexfactor:${shipped.id}`];
        expect(duplicates(keys)).toEqual([]);
        expect(new Set(keys)).toEqual(new Set([...truthKeys, ...added]));
        const compare = orderComparator(parseOrderQuery({}));
        expect(
          orders.every((order, index) => index === 0 || compare(orders[index - 1]!, order) < 0),
        ).toBe(true);
        for (const key of added) {
          expect(orders.find((order) => order.key === key)?.status).toBe('unknown');
        }
        expect(result.stderr).toContain(noCustomer.orderId);
        expect(result.stderr).toMatch(/customer/);
        expect(result.stderr).toContain(wordAmount.id);
        expect(result.stderr).toMatch(/amount/);
        expect(result.stderr).toMatch(/invalid-record/);

        const strict = await run(exportArgs(file('strict.ndjson'), ['--strict']), 'drift strict');
        expect(strict.code, strict.stderr).toBe(1);
        expect(invalid.some((key) => strict.stderr.includes(key.split(':')[1]!))).toBe(true);
      } finally {
        for (const id of [unknownStatus.orderId, noCustomer.orderId]) await portal.delete(id);
        for (const id of [shipped.id, wordAmount.id]) await factor.delete(id);
      }
    });

    /**
     * Runs one export with `--checkpoint`, interrupting it as `interruptions` says, then resumes
     * until it completes. Returns the final file's text and what each process did.
     */
    const exportWithInterruptions = async (
      format: Format,
      interruptions: readonly Interruption[],
    ): Promise<{ text: string; history: string[] }> => {
      const output = file(`killed.${format}`);
      const checkpoint = `${output}.checkpoint.json`;
      const args = exportArgs(output, ['--checkpoint', checkpoint, '--checkpoint-every', '100']);
      const history: string[] = [];
      for (let attempt = 0; attempt < interruptions.length + 6; attempt++) {
        // Resume when a checkpoint exists; a process killed before writing one starts over.
        const resume = existsSync(checkpoint);
        const running = startCli(resume ? [...args, '--resume'] : args, {
          env: sandbox.env,
          cwd: directory,
          label: `cli/killed ${format} #${attempt}`,
        });
        const interruption = interruptions[attempt];
        let timer: NodeJS.Timeout | undefined;
        if (interruption) {
          timer = setTimeout(() => running.child.kill(interruption.signal), interruption.delayMs);
        }
        const result: CliResult = await running.result;
        clearTimeout(timer);
        history.push(
          `${resume ? 'resume' : 'start'}${interruption ? ` ${interruption.signal}@${interruption.delayMs}ms` : ''} → ${result.signal ?? result.code}`,
        );
        if (existsSync(checkpoint)) evidence.addFile(`cli/killed ${format} checkpoint`, checkpoint);
        if (result.code === 0) return { text: read(output, `killed ${format}`), history };
        if (interruption?.signal === 'SIGINT' && result.code === 130) {
          // Ctrl-C: exit 130, and once the export has saved a checkpoint it says how to resume
          // (a Ctrl-C before the export started has nothing to save).
          expect(result.stderr, history.join('; ')).toMatch(/interrupted/i);
          if (/checkpoint saved/.test(result.stderr)) {
            expect(result.stderr, history.join('; ')).toMatch(/--resume/);
          }
          continue;
        }
        // Otherwise only the signal itself may have ended it (before Node installed its handler).
        expect(interruption?.signal, `${history.join('; ')}\n${result.stderr}`).toBeDefined();
        expect(result.signal, `${history.join('; ')}\n${result.stderr}`).toBe(interruption!.signal);
      }
      throw new Error(`the export did not complete: ${history.join('; ')}`);
    };

    const interruptionsArbitrary = fc.array(
      fc.record({
        delayMs: fc.integer({ min: 250, max: 2_000 }),
        signal: fc.constantFrom('SIGKILL' as const, 'SIGINT' as const),
      }),
      { minLength: 1, maxLength: 3 },
    );

    it.each([
      ['ndjson', 3],
      ['csv', 2],
    ] as const)(
      'a %s export killed at random points and resumed equals the straight export (%i runs)',
      async (format, numRuns) => {
        expect(straight[format], 'the straight export ran first').toBeDefined();
        await sandbox.control.faults.set('flexportal', { latencyMs: KILL_LATENCY_MS });
        await sandbox.control.faults.set('flexfactor', { latencyMs: KILL_LATENCY_MS });
        await fc.assert(
          fc.asyncProperty(interruptionsArbitrary, async (interruptions) => {
            const { text, history } = await exportWithInterruptions(format, interruptions);
            const keys = exportedKeys(text, format);
            expect(duplicates(keys), history.join('; ')).toEqual([]);
            expect(keys, history.join('; ')).toEqual(truthKeys);
            expect(text === straight[format], `byte-identical: ${history.join('; ')}`).toBe(true);
          }),
          { numRuns, endOnFailure: true },
        );
      },
      120_000,
    );

    it('every CLI run above used the canary credentials (sanity for the canary sweep)', () => {
      expect(sandbox.env.FLEXPORTAL_API_KEY).toMatch(/^canary-fp-key-/);
      expect(sandbox.env.FLEXFACTOR_APP_SECRET).toMatch(/^canary-ff-secret-/);
      expect(factorKeys.length + portalKeys.length).toBe(truthKeys.length);
    });
  });
}
