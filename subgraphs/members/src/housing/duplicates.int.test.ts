import { DEMO } from '../members.demo';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';

/** The unique constraints decide what is a duplicate; the board is told which, as CONFLICT, in plain words. */
describe('duplicate buildings and units', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');

  beforeAll(async () => {
    bed = await openMembersTestBed();
  });
  afterAll(() => bed.close());

  const messageOf = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: { message: string; extensions?: { code?: string } }) => ({ code: error.extensions?.code, message: error.message }),
    );

  it('refuses a second building with the same name', async () => {
    await bed.subgraph.housing.createBuilding(kari, { name: 'Blokk Ny' });
    expect(await messageOf(bed.subgraph.housing.createBuilding(kari, { name: 'Blokk Ny' }))).toEqual({
      code: 'CONFLICT',
      message: 'A building with that name already exists.',
    });
  });

  it('refuses a unit number twice in one building, and a share number twice in the association', async () => {
    const building = await bed.subgraph.housing.createBuilding(kari, { name: 'Blokk Dup' });
    const loaders = bed.loadersFor(kari);
    await bed.subgraph.housing.createUnit(kari, loaders, { buildingId: building.id, number: 'D0101', shareNumber: 'S-DUP-1' });
    expect(await messageOf(bed.subgraph.housing.createUnit(kari, loaders, { buildingId: building.id, number: 'D0101' }))).toEqual({
      code: 'CONFLICT',
      message: 'That unit number already exists in the building.',
    });
    expect(await messageOf(bed.subgraph.housing.createUnit(kari, loaders, { buildingId: building.id, number: 'D0102', shareNumber: 'S-DUP-1' }))).toEqual({
      code: 'CONFLICT',
      message: 'Another unit already has that share number.',
    });
    expect(await errorOf(bed.subgraph.housing.createUnit(kari, loaders, { buildingId: building.id, number: 'D0103' }))).toBeNull();
  });
});
