import { describe, expect, it } from 'vitest';
import { createDatabaseCheck } from './database-check.js';

describe('createDatabaseCheck', () => {
  it('is ok while the query answers, and reuses a result for maxAgeMs', async () => {
    let now = 0;
    let queries = 0;
    const check = createDatabaseCheck(
      async () => {
        queries += 1;
      },
      { now: () => now, maxAgeMs: 1000 },
    );
    expect(await check.check()).toMatchObject({ status: 'ok' });
    now += 999;
    await check.check();
    expect(queries).toBe(1);
    now += 1;
    await check.check();
    expect(queries).toBe(2);
  });

  it('shares one running query between concurrent probes', async () => {
    let queries = 0;
    let answer: () => void = () => {};
    const check = createDatabaseCheck(() => {
      queries += 1;
      return new Promise<void>((resolve) => {
        answer = resolve;
      });
    });
    const probes = Promise.all([check.check(), check.check(), check.check()]);
    answer();
    expect((await probes).map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
    expect(queries).toBe(1);
  });

  it('fails with the error code only (no host, no user), and tells onFailure the whole error', async () => {
    const logged: unknown[] = [];
    const error = Object.assign(
      new Error('connect ECONNREFUSED 10.1.2.3:5432 for user secret_user'),
      { code: 'ECONNREFUSED' },
    );
    const check = createDatabaseCheck(() => Promise.reject(error), {
      onFailure: (failure) => logged.push(failure),
    });
    const result = await check.check();
    expect(result).toMatchObject({
      status: 'failed',
      error: 'the database cannot be reached (ECONNREFUSED)',
    });
    expect(JSON.stringify(result)).not.toMatch(/10\.1\.2\.3|secret_user/);
    expect(logged).toEqual([error]);
  });

  it('fails after the timeout when the database does not answer', async () => {
    const check = createDatabaseCheck(() => new Promise(() => {}), { timeoutMs: 20 });
    expect(await check.check()).toMatchObject({
      status: 'failed',
      error: 'no answer within 20 ms',
    });
  });
});
