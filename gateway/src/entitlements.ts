import { entitlementsSchema, EntitlementsReader, postInternalRoute, type Entitlements, type FastStore, type Logger, type Viewer } from '@tunet/kit';
import { isTimeout, logTimeout } from './subgraph-timeouts';

/** Billing's signed route that answers what an association may use (docs/decisions/0031). */
export const ENTITLEMENTS_ROUTE = 'entitlements';

/**
 * After billing failed to answer, how long the gateway does not ask it again: a billing that hangs would otherwise
 * cost every request whose association is not cached a whole timeout.
 */
const PAUSE_AFTER_FAILURE_MS = 2_000;

/** What the request's association may use, as far as the gateway could find out. */
export interface RequestEntitlements {
  /** Billing's answer; null without an association, or when it could not be had. */
  entitlements: Entitlements | null;
  /** Set when the viewer has an association but billing could not be asked: paid features are unknown, not off. */
  unavailable: boolean;
}

const NONE: RequestEntitlements = { entitlements: null, unavailable: false };

/** Billing failed moments ago (and that was logged): not asked, and not logged again, until the pause is over. */
class BillingPaused extends Error {}

/**
 * The gateway's view of billing: every viewer with an association (a member, an integration's key, an operator in
 * a support session) gets the association's entitlements, from the kit's cache, which announcements keep current.
 */
export class EntitlementsLookup {
  private constructor(
    private readonly reader: EntitlementsReader,
    private readonly logger: Logger,
  ) {}

  static async open(store: FastStore, load: (associationId: string) => Promise<Entitlements>, logger: Logger): Promise<EntitlementsLookup> {
    return new EntitlementsLookup(await EntitlementsReader.open(store, load, logger), logger);
  }

  async forViewer(viewer: Viewer | null, requestId: string): Promise<RequestEntitlements> {
    if (!viewer?.associationId) return NONE;
    try {
      return { entitlements: await this.reader.read(viewer.associationId), unavailable: false };
    } catch (error) {
      if (!(error instanceof BillingPaused)) {
        this.logger.warn({ err: error, requestId, associationId: viewer.associationId }, 'entitlements unavailable: paid features refused for now');
      }
      return { entitlements: null, unavailable: true };
    }
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}

/**
 * Asks billing's internal route, signed like every gateway → subgraph call. Anything but billing's 200 with
 * entitlements is a failure, after which billing is left alone for PAUSE_AFTER_FAILURE_MS.
 */
export function loadFromBilling(
  billingUrl: () => string,
  internalSecret: string,
  timeoutMs: number,
  logger: Logger,
): (associationId: string) => Promise<Entitlements> {
  let pausedUntil = 0;
  return async (associationId) => {
    if (Date.now() < pausedUntil) throw new BillingPaused('billing failed moments ago; not asked again yet');
    try {
      const response = await postInternalRoute({ graphqlUrl: billingUrl(), route: ENTITLEMENTS_ROUTE, internalSecret, payload: { associationId }, timeoutMs });
      if (!response.ok) throw new Error(`the billing subgraph answered HTTP ${response.status}`);
      return entitlementsSchema.parse(await response.json());
    } catch (error) {
      pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      if (isTimeout(error)) logTimeout(logger, 'billing', timeoutMs, undefined);
      throw error;
    }
  };
}
