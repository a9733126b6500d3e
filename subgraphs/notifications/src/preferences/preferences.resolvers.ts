import type { NotificationPreferences, Resolvers } from '../__generated__/resolvers-types';
import { lower, upper } from '../inbox/inbox.enums';
import type { PreferencesView } from './preferences.service';

/** The view with its categories and channels as GraphQL enums. */
function toGraphQL(view: PreferencesView): NotificationPreferences {
  return {
    ...view,
    categories: view.categories.map((category) => ({
      ...category,
      category: upper(category.category),
      channels: category.channels.map((channel) => ({ ...channel, channel: upper(channel.channel) })),
    })),
  };
}

/** Reading and changing the viewer's notification preferences. */
export const preferencesResolvers: Resolvers = {
  Query: {
    notificationPreferences: async (_root, _args, ctx) => toGraphQL(await ctx.preferences.preferences(ctx.viewer)),
  },
  Mutation: {
    updateNotificationPreferences: async (_root, { input }, ctx) => {
      const channels = input.channels?.map((change) => ({ ...change, category: lower(change.category), channel: lower(change.channel) }));
      const view = await ctx.preferences.update(ctx.viewer, { ...input, channels });
      return { preferences: toGraphQL(view) };
    },
  },
};
