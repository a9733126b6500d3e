import type { Resolvers } from '../__generated__/resolvers-types';
import type { TermsAcceptanceRow } from './terms.repository';

/** The terms of service and associations' acceptances; thin: the service decides. */
export const termsResolvers: Resolvers = {
  Query: {
    termsVersions: (_root, _args, ctx) => ctx.terms.versions(ctx.viewer),
  },
  Mutation: {
    publishTermsVersion: (_root, { input }, ctx) => ctx.terms.publish(ctx.viewer, input),
    acceptTerms: async (_root, { input }, ctx) => {
      const { acceptance, associationId } = await ctx.terms.accept(ctx.viewer, ctx.loaders, input);
      return { acceptance, terms: await ctx.terms.stateOf(associationId) };
    },
  },
  Association: {
    terms: (association, _args, ctx) => ctx.terms.associationTerms(ctx.viewer, association.id),
  },
  TermsAcceptance: {
    acceptedBy: (acceptance) => acceptance.acceptedByName,
    recordedBy: (acceptance: TermsAcceptanceRow) => (acceptance.recordedByMemberId ? 'BOARD' : 'PROVIDER'),
  },
};
