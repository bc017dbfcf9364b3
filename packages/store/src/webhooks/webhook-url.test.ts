import { describe, expect, it } from 'vitest';
import { isAllowedAddress, webhookUrlProblems } from './webhook-url.js';

// Pure input validation: nothing here connects anywhere.
describe('isAllowedAddress', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '127.0.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '192.0.2.1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isAllowedAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '2606:4700::1111', '::ffff:93.184.215.14'])(
    'accepts the global address %s',
    (address) => {
      expect(isAllowedAddress(address)).toBe(true);
    },
  );

  it('accepts loopback only when allowed, and never private ranges', () => {
    expect(isAllowedAddress('127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(isAllowedAddress('::1', { allowLoopback: true })).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(isAllowedAddress('10.0.0.1', { allowLoopback: true })).toBe(false);
  });
});

describe('webhookUrlProblems', () => {
  it('accepts https to a host name or a public address', () => {
    expect(webhookUrlProblems('https://hooks.example.com/orders')).toEqual([]);
    expect(webhookUrlProblems('https://[2606:4700::1111]/orders')).toEqual([]);
  });

  it('refuses http unless to loopback with loopback allowed', () => {
    expect(webhookUrlProblems('http://hooks.example.com/')).toEqual([
      expect.stringContaining('must use https'),
    ]);
    expect(webhookUrlProblems('http://127.0.0.1:8080/')).toHaveLength(2);
    expect(webhookUrlProblems('http://127.0.0.1:8080/', { allowLoopback: true })).toEqual([]);
    expect(webhookUrlProblems('http://[::1]:8080/', { allowLoopback: true })).toEqual([]);
    expect(webhookUrlProblems('http://localhost:8080/', { allowLoopback: true })).toEqual([]);
    expect(webhookUrlProblems('http://hooks.example.com/', { allowLoopback: true })).toEqual([
      expect.stringContaining('must use https'),
    ]);
  });

  it('refuses private, link-local, mapped and local hosts by default', () => {
    for (const url of [
      'https://10.0.0.5/hook',
      'https://169.254.169.254/latest',
      'https://[fd00::1]/hook',
      'https://[::ffff:192.168.0.1]/hook',
      'https://localhost/hook',
      'https://100.100.1.1/hook',
    ]) {
      expect(webhookUrlProblems(url), url).toEqual([expect.stringMatching(/host/)]);
    }
  });

  it('refuses other schemes, credentials and non-URLs', () => {
    expect(webhookUrlProblems('ftp://hooks.example.com/')).toEqual(['must use https']);
    expect(webhookUrlProblems('https://user:pass@hooks.example.com/')).toEqual([
      expect.stringContaining('credentials'),
    ]);
    expect(webhookUrlProblems('hooks.example.com/x')).toEqual([
      'must be an absolute URL (https://…)',
    ]);
  });
});
