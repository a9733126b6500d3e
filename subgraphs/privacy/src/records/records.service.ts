import { forbidden, notFound, unauthenticated, type SubgraphDatabase, type Viewer } from '@tunet/kit';
import { purposesIn } from '../purposes/purposes.repository';
import { canReadProcessingRecords } from '../settings/settings.access';
import { settingsIn } from '../settings/settings.repository';
import type { SubprocessorsRepository } from '../subprocessors/subprocessors.repository';
import { inForce, providerToday } from '../subprocessors/subprocessors.rules';
import type { ControllerProfiles } from './controller-profiles';
import { SECURITY_MEASURES, type RecordsOfProcessing, type RecordsParty } from './records.rules';

/**
 * The provider as processor in the records, from the deployment's settings: TUNET_PROVIDER_NAME (Tunet unless set),
 * TUNET_PROVIDER_ORG_NUMBER, TUNET_PROVIDER_PRIVACY_EMAIL. Nothing is invented for a deployment that set none.
 */
export function processorFromEnv(env: NodeJS.ProcessEnv): RecordsParty {
  return {
    name: env.TUNET_PROVIDER_NAME || 'Tunet',
    organisationNumber: env.TUNET_PROVIDER_ORG_NUMBER || null,
    contactName: null,
    contactEmail: env.TUNET_PROVIDER_PRIVACY_EMAIL || null,
  };
}

/**
 * The association's records of processing activities (GDPR art. 30; docs/decisions/0040), put together when asked:
 * its purposes register with lawful bases, categories and retention (decision 0038), its retention after a move-out
 * and privacy contact (0036), the sub-processors in force, and the security measures. The board keeps them; an
 * operator reads them in an open support session for the association (decision 0030).
 */
export class RecordsService {
  constructor(
    private readonly db: SubgraphDatabase,
    private readonly subprocessors: SubprocessorsRepository,
    private readonly controllers: ControllerProfiles,
    private readonly processor: RecordsParty,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async forViewer(viewer: Viewer | null, associationId: string): Promise<RecordsOfProcessing> {
    if (!viewer) throw unauthenticated();
    if (!canReadProcessingRecords(viewer, associationId))
      throw forbidden('The records of processing are kept by the board; an operator reads them in a support session.');
    const controller = await this.controllers.profile(associationId);
    if (!controller) throw notFound('The association');
    const { purposes, settings } = await this.db.tenant(associationId, async (tx) => ({
      purposes: await purposesIn(tx, associationId),
      settings: await settingsIn(tx, associationId),
    }));
    const generatedAt = this.now();
    const recipients = inForce(await this.subprocessors.history(), providerToday(generatedAt)).sort((a, b) => a.name.localeCompare(b.name));
    return {
      generatedAt,
      timeZone: controller.timeZone,
      controller: {
        name: controller.name,
        organisationNumber: controller.orgNumber,
        contactName: settings.contact?.name ?? null,
        contactEmail: settings.contact?.email ?? controller.contactEmail,
      },
      processor: this.processor,
      activities: purposes,
      recipients: recipients.map((r) => ({
        name: r.name,
        purpose: { nb: r.purposeNb, en: r.purposeEn },
        country: r.country,
        dataCategories: r.dataCategories,
        transferMechanism: r.transferMechanism,
      })),
      retentionMonthsAfterMoveOut: settings.retentionMonths,
      securityMeasures: [...SECURITY_MEASURES],
    };
  }
}
