import { badUserInput, type ContentKind } from '@tunet/kit';

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

/** A board's change: what is left out stays as it is. */
export interface SettingsChange {
  retentionMonths?: number | null;
  keepContent?: readonly ContentKind[] | null;
  contactName?: string | null;
  contactEmail?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The settings after `change`: BAD_USER_INPUT (with the field) for a retention outside 1 to 60 months, a contact
 * with only one of name and e-mail, a name over 200 characters or an e-mail that is none. Both contact fields empty
 * remove the contact; repeated content kinds count once.
 */
export function applyChange(current: PrivacySettingsState, change: SettingsChange): PrivacySettingsState {
  const next = { ...current, keepContent: [...current.keepContent] };
  if (change.retentionMonths != null) {
    if (!Number.isInteger(change.retentionMonths) || change.retentionMonths < 1 || change.retentionMonths > 60) {
      throw badUserInput('retentionMonths', 'The retention period is 1 to 60 months.');
    }
    next.retentionMonths = change.retentionMonths;
  }
  if (change.keepContent != null) next.keepContent = [...new Set(change.keepContent)].sort();
  if (change.contactName != null || change.contactEmail != null) {
    const name = (change.contactName ?? '').trim();
    const email = (change.contactEmail ?? '').trim();
    if (name === '' && email === '') next.contact = null;
    else if (name === '' || name.length > 200) throw badUserInput('contactName', 'The privacy contact needs a name of 1 to 200 characters.');
    else if (email.length > 254 || !EMAIL.test(email)) throw badUserInput('contactEmail', 'The privacy contact needs a valid e-mail address.');
    else next.contact = { name, email };
  }
  return next;
}
