import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type FastStore, type Viewer } from '@tunet/kit';
import { EntitlementsLookup, loadFromBilling } from './entitlements';

const SECRET = 'gateway-entitlements-test-secret';
const logger = createLogger('gateway-entitlements-test');
const viewerIn = (associationId: string | null): Viewer => ({
  accountId: randomUUID(),
  associationId,
  memberId: associationId ? randomUUID() : null,
  role: associationId ? 'board' : null,
  platformAdmin: false,
  sessionId: null,
});

/** Billing's internal route as the gateway meets it: answers with `answer`, counting the calls. */
async function fakeBilling(answer: (associationId: string) => { status: number; body: unknown }) {
  const billing = { url: '', calls: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const server = http.createServer((req, res) => {
    billing.calls++;
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const { status, body } = answer((JSON.parse(text) as { associationId: string }).associationId);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  billing.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return billing;
}

describe("the gateway's entitlements", () => {
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const closable of opened.splice(0)) await closable.close();
  });

  async function lookupFor(billingUrl: string): Promise<EntitlementsLookup> {
    const store: FastStore = { kind: 'memory', namespace: `test-${randomUUID()}` };
    const lookup = await EntitlementsLookup.open(
      store,
      loadFromBilling(() => billingUrl, SECRET, 1_000, logger),
      logger,
    );
    opened.push(lookup);
    return lookup;
  }

  it("asks billing for the viewer's association, and nobody's for a viewer without one", async () => {
    const billing = await fakeBilling((associationId) => ({ status: 200, body: { associationId, features: ['base', 'sms'], limits: { smsPerMonth: 500 } } }));
    opened.push(billing);
    const lookup = await lookupFor(billing.url);
    const associationId = randomUUID();

    expect(await lookup.forViewer(viewerIn(associationId), 'r1')).toEqual({
      entitlements: { associationId, features: ['base', 'sms'], limits: { smsPerMonth: 500 } },
      unavailable: false,
    });
    expect(await lookup.forViewer(viewerIn(null), 'r2')).toEqual({ entitlements: null, unavailable: false });
    expect(await lookup.forViewer(null, 'r3')).toEqual({ entitlements: null, unavailable: false });
    expect(billing.calls).toBe(1);
  });

  it('says unavailable when billing fails or answers for another association, and leaves billing alone for a moment after', async () => {
    let status = 500;
    const billing = await fakeBilling(() => ({ status, body: { associationId: randomUUID(), features: ['base', 'sms'], limits: {} } }));
    opened.push(billing);
    const lookup = await lookupFor(billing.url);

    expect(await lookup.forViewer(viewerIn(randomUUID()), 'r1')).toEqual({ entitlements: null, unavailable: true });
    expect(await lookup.forViewer(viewerIn(randomUUID()), 'r2')).toEqual({ entitlements: null, unavailable: true });
    expect(billing.calls).toBe(1);

    status = 200;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await lookup.forViewer(viewerIn(randomUUID()), 'r3')).toEqual({ entitlements: null, unavailable: true });
    expect(billing.calls).toBe(2);
  });
});
