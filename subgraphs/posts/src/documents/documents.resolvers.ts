import { audienceOf, toGraphQLAudience } from '../audiences/audiences';
import type { Resolvers } from '../__generated__/resolvers-types';
import { canEditDocument } from './documents.access';

export const documentsResolvers: Resolvers = {
  Query: {
    documentFolders: (_root, { parentId }, ctx) => ctx.documents.folders(ctx, parentId),
    documents: (_root, { folderId, first, after }, ctx) => ctx.documents.listDocuments(ctx, folderId, first, after),
    document: (_root, { id }, ctx) => ctx.documents.document(ctx, id),
  },
  Mutation: {
    createDocumentFolder: async (_root, { input }, ctx) => ({ folder: await ctx.documents.createFolder(ctx, input) }),
    renameDocumentFolder: async (_root, { input }, ctx) => ({ folder: await ctx.documents.renameFolder(ctx, input) }),
    createDocument: async (_root, { input }, ctx) => ({ document: await ctx.documents.createDocument(ctx, input) }),
    addDocumentVersion: async (_root, { input }, ctx) => ({ document: await ctx.documents.addVersion(ctx, input) }),
    updateDocument: async (_root, { input }, ctx) => ({ document: await ctx.documents.updateDocument(ctx, input) }),
    deleteDocument: async (_root, { input: { documentId } }, ctx) => ({ documentId: await ctx.documents.deleteDocument(ctx, documentId) }),
  },
  DocumentFolder: {
    // Folders are never deleted, so a parent is always there.
    parent: async (folder, _args, ctx) => (folder.parentId ? (await ctx.documentLoaders.folderById.load(folder.parentId))! : null),
  },
  Document: {
    folder: async (document, _args, ctx) => (await ctx.documentLoaders.folderById.load(document.folderId))!,
    audience: (document) => toGraphQLAudience(audienceOf(document)),
    // Every document is created with its first version, and versions are never removed.
    currentVersion: async (document, _args, ctx) => (await ctx.documentLoaders.versionsByDocument.load(document.id))[0]!,
    versions: (document, _args, ctx) => ctx.documentLoaders.versionsByDocument.load(document.id),
    viewerCanEdit: (document, _args, ctx) => canEditDocument(ctx.viewer, document),
    createdBy: (document) => ({ __typename: 'Member', id: document.createdByMemberId }),
  },
  DocumentVersion: {
    // A version's file is in the same association and is never purged while it is one.
    file: async (version, _args, ctx) => (await ctx.fileLoaders.fileById.load(version.fileId))!,
    uploadedBy: (version) => ({ __typename: 'Member', id: version.uploadedByMemberId }),
  },
};
