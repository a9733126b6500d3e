import { forbidden, isPlatformOperator, unauthenticated, type Viewer } from '@tunet/kit';

/** Who may administer associations as the provider. Pure functions: no I/O, easy to test as a matrix. */

/** Listing, searching and creating associations is the provider's work: platform operators, never an API key. */
export function canOperatePlatform(viewer: Viewer | null): boolean {
  return isPlatformOperator(viewer);
}

export function requireOperator(viewer: Viewer | null): Viewer & { platformAdmin: true } {
  if (!viewer) throw unauthenticated();
  if (!isPlatformOperator(viewer)) throw forbidden('Only platform operators do this.');
  return viewer;
}
