import type { Viewer } from '@tunet/kit';

/** The catalogue and its prices are public to anyone signed in (a person or an integration), never to anonymous callers. */
export const canReadCatalogue = (viewer: Viewer | null): viewer is Viewer => viewer !== null;
