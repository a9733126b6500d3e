import { audienceInput, isInAudience, toGraphQLAudience, type Audience, type ViewerAudiences } from './audiences';

const BUILDING_A = 'a0000000-0000-4000-8000-00000000000a';
const BUILDING_B = 'a0000000-0000-4000-8000-00000000000b';
const COMMITTEE = 'c0000000-0000-4000-8000-000000000001';
const GROUP = 'd0000000-0000-4000-8000-000000000001';

const base = { associationId: 'e0000000-0000-4000-8000-000000000001', memberId: 'f0000000-0000-4000-8000-000000000001' };
const residentOfA: ViewerAudiences = { ...base, board: false, buildingIds: [BUILDING_A], committeeIds: [], groupIds: [] };
const residentOfB: ViewerAudiences = { ...residentOfA, buildingIds: [BUILDING_B] };
const committeeMember: ViewerAudiences = { ...residentOfA, committeeIds: [COMMITTEE], groupIds: [GROUP] };
const external: ViewerAudiences = { ...base, board: false, buildingIds: [], committeeIds: [], groupIds: [] };
const board: ViewerAudiences = { ...external, board: true };

const audiences: [string, Audience][] = [
  ['association', { kind: 'association' }],
  ['building A', { kind: 'building', id: BUILDING_A }],
  ['committee', { kind: 'committee', id: COMMITTEE }],
  ['group', { kind: 'group', id: GROUP }],
  ['board', { kind: 'board' }],
];

// Rows: viewer; columns follow `audiences`.
const matrix: [string, ViewerAudiences, boolean[]][] = [
  ['resident of building A', residentOfA, [true, true, false, false, false]],
  ['resident of building B', residentOfB, [true, false, false, false, false]],
  ['committee and group member', committeeMember, [true, true, true, true, false]],
  ['external without a home', external, [true, false, false, false, false]],
  ['board member', board, [true, true, true, true, true]],
];

describe('audiences', () => {
  it.each(matrix)('%s', (_name, viewer, expected) => {
    expect(audiences.map(([, audience]) => isInAudience(audience, viewer))).toEqual(expected);
  });
});

describe('audience input', () => {
  it.each<[{ kind: string; id?: string | null }, Audience]>([
    [{ kind: 'ASSOCIATION' }, { kind: 'association' }],
    [{ kind: 'BOARD', id: null }, { kind: 'board' }],
    [
      { kind: 'BUILDING', id: BUILDING_A },
      { kind: 'building', id: BUILDING_A },
    ],
    [
      { kind: 'GROUP', id: GROUP },
      { kind: 'group', id: GROUP },
    ],
  ])('reads %j', (input, audience) => {
    expect(audienceInput.parse(input)).toEqual(audience);
    expect(toGraphQLAudience(audience)).toEqual({ kind: audience.kind, id: input.id ?? null });
  });

  it.each([
    ['a building without an id', { kind: 'BUILDING' }],
    ['a committee with a malformed id', { kind: 'COMMITTEE', id: 'blokk-a' }],
    ['the association with an id', { kind: 'ASSOCIATION', id: BUILDING_A }],
  ])('refuses %s, naming the id', (_case, input) => {
    const result = audienceInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['id']);
  });
});
