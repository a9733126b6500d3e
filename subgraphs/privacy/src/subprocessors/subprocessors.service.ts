import { randomUUID } from 'node:crypto';
import {
  conflict,
  decodeCursor,
  fail,
  forbidden,
  notFound,
  pageSize,
  parseInput,
  toPage,
  unauthenticated,
  violatedUniqueConstraint,
  type NewEvent,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { CurrentAssociations } from './current-associations';
import { canAnnounceChange, canObject, canReadRegister } from './subprocessors.access';
import type { SubprocessorChangeRow, SubprocessorObjectionRow, SubprocessorsRepository } from './subprocessors.repository';
import { inForce, mayObject, objectionDeadline, providerToday, refuseEffectiveOn } from './subprocessors.rules';

const text = (max: number) => z.string().trim().min(1).max(max);
const announceInput = z.strictObject({
  change: z.enum(['ADDED', 'CHANGED', 'REMOVED']),
  subprocessorId: z.guid().nullish(),
  name: text(200).nullish(),
  purposeNb: text(1000).nullish(),
  purposeEn: text(1000).nullish(),
  country: z.string().trim().min(2).max(100).nullish(),
  dataCategories: z.array(text(64)).min(1).max(50).nullish(),
  transferMechanism: text(500).nullish(),
  effectiveOn: z.iso.date(),
  emergency: z.boolean().nullish(),
  reason: z.string().trim().max(2000).nullish(),
});
const objectInput = z.strictObject({ changeId: z.guid(), reason: z.string().trim().min(10).max(2000) });
const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

const DESCRIBING = ['name', 'purposeNb', 'purposeEn', 'country', 'dataCategories', 'transferMechanism'] as const;

export interface AnnouncedChange {
  change: SubprocessorChangeRow;
  notifiedAssociations: number;
}

/**
 * The provider's sub-processor register (docs/decisions/0040; the data-processing agreement's appendix 2): versions
 * are appended, never overwritten; a change takes effect at least 14 days after it is announced (or at once in an
 * emergency with a reason), every association is told (`subprocessor.change_announced`, one event each) and its
 * board may object within 7 days.
 */
export class SubprocessorsService {
  constructor(
    private readonly repository: SubprocessorsRepository,
    private readonly associations: CurrentAssociations,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async inForce(viewer: Viewer | null): Promise<SubprocessorChangeRow[]> {
    requireReader(viewer);
    const register = inForce(await this.repository.history(), providerToday(this.now()));
    return register.sort((a, b) => a.name.localeCompare(b.name));
  }

  async history(viewer: Viewer | null, args: { first?: number | null; after?: string | null }): Promise<Page<SubprocessorChangeRow>> {
    requireReader(viewer);
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const rows = await this.repository.page(size + 1, after ? { announcedAt: after[0], id: after[1] } : null);
    return toPage(rows, size, (row) => [row.announcedAt.toISOString(), row.id]);
  }

  async announce(viewer: Viewer | null, raw: unknown): Promise<AnnouncedChange> {
    if (!viewer) throw unauthenticated();
    if (!canAnnounceChange(viewer)) throw forbidden('Only the provider’s operators announce sub-processor changes.');
    const input = parseInput(announceInput, raw);
    const kind = input.change.toLowerCase() as SubprocessorChangeRow['change'];
    if (kind === 'added' && input.subprocessorId) throw badInput('subprocessorId', 'subprocessorId: a new sub-processor gets its id; leave it out.');
    if (kind !== 'added' && !input.subprocessorId) throw badInput('subprocessorId', 'subprocessorId: name the sub-processor that changes or goes.');
    if (kind === 'added') {
      const missing = DESCRIBING.find((field) => input[field] == null);
      if (missing) throw badInput(missing, `${missing}: a new sub-processor needs it.`);
    }
    const announcedAt = this.now();
    const today = providerToday(announcedAt);
    const emergency = input.emergency ?? false;
    const reason = input.reason || null;
    const refusal = refuseEffectiveOn(today, { effectiveOn: input.effectiveOn, emergency, reason });
    if (refusal?.field === 'reason') throw badInput('reason', 'reason: an emergency change needs a reason the associations are told.');
    if (refusal) {
      const why =
        refusal.reason === 'too_soon'
          ? 'a change is announced at least 14 days ahead unless it is an emergency'
          : 'an emergency takes effect today at the earliest';
      throw fail('BAD_USER_INPUT', `effectiveOn: ${why}; the earliest is ${refusal.earliest}.`, { field: 'effectiveOn', earliest: refusal.earliest });
    }
    // Members is asked before the transaction, so a slow members subgraph holds no lock here.
    const associations = await this.associations.list();
    const deadline = objectionDeadline(today);
    const subprocessorId = input.subprocessorId ?? randomUUID();
    const row = await this.repository.announce(
      subprocessorId,
      (latest) => {
        if (kind !== 'added' && !latest) throw notFound('The sub-processor');
        if (latest?.change === 'removed') throw conflict(`${latest.name} is already removed from the register (from ${latest.effectiveOn}).`);
        const pick = <K extends (typeof DESCRIBING)[number]>(field: K) => (input[field] ?? latest?.[field])!;
        return {
          id: randomUUID(),
          subprocessorId,
          change: kind,
          name: pick('name'),
          purposeNb: pick('purposeNb'),
          purposeEn: pick('purposeEn'),
          country: pick('country'),
          dataCategories: pick('dataCategories'),
          transferMechanism: pick('transferMechanism'),
          effectiveOn: input.effectiveOn,
          announcedAt,
          objectionDeadline: deadline,
          emergency,
          reason,
          announcedBy: viewer.accountId,
        };
      },
      (change): NewEvent[] =>
        associations.map(({ associationId }) => ({
          topic: 'subprocessor.change_announced',
          associationId,
          payload: {
            changeId: change.id,
            subprocessor: change.name,
            change: change.change,
            effectiveOn: change.effectiveOn,
            objectionDeadline: deadline,
            emergency,
            reason,
          },
        })),
    );
    return { change: row, notifiedAssociations: associations.length };
  }

  async object(viewer: Viewer | null, raw: unknown): Promise<SubprocessorObjectionRow> {
    if (!viewer) throw unauthenticated();
    if (!canObject(viewer)) throw forbidden('Only the board objects to a sub-processor change on behalf of its association.');
    const input = parseInput(objectInput, raw);
    const change = await this.repository.find(input.changeId);
    if (!change) throw notFound('The sub-processor change');
    if (!change.objectionDeadline) throw conflict('The register the agreement started with was accepted with the agreement; it has no objection period.');
    if (!mayObject(providerToday(this.now()), change.objectionDeadline)) {
      throw fail('CONFLICT', `The objection period ended on ${change.objectionDeadline}.`, { objectionDeadline: change.objectionDeadline });
    }
    try {
      return await this.repository.object({
        associationId: viewer.associationId,
        id: randomUUID(),
        changeId: change.id,
        reason: input.reason,
        objectedBy: viewer.memberId,
        objectedAt: this.now(),
      });
    } catch (error) {
      if (violatedUniqueConstraint(error) !== null) throw conflict('The association has already objected to this change.');
      throw error;
    }
  }

  /** Operators see every association's objection to a change; a board sees its own association's. */
  async objections(viewer: Viewer | null, changeId: string): Promise<SubprocessorObjectionRow[]> {
    if (canAnnounceChange(viewer)) return this.repository.objectionsOf(changeId, null);
    if (canObject(viewer)) return this.repository.objectionsOf(changeId, viewer.associationId);
    throw forbidden('Objections are for the board and the provider’s operators.');
  }
}

function requireReader(viewer: Viewer | null): void {
  if (!viewer) throw unauthenticated();
  if (!canReadRegister(viewer)) throw forbidden('The sub-processor register is for the people of an association and the provider’s operators.');
}

function badInput(field: string, message: string) {
  return fail('BAD_USER_INPUT', message, { field });
}
