import type { Resolvers } from '../__generated__/resolvers-types';
import { recordsCsv, recordsMarkdown } from './records.rules';

const language = (value: 'NB' | 'EN' | null | undefined) => (value === 'EN' ? 'en' : 'nb');

export const recordsResolvers: Resolvers = {
  Association: {
    processingRecords: (association, _args, ctx) => ctx.records.forViewer(ctx.viewer, association.id),
  },
  ProcessingRecords: {
    markdown: (records, args) => recordsMarkdown(records, language(args.language)),
    csv: (records, args) => recordsCsv(records, language(args.language)),
  },
};
