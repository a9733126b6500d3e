import type { EventSignupStatus, Resolvers } from '../__generated__/resolvers-types';
import { canManageEvents } from './events.access';
import { seatsLeft, seatsTaken, waitlist } from './events.seating';

const STATUS: Record<'confirmed' | 'waitlisted' | 'cancelled', EventSignupStatus> = {
  confirmed: 'CONFIRMED',
  waitlisted: 'WAITLISTED',
  cancelled: 'CANCELLED',
};

const active = <S extends { status: string }>(signups: S[]) => signups.filter((s) => s.status !== 'cancelled');

export const eventsResolvers: Resolvers = {
  Query: {
    events: (_root, { from, first, after }, ctx) => ctx.events.listEvents(ctx.viewer, from, first, after),
    event: (_root, { id }, ctx) => ctx.events.event(ctx.viewer, ctx.loaders, id),
  },
  Mutation: {
    createEvent: async (_root, { input }, ctx) => ({ event: await ctx.events.createEvent(ctx.viewer, input) }),
    cancelEvent: async (_root, { input }, ctx) => ({ event: await ctx.events.cancelEvent(ctx.viewer, ctx.loaders, input) }),
    signUpForEvent: (_root, { input }, ctx) => ctx.events.signUp(ctx.viewer, ctx.loaders, input),
    cancelSignup: (_root, { input }, ctx) => ctx.events.cancelSignup(ctx.viewer, ctx.loaders, input),
    changeSignup: (_root, { input }, ctx) => ctx.events.changeSignup(ctx.viewer, ctx.loaders, input),
  },
  Event: {
    __resolveReference: (ref, ctx) => ctx.loaders.eventById.load(ref.id),
    cancelled: (event) => event.cancelledAt !== null,
    seatsTaken: async (event, _args, ctx) => seatsTaken(await ctx.loaders.signupsByEvent.load(event.id)),
    seatsLeft: async (event, _args, ctx) => seatsLeft(event, active(await ctx.loaders.signupsByEvent.load(event.id))),
    waitlistLength: async (event, _args, ctx) => waitlist(await ctx.loaders.signupsByEvent.load(event.id)).length,
    viewerSignup: (event, _args, ctx) => ctx.events.viewerSignup(ctx.viewer, ctx.loaders, event),
    signups: (event, _args, ctx) => ctx.events.signupsVisibleTo(ctx.viewer, ctx.loaders, event),
    // The same rules the mutations refuse by, from rows the page has loaded anyway.
    viewerCanSignUp: async (event, _args, ctx) => (await ctx.events.signUpStatus(ctx.viewer, ctx.loaders, event)).allowed,
    signUpStatus: (event, _args, ctx) => ctx.events.signUpStatus(ctx.viewer, ctx.loaders, event),
    viewerCanChangeSignup: (event, _args, ctx) => ctx.events.canChangeSignup(ctx.viewer, ctx.loaders, event),
    viewerCanCancel: (event, _args, ctx) => canManageEvents(ctx.viewer, event.associationId) && event.cancelledAt === null,
  },
  EventSignup: {
    // Only the reference: the gateway asks the members subgraph for the member's fields.
    member: (signup) => ({ __typename: 'Member', id: signup.memberId }),
    status: (signup) => STATUS[signup.status],
  },
};
