import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { DEMO } from '@tunet/members';
import { codes, openE2E, OPERATOR_MATRIX_ACTORS, operatorMatrixTokens, setupStep, type E2E, type OperatorMatrixActor } from './e2e.fixtures';

/**
 * A person's export archive through the gateway (docs/decisions/0037): Ola asks for her data, every subgraph answers,
 * and the archive she downloads through the signed link holds each subgraph's JSON, CSV per table and the summary;
 * the board sees the archive and until when it is kept, but gets no link; a tampered link is refused (403) and an expired archive is gone (410,
 * then no link at all once the expiry job ran).
 */
const ARCHIVE = 'archive { url expiresAt sizeBytes archiveExpiresAt }';
const MINE = `query { myPrivacyRequests { id status ${ARCHIVE} } }`;
const COMPLETED = `query { privacyRequests(status: COMPLETED, first: 10) { nodes { id ${ARCHIVE} } } }`;

interface Archive {
  url: string;
  expiresAt: string;
  sizeBytes: number;
  archiveExpiresAt: string;
}
interface Request {
  id: string;
  status: string;
  archive: Archive | null;
}

describe('export archives through the gateway', () => {
  let e2e: E2E;
  let tokens: Record<Exclude<OperatorMatrixActor, 'anonymous'>, string>;
  let requestId: string;
  let archive: Archive;

  beforeAll(async () => {
    e2e = await openE2E(undefined, { privacy: { jobIntervalMs: 1000 } });
    tokens = await operatorMatrixTokens(e2e);
    const asked = await setupStep<{ requestDataExport: Request }>(e2e, tokens.resident, 'mutation { requestDataExport(input: {}) { id status } }');
    requestId = asked.requestDataExport.id;
    for (const started = Date.now(); Date.now() - started < 60_000;) {
      const mine = await setupStep<{ myPrivacyRequests: Request[] }>(e2e, tokens.resident, MINE);
      const found = mine.myPrivacyRequests.find((request) => request.id === requestId);
      if (found?.archive) {
        archive = found.archive;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 120_000);
  afterAll(() => e2e?.close());

  it('gives the person a ten-minute link to a zip with every subgraph’s data and the summary', async () => {
    expect(archive).toBeDefined();
    expect(Date.parse(archive.expiresAt) - Date.now()).toBeGreaterThan(8 * 60_000);
    expect(Date.parse(archive.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const response = await fetch(archive.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const zip = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(zip['members.json'] && zip['summary.nb.md'] && zip['summary.en.md']).toBeTruthy();
    for (const subgraph of ['members', 'posts', 'reservations', 'notifications', 'billing', 'privacy']) {
      const answer = JSON.parse(strFromU8(zip[`${subgraph}.json`]!)) as { subgraph: string; tables: Record<string, unknown[]> };
      expect(answer.subgraph).toBe(subgraph);
      for (const table of Object.keys(answer.tables)) expect(zip[`${subgraph}/${table}.csv`]).toBeDefined();
    }
    const members = JSON.parse(strFromU8(zip['members.json']!)) as { tables: Record<string, Record<string, unknown>[]> };
    expect(JSON.stringify(members.tables)).toContain('Ola');
    expect(strFromU8(zip['summary.nb.md']!)).toContain('Datatilsynet');
  });

  it('shows the board the archive and its expiry without a link, and the request is nothing to another association', async () => {
    const board = await setupStep<{ privacyRequests: { nodes: Request[] } }>(e2e, tokens.board, COMPLETED);
    expect(board.privacyRequests.nodes.find((request) => request.id === requestId)).toEqual({
      id: requestId,
      archive: { url: null, expiresAt: null, sizeBytes: archive.sizeBytes, archiveExpiresAt: archive.archiveExpiresAt },
    });
    const other = await setupStep<{ privacyRequests: { nodes: Request[] } }>(e2e, tokens['other association'], COMPLETED);
    expect(other.privacyRequests.nodes.map((request) => request.id)).not.toContain(requestId);
    expect(codes(await e2e.gql(MINE))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await e2e.gql(COMPLETED, {}, tokens.integrator))).toEqual(['FORBIDDEN']);
    expect(codes(await e2e.gql(COMPLETED, {}, tokens['platform operator']))).toEqual(['FORBIDDEN']);
  });

  it('refuses a tampered link, answers 410 once the archive expired, and then gives no link', async () => {
    const tampered = archive.url.replace(/exp=(\d+)/, (_, exp: string) => `exp=${Number(exp) + 3600}`);
    expect((await fetch(tampered)).status).toBe(403);
    // The prefix takes a posted form only for a terminated association's link: a person's download stays GET-only.
    const posted = await fetch(archive.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=x' });
    expect(posted.status).toBe(404);
    await e2e.stack.privacy.db.system((tx) =>
      tx.execute(
        sql`update privacy.export_archives set ready_at = now() - interval '8 days', expires_at = now() - interval '1 day' where request_id = ${requestId}`,
      ),
    );
    expect((await fetch(archive.url)).status).toBe(410);
    await e2e.stack.privacy.archives.expire();
    const mine = await setupStep<{ myPrivacyRequests: Request[] }>(e2e, tokens.resident, MINE);
    expect(mine.myPrivacyRequests.find((request) => request.id === requestId)?.archive).toBeNull();
    expect((await fetch(archive.url)).status).toBe(410);
  });

  it("leaves a terminated association's closure and its download link to platform operators", async () => {
    const CLOSURE = `query { associationClosure(associationId: "${DEMO.solbakken}") { status } }`;
    const ISSUE = `mutation { issueClosureExportLink(input: { associationId: "${DEMO.solbakken}" }) { url accessCode } }`;
    const outcome = async (actor: OperatorMatrixActor, query: string) => {
      const response = await e2e.gql(query, {}, actor === 'anonymous' ? undefined : tokens[actor]);
      return codes(response)[0] ?? JSON.stringify(response.data);
    };
    const seen: Record<string, [unknown, unknown]> = {};
    for (const actor of OPERATOR_MATRIX_ACTORS) seen[actor] = [await outcome(actor, CLOSURE), await outcome(actor, ISSUE)];
    expect(seen).toEqual({
      anonymous: ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
      resident: ['FORBIDDEN', 'FORBIDDEN'],
      board: ['FORBIDDEN', 'FORBIDDEN'],
      'other association': ['FORBIDDEN', 'FORBIDDEN'],
      integrator: ['FORBIDDEN', 'FORBIDDEN'],
      // Solbakken's agreement has not ended: there is no closure, and nothing to link to
      'platform operator': ['{"associationClosure":null}', 'NOT_FOUND'],
    });
  });
});
