import type { Viewer } from '@tunet/kit';
import { canCreatePost, canReadPosts } from './posts.access';

const X = 'a0000000-0000-4000-8000-00000000000a';
const Y = 'a0000000-0000-4000-8000-00000000000b';

const member = (associationId: string, role: 'resident' | 'board' | 'external'): Viewer => ({
  accountId: 'e0000000-0000-4000-8000-000000000001',
  associationId,
  memberId: 'b0000000-0000-4000-8000-000000000001',
  role,
  platformAdmin: false,
  sessionId: null,
});

const platformAdmin: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

// Whether each actor may read association X's posts, and post in X.
const matrix: { actor: string; viewer: Viewer | null; read: boolean; create: boolean }[] = [
  { actor: 'anonymous', viewer: null, read: false, create: false },
  { actor: 'resident of X', viewer: member(X, 'resident'), read: true, create: true },
  { actor: 'board member of X', viewer: member(X, 'board'), read: true, create: true },
  { actor: 'external of X', viewer: member(X, 'external'), read: true, create: false },
  { actor: 'board member of another association', viewer: member(Y, 'board'), read: false, create: false },
  { actor: 'platform admin without membership', viewer: platformAdmin, read: false, create: false },
];

describe('posts access', () => {
  it.each(matrix)('$actor: read $read, create $create', ({ viewer, read, create }) => {
    expect(canReadPosts(viewer, X)).toBe(read);
    expect(canCreatePost(viewer, X)).toBe(create);
  });
});
