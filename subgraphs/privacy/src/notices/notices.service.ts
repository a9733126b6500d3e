import { parseInput, rateLimited, type Outbox, type SubgraphDatabase, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { requireAdministrator, requireReader } from '../consents/consents.access';
import type { Notice, NoticesRepository } from './notices.repository';
import { isMaterial, lastChangedOn } from './notices.rules';

/**
 * The zone the "last changed" date is read in. Privacy does not keep the association's zone; every association in
 * Tunet today is in Norway, members' default.
 */
const NOTICE_TIME_ZONE = 'Europe/Oslo';

/** A long policy fits (the reference policies are 10–30 kB); a megabyte of text is not a notice people read. */
const MAX_NOTICE_CHARS = 100_000;
/** Versions a day: corrections happen; more than this is a mistake or a flood. */
export const MAX_NOTICES_PER_DAY = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
const noticeText = z.string().trim().min(1).max(MAX_NOTICE_CHARS);
const publishInput = z.object({ text: z.object({ nb: noticeText, en: noticeText }), material: z.boolean() });

/** The association's privacy notice: every version kept; a material change is sent to every member. */
export class NoticesService {
  constructor(
    private readonly db: SubgraphDatabase,
    private readonly repository: NoticesRepository,
    private readonly outbox: Pick<Outbox, 'add'>,
    private readonly now: () => Date,
  ) {}

  async read(viewer: Viewer | null, version: number | null): Promise<Notice | null> {
    return this.repository.find(requireReader(viewer), version);
  }

  /** Publishes the next version in one transaction with its event (privacy.notice_published, which notifications sends). */
  async publish(viewer: Viewer | null, raw: unknown): Promise<Notice> {
    const { associationId, memberId } = requireAdministrator(viewer);
    const input = parseInput(publishInput, raw);
    return this.db.tenant(associationId, async (tx) => {
      await this.repository.lock(tx, associationId);
      const previous = await this.repository.findIn(tx, associationId, null);
      const publishedAt = this.now();
      // Each material version is sent to every member: a board cannot flood its members' inboxes with them.
      if ((await this.repository.countSince(tx, associationId, new Date(publishedAt.getTime() - DAY_MS))) >= MAX_NOTICES_PER_DAY) {
        throw rateLimited(24 * 60 * 60);
      }
      const notice = await this.repository.insert(
        tx,
        associationId,
        {
          version: (previous?.version ?? 0) + 1,
          text: input.text,
          material: isMaterial(previous?.version ?? null, input.material),
          publishedAt,
          lastChangedOn: lastChangedOn(publishedAt, NOTICE_TIME_ZONE),
        },
        memberId,
      );
      await this.outbox.add(tx, {
        associationId,
        topic: 'privacy.notice_published',
        payload: { noticeId: notice.id, version: notice.version, material: notice.material, lastChangedOn: notice.lastChangedOn },
      });
      return notice;
    });
  }
}
