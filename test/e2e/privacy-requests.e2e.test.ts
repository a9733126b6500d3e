import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '@tunet/members';
import {
  codes,
  matrixCaller,
  matrixTests,
  openE2E,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  setupStep,
  type E2E,
  type MatrixCall,
  type OperatorMatrixActor,
  type Outcome,
} from './e2e.fixtures';

/**
 * Data-subject requests through the gateway (docs/decisions/0036): who may ask, list, extend and change the
 * settings (every operation × every kind of caller), and the orchestration's promise that a subgraph that is down
 * leaves its step pending and is done by the job's own next runs once it is back. Reservations sits behind a proxy
 * the test closes (connection refused, as for a stopped process) and opens again on the same port.
 */
const ACTORS = OPERATOR_MATRIX_ACTORS;
type Actor = OperatorMatrixActor;
const JOB_INTERVAL_MS = 1500;

/** Passes every request on to `target` unchanged while open; closed, its port refuses connections. */
async function stoppableProxy(): Promise<{ url: string; target: string; stop(): Promise<void>; start(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const target = new URL(proxy.target);
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  let port = 0;
  const proxy = {
    url: '',
    target: '',
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    start: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
  };
  await proxy.start();
  port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${port}/graphql`;
  return proxy;
}

const REQUEST_FIELDS =
  'id kind status deadline overdue extension { months reason } steps { subgraph status attempts lastError finishedAt } receipt { subgraph table action rows }';
const EXPORT = `mutation ($i: RequestDataExportInput!) { requestDataExport(input: $i) { ${REQUEST_FIELDS} } }`;
const ERASE = `mutation ($i: RequestErasureInput!) { requestErasure(input: $i) { ${REQUEST_FIELDS} } }`;
const EXTEND = `mutation ($i: ExtendPrivacyRequestInput!) { extendPrivacyRequest(input: $i) { ${REQUEST_FIELDS} } }`;
const LIST = `query { privacyRequests(first: 10) { nodes { ${REQUEST_FIELDS} } pageInfo { hasNextPage } } }`;
const MINE = `query { myPrivacyRequests { ${REQUEST_FIELDS} } }`;

interface Step {
  subgraph: string;
  status: string;
  attempts: number;
  lastError: string | null;
  finishedAt: string | null;
}
interface Request {
  id: string;
  status: string;
  deadline: string;
  extension: { months: number; reason: string } | null;
  steps: Step[];
  receipt: { subgraph: string; table: string; action: string; rows: number }[];
}

describe('privacy requests', () => {
  let e2e: E2E;
  let reservations: Awaited<ReturnType<typeof stoppableProxy>>;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;

  beforeAll(async () => {
    reservations = await stoppableProxy();
    e2e = await openE2E(undefined, { privacy: { jobIntervalMs: JOB_INTERVAL_MS, subgraphUrls: { reservations: reservations.url } } });
    reservations.target = e2e.stack.subgraphUrls.reservations;
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e));
  });
  afterAll(async () => {
    await e2e?.close();
    await reservations?.stop();
  });

  /** The request as a board (`token`) sees it now. */
  const boardView = async (token: string | undefined, id: string): Promise<Request> => {
    const list = await setupStep<{ privacyRequests: { nodes: Request[] } }>(e2e, token, LIST);
    const found = list.privacyRequests.nodes.find((request) => request.id === id);
    if (found) return found;
    const completed = await setupStep<{ privacyRequests: { nodes: Request[] } }>(
      e2e,
      token,
      `query { privacyRequests(status: COMPLETED, first: 10) { nodes { ${REQUEST_FIELDS} } } }`,
    );
    return completed.privacyRequests.nodes.find((request) => request.id === id)!;
  };

  /** Polls (the job runs on its own) until `done` holds or `withinMs` has passed; returns the last view. */
  const until = async (token: string | undefined, id: string, done: (request: Request) => boolean, withinMs: number) => {
    const started = Date.now();
    for (;;) {
      const request = await boardView(token, id);
      if (done(request) || Date.now() - started > withinMs) return { request };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  // First, while no other request is open: the job's run then is about this request alone.
  it('keeps a step pending while its subgraph is down and finishes it by itself once it is back', async () => {
    await reservations.stop();
    // Eva's own request is Fjordly's, and she is Fjordly's board: she follows it in the board's list.
    const eva = tokens['other association'];
    const asked = await setupStep<{ requestDataExport: Request }>(e2e, eva, EXPORT, { i: {} });
    const id = asked.requestDataExport.id;
    // Asked again while it is open: the same request. Extended by two months, then no more.
    expect((await setupStep<{ requestDataExport: Request }>(e2e, eva, EXPORT, { i: {} })).requestDataExport.id).toBe(id);
    const extended = await setupStep<{ extendPrivacyRequest: Request }>(e2e, eva, EXTEND, { i: { id, months: 2, reason: 'Flere systemer / several systems' } });
    expect(extended.extendPrivacyRequest.extension).toEqual({ months: 2, reason: 'Flere systemer / several systems' });
    const third = await e2e.gql(EXTEND, { i: { id, months: 1, reason: 'x' } }, eva);
    expect(third.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'months' });
    const down = await until(
      eva,
      id,
      (r) => r.steps.every((s) => s.subgraph === 'reservations' || s.status === 'DONE') && step(r, 'reservations').attempts >= 2,
      4 * JOB_INTERVAL_MS,
    );
    expect(step(down.request, 'reservations')).toMatchObject({ status: 'PENDING', lastError: 'unreachable' });
    expect(step(down.request, 'reservations').attempts).toBeGreaterThanOrEqual(2);
    expect(down.request.status).toBe('IN_PROGRESS');
    expect(
      down.request.steps
        .filter((s) => s.status === 'DONE')
        .map((s) => s.subgraph)
        .sort(),
    ).toEqual(['billing', 'members', 'notifications', 'operations', 'posts', 'privacy'].sort());

    await reservations.start();
    // The job's own next run takes it, nothing else asks: usually within two intervals (1.7 s). The wait allows far
    // more, because a bound of three intervals failed on loaded 2-core runners (3.6 s, 4.97 s): how soon is the job's
    // interval, set by configuration, while what this asserts is that it comes back by itself.
    const back = await until(eva, id, (r) => step(r, 'reservations').status === 'DONE', 15 * JOB_INTERVAL_MS);
    expect(step(back.request, 'reservations')).toMatchObject({ status: 'DONE', lastError: null });
    expect(step(back.request, 'reservations').attempts).toBeGreaterThan(step(down.request, 'reservations').attempts);
  });

  describe('access matrix', () => {
    // With reservations down, requests stay open through the matrix, so each cell meets the same request.
    beforeAll(() => reservations.stop());
    afterAll(() => reservations.start());
    const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
      "requestDataExport (Ola's)": (actor) => call(actor, EXPORT, { i: { memberId: DEMO.ola } }),
      "requestErasure (Per's)": (actor) => call(actor, ERASE, { i: { memberId: DEMO.per } }),
      extendPrivacyRequest: async (actor) => {
        const open = await setupStep<{ requestDataExport: Request }>(e2e, tokens.resident, EXPORT, { i: {} });
        return call(actor, EXTEND, { i: { id: open.requestDataExport.id, months: 1, reason: 'Mange delsystemer / many parts' } });
      },
      privacyRequests: (actor) => call(actor, LIST),
      myPrivacyRequests: (actor) => call(actor, MINE),
      updatePrivacySettings: (actor) =>
        call(actor, 'mutation ($i: UpdatePrivacySettingsInput!) { updatePrivacySettings(input: $i) { retentionMonths keepContent contact { name } } }', {
          i: { retentionMonths: 18, contactName: 'Kari Nordmann', contactEmail: 'styret@solbakken.example' },
        }),
      'Association.privacySettings': (actor) =>
        actor === 'platform operator'
          ? call(actor, 'query ($s: String) { associations(search: $s) { nodes { privacySettings { retentionMonths keepContent } } } }', { s: '987654325' })
          : call(actor, 'query ($id: ID!) { association(id: $id) { privacySettings { retentionMonths keepContent } } }', { id: DEMO.solbakken }),
    };
    // anonymous, resident (Ola), board (Kari), other association (Eva, Fjordly's board), integrator, platform operator
    matrixTests(ACTORS, operations, {
      "requestDataExport (Ola's)": ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
      "requestErasure (Per's)": ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
      extendPrivacyRequest: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
      privacyRequests: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      myPrivacyRequests: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      updatePrivacySettings: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      // Fjordly's board does not reach Solbakken at all: members answers NOT_FOUND for the association. An operator
      // reads them only in a support session for the association (decision 0030).
      'Association.privacySettings': ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
    });
  });

  it('refuses a sitting board member’s own erasure', async () => {
    expect(codes(await e2e.gql(ERASE, { i: {} }, tokens.board))).toEqual(['CONFLICT']);
  });

  // After the matrix (reservations is back): the board's erasure of Per runs through every subgraph, members first
  // (his sessions end before anything else is erased), privacy's own last.
  it('erases a member in every subgraph, members first and privacy last, with a receipt from each', async () => {
    const asked = await setupStep<{ requestErasure: Request }>(e2e, tokens.board, ERASE, { i: { memberId: DEMO.per } });
    const done = await until(tokens.board, asked.requestErasure.id, (r) => r.status === 'COMPLETED', 4 * JOB_INTERVAL_MS);
    expect(done.request.status).toBe('COMPLETED');
    expect(new Set(done.request.receipt.map((entry) => entry.subgraph))).toEqual(
      new Set(['posts', 'reservations', 'notifications', 'billing', 'operations', 'privacy', 'members']),
    );
    const finished = (subgraph: string) => Date.parse(step(done.request, subgraph).finishedAt!);
    for (const other of ['posts', 'reservations', 'notifications', 'billing', 'operations']) {
      expect(finished(other)).toBeGreaterThanOrEqual(finished('members'));
      expect(finished(other)).toBeLessThanOrEqual(finished('privacy'));
    }
    expect(finished('members')).toBeLessThan(finished('privacy'));
    expect(done.request.receipt.some((entry) => entry.subgraph === 'members' && entry.action === 'erased' && entry.rows > 0)).toBe(true);
    // Members no longer knows Per: the completed list still shows the request, by his id, with subject null.
    const completed = await setupStep<{ privacyRequests: { nodes: { id: string; subjectId: string; subject: { id: string } | null }[] } }>(
      e2e,
      tokens.board,
      'query { privacyRequests(status: COMPLETED, first: 10) { nodes { id subjectId subject { id } } } }',
    );
    expect(completed.privacyRequests.nodes.find((node) => node.id === asked.requestErasure.id)).toEqual({
      id: asked.requestErasure.id,
      subjectId: DEMO.per,
      subject: null,
    });
  });
});

const step = (request: Request, subgraph: string): Step => request.steps.find((s) => s.subgraph === subgraph)!;
