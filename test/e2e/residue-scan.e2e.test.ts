import { PRIVACY_ERASE_ROUTE, PRIVACY_EXPORT_ROUTE } from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { DEMO } from '@tunet/members';
import { residue, residueScan, type Needles } from '@tunet/privacy';
import { SUBGRAPHS } from '../../scripts/subgraph-registry';
import {
  matrixCaller,
  matrixTests,
  openE2E,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  setupStep,
  type E2E,
  type MatrixCall,
  type OperatorMatrixActor,
} from './e2e.fixtures';

/**
 * The access log and the residue scan through the gateway (docs/decisions/0039): who may read `myDataAccess`, and
 * that after the board's erasure request for a person seeded through the gateway, the residue scan finds nothing of
 * them outside the allow-list in any subgraph schema, the event stream or the stored files.
 */
const MINE = '{ myDataAccess(first: 5) { nodes { id kind actorKind } pageInfo { hasNextPage } } }';
const PER: Needles = {
  names: ['Per Ødegård'],
  emails: ['per@solbakken.example'],
  phones: ['+47 455 66 778'],
  ids: [DEMO.per],
  texts: ['Pers restmerke i oppslaget'],
};

describe('access log and residue scan through the gateway', () => {
  let e2e: E2E;
  let tokens: Awaited<ReturnType<typeof operatorMatrixTokens>>;
  let call: MatrixCall<OperatorMatrixActor>;

  beforeAll(async () => {
    e2e = await openE2E(undefined, { privacy: { jobIntervalMs: 1500 } });
    tokens = await operatorMatrixTokens(e2e);
    call = matrixCaller<OperatorMatrixActor>(e2e, tokens);
  }, 120_000);
  afterAll(() => e2e.close());

  describe('myDataAccess', () => {
    matrixTests(
      OPERATOR_MATRIX_ACTORS,
      { myDataAccess: (actor) => call(actor, MINE) },
      {
        myDataAccess: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      },
    );
  });

  it('leaves nothing of an erased person outside the allow-list', async () => {
    const per = (await e2e.login('per@solbakken.example')).accessToken;
    await setupStep(e2e, per, 'mutation ($p: String!) { updateMyProfile(input: { phone: $p }) { member { id } } }', { p: PER.phones[0] });
    await setupStep(e2e, per, 'mutation ($i: CreatePostInput!) { createPost(input: $i) { post { id } } }', {
      i: { title: 'Sykkelbod', body: PER.texts[0] },
    });
    // The board reads Per's private fields: an access-log entry about him.
    await setupStep(e2e, tokens.board, '{ directory(first: 50) { nodes { id email phone } } }');
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { kind: string }[] } }>(MINE, {}, per);
      expect(new Set(log.data!.myDataAccess.nodes.map((entry) => entry.kind))).toEqual(new Set(['READ', 'CHANGE']));
    });

    const { requestErasure } = await setupStep<{ requestErasure: { id: string } }>(
      e2e,
      tokens.board,
      'mutation ($i: RequestErasureInput!) { requestErasure(input: $i) { id } }',
      { i: { memberId: DEMO.per } },
    );
    await eventually(async () => {
      const done = await setupStep<{ privacyRequests: { nodes: { id: string }[] } }>(
        e2e,
        tokens.board,
        '{ privacyRequests(status: COMPLETED, first: 50) { nodes { id } } }',
      );
      expect(done.privacyRequests.nodes.map((request) => request.id)).toContain(requestErasure.id);
    }, 60_000);

    // The request's completion event names Per until the relay has sent it; then it is deleted (decision 0052).
    await eventually(async () => {
      const hits = await residueScan(
        { database: e2e.database.connection, schemas: SUBGRAPHS.map((s) => s.name), store: e2e.store, filesRoot: e2e.filesDir },
        PER,
      );
      expect(residue(hits).map((hit) => `${hit.location} ${hit.needle} ${hit.count}`)).toEqual([]);
      expect(hits.filter((hit) => hit.allowed).length).toBeGreaterThan(0);
    }, 15_000);
  }, 120_000);

  it('reports the residue of a subgraph whose eraser is disabled', async () => {
    // Ola's profile phone lives in members; members' erase route is replaced in the running stack by one that
    // answers as if done and erases nothing.
    const ola = (await e2e.login('ola@solbakken.example')).accessToken;
    await setupStep(e2e, ola, 'mutation { updateMyProfile(input: { phone: "+47 455 99 001" }) { member { id } } }');
    // The change reaches the access log first: an entry still in flight when privacy erases would map Ola again
    // (decision 0039, consequences).
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { kind: string }[] } }>(MINE, {}, ola);
      expect(log.data!.myDataAccess.nodes.map((entry) => entry.kind)).toContain('CHANGE');
    });
    const routes = e2e.stack.members.definition.internalRoutes!;
    const eraser = routes[PRIVACY_ERASE_ROUTE]!;
    routes[PRIVACY_ERASE_ROUTE] = async (body, request) => {
      const { requestId, associationId, memberId } = body as { requestId: string; associationId: string; memberId: string };
      const exported = (await routes[PRIVACY_EXPORT_ROUTE]!({ kind: 'privacy.export', requestId, associationId, memberId }, request)) as {
        receipt: { table: string }[];
      };
      return { subgraph: 'members', receipt: exported.receipt.map((entry) => ({ ...entry, action: 'erased', rows: 0 })) };
    };
    try {
      const { requestErasure } = await setupStep<{ requestErasure: { id: string } }>(
        e2e,
        tokens.board,
        'mutation ($i: RequestErasureInput!) { requestErasure(input: $i) { id } }',
        { i: { memberId: DEMO.ola } },
      );
      await eventually(async () => {
        const done = await setupStep<{ privacyRequests: { nodes: { id: string }[] } }>(
          e2e,
          tokens.board,
          '{ privacyRequests(status: COMPLETED, first: 50) { nodes { id } } }',
        );
        expect(done.privacyRequests.nodes.map((request) => request.id)).toContain(requestErasure.id);
      }, 60_000);
    } finally {
      routes[PRIVACY_ERASE_ROUTE] = eraser;
    }
    // As above, privacy's completion event names Ola until it is relayed.
    await eventually(async () => {
      const hits = await residueScan(
        { database: e2e.database.connection, schemas: SUBGRAPHS.map((s) => s.name), store: e2e.store, filesRoot: e2e.filesDir },
        { names: [], emails: ['ola@solbakken.example'], phones: ['+47 455 99 001'], ids: [DEMO.ola], texts: [] },
      );
      const left = residue(hits).map((hit) => hit.location);
      expect(left).toEqual(expect.arrayContaining(['members.accounts.email', 'members.members.phone']));
      expect(left.filter((location) => !location.startsWith('members.'))).toEqual([]);
    }, 15_000);
  }, 120_000);
});
