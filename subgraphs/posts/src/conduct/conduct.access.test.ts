import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canAcceptConduct, canPublishConduct, canReadConduct } from './conduct.access';

// Association X's code of conduct. read: Query.codeOfConduct; accept: acceptCodeOfConduct; publish: publishCodeOfConduct.
const matrix: { actor: string; viewer: Viewer | null; read: boolean; accept: boolean; publish: boolean }[] = [
  { actor: 'anonymous', viewer: null, read: false, accept: false, publish: false },
  { actor: 'a resident of X', viewer: memberOf(X, 'resident'), read: true, accept: true, publish: false },
  { actor: 'a board member of X', viewer: memberOf(X, 'board'), read: true, accept: true, publish: true },
  { actor: 'an external (caretaker) of X', viewer: memberOf(X, 'external'), read: true, accept: true, publish: false },
  { actor: 'a board member of another association', viewer: memberOf(Y, 'board'), read: false, accept: false, publish: false },
  { actor: 'an integrator API key of X', viewer: integratorOf(X), read: false, accept: false, publish: false },
  { actor: 'a platform admin without membership', viewer: PLATFORM_ADMIN, read: false, accept: false, publish: false },
];

describe('code of conduct access', () => {
  it.each(matrix)('$actor: read $read, accept $accept, publish $publish', (row) => {
    expect(canReadConduct(row.viewer, X)).toBe(row.read);
    expect(canAcceptConduct(row.viewer, X)).toBe(row.accept);
    expect(canPublishConduct(row.viewer, X)).toBe(row.publish);
  });
});
