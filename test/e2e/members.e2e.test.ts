import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { DEMO } from '@tunet/members';
import { codes, openE2E, type E2E } from './e2e.fixtures';

type Directory = { directory: { nodes: { id: string; displayName: string | null; email: string | null; occupation: string | null }[] } };
const DIRECTORY = '{ directory(first: 50) { nodes { id displayName email occupation } } }';

describe('the resident directory and board work through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let ola: string;

  beforeAll(async () => {
    e2e = await openE2E();
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
    ola = (await e2e.login('ola@solbakken.example')).accessToken;
  });
  afterAll(() => e2e.close());

  it("shows residents each other's public profile only, and nobody who hides their name", async () => {
    const result = await e2e.gql<Directory>(DIRECTORY, {}, ola);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.directory.nodes;
    expect(nodes.map((m) => m.displayName)).toEqual(['Ingrid Hansen', 'Jonas Lie', 'Kari Nordmann', 'Ola Hansen', 'Per Ødegård']);
    expect(nodes.find((m) => m.id === DEMO.kari)!.email).toBeNull();
    expect(nodes.find((m) => m.id === DEMO.ola)!.email).toBe('ola@solbakken.example');
  });

  it('never leaks a hidden name through an entity reference either', async () => {
    const byId = await e2e.gql<{ member: { displayName: string | null; nameHidden: boolean } }>(
      'query ($id: ID!) { member(id: $id) { displayName nameHidden } }',
      { id: DEMO.aase },
      ola,
    );
    expect(byId.data).toEqual({ member: { displayName: null, nameHidden: true } });
  });

  it('refuses a portrait from another website, and shows none that was stored before', async () => {
    const refused = await e2e.gql('mutation { updateMyProfile(input: { portraitUrl: "https://tracker.example/p.gif" }) { member { portraitUrl } } }', {}, ola);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'portraitUrl' });

    await e2e.stack.members.repositories.members.updateMember(DEMO.solbakken, DEMO.ola, { portraitUrl: 'https://tracker.example/p.gif' });
    const portraitOf = async (token: string) =>
      (await e2e.gql<{ member: { portraitUrl: string | null } }>('query ($id: ID!) { member(id: $id) { portraitUrl } }', { id: DEMO.ola }, token)).data!.member
        .portraitUrl;
    expect(await portraitOf(kari)).toBeNull();
    expect(await portraitOf(ola)).toBeNull();
    await e2e.stack.members.repositories.members.updateMember(DEMO.solbakken, DEMO.ola, { portraitUrl: null });
  });

  it('lets the board reach everyone, and records those reads in the access log', async () => {
    const result = await e2e.gql<Directory>(DIRECTORY, {}, kari);
    const nodes = result.data!.directory.nodes;
    expect(nodes.map((m) => m.displayName)).toContain('Åse Berg');
    expect(nodes.find((m) => m.id === DEMO.ola)!.email).toBe('ola@solbakken.example');
    // Åse sees it in the privacy subgraph's access log, fed by members' personal_data.accessed (decision 0039).
    const aase = (await e2e.login('aase@solbakken.example')).accessToken;
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { kind: string; actorKind: string; actor: { id: string } | null; fields: string[] }[] } }>(
        '{ myDataAccess { nodes { kind actorKind actor { id } fields } } }',
        {},
        aase,
      );
      expect(log.data!.myDataAccess.nodes).toContainEqual({ kind: 'READ', actorKind: 'MEMBER', actor: { id: DEMO.kari }, fields: ['email', 'name'].sort() });
    });
  });

  it("logs the board's suspension and the person's own profile change in the person's access log", async () => {
    const per = (await e2e.login('per@solbakken.example')).accessToken;
    const updated = await e2e.gql('mutation { updateMyProfile(input: { phone: "+47 400 00 001" }) { member { id } } }', {}, per);
    expect(updated.errors).toBeUndefined();
    await e2e.gql('mutation ($id: ID!) { suspendMember(input: { memberId: $id, reason: "Testing the log" }) { member { id } } }', { id: DEMO.per }, kari);
    await e2e.gql('mutation ($id: ID!) { reinstateMember(input: { memberId: $id }) { member { id } } }', { id: DEMO.per }, kari);
    const mine = (await e2e.login('per@solbakken.example')).accessToken;
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { kind: string; actor: { id: string } | null; fields: string[]; operation: string }[] } }>(
        '{ myDataAccess { nodes { kind actor { id } fields operation } } }',
        {},
        mine,
      );
      expect(log.data!.myDataAccess.nodes.filter((entry) => entry.kind === 'CHANGE')).toEqual([
        { kind: 'CHANGE', actor: { id: DEMO.kari }, fields: ['suspension'], operation: 'reinstateMember' },
        { kind: 'CHANGE', actor: { id: DEMO.kari }, fields: ['suspension'], operation: 'suspendMember' },
        { kind: 'CHANGE', actor: { id: DEMO.per }, fields: ['phone'], operation: 'updateMyProfile' },
      ]);
    });
  });

  it('lets the board add a building, a unit and a tenure, after which the person lives there', async () => {
    const building = await e2e.gql<{ createBuilding: { building: { id: string } } }>(
      'mutation { createBuilding(input: { name: "Blokk C", streetAddress: "Solbakkveien 5" }) { building { id } } }',
      {},
      kari,
    );
    const buildingId = building.data!.createBuilding.building.id;
    const unit = await e2e.gql<{ createUnit: { unit: { id: string } } }>(
      'mutation ($b: ID!) { createUnit(input: { buildingId: $b, number: "H0101", shareNumber: "6", floor: 1, sizeSqm: 66.5 }) { unit { id } } }',
      { b: buildingId },
      kari,
    );
    const unitId = unit.data!.createUnit.unit.id;
    const duplicate = await e2e.gql(
      'mutation ($b: ID!) { createUnit(input: { buildingId: $b, number: "H0102", shareNumber: "6" }) { unit { id } } }',
      { b: buildingId },
      kari,
    );
    expect(codes(duplicate)).toEqual(['CONFLICT']);

    const tenure = await e2e.gql<{ addTenure: { tenure: { active: boolean; unit: { household: { id: string }[] } } } }>(
      'mutation ($u: ID!, $m: ID!) { addTenure(input: { unitId: $u, memberId: $m, relation: TENANT, moveIn: "2020-01-01" }) { tenure { active unit { household { id } } } } }',
      { u: unitId, m: DEMO.jonas },
      kari,
    );
    expect(tenure.errors).toBeUndefined();
    expect(tenure.data!.addTenure.tenure).toEqual({ active: true, unit: { household: [{ id: DEMO.jonas }] } });
    const directory = await e2e.gql<Directory>(
      'query ($b: ID!) { directory(filter: { buildingId: $b }) { nodes { id displayName email occupation } } }',
      { b: buildingId },
      ola,
    );
    expect(directory.data!.directory.nodes.map((m) => m.displayName)).toEqual(['Jonas Lie']);
  });

  it('refuses board operations to residents, naming nothing half-done', async () => {
    const attempt = await e2e.gql('mutation { createBuilding(input: { name: "Blokk X" }) { building { id } } }', {}, ola);
    expect(codes(attempt)).toEqual(['FORBIDDEN']);
    const buildings = await e2e.gql<{ association: { buildings: { name: string }[] } }>(
      'query ($id: ID!) { association(id: $id) { buildings { name } } }',
      { id: DEMO.solbakken },
      kari,
    );
    expect(buildings.data!.association.buildings.map((b) => b.name)).not.toContain('Blokk X');
  });

  it('delivers a recorded move-out to other subgraphs through the outbox and the event stream', async () => {
    const received: { topic: string; associationId: string; payload: Record<string, unknown> }[] = [];
    const consumer = await e2e.stack.stream.consume({
      group: 'e2e-listener',
      consumer: 'e2e-1',
      topics: ['member.moved_out'],
      blockMs: 200,
      handler: async (event) => void received.push(event),
    });
    try {
      const tenures = await e2e.gql<{ member: { tenures: { id: string }[] } }>(
        'query ($id: ID!) { member(id: $id) { tenures { id } } }',
        { id: DEMO.ingrid },
        kari,
      );
      const tenureId = tenures.data!.member.tenures[0]!.id;
      const moved = await e2e.gql(
        'mutation ($t: ID!) { recordMoveOut(input: { tenureId: $t, moveOut: "2026-01-31" }) { tenure { active moveOut } } }',
        { t: tenureId },
        kari,
      );
      expect(moved.data).toEqual({ recordMoveOut: { tenure: { active: false, moveOut: '2026-01-31' } } });
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual([
        expect.objectContaining({
          topic: 'member.moved_out',
          associationId: DEMO.solbakken,
          payload: expect.objectContaining({ memberId: DEMO.ingrid, tenureId, moveOut: '2026-01-31' }),
        }),
      ]);
    } finally {
      await consumer.stop();
    }
  });

  it('keeps the tenure history of a unit for the board', async () => {
    const query = 'query ($id: ID!) { member(id: $id) { tenures { unit { id tenures { relation contractNumber } } } } }';
    const asResident = await e2e.gql(query, { id: DEMO.ola }, ola);
    expect(codes(asResident)).toEqual(['FORBIDDEN']);
    const asBoard = await e2e.gql(query, { id: DEMO.ola }, kari);
    expect(asBoard.errors).toBeUndefined();
  });
});
