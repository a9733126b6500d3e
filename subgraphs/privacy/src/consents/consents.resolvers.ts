import type { Resolvers } from '../__generated__/resolvers-types';

/** Purposes, consents, restrictions and notices (docs/decisions/0038): thin, the services decide. */
export const consentResolvers: Resolvers = {
  Query: {
    privacyPurposes: (_root, _args, ctx) => ctx.purposes.register(ctx.viewer),
    myConsents: (_root, _args, ctx) => ctx.consents.mine(ctx.viewer),
    myRestriction: (_root, _args, ctx) => ctx.restrictions.mine(ctx.viewer),
    processingRestrictions: (_root, _args, ctx) => ctx.restrictions.inForce(ctx.viewer),
    privacyNotice: (_root, { version }, ctx) => ctx.notices.read(ctx.viewer, version ?? null),
  },
  Mutation: {
    grantConsent: (_root, { input }, ctx) => ctx.consents.grant(ctx.viewer, input),
    withdrawConsent: (_root, { input }, ctx) => ctx.consents.withdraw(ctx.viewer, input),
    restrictProcessing: (_root, { input }, ctx) => ctx.restrictions.set(ctx.viewer, input),
    liftProcessingRestriction: (_root, { input }, ctx) => ctx.restrictions.lift(ctx.viewer, input),
    savePrivacyPurpose: (_root, { input }, ctx) => ctx.purposes.save(ctx.viewer, input),
    publishPrivacyNotice: (_root, { input }, ctx) => ctx.notices.publish(ctx.viewer, input),
  },
  Consent: {
    purpose: (view) => view.purpose,
    granted: (view) => view.state.granted,
    changedAt: (view) => view.state.latest?.at ?? null,
    textVersion: (view) => (view.state.granted ? view.state.latest!.textVersion : null),
  },
  ConsentChange: {
    purpose: (change) => change.purposeKey,
    granted: (change) => change.action === 'granted',
  },
  RestrictionChange: {
    member: (change) => ({ id: change.memberId }),
    restricted: (change) => change.action === 'set',
  },
};
