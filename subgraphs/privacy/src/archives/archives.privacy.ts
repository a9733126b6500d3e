import type { FileStorage } from '@tunet/kit';
import type { PrivacyPart } from '../privacy/privacy.routes';
import type { ArchivesRepository } from './archives.repository';

/**
 * Export archives hold a person's data: exported (the rows, not the zip) and, on erasure, deleted with their bytes;
 * an archive the person asked for about someone else loses the requester's id. The bytes are deleted inside the
 * route's transaction: if it then rolls back, the row names bytes that are gone and the download says so (404),
 * erring towards the erasure.
 */
export function archivesPrivacyPart(repository: ArchivesRepository, storage: FileStorage): PrivacyPart {
  return {
    tables: ['export_archives'],
    export: async (tx, { associationId, memberId }) => ({ export_archives: await repository.ofMember(tx, associationId, memberId) }),
    erase: async (tx, { associationId, memberId }) => {
      const { deleted, anonymised } = await repository.eraseMember(tx, associationId, memberId);
      for (const archive of deleted) await storage.delete(archive.storageKey);
      return [
        {
          table: 'export_archives',
          action: 'erased',
          rows: deleted.length + anonymised,
          note: anonymised > 0 ? 'Archives about the person deleted with their files; the requester removed from archives of others.' : null,
        },
      ];
    },
  };
}
