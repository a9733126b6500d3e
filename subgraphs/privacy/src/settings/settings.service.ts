import { forbidden, isMember, unauthenticated, type Viewer } from '@tunet/kit';
import { canChangePrivacySettings, canReadPrivacySettings } from './settings.access';
import type { SettingsRepository } from './settings.repository';
import { applyChange, type PrivacySettingsState, type SettingsChange } from './settings.rules';

/** Association.privacySettings: how the association treats its members' personal data. */
export class SettingsService {
  constructor(
    private readonly repository: SettingsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async forViewer(viewer: Viewer | null, associationId: string): Promise<PrivacySettingsState> {
    if (!viewer) throw unauthenticated();
    if (!canReadPrivacySettings(viewer, associationId)) throw forbidden('Only members of the association may see its privacy settings.');
    return this.repository.get(associationId);
  }

  /** updatePrivacySettings: the board's change in its own association, recorded with who made it. */
  async update(viewer: Viewer | null, change: SettingsChange): Promise<PrivacySettingsState> {
    if (!viewer) throw unauthenticated();
    if (!isMember(viewer) || !canChangePrivacySettings(viewer, viewer.associationId)) throw forbidden('Only the board changes the privacy settings.');
    return this.repository.update(viewer.associationId, { kind: 'board', memberId: viewer.memberId }, (current) => applyChange(current, change), this.now());
  }
}
