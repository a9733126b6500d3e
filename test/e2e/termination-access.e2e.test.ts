import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { DEMO } from '@tunet/members';
import { DateTime } from 'luxon';
import {
  matrixCaller,
  matrixTests,
  openE2E,
  type E2E,
  type MatrixCall,
  type Outcome,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  type OperatorMatrixActor,
} from './e2e.fixtures';

/**
 * Who may end an agreement, through the gateway: every operation of decision 0034 × every kind of caller. Each cell
 * is the first error code, or OK. Solbakken is the target of terminations and the agreement read; blocking and
 * reopening act on a throwaway association per cell, so Solbakken's people keep their access. "Other association" is
 * Fjordly's board, the integrator an API key of Solbakken's board with MEMBERS_READ, the platform operator the demo
 * operator at provider level (no membership, no support session). Before each cell the target is put back in the
 * state the operation needs, so every caller meets the same situation.
 */
const ACTORS = OPERATOR_MATRIX_ACTORS;
type Actor = OperatorMatrixActor;

describe('termination access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;
  const agreements = () => e2e.stack.members.agreements;
  const operator: Viewer = { accountId: DEMO.operator, associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
  let kari: Viewer;
  const inFourMonths = () => DateTime.now().setZone('Europe/Oslo').plus({ months: 4 }).toISODate()!;

  /** Solbakken without an open termination, or with one its board (or the provider) filed. */
  const solbakkenEnding = async (filedBy: 'nobody' | 'board' | 'provider'): Promise<string | null> => {
    const open = (await agreements().agreement(operator, DEMO.solbakken)).openTermination;
    if (open) await agreements().withdraw(open.initiatedBy === 'board' ? kari : operator, { terminationId: open.id });
    if (filedBy === 'nobody') return null;
    const filed = await agreements().terminate(filedBy === 'board' ? kari : operator, { associationId: DEMO.solbakken, effectiveOn: inFourMonths() });
    return filed.id;
  };
  /** A throwaway association, blocked if asked. */
  const throwaway = async (blocked: boolean): Promise<string> => {
    const id = randomUUID();
    await e2e.stack.members.repositories.members.insertAssociation({ id, name: `Matrise ${id.slice(0, 8)}`, timeZone: 'Europe/Oslo', locale: 'nb' });
    if (blocked) await agreements().block(operator, { associationId: id, ground: 'ILLEGAL_USE', reason: 'Oppsett' });
    return id;
  };
  const AGREEMENT = 'agreement { status openTermination { id initiatedBy effectiveOn } breachNotices { id remedyBy } blockedSince earliestProviderEnd }';

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e));
    // Kari's account, for setting up her board's terminations directly: the access token's subject.
    const claims = JSON.parse(Buffer.from(tokens.board!.split('.')[1]!, 'base64url').toString()) as { sub: string };
    kari = { accountId: claims.sub, associationId: DEMO.solbakken, memberId: DEMO.kari, role: 'board', platformAdmin: false, sessionId: null };
  });
  afterAll(() => e2e?.close());

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    'Association.agreement': (actor) =>
      actor === 'platform operator'
        ? call(actor, `{ associations(search: "987654325") { nodes { ${AGREEMENT} } } }`)
        : call(actor, `query ($id: ID!) { association(id: $id) { ${AGREEMENT} } }`, { id: DEMO.solbakken }),
    terminateAgreement: async (actor) => {
      await solbakkenEnding('nobody');
      return call(actor, 'mutation ($i: TerminateAgreementInput!) { terminateAgreement(input: $i) { termination { id } } }', {
        i: { associationId: DEMO.solbakken, effectiveOn: inFourMonths() },
      });
    },
    withdrawTermination: async (actor) => {
      const terminationId = await solbakkenEnding(actor === 'platform operator' ? 'provider' : 'board');
      return call(actor, 'mutation ($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { termination { withdrawnAt } } }', {
        i: { terminationId },
      });
    },
    noticeBreach: (actor) =>
      call(actor, 'mutation ($i: NoticeBreachInput!) { noticeBreach(input: $i) { breachNotice { remedyBy } } }', {
        i: { associationId: DEMO.solbakken, description: 'Oppslag som bryter vilkårene' },
      }),
    blockAssociation: async (actor) =>
      call(actor, 'mutation ($i: BlockAssociationInput!) { blockAssociation(input: $i) { association { status agreement { blockGround } } } }', {
        i: { associationId: await throwaway(false), ground: 'ILLEGAL_USE', reason: 'Ulovlig innhold' },
      }),
    unblockAssociation: async (actor) =>
      call(actor, 'mutation ($i: UnblockAssociationInput!) { unblockAssociation(input: $i) { association { status } } }', {
        i: { associationId: await throwaway(true) },
      }),
  };

  //                                       anonymous          resident     board        other assoc.  integrator   operator
  const expected: Record<string, Outcome[]> = {
    'Association.agreement': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    terminateAgreement: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    withdrawTermination: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    noticeBreach: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    blockAssociation: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    unblockAssociation: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
  };

  matrixTests(ACTORS, operations, expected);
});
