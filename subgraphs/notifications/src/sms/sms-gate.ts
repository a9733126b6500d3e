import type { Entitlements } from '@tunet/kit';
import type { Directory, OutgoingDelivery, WithheldReason } from '../model';
import { DEFAULT_TIME_ZONE } from '../ingest/holds';
import { smsAllowance, smsMonthOf } from './sms-quota.rules';
import type { SmsQuotaRepository } from './sms-quota.repository';

/** Billing's answer to what an association may use (kit's EntitlementsReader, or a fixed answer in tests). */
export interface EntitlementsSource {
  read(associationId: string): Promise<Entitlements>;
}

/** Whether a claimed SMS may go: admitted, withheld for a reason, or no longer this dispatcher's to decide. */
export type SmsAdmission = 'admitted' | 'lost' | Extract<WithheldReason, 'sms_not_subscribed' | 'sms_quota_exceeded'>;

/** How long an association's time zone is taken as known, so a burst of text messages asks members once. */
const ZONE_CACHE_MS = 60_000;

/**
 * What the dispatcher asks before each text message, since it runs in the background with no request to carry the
 * entitlements: billing says whether the association subscribes to the SMS add-on and its monthly quota, and the
 * message is counted against the calendar month in the association's time zone (`now` is injectable for tests).
 */
export class SmsGate {
  private readonly zones = new Map<string, { zone: string; until: number }>();

  constructor(
    /** Null where no billing is configured: then no association subscribes, and no SMS is sent. */
    private readonly entitlements: EntitlementsSource | null,
    private readonly directory: Pick<Directory, 'association'>,
    private readonly quota: SmsQuotaRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Rejects when billing or members cannot be asked; the dispatcher then tries again later. */
  async admit(delivery: Pick<OutgoingDelivery, 'associationId' | 'deliveryId' | 'attempt'>): Promise<SmsAdmission> {
    if (!this.entitlements) return 'sms_not_subscribed';
    const allowance = smsAllowance(await this.entitlements.read(delivery.associationId));
    if (!allowance.subscribed) return 'sms_not_subscribed';
    const month = await this.currentMonth(delivery.associationId);
    const reservation = await this.quota.reserve(delivery.associationId, delivery.deliveryId, delivery.attempt, month, allowance.perMonth);
    return reservation === 'over_quota' ? 'sms_quota_exceeded' : reservation;
  }

  /** This calendar month in the association's time zone, as its first day. */
  async currentMonth(associationId: string): Promise<string> {
    return smsMonthOf(this.now(), await this.zoneOf(associationId));
  }

  private async zoneOf(associationId: string): Promise<string> {
    const known = this.zones.get(associationId);
    if (known && known.until > Date.now()) return known.zone;
    const zone = (await this.directory.association(associationId))?.timeZone ?? DEFAULT_TIME_ZONE;
    this.zones.set(associationId, { zone, until: Date.now() + ZONE_CACHE_MS });
    if (this.zones.size > 10_000) this.zones.delete(this.zones.keys().next().value!);
    return zone;
  }
}
