import type { Resolvers } from '../__generated__/resolvers-types';
import { bookingRefusalFor } from '../bookings/bookings.access';
import { clockOfMinutes, minutesOfClock } from '../schedule/schedule';

/** PostgreSQL answers times as `HH:MM:SS`; the API speaks `HH:MM`, with `24:00` for midnight at the end of a day. */
const hhmm = (time: string) => clockOfMinutes(minutesOfClock(time));

export const resourcesResolvers: Resolvers = {
  Query: {
    resource: (_root, { id }, ctx) => ctx.resources.resource(ctx.viewer, ctx.resourceLoaders, id),
    resources: (_root, args, ctx) => ctx.resources.listResources(ctx.viewer, args),
  },
  Mutation: {
    createResource: async (_root, { input }, ctx) => ({ resource: await ctx.resources.createResource(ctx.viewer, input) }),
    updateResource: async (_root, { input }, ctx) => ({
      resource: await ctx.resources.updateResource(ctx.viewer, ctx.resourceLoaders, input),
    }),
    archiveResource: async (_root, { input }, ctx) => ({
      resource: await ctx.resources.archiveResource(ctx.viewer, ctx.resourceLoaders, input),
    }),
    setOpeningHours: async (_root, { input }, ctx) => ({
      resource: await ctx.resources.setOpeningHours(ctx.viewer, ctx.resourceLoaders, input),
    }),
    addClosedPeriod: async (_root, { input }, ctx) => {
      const closedPeriod = await ctx.resources.addClosedPeriod(ctx.viewer, ctx.resourceLoaders, input);
      return { closedPeriod, resource: await ctx.resources.resource(ctx.viewer, ctx.resourceLoaders, closedPeriod.resourceId) };
    },
    removeClosedPeriod: async (_root, { input }, ctx) => ({
      resource: await ctx.resources.removeClosedPeriod(ctx.viewer, ctx.resourceLoaders, input),
    }),
    setQuotas: async (_root, { input }, ctx) => ({ resource: await ctx.resources.setQuotas(ctx.viewer, ctx.resourceLoaders, input) }),
    createLocation: async (_root, { input }, ctx) => ({ location: await ctx.resources.createLocation(ctx.viewer, input) }),
  },
  Resource: {
    __resolveReference: (ref, ctx) => ctx.resourceLoaders.resourceById.load(ref.id),
    location: (resource, _args, ctx) => (resource.locationId ? ctx.resourceLoaders.locationById.load(resource.locationId) : null),
    checkInTime: (resource) => (resource.checkInTime ? hhmm(resource.checkInTime) : null),
    checkOutTime: (resource) => (resource.checkOutTime ? hhmm(resource.checkOutTime) : null),
    archived: (resource) => resource.archivedAt !== null,
    openingHours: (resource, _args, ctx) => ctx.resourceLoaders.openingHoursByResource.load(resource.id),
    closedPeriods: (resource, _args, ctx) => ctx.resourceLoaders.closedPeriodsByResource.load(resource.id),
    quotas: (resource, _args, ctx) => ctx.resourceLoaders.quotasByResource.load(resource.id),
    viewerCanBook: (resource, _args, ctx) => bookingRefusalFor(ctx.viewer, resource) === null,
    viewerBookingRefusal: (resource, _args, ctx) => bookingRefusalFor(ctx.viewer, resource),
  },
  OpeningHours: {
    opens: (hours) => hhmm(hours.opens),
    closes: (hours) => hhmm(hours.closes),
  },
  ClosedPeriod: {
    start: (period) => period.during.start,
    end: (period) => period.during.end,
  },
};
