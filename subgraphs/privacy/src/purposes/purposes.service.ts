import { badUserInput, lawfulBasisSchema, parseInput, purposeKeySchema, type SubgraphDatabase, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { requireAdministrator, requireReader } from '../consents/consents.access';
import { purposesIn, type PurposesRepository } from './purposes.repository';
import { refusedPurposeChange, versionAfter, type Purpose } from './purposes.rules';

const text = (max: number) => z.string().trim().min(1).max(max);
const localized = (max: number) => z.object({ nb: text(max), en: text(max) });
const saveInput = z.object({
  key: purposeKeySchema,
  name: localized(200),
  description: localized(4000),
  lawfulBasis: lawfulBasisSchema,
  dataCategories: z.array(text(64)).min(1).max(20),
  retention: localized(500),
});

/** The association's register of processing purposes: every member reads it; the board words and adds purposes. */
export class PurposesService {
  constructor(
    private readonly db: SubgraphDatabase,
    private readonly repository: PurposesRepository,
  ) {}

  async register(viewer: Viewer | null): Promise<Purpose[]> {
    return this.repository.register(requireReader(viewer));
  }

  /**
   * Adds a purpose or rewords one (built-in ones included); the lawful basis a purpose was registered with stays. A
   * reworded purpose gets the next text version, so later consents name the new words.
   */
  async save(viewer: Viewer | null, raw: unknown): Promise<Purpose> {
    const { associationId, memberId } = requireAdministrator(viewer);
    const change = parseInput(saveInput, raw);
    return this.db.tenant(associationId, async (tx) => {
      await this.repository.lock(tx, associationId);
      const register = await purposesIn(tx, associationId);
      const existing = register.find((p) => p.key === change.key);
      const refusal = refusedPurposeChange(existing, change, register.filter((p) => !p.builtIn).length);
      if (refusal) throw badUserInput(refusal.field, refusal.message);
      await this.repository.save(tx, associationId, change, versionAfter(existing, change), memberId);
      return (await purposesIn(tx, associationId)).find((p) => p.key === change.key)!;
    });
  }
}
