import { forbidden, unauthenticated, type Viewer } from '@tunet/kit';
import { canReadPrivacySettings } from './settings.access';
import type { SettingsRepository } from './settings.repository';
import type { PrivacySettingsState } from './settings.rules';

/** Association.privacySettings: how the association treats its members' personal data. */
export class SettingsService {
  constructor(private readonly repository: SettingsRepository) {}

  async forViewer(viewer: Viewer | null, associationId: string): Promise<PrivacySettingsState> {
    if (!viewer) throw unauthenticated();
    if (!canReadPrivacySettings(viewer, associationId)) throw forbidden('Only members of the association may see its privacy settings.');
    return this.repository.get(associationId);
  }
}
