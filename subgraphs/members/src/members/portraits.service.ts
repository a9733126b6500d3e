import { randomUUID } from 'node:crypto';
import {
  contentDisposition,
  InternalBinaryAnswer,
  InternalRouteError,
  isUuid,
  parseInput,
  processImage,
  PublicRouteError,
  RateLimit,
  rateLimited,
  refuse,
  type ExportedFile,
  type FastStore,
  type FileStorage,
  type ImageVariant,
  type PublicRequest,
  type PublicResponse,
  type UrlSigner,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { personalDataChanged } from './access-log';
import type { MembersLoaders } from './members.loaders';
import type { MemberRow } from './members.repository';
import type { MembersService } from './members.service';
import type { PortraitsRepository, StoredPortrait } from './portraits.repository';
import { decodePortrait, PORTRAITS_PER_HOUR, portraitTypeOf } from './portraits.rules';

/** The stored sizes of a portrait: at most 1600 px for a profile page (`portraitUrl`), 400 px for lists. */
export const PORTRAIT_VARIANTS = ['display', 'thumbnail'] as const satisfies readonly ImageVariant[];
export type PortraitVariant = (typeof PORTRAIT_VARIANTS)[number];

/** The gateway's public-route prefix portrait links go through (gateway/src/public-routes.ts). */
export const PORTRAITS_ROUTE = 'portraits';

const setPortraitInput = z.object({
  // Only a hint for the sniffer; long names are cut rather than refused.
  fileName: z.string().max(1_000),
  contentBase64: z.string(),
});

const EXTENSION: Record<StoredPortrait['contentType'], string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export function portraitKey(portrait: { associationId: string; fileId: string }, variant: PortraitVariant): string {
  // The kit storage's one key shape, as posts' files and operations' photos: file ids are random, so none collide.
  return `${portrait.associationId}/${portrait.fileId}/${variant}`;
}

/**
 * Portraits uploaded through the kit's file pipeline (docs/decisions/0047): sniffed by their bytes, re-encoded
 * upright without EXIF or GPS, stored in two sizes under a new file id each time, and shown through signed links on
 * the gateway's `/portraits/` prefix to whoever the `directory_portrait` consent lets see them.
 */
export class PortraitsService {
  private readonly perHour: RateLimit;

  constructor(
    private readonly repository: PortraitsRepository,
    private readonly members: Pick<MembersService, 'me'>,
    private readonly storage: FileStorage,
    private readonly signer: UrlSigner,
    store: FastStore,
  ) {
    this.perHour = new RateLimit(store, { name: 'members:portraits', points: PORTRAITS_PER_HOUR, windowSeconds: 3600, blockSeconds: 3600 });
  }

  /**
   * Sets the viewer's portrait. The bytes are stored before the row names them and deleted again when it does not;
   * the portrait it replaces is deleted after.
   */
  async set(viewer: Viewer | null, loaders: MembersLoaders, raw: unknown): Promise<MemberRow> {
    const me = await this.members.me(viewer, loaders);
    const input = parseInput(setPortraitInput, raw);
    // Before the decoding and re-encoding this limit protects.
    const taken = await this.perHour.take(`${me.associationId}:${me.id}`);
    if (!taken.taken) throw rateLimited(taken.secondsBlocked);
    const bytes = decodePortrait(input.contentBase64);
    const contentType = portraitTypeOf(bytes, input.fileName);
    const image = await processImage(bytes, contentType);
    if (!image) throw refuse('IMAGE_UNREADABLE', {}, 'contentBase64');
    const portrait = { associationId: me.associationId, fileId: randomUUID(), contentType };
    let done: MemberRow;
    try {
      for (const variant of PORTRAIT_VARIANTS) await this.storage.put(portraitKey(portrait, variant), image.variants[variant], contentType);
      done = await this.write(viewer!, me, portrait, 'setMyPortrait');
    } catch (error) {
      // Nothing names these bytes: the row was not written.
      for (const variant of PORTRAIT_VARIANTS) await this.storage.delete(portraitKey(portrait, variant)).catch(() => undefined);
      throw error;
    }
    await this.removeQueued(me.associationId);
    return done;
  }

  /** Removes the viewer's portrait: an uploaded one with its bytes, and a typed portrait address. */
  async remove(viewer: Viewer | null, loaders: MembersLoaders): Promise<MemberRow> {
    const me = await this.members.me(viewer, loaders);
    const done = await this.write(viewer!, me, null, 'removeMyPortrait');
    await this.removeQueued(me.associationId);
    return done;
  }

  /** Writes the member's row; the bytes of the portrait it replaces are queued for deletion in the same transaction. */
  private async write(viewer: Viewer, me: MemberRow, portrait: StoredPortrait | null, operation: string): Promise<MemberRow> {
    const done = await this.repository.replace(me.associationId, me.id, portrait, (member) => [
      personalDataChanged(viewer, member.id, ['portrait'], operation),
    ]);
    if (!done) throw new Error(`member ${me.id} vanished while setting a portrait`);
    return done.member;
  }

  /** A signed link to the member's uploaded portrait through the gateway the viewer called; null without one. */
  url(origin: string | null | undefined, member: MemberRow, variant: PortraitVariant): Promise<string | null> {
    return member.portraitFileId ? this.signer.sign(origin, member.portraitFileId, variant) : Promise.resolve(null);
  }

  /**
   * GET /portraits/<file>/<variant>?exp=…&sig=…, opened without an access token: the signature and expiry are the
   * whole authorisation (the link is only handed to viewers the consent lets see it). 403 for a forged link, 410 for
   * an expired one, 404 once the portrait was replaced or removed.
   */
  async download(request: PublicRequest): Promise<PublicResponse> {
    const [, id = '', variant = '', ...rest] = request.path.split('/');
    const verdict = rest.length === 0 ? await this.signer.verify(id, variant, request.query.exp, request.query.sig) : 'forged';
    if (verdict === 'forged') throw new PublicRouteError(403, 'This link is not valid.');
    if (verdict === 'expired') throw new PublicRouteError(410, 'This link has expired. Open the profile again in Tunet.');
    const portrait = isUuid(id) ? await this.repository.findForDownload(id) : null;
    const known = PORTRAIT_VARIANTS.find((v) => v === variant);
    const body = portrait && known ? await this.storage.get(portraitKey(portrait, known)) : null;
    if (!portrait || !body) throw new PublicRouteError(404, 'The portrait no longer exists.');
    return {
      contentType: portrait.contentType,
      body,
      headers: {
        'content-disposition': contentDisposition(`portrait.${EXTENSION[portrait.contentType]}`, true),
        ...this.signer.cacheHeaders(id, variant, request.query.exp!),
      },
    };
  }

  /** The stored portraits of a member (or of every member: null) as export files, with their larger size's bytes. */
  async exportFiles(associationId: string, memberId: string | null): Promise<ExportedFile[]> {
    const files: ExportedFile[] = [];
    for (const portrait of await this.repository.portraits(associationId, memberId)) {
      const bytes = await this.storage.get(portraitKey(portrait, 'display'));
      if (bytes) {
        files.push({
          fileId: portrait.fileId,
          name: `portrait.${EXTENSION[portrait.contentType]}`,
          contentType: portrait.contentType,
          sizeBytes: bytes.length,
        });
      }
    }
    return files;
  }

  /** A stored portrait's bytes for an export (PRIVACY_EXPORT_FILE_ROUTE): the member's own, or any of the association's (null). */
  async exportFile(associationId: string, memberId: string | null, fileId: string): Promise<InternalBinaryAnswer> {
    const portrait = (await this.repository.portraits(associationId, memberId)).find((p) => p.fileId === fileId);
    const bytes = portrait ? await this.storage.get(portraitKey(portrait, 'display')) : null;
    if (!portrait || !bytes) throw new InternalRouteError(404, 'No such portrait.');
    return new InternalBinaryAnswer(bytes, portrait.contentType);
  }

  /**
   * Deletes the stored bytes queued for deletion (members.file_deletions, written with the row that stopped naming
   * them: replaced, removed, erased), of one association or of all (null), forgetting each key once its object is
   * gone. A storage that fails keeps the key for the portrait-deletions job; what committed stands. Returns how many
   * objects went.
   */
  async removeQueued(associationId: string | null): Promise<number> {
    let removed = 0;
    for (const { associationId: a, key } of await this.repository.pendingDeletions(associationId)) {
      try {
        await this.storage.delete(key);
      } catch {
        continue;
      }
      await this.repository.deleted(a, key);
      removed += 1;
    }
    return removed;
  }
}
