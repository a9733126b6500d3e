import { randomUUID } from 'node:crypto';
import { InternalRouteError, type RequestContext } from '@tunet/kit';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import type { GroupMembersAnswer } from './group-members.repository';
import { GROUP_MEMBERS_ROUTE } from './group-members.routes';

describe('the group-members route for notifications', () => {
  let bed: PostsTestBed;
  const fromProcess: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
  const ask = (body: unknown, request = fromProcess) =>
    bed.subgraph.definition.internalRoutes![GROUP_MEMBERS_ROUTE]!(body, request) as Promise<GroupMembersAnswer>;
  const association = randomUUID();
  const other = randomUUID();
  const founder = viewerIn(association);
  const neighbour = viewerIn(association);
  const board = viewerIn(association, 'board');

  beforeAll(async () => {
    bed = await openPostsTestBed();
  });
  afterAll(() => bed.close());

  it("answers an interest group's current members, and none for a group of another association", async () => {
    const group = await bed.subgraph.groups.createGroup(founder, { kind: 'INTEREST', name: 'Hagegruppa' });
    await bed.subgraph.groups.joinGroup(bed.contextFor(neighbour), { groupId: group.id });
    const leaver = viewerIn(association);
    await bed.subgraph.groups.joinGroup(bed.contextFor(leaver), { groupId: group.id });
    await bed.subgraph.groups.leaveGroup(bed.contextFor(leaver), { groupId: group.id });
    const answer = await ask({ associationId: association, groupId: group.id });
    expect(answer).toEqual({ memberIds: [founder.memberId, neighbour.memberId].sort(), committeeId: null });
    expect(await ask({ associationId: other, groupId: group.id })).toEqual({ memberIds: [], committeeId: null });
    expect(await ask({ associationId: association, groupId: randomUUID() })).toEqual({ memberIds: [], committeeId: null });
  });

  it("names a committee group's committee, whose members the members subgraph knows", async () => {
    const committeeId = randomUUID();
    const group = await bed.subgraph.groups.createGroup(board, { kind: 'COMMITTEE', name: 'Festkomiteen', committeeId });
    expect(await ask({ associationId: association, groupId: group.id })).toEqual({ memberIds: [], committeeId });
    expect(await ask({ associationId: other, groupId: group.id })).toEqual({ memberIds: [], committeeId: null });
  });

  it('refuses a malformed body, and any call that carries a viewer, with HTTP 400', async () => {
    const status = (body: unknown, request = fromProcess) =>
      ask(body, request).then(
        () => null,
        (error: unknown) => (error instanceof InternalRouteError ? error.status : error),
      );
    expect(await status({ associationId: association })).toBe(400);
    expect(await status({ associationId: association, groupId: 'hagegruppa' })).toBe(400);
    expect(await status({ associationId: association, groupId: randomUUID() }, { ...fromProcess, viewer: board })).toBe(400);
  });
});
