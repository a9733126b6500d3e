import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canHaveCalendarFeed } from './calendar.access';

// Query.calendarFeed and Mutation.resetCalendarFeed for association X. The feed URL itself (the public route) is
// opened without a viewer; what it may show is covered by the token tests.
const matrix: { actor: string; viewer: Viewer | null; feed: boolean }[] = [
  { actor: 'anonymous', viewer: null, feed: false },
  { actor: 'resident of X', viewer: memberOf(X, 'resident'), feed: true },
  { actor: 'board member of X', viewer: memberOf(X, 'board'), feed: true },
  { actor: 'external (caretaker) of X', viewer: memberOf(X, 'external'), feed: true },
  { actor: 'board member of another association', viewer: memberOf(Y, 'board'), feed: false },
  { actor: 'resident of another association', viewer: memberOf(Y, 'resident'), feed: false },
  { actor: 'integration key of X', viewer: integratorOf(X), feed: false },
  { actor: 'platform admin without membership', viewer: PLATFORM_ADMIN, feed: false },
];

describe('calendar feed access', () => {
  it.each(matrix)('$actor: calendarFeed and resetCalendarFeed $feed', ({ viewer, feed }) => {
    expect(canHaveCalendarFeed(viewer, X)).toBe(feed);
  });
});
