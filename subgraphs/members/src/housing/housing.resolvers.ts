import type { Resolvers, TenureRelation } from '../__generated__/resolvers-types';
import { canSeeContractNumber, requireTenureHistoryReader } from './housing.access';

export const housingResolvers: Resolvers = {
  Query: {
    unit: (_root, { id }, ctx) => ctx.housing.unit(ctx.viewer, ctx.loaders, id),
  },
  Mutation: {
    createBuilding: async (_root, { input }, ctx) => ({ building: await ctx.housing.createBuilding(ctx.viewer, input) }),
    createUnit: async (_root, { input }, ctx) => ({ unit: await ctx.housing.createUnit(ctx.viewer, ctx.loaders, input) }),
    addTenure: async (_root, { input }, ctx) => ({ tenure: await ctx.housing.addTenure(ctx.viewer, ctx.loaders, input) }),
    updateTenure: async (_root, { input }, ctx) => ({ tenure: await ctx.housing.updateTenure(ctx.viewer, input) }),
    recordMoveOut: async (_root, { input }, ctx) => ({ tenure: await ctx.housing.recordMoveOut(ctx.viewer, input) }),
  },
  Building: {
    // Tenant-scoped loaders: another association's building, or any for an anonymous viewer, resolves to null.
    __resolveReference: (ref, ctx) => ctx.loaders.buildingById.load(ref.id),
    units: (building, _args, ctx) => ctx.loaders.unitsByBuilding.load(building.id),
  },
  Unit: {
    __resolveReference: (ref, ctx) => ctx.loaders.unitById.load(ref.id),
    building: async (unit, _args, ctx) => (await ctx.loaders.buildingById.load(unit.buildingId))!,
    household: async (unit, _args, ctx) => {
      const tenures = (await ctx.loaders.tenuresByUnit.load(unit.id)).filter((t) => t.active);
      const people = await ctx.loaders.memberById.loadMany([...new Set(tenures.map((t) => t.memberId))]);
      return people.filter((p): p is Exclude<typeof p, Error | null> => p !== null && !(p instanceof Error));
    },
    tenures: (unit, _args, ctx) => {
      requireTenureHistoryReader(ctx.viewer, unit.associationId);
      return ctx.loaders.tenuresByUnit.load(unit.id);
    },
  },
  Tenure: {
    member: async (tenure, _args, ctx) => (await ctx.loaders.memberById.load(tenure.memberId))!,
    unit: async (tenure, _args, ctx) => (await ctx.loaders.unitById.load(tenure.unitId))!,
    relation: (tenure) => tenure.relation.toUpperCase() as TenureRelation,
    contractNumber: (tenure, _args, ctx) => (canSeeContractNumber(ctx.viewer, tenure) ? tenure.contractNumber : null),
  },
};
