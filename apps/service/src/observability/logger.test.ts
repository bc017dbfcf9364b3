import { Writable } from 'node:stream';
import { registerSecret } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level names', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info({ requestId: 'r1' }, 'request');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', requestId: 'r1', msg: 'request' });
  });

  it('masks credential fields, bearer tokens and registered secrets wherever they appear', () => {
    const canary = 'canary-secret-value-7f3a9c';
    registerSecret(canary);
    const { lines, destination } = capture();
    const logger = createLogger({ destination, level: 'debug' });
    logger.info({ headers: { authorization: 'Bearer obk_abcdef123456' } }, 'incoming');
    logger.debug({ settings: { apiKey: 'fp_live_1234567', appSecret: 'x-secret-99' } }, 'settings');
    logger.warn({ error: `upstream echoed ${canary} back` }, 'failed');
    logger.error(`Authorization: Bearer obk_zyxwvu987654 was refused`);
    const text = lines.join('\n');
    for (const secret of [
      canary,
      'obk_abcdef123456',
      'fp_live_1234567',
      'x-secret-99',
      'obk_zyxwvu987654',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines).toHaveLength(4);
  });

  it('masks email addresses only when personal data redaction is on', () => {
    const plain = capture();
    createLogger({ destination: plain.destination }).info({ search: 'lena.vos@example.com' }, 'q');
    expect(plain.lines[0]).toContain('lena.vos@example.com');
    const redacted = capture();
    createLogger({ destination: redacted.destination, redactPersonalData: true }).info(
      { search: 'lena.vos@example.com' },
      'q',
    );
    expect(redacted.lines[0]).not.toContain('lena.vos');
    expect(redacted.lines[0]).toContain('l***@example.com');
  });
});
