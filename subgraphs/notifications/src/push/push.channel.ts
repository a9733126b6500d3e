import type { Logger } from '@tunet/kit';
import type { DevicesRepository, PushDeviceRow } from '../devices/devices.repository';
import type { ChannelSender, OutgoingDelivery, SendOutcome } from '../model';
import { pushMessageFor } from './push.message';
import type { DeviceResult, PushKind, PushProvider } from './push.provider';

/** The provider per device kind; null where that provider is not configured. */
export type PushProviders = Record<PushKind, PushProvider | null>;

/** One device's result, with the id of the device and the provider's name for messages. */
export interface DeviceAttempt {
  deviceId: string;
  label: string;
  result: DeviceResult;
}

const LABELS: Record<PushKind, string> = { web: 'Web Push', fcm: 'FCM', apns: 'APNs' };
/** The deliveries table keeps the last error in 1000 characters. */
const REASON_MAX_CHARS = 1000;

/**
 * Push to every browser and phone the member registered, each through its provider and all at once. Devices the
 * provider says are gone are forgotten, so the next notification does not try them again.
 */
export class PushChannel implements ChannelSender {
  readonly channel = 'push' as const;
  readonly available: boolean;

  constructor(
    private readonly devices: DevicesRepository,
    private readonly providers: PushProviders,
    private readonly webAppOrigin: string,
    private readonly logger: Logger,
  ) {
    this.available = Object.values(providers).some((provider) => provider !== null);
  }

  async send(delivery: OutgoingDelivery): Promise<SendOutcome> {
    const devices = delivery.memberId ? await this.devices.devicesOf(delivery.associationId, [delivery.memberId]) : [];
    if (devices.length === 0) return { status: 'failed', reason: 'no push device registered' };
    const message = pushMessageFor(delivery, this.webAppOrigin);
    const attempts = await Promise.all(
      devices.map(async (device): Promise<DeviceAttempt> => {
        const provider = this.providers[device.kind];
        const label = LABELS[device.kind];
        if (!provider) return { deviceId: device.id, label, result: { kind: 'refused', reason: `${label} is not configured` } };
        return { deviceId: device.id, label, result: await provider.send(device, message) };
      }),
    );
    await this.keepDevicesCurrent(delivery, devices, attempts);
    return pushOutcome(attempts);
  }

  /** Closes the providers' connections; for shutdown. */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.providers).map(async (provider) => provider?.close?.()));
  }

  /**
   * The push has gone out whatever happens here, so a failure is only logged: failing the delivery would have it
   * retried and sent twice.
   */
  private async keepDevicesCurrent(delivery: OutgoingDelivery, devices: PushDeviceRow[], attempts: DeviceAttempt[]): Promise<void> {
    const gone = attempts.filter((attempt) => attempt.result.kind === 'invalid').map((attempt) => attempt.deviceId);
    const used = attempts.filter((attempt) => attempt.result.kind === 'ok').map((attempt) => attempt.deviceId);
    try {
      await this.devices.removeInvalid(delivery.associationId, gone);
      await this.devices.markUsed(delivery.associationId, used);
    } catch (error) {
      this.logger.warn({ err: error, deliveryId: delivery.deliveryId }, 'could not update push devices after sending');
      return;
    }
    if (gone.length > 0) {
      const kinds = devices.filter((device) => gone.includes(device.id)).map((device) => device.kind);
      this.logger.info({ deliveryId: delivery.deliveryId, memberId: delivery.memberId, kinds }, 'removed push devices their provider no longer knows');
    }
  }
}

/** Sent when any device took it; else another try when any failure may pass; else failed with every reason. */
export function pushOutcome(attempts: readonly DeviceAttempt[]): SendOutcome {
  const accepted = attempts.flatMap(({ result }) => (result.kind === 'ok' ? [result.providerMessageId] : []));
  if (accepted.length > 0) {
    const detail = `${accepted.length} of ${attempts.length} ${attempts.length === 1 ? 'device' : 'devices'}`;
    // One message id says which message it was; several would need a column per device.
    return { status: 'sent', providerMessageId: accepted.length === 1 ? accepted[0] : null, detail };
  }
  if (attempts.length === 0) return { status: 'failed', reason: 'no push device registered' };
  const transient = attempts.filter((attempt) => attempt.result.kind === 'transient');
  if (transient.length > 0) return { status: 'retry', reason: reasons(transient) };
  return { status: 'failed', reason: reasons(attempts) };
}

function reasons(attempts: readonly DeviceAttempt[]): string {
  const distinct = [...new Set(attempts.map(({ label, result }) => (result.kind === 'ok' ? '' : `${label}: ${result.reason}`)))];
  const text = distinct.join('; ');
  return text.length > REASON_MAX_CHARS ? `${text.slice(0, REASON_MAX_CHARS - 1)}…` : text;
}
