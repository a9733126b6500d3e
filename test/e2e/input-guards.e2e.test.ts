import { randomUUID } from 'node:crypto';
import { encodeContext, internalRouteUrl, MEMBER_REFERENCES_ROUTE, signRequest } from '@tunet/kit';
import { DEMO } from '@tunet/members';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { DateTime } from 'luxon';
import { accessTokens, codes, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';

/** A week ahead at 10:00–12:00 Oslo time, a free slot in the demo laundry's day. */
const start = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

describe('input guards through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let ola: string;
  let eva: string;
  /** A post Ola may read, so that a report of it gets as far as the database. */
  let post: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ({ kari, ola, eva } = await accessTokens(e2e, {
      kari: 'kari@solbakken.example',
      ola: 'ola@solbakken.example',
      eva: 'eva@fjordly.example',
    }));
    const feed = await e2e.gql<{ posts: { nodes: { id: string }[] } }>('{ posts(first: 1) { nodes { id } } }', {}, ola);
    post = feed.data!.posts.nodes[0]!.id;
  });
  afterAll(() => e2e.close());

  const refused = (result: GraphQLResponse, field: string) => {
    expect({ status: result.status, codes: codes(result), field: result.errors?.[0]?.extensions?.field }).toEqual({
      status: 400,
      codes: ['BAD_USER_INPUT'],
      field,
    });
  };

  describe('a NUL character (U+0000) in a string', () => {
    const NUL = '\u0000';
    /** Each operation the issue names, with one string argument left for the NUL, inline and as a variable. */
    const operations: {
      name: string;
      field: string;
      variableField?: string;
      inline: (text: string) => string;
      variable: string;
      variables: (text: string) => Record<string, unknown>;
    }[] = [
      {
        name: 'directory search',
        field: 'filter.search',
        inline: (text) => `{ directory(filter: { search: ${text} }) { nodes { id } } }`,
        variable: 'query ($filter: DirectoryFilter) { directory(filter: $filter) { nodes { id } } }',
        variables: (text) => ({ filter: { search: text } }),
      },
      {
        name: 'createBooking',
        field: 'comment',
        inline: (text) =>
          `mutation { createBooking(input: { resourceId: "${DEMO_RESOURCES.laundry}", start: "${start}T08:00:00Z", end: "${start}T10:00:00Z", idempotencyKey: "${randomUUID()}", comment: ${text} }) { booking { id } } }`,
        variable: 'mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }',
        variables: (text) => ({
          input: { resourceId: DEMO_RESOURCES.laundry, start: `${start}T08:00:00Z`, end: `${start}T10:00:00Z`, idempotencyKey: randomUUID(), comment: text },
        }),
      },
      {
        name: 'updateMyProfile',
        field: 'onlineIdentities.handle',
        // A variable's place names the list index (input-errors.ts), as parseInput's paths do.
        variableField: 'onlineIdentities.0.handle',
        inline: (text) => `mutation { updateMyProfile(input: { onlineIdentities: [{ service: "Mastodon", handle: ${text} }] }) { member { id } } }`,
        variable: 'mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { member { id } } }',
        variables: (text) => ({ input: { onlineIdentities: [{ service: 'Mastodon', handle: text }] } }),
      },
      {
        name: 'createGroup',
        field: 'name',
        inline: (text) => `mutation { createGroup(input: { kind: INTEREST, name: ${text} }) { group { id } } }`,
        variable: 'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }',
        variables: (text) => ({ input: { kind: 'INTEREST', name: text } }),
      },
      {
        name: 'reportContent',
        field: 'note',
        inline: (text) => `mutation { reportContent(input: { targetType: POST, targetId: "${post}", reason: SPAM, note: ${text} }) { report { id } } }`,
        variable: 'mutation ($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }',
        variables: (text) => ({ input: { targetType: 'POST', targetId: post, reason: 'SPAM', note: text } }),
      },
      {
        name: 'createPost',
        field: 'title',
        inline: (text) => `mutation { createPost(input: { title: ${text}, body: "Hei" }) { post { id } } }`,
        variable: 'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id } } }',
        variables: (text) => ({ input: { title: text, body: 'Hei' } }),
      },
    ];

    it.each(operations.map((operation) => [operation.name, operation] as const))('%s refuses it inline, naming the field', async (_name, operation) => {
      // The GraphQL escape \u0000, as a client writes it into the document.
      refused(await e2e.gql(operation.inline('"Bad\\u0000ger"'), {}, ola), operation.field);
    });

    it.each(operations.map((operation) => [operation.name, operation] as const))('%s refuses it in a variable, naming the field', async (_name, operation) => {
      refused(await e2e.gql(operation.variable, operation.variables(`Bad${NUL}ger`), ola), operation.variableField ?? operation.field);
    });

    it('names the argument a variable is passed to, and the place in a list', async () => {
      const result = await e2e.gql(
        'mutation ($ids: [OnlineIdentityInput!]) { updateMyProfile(input: { onlineIdentities: $ids }) { member { id } } }',
        {
          ids: [
            { service: 'Mastodon', handle: 'kari' },
            { service: `X${NUL}`, handle: 'kari' },
          ],
        },
        kari,
      );
      refused(result, 'onlineIdentities.1.service');
    });

    it('refuses it in a default value of a variable', async () => {
      refused(await e2e.gql('query ($s: String = "a\\u0000") { directory(filter: { search: $s }) { nodes { id } } }', {}, ola), 's');
    });

    it('looks through a variable nested 100,000 deep without failing (a stack overflow was an internal error)', async () => {
      // Written out by hand: JSON.stringify would overflow the test's own stack.
      const send = async (innermost: string) => {
        const variables = `{ "s": "Nord", "unused": ${'['.repeat(100_000)}${innermost}${']'.repeat(100_000)} }`;
        const query = JSON.stringify('query ($s: String) { directory(filter: { search: $s }) { nodes { id } } }');
        const response = await fetch(e2e.stack.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ola}` },
          body: `{ "query": ${query}, "variables": ${variables} }`,
        });
        return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse;
      };
      const clean = await send('"Nord"');
      expect({ status: clean.status, errors: clean.errors }).toEqual({ status: 200, errors: undefined });
      const result = await send('"Nord\\u0000"');
      expect({ status: result.status, codes: codes(result) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    });

    it('changes nothing: the refused group was not created', async () => {
      await e2e.gql(
        'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }',
        { input: { kind: 'INTEREST', name: `Strikk${NUL}` } },
        eva,
      );
      const groups = await e2e.gql<{ groups: { nodes: { name: string }[] } }>('{ groups(first: 50) { nodes { name } } }', {}, eva);
      expect(groups.errors).toBeUndefined();
      expect(groups.data!.groups.nodes.map((group) => group.name)).not.toContain('Strikk');
    });

    it('still takes text without it, other control characters included', async () => {
      const result = await e2e.gql<{ directory: { nodes: unknown[] } }>(
        'query ($filter: DirectoryFilter) { directory(filter: $filter) { nodes { id } } }',
        { filter: { search: 'Nord\tmann' } },
        ola,
      );
      expect(result.errors).toBeUndefined();
    });
  });
  describe('an id of another association or of nothing, as a reference', () => {
    type Housing = { buildings: { id: string; units: { id: string }[] }[]; committees: { id: string }[] };
    const housingOf = async (token: string) =>
      (await e2e.gql<{ me: { association: Housing } }>('{ me { association { buildings { id units { id } } committees { id } } } }', {}, token)).data!.me
        .association;
    let fjordly: { building: string; unit: string; committee: string; group: string };
    let solbakken: { building: string; committee: string };

    /** Subgraph refusals travel in an HTTP 200 answer (kit/errors.ts); nothing was done, so data is null. */
    const refusedReference = (result: GraphQLResponse, field: string) => {
      expect({ data: result.data, codes: codes(result), field: result.errors?.[0]?.extensions?.field }).toEqual({
        data: null,
        codes: ['BAD_USER_INPUT'],
        field,
      });
    };

    beforeAll(async () => {
      const other = await housingOf(eva);
      const group = await e2e.gql<{ createGroup: { group: { id: string } } }>(
        'mutation { createGroup(input: { kind: INTEREST, name: "Fjordly bridge" }) { group { id } } }',
        {},
        eva,
      );
      fjordly = {
        building: other.buildings[0]!.id,
        unit: other.buildings[0]!.units[0]!.id,
        committee: other.committees[0]!.id,
        group: group.data!.createGroup.group.id,
      };
      const own = await housingOf(kari);
      solbakken = { building: own.buildings[0]!.id, committee: own.committees[0]!.id };
    });

    /** The foreign id of each kind, and a UUID that names nothing. */
    const foreignAndRandom = (kind: 'building' | 'unit' | 'committee' | 'group') =>
      [
        ['of another association', () => fjordly[kind]],
        ['of nothing', () => randomUUID()],
      ] as const;

    describe('addGroupMember', () => {
      let group: string;
      beforeAll(async () => {
        const created = await e2e.gql<{ createGroup: { group: { id: string } } }>(
          'mutation { createGroup(input: { kind: INTEREST, name: "Bridge club" }) { group { id } } }',
          {},
          kari,
        );
        group = created.data!.createGroup.group.id;
      });
      const add = (memberId: string) =>
        e2e.gql(
          'mutation ($g: ID!, $m: ID!) { addGroupMember(input: { groupId: $g, memberId: $m }) { member { member { id } } } }',
          { g: group, m: memberId },
          kari,
        );

      it.each([
        ['of another association', () => DEMO.eva],
        ['of nothing', () => randomUUID()],
      ])('refuses a member %s, and keeps them out of the group', async (_name, memberId) => {
        const id = memberId();
        refusedReference(await add(id), 'memberId');
        const members = await e2e.gql<{ group: { members: { nodes: { member: { id: string } }[] } } }>(
          'query ($g: ID!) { group(id: $g) { members(first: 50) { nodes { member { id } } } } }',
          { g: group },
          kari,
        );
        expect(members.data!.group.members.nodes.map((node) => node.member.id)).not.toContain(id);
      });

      it('adds a member of the association', async () => {
        expect((await add(DEMO.ola)).errors).toBeUndefined();
      });
    });

    describe('createPost and updatePost audiences', () => {
      const createPost = (kind: string, id: string) =>
        e2e.gql(
          'mutation ($a: AudienceInput) { createPost(input: { title: "Til dere", body: "Hei", audience: $a }) { post { id } } }',
          { a: { kind, id } },
          kari,
        );

      for (const kind of ['building', 'committee', 'group'] as const) {
        it.each(foreignAndRandom(kind))(`refuses a ${kind.toUpperCase()} audience %s`, async (_name, id) => {
          refusedReference(await createPost(kind.toUpperCase(), id()), 'audience.id');
        });
      }

      it("posts to the association's own building and committee", async () => {
        expect((await createPost('BUILDING', solbakken.building)).errors).toBeUndefined();
        expect((await createPost('COMMITTEE', solbakken.committee)).errors).toBeUndefined();
      });

      it("refuses to move a post to another association's building", async () => {
        const post = await createPost('BUILDING', solbakken.building);
        const result = await e2e.gql(
          'mutation ($p: ID!, $a: AudienceInput) { updatePost(input: { postId: $p, audience: $a }) { post { id } } }',
          { p: (post.data as { createPost: { post: { id: string } } }).createPost.post.id, a: { kind: 'BUILDING', id: fjordly.building } },
          kari,
        );
        refusedReference(result, 'audience.id');
      });
    });

    it.each(foreignAndRandom('committee'))('createGroup refuses a COMMITTEE group for a committee %s', async (_name, id) => {
      refusedReference(
        await e2e.gql('mutation ($c: ID) { createGroup(input: { kind: COMMITTEE, name: "Komité", committeeId: $c }) { group { id } } }', { c: id() }, kari),
        'committeeId',
      );
    });

    describe('updateDocument', () => {
      let document: string;
      beforeAll(async () => {
        const folders = await e2e.gql<{ documentFolders: { id: string }[] }>('{ documentFolders { id } }', {}, kari);
        const documents = await e2e.gql<{ documents: { nodes: { id: string }[] } }>(
          'query ($f: ID!) { documents(folderId: $f) { nodes { id } } }',
          { f: folders.data!.documentFolders[0]!.id },
          kari,
        );
        document = documents.data!.documents.nodes[0]!.id;
      });

      it.each(foreignAndRandom('committee'))('refuses a COMMITTEE audience %s', async (_name, id) => {
        const result = await e2e.gql(
          'mutation ($d: ID!, $a: AudienceInput) { updateDocument(input: { documentId: $d, audience: $a }) { document { id } } }',
          { d: document, a: { kind: 'COMMITTEE', id: id() } },
          kari,
        );
        refusedReference(result, 'audience.id');
      });

      it.each(foreignAndRandom('committee'))('refuses editors from a committee %s', async (_name, id) => {
        const result = await e2e.gql(
          'mutation ($d: ID!, $c: ID) { updateDocument(input: { documentId: $d, editorCommitteeId: $c }) { document { id editorCommitteeId } } }',
          { d: document, c: id() },
          kari,
        );
        refusedReference(result, 'editorCommitteeId');
      });
    });

    describe('createBooking', () => {
      /** The laundry's 07:00–10:00 slot ten days ahead, in Oslo. */
      const day = DateTime.now().setZone('Europe/Oslo').plus({ days: 10 }).startOf('day');
      const book = (unitId: string) =>
        e2e.gql(
          'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }',
          {
            i: {
              resourceId: DEMO_RESOURCES.laundry,
              start: day.set({ hour: 7 }).toJSDate().toISOString(),
              end: day.set({ hour: 10 }).toJSDate().toISOString(),
              idempotencyKey: randomUUID(),
              unitId,
            },
          },
          ola,
        );

      it.each(foreignAndRandom('unit'))('refuses to bill a household %s', async (_name, id) => {
        refusedReference(await book(id()), 'unitId');
      });

      it("refuses to bill a neighbour's household", async () => {
        const own = await housingOf(kari);
        const olas = await e2e.gql<{ me: { tenures: { unit: { id: string } }[] } }>('{ me { tenures { unit { id } } } }', {}, ola);
        const mine = olas.data!.me.tenures.map((tenure) => tenure.unit.id);
        const neighbour = own.buildings.flatMap((building) => building.units.map((unit) => unit.id)).find((id) => !mine.includes(id))!;
        refusedReference(await book(neighbour), 'unitId');
      });
    });

    describe("members' references route, called as another subgraph does", () => {
      const call = async (route: string, payload: unknown) => {
        const body = JSON.stringify(payload);
        const url = internalRouteUrl(e2e.stack.subgraphUrls.members, route);
        const context = encodeContext({ viewer: null, requestId: 'input-guards', clientIp: '' });
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signRequest(e2e.secrets.internalSecret, { method: 'POST', url, context, body }) },
          body,
        });
        return { status: response.status, body: await response.json() };
      };

      it("answers only the association's own ids", async () => {
        const random = randomUUID();
        const answer = await call(MEMBER_REFERENCES_ROUTE, {
          associationId: DEMO.solbakken,
          references: {
            memberIds: [DEMO.kari, DEMO.eva, random],
            buildingIds: [solbakken.building, fjordly.building],
            committeeIds: [fjordly.committee],
            unitIds: [fjordly.unit],
          },
        });
        expect(answer).toEqual({
          status: 200,
          body: { existing: { memberIds: [DEMO.kari], buildingIds: [solbakken.building], committeeIds: [], unitIds: [] } },
        });
      });

      it("takes no other route's body, and its body means nothing to another route", async () => {
        const recipients = { associationId: DEMO.solbakken, spec: { kind: 'members', memberIds: [DEMO.kari] } };
        expect((await call(MEMBER_REFERENCES_ROUTE, recipients)).status).toBe(400);
        expect((await call(MEMBER_REFERENCES_ROUTE, { key: 'tunet_x' })).status).toBe(400);
        const references = { associationId: DEMO.solbakken, references: { memberIds: [DEMO.kari] } };
        expect((await call('notifications/recipients', references)).status).toBe(400);
        expect((await call('api-keys/verify', references)).status).toBe(400);
      });
    });
  });
});
