import { admitMember, badUserInput, hasFeature, parseInput, type MemberViewer, type RequestContext, type Viewer } from '@tunet/kit';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { SMS_FEATURE } from '../sms/sms-quota.rules';
import { CATEGORIES, CHANNELS, type AssociationInfo, type Category, type Channel, type Directory, type Locale } from '../model';
import { canManageOwnPreferences, receivesBilling } from './preferences.access';
import { channelEnabled, isOptional, refusalOf, type ChannelChange, type PreferenceOverrides } from './preferences.rules';
import { defaultSettings, type PreferencesRepository, type SettingsPatch, type SettingsRow } from './preferences.repository';

/** Whether one channel is on for one category, and whether the person may flip it. */
export interface ChannelPreferenceView {
  channel: Channel;
  enabled: boolean;
  changeable: boolean;
}

/** A person's choices for one category. */
export interface CategoryPreferenceView {
  category: Category;
  optional: boolean;
  channels: ChannelPreferenceView[];
}

/** A person's preferences as they apply: the defaults with their own choices over them. */
export interface PreferencesView {
  locale: Locale;
  localeChosen: boolean;
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  emailDigest: boolean;
  digestHour: number;
  /** In the order of CATEGORIES, each with its channels in the order of CHANNELS. */
  categories: CategoryPreferenceView[];
  smsAvailable: boolean;
}

/** A wall-clock time of day; 24:00 is not one. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM between 00:00 and 23:59');

/**
 * Only the fields given change; null resets a field to its default (no quiet hours, the association's language).
 * GraphQL has checked the enums already; code calling the service directly gets the same checks here.
 */
const updateInput = z.object({
  channels: z.array(z.object({ category: z.enum(CATEGORIES), channel: z.enum(CHANNELS), enabled: z.boolean() })).nullish(),
  locale: z.enum(['nb', 'en'], { error: 'must be nb or en' }).nullish(),
  timeZone: z
    .string()
    .max(64)
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Oslo')
    .nullish(),
  quietHours: z
    .object({ start: clock, end: clock })
    .refine((hours) => hours.start !== hours.end, { path: ['end'], message: 'must differ from start' })
    .nullish(),
  emailDigest: z.boolean().nullish(),
  digestHour: z.number().int().min(0, 'must be an hour from 0 to 23').max(23, 'must be an hour from 0 to 23').nullish(),
});

/** The language a person who chose none gets when members does not know the association's. */
const FALLBACK_LOCALE: Locale = 'nb';

/** The request's entitlements, as the gateway signed them: whether the association subscribes to SMS. */
export type SmsEntitlements = Pick<RequestContext, 'entitlements'>;

/** Reading and changing a person's notification preferences, within what the policy allows. */
export class PreferencesService {
  /**
   * `directory` gives the association's language, which people who chose none get; `smsConfigured` says whether an
   * SMS provider is configured (the association must also subscribe to the SMS add-on).
   */
  constructor(
    private readonly repository: PreferencesRepository,
    private readonly directory: Pick<Directory, 'association'>,
    private readonly smsConfigured: boolean,
  ) {}

  /** The viewer's preferences. */
  preferences(viewer: Viewer | null, request: SmsEntitlements): Promise<PreferencesView> {
    const member = admitMember(viewer, canManageOwnPreferences);
    return this.viewFor(member, this.smsAvailable(member, request));
  }

  /** Whether the viewer's association can send text messages: a provider, and the SMS add-on. */
  private smsAvailable(member: MemberViewer, request: SmsEntitlements): boolean {
    return this.smsConfigured && hasFeature(request, member.associationId, SMS_FEATURE);
  }

  /**
   * Changes the viewer's preferences in one logged transaction. The policy is checked against the overrides as they
   * stand inside that transaction, so two changes at once cannot together turn off a category that must stay on.
   */
  async update(viewer: Viewer | null, rawInput: unknown, request: SmsEntitlements): Promise<PreferencesView> {
    const member = admitMember(viewer, canManageOwnPreferences);
    const input = parseInput(updateInput, rawInput);
    const changes: ChannelChange[] = input.channels ?? [];
    const smsAvailable = this.smsAvailable(member, request);
    if (!smsAvailable && changes.some((change) => change.channel === 'sms' && change.enabled)) {
      throw badUserInput('channels', 'Text messages cannot be turned on: this association has no SMS provider or does not subscribe to the SMS add-on.');
    }
    const association = await this.directory.association(member.associationId);
    const defaults = defaultSettings(member.associationId, member.memberId, association?.timeZone);
    const patch = patchOf(input, defaults);
    if (changes.length > 0 || Object.keys(patch).length > 0) {
      const check = (current: PreferenceOverrides) => {
        const refusal = refusalOf(current, changes);
        if (refusal) throw badUserInput('channels', refusal);
      };
      await this.repository.change(member.associationId, member.memberId, changes, patch, 'app', check, { timeZone: defaults.timeZone });
    }
    return this.viewFor(member, smsAvailable, association);
  }

  /** `association` as the directory gives it, when the caller asked already. */
  private async viewFor(member: MemberViewer, smsAvailable: boolean, known?: AssociationInfo | null): Promise<PreferencesView> {
    const { associationId, memberId } = member;
    const [overrides, association] = await Promise.all([
      this.repository.overridesOf(associationId, [memberId]),
      known === undefined ? this.directory.association(associationId) : known,
    ]);
    const settings = await this.repository.settingsOf(associationId, [memberId], association?.timeZone);
    const mine = settings.get(memberId) ?? defaultSettings(associationId, memberId, association?.timeZone);
    const locale = mine.locale ?? association?.locale ?? FALLBACK_LOCALE;
    const view = viewOf(mine, overrides.get(memberId) ?? new Map(), locale, smsAvailable);
    // Billing messages reach only the board: the category would mean nothing to anyone else.
    return receivesBilling(member) ? view : { ...view, categories: view.categories.filter(({ category }) => category !== 'billing') };
  }
}

/** The settings the input changes; a null resets the field to `defaults`. */
function patchOf(input: z.output<typeof updateInput>, defaults: SettingsRow): SettingsPatch {
  const patch: SettingsPatch = {};
  if (input.locale !== undefined) patch.locale = input.locale;
  if (input.timeZone !== undefined) patch.timeZone = input.timeZone ?? defaults.timeZone;
  if (input.quietHours !== undefined) {
    patch.quietHoursStart = input.quietHours?.start ?? null;
    patch.quietHoursEnd = input.quietHours?.end ?? null;
  }
  if (input.emailDigest !== undefined) patch.emailDigest = input.emailDigest ?? defaults.emailDigest;
  if (input.digestHour !== undefined) patch.digestHour = input.digestHour ?? defaults.digestHour;
  return patch;
}

/**
 * The preferences as they apply. A channel is changeable when flipping it alone is a change the policy accepts,
 * and SMS cannot be turned on where there is no provider (though one left on from before can be turned off).
 */
export function viewOf(settings: SettingsRow, overrides: PreferenceOverrides, associationLocale: Locale, smsAvailable: boolean): PreferencesView {
  const { quietHoursStart: start, quietHoursEnd: end } = settings;
  return {
    locale: settings.locale ?? associationLocale,
    localeChosen: settings.locale !== null,
    timeZone: settings.timeZone,
    // PostgreSQL writes a time as HH:MM:SS; people set and read minutes.
    quietHours: start !== null && end !== null ? { start: start.slice(0, 5), end: end.slice(0, 5) } : null,
    emailDigest: settings.emailDigest,
    digestHour: settings.digestHour,
    categories: CATEGORIES.map((category) => ({
      category,
      optional: isOptional(category),
      channels: CHANNELS.map((channel) => {
        const enabled = channelEnabled(overrides, category, channel);
        const blocked = channel === 'sms' && !enabled && !smsAvailable;
        const changeable = !blocked && refusalOf(overrides, [{ category, channel, enabled: !enabled }]) === null;
        return { channel, enabled, changeable };
      }),
    })),
    smsAvailable,
  };
}
