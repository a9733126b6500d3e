import { announcePrivacyStatesChanged, conflict, fail, parseInput, rateLimited, type FastStore, type SubgraphDatabase, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { purposesIn, type PurposesRepository } from '../purposes/purposes.repository';
import type { Purpose } from '../purposes/purposes.rules';
import { requirePerson } from './consents.access';
import type { ConsentsRepository } from './consents.repository';
import { consentStates, isRepeat, latestChanges, refusedGrant, refusedPurpose, type ConsentRecord, type ConsentState } from './consents.rules';

const purposeKey = z.string().min(1).max(48);
const grantInput = z.object({ purpose: purposeKey, textVersion: z.number().int().min(1).max(1_000_000) });
const withdrawInput = z.object({ purpose: purposeKey });

/** Enough for anyone changing their mind; a script toggling a consent to flood the history and the caches is stopped. */
export const MAX_CONSENT_CHANGES_PER_HOUR = 30;

/** A person's consent to a purpose, with the purpose as the register words it now. */
export interface ConsentView {
  purpose: Purpose;
  state: ConsentState;
}

export interface MyConsentsView {
  consents: ConsentView[];
  history: ConsentRecord[];
}

function viewsOf(register: readonly Purpose[], history: readonly ConsentRecord[]): ConsentView[] {
  return consentStates(register, history).map((state) => ({ purpose: register.find((p) => p.key === state.purposeKey)!, state }));
}

/** grantConsent, withdrawConsent and myConsents: a person's own consents, each change recorded, never overwritten. */
export class ConsentsService {
  constructor(
    private readonly db: SubgraphDatabase,
    private readonly repository: ConsentsRepository,
    private readonly purposes: PurposesRepository,
    private readonly store: FastStore,
  ) {}

  async mine(viewer: Viewer | null): Promise<MyConsentsView> {
    const { associationId, memberId } = requirePerson(viewer);
    const [register, history] = await Promise.all([this.purposes.register(associationId), this.repository.history(associationId, memberId)]);
    return { consents: viewsOf(register, history), history };
  }

  async grant(viewer: Viewer | null, raw: unknown): Promise<ConsentView> {
    const input = parseInput(grantInput, raw);
    return this.change(viewer, input.purpose, 'granted', input.textVersion);
  }

  async withdraw(viewer: Viewer | null, raw: unknown): Promise<ConsentView> {
    const input = parseInput(withdrawInput, raw);
    return this.change(viewer, input.purpose, 'withdrawn', null);
  }

  /**
   * Records the change unless it repeats the current state, then announces it to every subgraph before answering: when
   * the answer arrives, every process's next read sees it. A failed announcement fails the request; repeating it
   * records nothing new and announces again.
   */
  private async change(viewer: Viewer | null, purposeKey: string, action: ConsentRecord['action'], textVersion: number | null): Promise<ConsentView> {
    const { associationId, memberId } = requirePerson(viewer);
    const state = await this.db.tenant(associationId, async (tx) => {
      await this.repository.lockMember(tx, associationId, memberId);
      const purpose = (await purposesIn(tx, associationId)).find((p) => p.key === purposeKey);
      const refusal = textVersion === null ? refusedPurpose(purpose) : refusedGrant(purpose, textVersion);
      if (refusal) throw refusal.code === 'CONFLICT' ? conflict(refusal.message) : fail('BAD_USER_INPUT', refusal.message, { field: refusal.field });
      // A withdrawal records the text in force when it was made.
      const version = textVersion ?? purpose!.version;
      const history = await this.repository.historyIn(tx, associationId, memberId);
      if (!isRepeat(latestChanges(history).get(purposeKey), action, version)) {
        if (recentCount(history) >= MAX_CONSENT_CHANGES_PER_HOUR) throw rateLimited(60 * 60);
        await this.repository.append(tx, associationId, memberId, { purposeKey, action, textVersion: version });
      }
      const [after] = viewsOf([purpose!], await this.repository.historyIn(tx, associationId, memberId));
      return after!;
    });
    await announcePrivacyStatesChanged(this.store, associationId);
    return state;
  }
}

const HOUR_MS = 60 * 60 * 1000;
const recentCount = (history: readonly ConsentRecord[]) => history.filter((c) => Date.now() - c.at.getTime() < HOUR_MS).length;
