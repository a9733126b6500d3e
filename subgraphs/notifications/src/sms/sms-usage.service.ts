import { admitMember, requireFeature, type RequestContext, type Viewer } from '@tunet/kit';
import { canSeeSmsUsage } from './sms.access';
import type { SmsGate } from './sms-gate';
import { SMS_FEATURE, SMS_PER_MONTH } from './sms-quota.rules';
import type { SmsQuotaRepository } from './sms-quota.repository';

/** The association's text messages this month against its quota. */
export interface SmsUsageView {
  /** `YYYY-MM`, in the association's time zone. */
  month: string;
  sent: number;
  limit: number;
}

/** What the board reads of the SMS quota; the dispatcher enforces it (SmsGate). */
export class SmsUsageService {
  constructor(
    private readonly quota: SmsQuotaRepository,
    private readonly gate: Pick<SmsGate, 'currentMonth'>,
  ) {}

  /**
   * This month's sent text messages and the limit, for the association's board. The gateway refuses the field
   * without the SMS add-on; it is checked again here against the entitlements the gateway signed, so a signed call
   * that skips the gateway's check still fails (FEATURE_NOT_SUBSCRIBED).
   */
  async usage(viewer: Viewer | null, request: Pick<RequestContext, 'entitlements'>): Promise<SmsUsageView> {
    const board = admitMember(viewer, canSeeSmsUsage);
    requireFeature(request, board.associationId, SMS_FEATURE);
    const month = await this.gate.currentMonth(board.associationId);
    const sent = await this.quota.sentIn(board.associationId, month);
    return { month: month.slice(0, 7), sent, limit: request.entitlements?.limits[SMS_PER_MONTH] ?? 0 };
  }
}
