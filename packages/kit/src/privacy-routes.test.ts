import { randomUUID } from 'node:crypto';
import type { InternalRouteError } from './internal-routes';
import { personalDataRoutes, type PersonalDataHolder } from './privacy-routes';
import type { RequestContext } from './viewer';

const process: RequestContext = { viewer: null, requestId: 'test', clientIp: '127.0.0.1' };
const called: string[] = [];
const holder: PersonalDataHolder = {
  exportMember: async () => called.push('exportMember'),
  eraseMember: async () => called.push('eraseMember'),
  exportAssociation: async () => called.push('exportAssociation'),
  eraseAssociation: async () => called.push('eraseAssociation'),
};
const routes = personalDataRoutes(holder);
const associationId = randomUUID();
const requestId = randomUUID();

async function status(route: string, body: unknown): Promise<number> {
  try {
    await routes[route]!(body, process);
    return 200;
  } catch (error) {
    return (error as InternalRouteError).status;
  }
}

describe('the privacy contract routes every subgraph answers', () => {
  beforeEach(() => (called.length = 0));

  it('hands each route only its own body: an export or an association export never becomes an erasure', async () => {
    const exportBody = { kind: 'privacy.export', requestId, associationId, memberId: randomUUID() };
    expect(await status('privacy/erase', exportBody)).toBe(400);
    expect(await status('privacy/erase-association', { kind: 'privacy.export-association', requestId, associationId })).toBe(400);
    expect(await status('privacy/export-association', { kind: 'privacy.erase-association', requestId, associationId })).toBe(400);
    expect(called).toEqual([]);
    expect(await status('privacy/export', exportBody)).toBe(200);
    expect(await status('privacy/erase-association', { kind: 'privacy.erase-association', requestId, associationId })).toBe(200);
    expect(called).toEqual(['exportMember', 'eraseAssociation']);
  });

  it('answers Tunet processes only, never a request forwarded for a person', async () => {
    const viewer = { accountId: randomUUID(), associationId, memberId: randomUUID(), role: 'board' } as unknown as RequestContext['viewer'];
    await expect(
      routes['privacy/export-association']!({ kind: 'privacy.export-association', requestId, associationId }, { ...process, viewer }),
    ).rejects.toMatchObject({ status: 400 });
    expect(called).toEqual([]);
  });
});
