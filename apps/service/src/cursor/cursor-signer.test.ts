import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorSigner } from './cursor-signer.js';

const signer = createCursorSigner('a-test-secret-that-is-32-bytes-long!');

describe('createCursorSigner', () => {
  it('round-trips a cursor for the same tenant', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,400}$/),
        fc.stringMatching(/^[a-z0-9-]{1,20}$/),
        (cursor, tenant) => {
          expect(signer.verify(tenant, signer.sign(tenant, cursor))).toBe(cursor);
        },
      ),
    );
  });

  it('signs core cursors as they are (no second encoding) and refuses anything else', () => {
    const signed = signer.sign('acme', 'eyJ2IjoxfQ');
    expect(signed.startsWith('eyJ2IjoxfQ.')).toBe(true);
    expect(() => signer.sign('acme', 'not base64url!')).toThrow(RangeError);
  });

  it("rejects another tenant's cursor and a cursor signed with another secret", () => {
    const signed = signer.sign('acme', 'eyJ2IjoxfQ');
    expect(signer.verify('globex', signed)).toBeUndefined();
    const other = createCursorSigner('another-secret-that-is-32-bytes-long');
    expect(other.verify('acme', signed)).toBeUndefined();
  });

  it('rejects every single-character change, truncation and extension', () => {
    const signed = signer.sign('acme', 'eyJ2IjoxLCJxIjoiYWJjIn0');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let position = 0; position < signed.length; position++) {
      for (const character of alphabet) {
        if (character === signed[position]) continue;
        const altered = signed.slice(0, position) + character + signed.slice(position + 1);
        expect(signer.verify('acme', altered), altered).toBeUndefined();
      }
    }
    for (let length = 0; length < signed.length; length++) {
      expect(signer.verify('acme', signed.slice(0, length))).toBeUndefined();
    }
    expect(signer.verify('acme', `${signed}A`)).toBeUndefined();
    expect(signer.verify('acme', `A${signed}`)).toBeUndefined();
  });

  it('rejects garbage without throwing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(signer.verify('acme', text)).toBeUndefined();
      }),
    );
  });

  it('expires a cursor after its lifetime, and says so', () => {
    let time = Date.UTC(2026, 0, 1);
    const clocked = createCursorSigner('a-test-secret-that-is-32-bytes-long!', {
      lifetimeMs: 60_000,
      now: () => time,
    });
    const signed = clocked.sign('acme', 'eyJ2IjoxfQ');
    time += 59_000;
    expect(clocked.check('acme', signed)).toMatchObject({ status: 'valid', cursor: 'eyJ2IjoxfQ' });
    time += 2_000;
    expect(clocked.check('acme', signed)).toEqual({
      status: 'expired',
      issuedAt: new Date(Date.UTC(2026, 0, 1)),
    });
    expect(clocked.verify('acme', signed)).toBeUndefined();
    // The issue time is signed: moving it forward breaks the signature.
    const [payload, , signature] = signed.split('.');
    const younger = `${payload}.${Math.floor(time / 1000).toString(36)}.${signature}`;
    expect(clocked.check('acme', younger)).toEqual({ status: 'invalid' });
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createCursorSigner('short')).toThrow(/at least 32 bytes/);
  });
});
