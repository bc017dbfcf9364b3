import { describe, expect, it } from 'vitest';
import { createTestApp, KEYS } from './test-support/test-app.js';

describe('createApp smoke', () => {
  it('lists orders', async () => {
    const { get } = createTestApp();
    const response = await get('/v1/orders?limit=5');
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.orders).toHaveLength(5);
    expect(response.headers.get('link')).toContain('rel="next"');
    void KEYS;
  });
});
