import { randomUUID } from 'node:crypto';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { accessTokens, codes, openE2E, type E2E, type GraphQLResponse } from './support';

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
    const operations: { name: string; field: string; variableField?: string; inline: (text: string) => string; variable: string; variables: (text: string) => Record<string, unknown> }[] = [
      {
        name: 'directory search',
        field: 'filter.search',
        inline: (text) => `{ directory(filter: { search: ${text} }) { nodes { id } } }`,
        variable: 'query ($filter: DirectoryFilter) { directory(filter: $filter) { nodes { id } } }',
        variables: (text) => ({ filter: { search: text } }),
      },
      {
        name: 'createBooking',
        field: 'input.comment',
        inline: (text) =>
          `mutation { createBooking(input: { resourceId: "${DEMO_RESOURCES.laundry}", start: "${start}T08:00:00Z", end: "${start}T10:00:00Z", idempotencyKey: "${randomUUID()}", comment: ${text} }) { booking { id } } }`,
        variable: 'mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }',
        variables: (text) => ({
          input: { resourceId: DEMO_RESOURCES.laundry, start: `${start}T08:00:00Z`, end: `${start}T10:00:00Z`, idempotencyKey: randomUUID(), comment: text },
        }),
      },
      {
        name: 'updateMyProfile',
        field: 'input.onlineIdentities.handle',
        // As graphql-js names places in variables (input-errors.ts): with the list index.
        variableField: 'input.onlineIdentities[0].handle',
        inline: (text) => `mutation { updateMyProfile(input: { onlineIdentities: [{ service: "Mastodon", handle: ${text} }] }) { member { id } } }`,
        variable: 'mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { member { id } } }',
        variables: (text) => ({ input: { onlineIdentities: [{ service: 'Mastodon', handle: text }] } }),
      },
      {
        name: 'createGroup',
        field: 'input.name',
        inline: (text) => `mutation { createGroup(input: { kind: INTEREST, name: ${text} }) { group { id } } }`,
        variable: 'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }',
        variables: (text) => ({ input: { kind: 'INTEREST', name: text } }),
      },
      {
        name: 'reportContent',
        field: 'input.note',
        inline: (text) => `mutation { reportContent(input: { targetType: POST, targetId: "${post}", reason: SPAM, note: ${text} }) { report { id } } }`,
        variable: 'mutation ($input: ReportContentInput!) { reportContent(input: $input) { report { id } } }',
        variables: (text) => ({ input: { targetType: 'POST', targetId: post, reason: 'SPAM', note: text } }),
      },
      {
        name: 'createPost',
        field: 'input.title',
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
        { ids: [{ service: 'Mastodon', handle: 'kari' }, { service: `X${NUL}`, handle: 'kari' }] },
        kari,
      );
      refused(result, 'input.onlineIdentities[1].service');
    });

    it('refuses it in a default value of a variable', async () => {
      refused(await e2e.gql('query ($s: String = "a\\u0000") { directory(filter: { search: $s }) { nodes { id } } }', {}, ola), 's');
    });

    it('changes nothing: the refused group was not created', async () => {
      await e2e.gql('mutation ($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { input: { kind: 'INTEREST', name: `Strikk${NUL}` } }, eva);
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
});
