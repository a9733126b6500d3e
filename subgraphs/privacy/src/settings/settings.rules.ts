import type { ContentKind } from '@tunet/kit';

/** An association's privacy settings as the resolvers see them (defaults filled in). */
export interface PrivacySettingsState {
  associationId: string;
  retentionMonths: number;
  keepContent: ContentKind[];
  contact: { name: string; email: string } | null;
  /** Null while the association has the defaults. */
  updatedAt: Date | null;
}

/**
 * The defaults of an association that changed nothing (docs/decisions/0036): 12 months after a move-out covers a
 * last settlement of common costs and a dispute about the deposit or the flat's condition, and is short enough to
 * keep no one for years; posts and documents stay because they are the association's record (notices, minutes),
 * while comments and events are conversation and go with the person.
 */
export const DEFAULT_SETTINGS = {
  retentionMonths: 12,
  keepContent: ['posts', 'documents'] as ContentKind[],
} as const;

export function defaultSettings(associationId: string): PrivacySettingsState {
  return { associationId, ...DEFAULT_SETTINGS, keepContent: [...DEFAULT_SETTINGS.keepContent], contact: null, updatedAt: null };
}
