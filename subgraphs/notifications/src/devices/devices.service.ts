import { ECDH } from 'node:crypto';
import { admitMember, badUserInput, isUuid, notFound, parseInput, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import type { PushEndpointPolicy } from '../push/push-endpoints';
import { canManageOwnDevices } from './devices.access';
import type { DeviceLimits, DevicesRepository, PushDeviceRow } from './devices.repository';

/** What a client needs to subscribe to push: which providers are configured, and Web Push's VAPID key. */
export interface PushConfigurationView {
  webPushPublicKey: string | null;
  fcmEnabled: boolean;
  apnsEnabled: boolean;
}

/** The configured providers, and where Web Push subscriptions may lead. */
export interface PushSetup extends PushConfigurationView {
  webPushEndpoints: PushEndpointPolicy;
}

/**
 * Every notification goes to each of a person's devices, so these bound the requests one notice makes per person
 * (decision 0017). Ten covers a person's phones, tablets and browsers; a person has a few browsers at one push
 * service, not dozens. A new registration replaces the least recently registered device, which is the one
 * most likely gone: browsers renew subscriptions without saying so, and a refusal would leave people stuck.
 */
export const MAX_DEVICES_PER_MEMBER = 10;
export const MAX_SUBSCRIPTIONS_PER_PUSH_SERVICE = 5;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** The bytes a base64url string (padded or not) encodes; null when it is not canonical base64url. */
function base64urlBytes(value: string): Buffer | null {
  if (!BASE64URL.test(value)) return null;
  const bare = value.replace(/=+$/, '');
  const bytes = Buffer.from(bare, 'base64url');
  // Buffer skips what it cannot decode; re-encoding tells a stray character or impossible length apart.
  return bytes.toString('base64url') === bare ? bytes : null;
}

/** A point on P-256, uncompressed (0x04, x, y): what a browser's subscription hands over as p256dh. */
function isP256Point(value: string): boolean {
  const bytes = base64urlBytes(value);
  if (!bytes || bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    ECDH.convertKey(bytes, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

const deviceName = z
  .string()
  .trim()
  .max(100)
  .nullish()
  .transform((name) => name || null);

/** Keys are stored unpadded, as browsers give them, so the same subscription is the same row. */
const unpadded = (value: string) => value.replace(/=+$/, '');

const webPushInput = z.object({
  // PushEndpointPolicy checks the rest once the whole input is well-formed: it looks the host up.
  endpoint: z.string().trim(),
  p256dh: z.string().refine(isP256Point, 'must be the base64url of an uncompressed P-256 public key (65 bytes starting 0x04)').transform(unpadded),
  auth: z
    .string()
    .refine((value) => base64urlBytes(value)?.length === 16, 'must be the base64url of 16 bytes')
    .transform(unpadded),
  deviceName,
});

/**
 * Tokens are opaque, but printable ASCII without spaces: FCM's are about 160 characters, APNs' 64 hex digits. The
 * table keeps at most 2000 characters of an address (0001), which bounds them here.
 */
const mobileInput = z.object({
  kind: z.enum(['fcm', 'apns'], { error: 'must be FCM or APNS; a browser registers with registerWebPushSubscription' }),
  token: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(2000)
    .regex(/^[\x21-\x7e]+$/, 'must be printable characters'),
  deviceName,
});

/** Registering and removing the browsers and phones a member receives push on. */
export class DevicesService {
  /** `push` says which providers are configured, as the push channels were built from NotificationsConfig. */
  constructor(
    private readonly repository: DevicesRepository,
    private readonly push: PushSetup,
  ) {}

  /** The viewer's devices, oldest first. */
  devices(viewer: Viewer | null): Promise<PushDeviceRow[]> {
    const member = admitMember(viewer, canManageOwnDevices);
    return this.repository.devicesOf(member.associationId, [member.memberId]);
  }

  /** What the viewer's client needs to register for push. */
  configuration(viewer: Viewer | null): PushConfigurationView {
    admitMember(viewer, canManageOwnDevices);
    return { webPushPublicKey: this.push.webPushPublicKey, fcmEnabled: this.push.fcmEnabled, apnsEnabled: this.push.apnsEnabled };
  }

  /**
   * Registers a browser's Web Push subscription for the viewer (taking it over if someone else had it), when its
   * endpoint leads to a push service at a public address.
   */
  async registerWebPush(viewer: Viewer | null, rawInput: unknown): Promise<PushDeviceRow> {
    const member = admitMember(viewer, canManageOwnDevices);
    if (!this.push.webPushPublicKey) throw badUserInput('endpoint', 'Web Push is not set up for this installation.');
    const input = parseInput(webPushInput, rawInput);
    const endpoint = await this.push.webPushEndpoints.check(input.endpoint);
    if (!endpoint.ok) throw badUserInput('endpoint', `The subscription endpoint is refused: ${endpoint.reason}.`);
    const { url } = endpoint.target;
    const limits: DeviceLimits = {
      perMember: MAX_DEVICES_PER_MEMBER,
      perPrefix: { prefix: `${url.origin}/`, max: MAX_SUBSCRIPTIONS_PER_PUSH_SERVICE },
    };
    return this.repository.register(
      member.associationId,
      member.memberId,
      // As the URL writes it: one subscription is one row however its host was spelled.
      { kind: 'web', address: url.href, p256dh: input.p256dh, auth: input.auth, deviceName: input.deviceName },
      limits,
    );
  }

  /** Registers a phone's FCM or APNs token for the viewer, where that provider is configured. */
  registerMobile(viewer: Viewer | null, rawInput: unknown): Promise<PushDeviceRow> {
    const member = admitMember(viewer, canManageOwnDevices);
    const input = parseInput(mobileInput, rawInput);
    if (!(input.kind === 'fcm' ? this.push.fcmEnabled : this.push.apnsEnabled)) {
      throw badUserInput('kind', `${input.kind === 'fcm' ? 'Android (FCM)' : 'iPhone (APNs)'} push is not set up for this installation.`);
    }
    return this.repository.register(
      member.associationId,
      member.memberId,
      { kind: input.kind, address: input.token, p256dh: null, auth: null, deviceName: input.deviceName },
      { perMember: MAX_DEVICES_PER_MEMBER },
    );
  }

  /** Removes one of the viewer's devices; NOT_FOUND for anyone else's. */
  async remove(viewer: Viewer | null, id: string): Promise<string> {
    const member = admitMember(viewer, canManageOwnDevices);
    if (!isUuid(id) || !(await this.repository.remove(member.associationId, member.memberId, id))) throw notFound('Push device');
    return id;
  }
}
