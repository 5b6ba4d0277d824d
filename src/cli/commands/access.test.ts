import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchAccess, formatAccess } from './access.js';

let server: Server;
let url = '';
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.searchParams.get('org') === 'bad') {
      res.statusCode = 422;
      res.end(
        JSON.stringify({
          error: { code: 'invalid', message: 'invalid request', details: [{ path: 'org', message: 'no' }] },
        }),
      );
      return;
    }
    const allow = u.searchParams.get('org') === 'partner';
    res.end(
      JSON.stringify({ allow, tier: 'vetted_partners', rule: allow ? 'grant' : 'not_granted', ref: 'grt_1' }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('asks GET /v1/access/check with model, org, version and reads the answer', async () => {
  const a = await fetchAccess({ model: 'lab/m', org: 'partner', version: '2', url });
  expect(a).toEqual({ allow: true, tier: 'vetted_partners', rule: 'grant', ref: 'grt_1' });
  expect(seen.at(-1)).toBe('/v1/access/check?model=lab%2Fm&org=partner&version=2');
  expect(formatAccess({ model: 'lab/m', org: 'partner' }, a)).toMatch(
    /^ALLOWED {2}partner → lab\/m {2}\(rule grant/,
  );
  const d = await fetchAccess({ model: 'lab/m', org: 'other' }, { GREENLIGHT_URL: url });
  expect(d.allow).toBe(false);
});

it('reports API errors and unreachable servers', async () => {
  await expect(fetchAccess({ model: 'lab/m', org: 'bad', url })).rejects.toThrow(
    /422: invalid request\n {2}org: no/,
  );
  await expect(fetchAccess({ model: 'lab/m', org: 'x', url: 'http://127.0.0.1:9' })).rejects.toThrow(
    /cannot reach/,
  );
});
