import { AnnouncedReader, announceChanged, type AnnouncedKind, type AnnouncedLoader } from './announced-cache';
import { entitlementsSchema, type Entitlements } from './entitlements';
import { createLogger, type Logger } from './logger';
import type { FastStore } from './redis';

/**
 * Entitlements as the gateway reads them on every request (docs/decisions/0031), through the kit's announced cache:
 * a brief copy in each process, a shared copy on the fast store, and billing's answer on a miss; billing announces
 * every change.
 */

const ENTITLEMENTS: AnnouncedKind<Entitlements> = {
  name: 'entitlements',
  /** Billing is another process: its answer must be entitlements, and of the association asked about. */
  check(associationId, answer) {
    const parsed = entitlementsSchema.safeParse(answer);
    if (!parsed.success) throw new Error('billing answered entitlements of an unexpected shape');
    if (parsed.data.associationId !== associationId) throw new Error('billing answered entitlements of another association');
    return parsed.data;
  },
};

/** Billing's side: after every committed change of what an association may use. */
export async function announceEntitlementsChanged(store: FastStore, associationId: string): Promise<void> {
  await announceChanged(store, ENTITLEMENTS, associationId);
}

/** Billing's answer for one association; throws when billing cannot be asked. */
export type EntitlementsLoader = AnnouncedLoader<Entitlements>;

/** The gateway's side: an association's entitlements, from the nearest copy that is still current. */
export type EntitlementsReader = AnnouncedReader<Entitlements>;
export const EntitlementsReader = {
  /** Resolves once changes announced from now on are heard. */
  open(store: FastStore, load: EntitlementsLoader, logger: Logger = createLogger('entitlements')): Promise<EntitlementsReader> {
    return AnnouncedReader.open(store, ENTITLEMENTS, load, logger);
  },
};
