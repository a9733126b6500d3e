import { randomUUID } from 'node:crypto';
import { badUserInput, conflict, definedOnly, notFound, parseInput, refusedRule, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { refuseOperatorOutside } from '../members/members.access';
import type { MembersLoaders } from '../members/members.loaders';
import { canSeeBuildings, requireHousingManager, requireUnitReader } from './housing.access';
import type { HousingLoaders } from './housing.loaders';
import type { BuildingRow, DuplicateRule, HousingRepository, TenureRow, UnitRow } from './housing.repository';
import { moveOutAnnouncements } from './move-out.rules';

const isoDate = z.iso.date();
const optionalText = (max: number) => z.string().trim().min(1).max(max).nullish();

const createBuildingInput = z.object({ name: z.string().trim().min(1).max(100), streetAddress: optionalText(200) });
const createUnitInput = z.object({
  buildingId: z.guid(),
  number: z.string().trim().min(1).max(20),
  shareNumber: optionalText(20),
  sectionNumber: optionalText(20),
  floor: z.number().int().min(-5).max(100).nullish(),
  sizeSqm: z.number().positive().max(100_000).nullish(),
  streetAddress: optionalText(200),
});
const relation = z.enum(['OWNER', 'CO_OWNER', 'TENANT', 'OCCUPANT']).transform((r) => r.toLowerCase() as 'owner');
const addTenureInput = z.object({
  memberId: z.guid(),
  unitId: z.guid(),
  relation,
  contractNumber: optionalText(50),
  moveIn: isoDate,
  moveOut: isoDate.nullish(),
});
const updateTenureInput = z.object({
  tenureId: z.guid(),
  relation: relation.optional(),
  contractNumber: optionalText(50),
  moveIn: isoDate.optional(),
  moveOut: isoDate.nullish(),
});
const moveOutInput = z.object({ tenureId: z.guid(), moveOut: isoDate });

/** Who lives where: buildings, units, tenures and move-outs. Changes are the board's. */
export class HousingService {
  constructor(private readonly repository: HousingRepository) {}

  async unit(viewer: Viewer | null, loaders: HousingLoaders, id: string): Promise<UnitRow> {
    requireUnitReader(viewer);
    const unit = await loaders.unitById.load(id);
    if (!unit) throw notFound('Unit');
    return unit;
  }

  async buildings(viewer: Viewer | null, associationId: string): Promise<BuildingRow[]> {
    refuseOperatorOutside(viewer, associationId);
    if (!canSeeBuildings(viewer, associationId)) return [];
    return this.repository.listBuildings(associationId);
  }

  async createBuilding(viewer: Viewer | null, raw: unknown): Promise<BuildingRow> {
    const tenant = requireHousingManager(viewer);
    const input = parseInput(createBuildingInput, raw);
    return this.repository.insertBuilding(tenant, { id: randomUUID(), ...input }).catch(asConflict);
  }

  async createUnit(viewer: Viewer | null, loaders: HousingLoaders, raw: unknown): Promise<UnitRow> {
    const tenant = requireHousingManager(viewer);
    const input = parseInput(createUnitInput, raw);
    if (!(await loaders.buildingById.load(input.buildingId))) throw badUserInput('buildingId', 'No such building.');
    return this.repository.insertUnit(tenant, { id: randomUUID(), ...input }).catch(asConflict);
  }

  async addTenure(viewer: Viewer | null, loaders: HousingLoaders & MembersLoaders, raw: unknown): Promise<TenureRow> {
    const tenant = requireHousingManager(viewer);
    const input = parseInput(addTenureInput, raw);
    // The tombstone stands in for erased people; a home would put it in the directory and every count.
    if ((await loaders.memberById.load(input.memberId))?.tombstone !== false) throw badUserInput('memberId', 'No such member.');
    if (!(await loaders.unitById.load(input.unitId))) throw badUserInput('unitId', 'No such unit.');
    assertOrdered(input.moveIn, input.moveOut);
    if (await this.repository.overlapsTenure(tenant, input)) {
      throw conflict('The member already has a tenure on this unit in that period.');
    }
    return this.repository.insertTenure(tenant, { id: randomUUID(), ...input }, moveOutAnnouncements);
  }

  async updateTenure(viewer: Viewer | null, raw: unknown): Promise<TenureRow> {
    const tenant = requireHousingManager(viewer);
    const { tenureId, ...changes } = parseInput(updateTenureInput, raw);
    const current = await this.requireTenure(tenant, tenureId);
    const patch = definedOnly(changes);
    const next = { ...current, ...patch };
    assertOrdered(next.moveIn, next.moveOut);
    if (await this.repository.overlapsTenure(tenant, next, tenureId)) {
      throw conflict('The member already has a tenure on this unit in that period.');
    }
    return (await this.repository.updateTenure(tenant, tenureId, patch, moveOutAnnouncements))!;
  }

  /** Ends a tenure. Every write of a tenure tells the other subgraphs of a move-out day set or moved (move-out.rules.ts). */
  async recordMoveOut(viewer: Viewer | null, raw: unknown): Promise<TenureRow> {
    const tenant = requireHousingManager(viewer);
    const input = parseInput(moveOutInput, raw);
    const current = await this.requireTenure(tenant, input.tenureId);
    if (current.moveOut === input.moveOut) return current;
    if (current.moveOut && current.moveOut < input.moveOut) {
      throw conflict(`The tenure already ended on ${current.moveOut}; correct it with updateTenure instead.`);
    }
    assertOrdered(current.moveIn, input.moveOut);
    return (await this.repository.updateTenure(tenant, input.tenureId, { moveOut: input.moveOut }, moveOutAnnouncements))!;
  }

  private async requireTenure(tenant: string, id: string): Promise<TenureRow> {
    const tenure = await this.repository.findTenure(tenant, id);
    if (!tenure) throw notFound('Tenure');
    return tenure;
  }
}

const DUPLICATES: Record<DuplicateRule, string> = {
  'building-name-taken': 'A building with that name already exists.',
  'unit-number-taken': 'That unit number already exists in the building.',
  'share-number-taken': 'Another unit already has that share number.',
  duplicate: 'That already exists.',
};

function asConflict(error: unknown): never {
  const rule = refusedRule<DuplicateRule>(error);
  if (rule !== null) throw conflict(DUPLICATES[rule]);
  throw error;
}

function assertOrdered(moveIn: string, moveOut: string | null | undefined): void {
  if (moveOut && moveOut < moveIn) throw badUserInput('moveOut', 'The move-out date is before the move-in date.');
}
