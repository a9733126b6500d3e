import { randomUUID } from 'node:crypto';
import type { Category, Channel } from '../model';
import type { PreferenceOverrides } from './preferences.rules';
import { defaultSettings } from './preferences.repository';
import { viewOf } from './preferences.service';

const settings = defaultSettings(randomUUID(), randomUUID());

/** `category channel` → [enabled, changeable]. */
function table(overrides: PreferenceOverrides, smsAvailable: boolean): Record<string, [boolean, boolean]> {
  const view = viewOf(settings, overrides, 'nb', smsAvailable);
  return Object.fromEntries(
    view.categories.flatMap(({ category, channels }) => channels.map(({ channel, enabled, changeable }) => [`${category} ${channel}`, [enabled, changeable]])),
  );
}

const overrides = (entries: [Category, Channel, boolean][]): PreferenceOverrides =>
  new Map(entries.map(([category, channel, enabled]) => [`${category}:${channel}` as const, enabled]));

describe('what a person may change', () => {
  it('keeps the inbox of mandatory categories, and their last outward channel', () => {
    expect(table(overrides([['important', 'push', false]]), false)).toMatchObject({
      'important in_app': [true, false],
      'important email': [true, false],
      'important push': [false, true],
      'account email': [true, false],
      'news in_app': [true, true],
    });
  });

  it('offers SMS only with a provider, but lets SMS left on from before be turned off', () => {
    const legacy = overrides([['news', 'sms', true]]);
    expect(table(legacy, false)).toMatchObject({ 'news sms': [true, true], 'events sms': [false, false] });
    expect(table(legacy, true)).toMatchObject({ 'news sms': [true, true], 'events sms': [false, true] });
  });

  it('frees e-mail for account messages once push is on', () => {
    expect(table(overrides([['account', 'push', true]]), false)).toMatchObject({ 'account email': [true, true], 'account push': [true, true] });
  });

  it('shows quiet hours in minutes and the association language for people who chose none', () => {
    const view = viewOf({ ...settings, quietHoursStart: '22:00:00', quietHoursEnd: '07:30:00' }, new Map(), 'en', false);
    expect(view).toMatchObject({ quietHours: { start: '22:00', end: '07:30' }, locale: 'en', localeChosen: false });
    expect(viewOf({ ...settings, locale: 'nb' }, new Map(), 'en', false)).toMatchObject({ locale: 'nb', localeChosen: true, quietHours: null });
  });
});
