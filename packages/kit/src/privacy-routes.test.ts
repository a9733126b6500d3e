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
const forgotten: { tenant: string; associationId: string; personIds: readonly string[] }[] = [];
const routes = personalDataRoutes(holder, {
  tenant: (tenant, fn) => fn(tenant as never),
  outbox: {
    forgetPerson: async (tx, associationId, personIds) => {
      forgotten.push({ tenant: tx as unknown as string, associationId, personIds });
      return { deleted: 0, marked: 0 };
    },
    forgetAssociation: async (tx, associationId) => {
      forgotten.push({ tenant: tx as unknown as string, associationId, personIds: ['the whole association'] });
      return { deleted: 0 };
    },
  },
  deadLetters: {
    forgetPerson: async (tx, associationId, personIds) => {
      forgotten.push({ tenant: tx as unknown as string, associationId, personIds: personIds.map((id) => `dead letters of ${id}`) });
      return 0;
    },
    forgetAssociation: async (tx, associationId) => {
      forgotten.push({ tenant: tx as unknown as string, associationId, personIds: ['dead letters of the whole association'] });
      return 0;
    },
  },
});
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
  beforeEach(() => {
    called.length = 0;
    forgotten.length = 0;
  });

  it('hands each route only its own body: an export or an association export never becomes an erasure', async () => {
    const exportBody = { kind: 'privacy.export', requestId, associationId, memberId: randomUUID() };
    expect(await status('privacy/erase', exportBody)).toBe(400);
    expect(await status('privacy/erase-association', { kind: 'privacy.export-association', requestId, associationId })).toBe(400);
    expect(await status('privacy/export-association', { kind: 'privacy.erase-association', requestId, associationId })).toBe(400);
    expect(called).toEqual([]);
    expect(await status('privacy/export', exportBody)).toBe(200);
    expect(await status('privacy/erase-association', { kind: 'privacy.erase-association', requestId, associationId })).toBe(200);
    expect(called).toEqual(['exportMember', 'eraseAssociation']);
    expect(forgotten).toEqual([
      { tenant: associationId, associationId, personIds: ['the whole association'] },
      { tenant: associationId, associationId, personIds: ['dead letters of the whole association'] },
    ]);
  });

  it("clears the outbox and the dead letters of the person's events after the erasure, in the association's scope", async () => {
    const memberId = randomUUID();
    const policy = { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' };
    expect(await status('privacy/erase', { kind: 'privacy.erase', requestId, associationId, memberId, policy })).toBe(200);
    expect(called).toEqual(['eraseMember']);
    expect(forgotten).toEqual([
      { tenant: associationId, associationId, personIds: [memberId] },
      { tenant: associationId, associationId, personIds: [`dead letters of ${memberId}`] },
    ]);
  });

  it('answers Tunet processes only, never a request forwarded for a person', async () => {
    const viewer = { accountId: randomUUID(), associationId, memberId: randomUUID(), role: 'board' } as unknown as RequestContext['viewer'];
    await expect(
      routes['privacy/export-association']!({ kind: 'privacy.export-association', requestId, associationId }, { ...process, viewer }),
    ).rejects.toMatchObject({ status: 400 });
    expect(called).toEqual([]);
  });
});
