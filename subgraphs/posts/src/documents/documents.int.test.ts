import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { eq } from 'drizzle-orm';
import { documentFolders, documents, documentVersions } from '../tables';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { loadDemoDocuments, pdfOf } from './documents.demo';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const codeOf = (result: { errors?: readonly { extensions: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions;

async function uploadAs(viewer: Viewer, fileName = 'vedtekter.pdf', bytes = pdfOf(['Vedtekter'])): Promise<string> {
  const ctx = bed.contextFor(viewer);
  return (await ctx.files.upload(ctx, { fileName, contentBase64: bytes.toString('base64') })).id;
}

async function folder(viewer: Viewer, name: string, parentId?: string) {
  return bed.execute(viewer, 'mutation ($i: CreateDocumentFolderInput!) { createDocumentFolder(input: $i) { folder { id name parent { id } } } }', {
    i: { name, parentId },
  });
}

async function folderId(viewer: Viewer, name: string, parentId?: string): Promise<string> {
  const result = await folder(viewer, name, parentId);
  expect(result.errors).toBeUndefined();
  return (result.data!.createDocumentFolder as { folder: { id: string } }).folder.id;
}

type Input = Record<string, unknown>;
const DOCUMENT_FIELDS = `id title description audience { kind id } editorCommitteeId viewerCanEdit folder { id }
  currentVersion { number note file { fileName contentType url } uploadedBy { id } } versions { number } createdBy { id }`;

function createDocument(viewer: Viewer, input: Input) {
  return bed.execute(viewer, `mutation ($i: CreateDocumentInput!) { createDocument(input: $i) { document { ${DOCUMENT_FIELDS} } } }`, { i: input });
}

async function documentId(viewer: Viewer, input: Input): Promise<string> {
  const result = await createDocument(viewer, input);
  expect(result.errors).toBeUndefined();
  return (result.data!.createDocument as { document: { id: string } }).document.id;
}

const readDocument = (viewer: Viewer | null, id: string) => bed.execute(viewer, `query ($id: ID!) { document(id: $id) { ${DOCUMENT_FIELDS} } }`, { id });
const update = (viewer: Viewer, input: Input) =>
  bed.execute(viewer, `mutation ($i: UpdateDocumentInput!) { updateDocument(input: $i) { document { ${DOCUMENT_FIELDS} } } }`, { i: input });
const addVersion = (viewer: Viewer, input: Input) =>
  bed.execute(viewer, `mutation ($i: AddDocumentVersionInput!) { addDocumentVersion(input: $i) { document { ${DOCUMENT_FIELDS} } } }`, { i: input });

async function titlesIn(viewer: Viewer | null, folder: string): Promise<string[]> {
  const result = await bed.execute(viewer, 'query ($f: ID!) { documents(folderId: $f, first: 100) { nodes { title } } }', { f: folder });
  expect(result.errors).toBeUndefined();
  return (result.data!.documents as { nodes: { title: string }[] }).nodes.map((node) => node.title);
}

describe('folders', () => {
  const association = randomUUID();
  const board = viewerIn(association, 'board');
  const resident = viewerIn(association);

  it('nest, and list by name at each level for every member', async () => {
    const meetings = await folderId(board, 'Møter');
    await folderId(board, 'Husorden');
    const year = await folderId(board, '2026', meetings);
    await folderId(board, '2025', meetings);

    const top = await bed.execute(viewerIn(association, 'external'), '{ documentFolders { name parent { id } } }');
    expect(top.data).toEqual({
      documentFolders: [
        { name: 'Husorden', parent: null },
        { name: 'Møter', parent: null },
      ],
    });
    const inside = await bed.execute(resident, 'query ($p: ID) { documentFolders(parentId: $p) { id name parent { name } } }', { p: meetings });
    expect(inside.data).toEqual({
      documentFolders: [
        { id: expect.any(String), name: '2025', parent: { name: 'Møter' } },
        { id: year, name: '2026', parent: { name: 'Møter' } },
      ],
    });
  });

  it('refuse a name already beside them, whatever the case, but not in another folder', async () => {
    const parent = await folderId(board, 'Styret');
    await folderId(board, 'Referater', parent);
    expect(codeOf(await folder(board, 'referater', parent))).toMatchObject({ code: 'CONFLICT' });
    expect(codeOf(await folder(board, 'STYRET'))).toMatchObject({ code: 'CONFLICT' });
    expect((await folder(board, 'Referater')).errors).toBeUndefined();
    const other = await folderId(board, 'Annet', parent);
    const rename = (name: string) =>
      bed.execute(board, 'mutation ($i: RenameDocumentFolderInput!) { renameDocumentFolder(input: $i) { folder { name } } }', {
        i: { folderId: other, name },
      });
    expect(codeOf(await rename('REFERATER'))).toMatchObject({ code: 'CONFLICT' });
    expect((await rename('  Diverse  ')).data).toEqual({ renameDocumentFolder: { folder: { name: 'Diverse' } } });
  });

  it('are the board’s to create and rename; an unknown or foreign parent is NOT_FOUND', async () => {
    expect(codeOf(await folder(resident, 'Mine'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(codeOf(await folder(viewerIn(association, 'external'), 'Mine'))).toMatchObject({ code: 'FORBIDDEN' });
    const foreign = await folderId(viewerIn(randomUUID(), 'board'), 'Fremmed');
    expect(codeOf(await folder(board, 'Under', foreign))).toMatchObject({ code: 'NOT_FOUND' });
    expect(codeOf(await bed.execute(resident, 'query ($p: ID) { documentFolders(parentId: $p) { id } }', { p: foreign }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(codeOf(await bed.execute(null, '{ documentFolders { id } }'))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('documents and versions', () => {
  const association = randomUUID();
  const board = viewerIn(association, 'board');
  let library: string;

  beforeAll(async () => {
    library = await folderId(board, 'Bibliotek');
  });

  it('are created with a first version made of the creator’s upload, which opens by its link', async () => {
    const file = await uploadAs(board, 'vedtekter.pdf');
    const result = await createDocument(board, {
      folderId: library,
      title: ' Vedtekter ',
      description: 'Gjeldende vedtekter',
      audience: { kind: 'ASSOCIATION' },
      fileId: file,
      note: 'Vedtatt 2024',
    });
    expect(result.errors).toBeUndefined();
    const document = (result.data!.createDocument as { document: Record<string, unknown> & { currentVersion: { file: { url: string } } } }).document;
    expect(document).toMatchObject({
      title: 'Vedtekter',
      description: 'Gjeldende vedtekter',
      audience: { kind: 'ASSOCIATION', id: null },
      editorCommitteeId: null,
      viewerCanEdit: true,
      folder: { id: library },
      currentVersion: {
        number: 1,
        note: 'Vedtatt 2024',
        file: { fileName: 'vedtekter.pdf', contentType: 'application/pdf' },
        uploadedBy: { id: board.memberId },
      },
      versions: [{ number: 1 }],
      createdBy: { id: board.memberId },
    });
    const { pathname, searchParams } = new URL(document.currentVersion.file.url);
    const download = await bed.subgraph.definition.publicRoutes!.files!({
      path: pathname.replace(/^\/files/, ''),
      query: Object.fromEntries(searchParams),
      context: { viewer: null, requestId: 'test', clientIp: '' },
    });
    expect(download.body).toEqual(pdfOf(['Vedtekter']));
  });

  it('number new versions, newest current, and keep every one', async () => {
    const id = await documentId(board, { folderId: library, title: 'Husordensregler', audience: { kind: 'ASSOCIATION' }, fileId: await uploadAs(board) });
    const second = await addVersion(board, {
      documentId: id,
      fileId: await uploadAs(board, 'husorden-2.txt', Buffer.from('Ro etter 23')),
      note: 'Ny ro-regel',
    });
    expect(second.errors).toBeUndefined();
    expect(second.data!.addDocumentVersion).toMatchObject({
      document: { currentVersion: { number: 2, note: 'Ny ro-regel', file: { fileName: 'husorden-2.txt' } }, versions: [{ number: 2 }, { number: 1 }] },
    });
  });

  it('give concurrent versions consecutive numbers', async () => {
    const id = await documentId(board, { folderId: library, title: 'Brannrutiner', audience: { kind: 'ASSOCIATION' }, fileId: await uploadAs(board) });
    const files = await Promise.all([uploadAs(board), uploadAs(board), uploadAs(board)]);
    const results = await Promise.all(files.map((fileId) => addVersion(board, { documentId: id, fileId })));
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    const read = await readDocument(board, id);
    expect((read.data!.document as { versions: { number: number }[] }).versions.map((v) => v.number)).toEqual([4, 3, 2, 1]);
  });

  it('take only an unused upload of the viewer’s own', async () => {
    const used = await uploadAs(board);
    await documentId(board, { folderId: library, title: 'Første', audience: { kind: 'ASSOCIATION' }, fileId: used });
    const neighbours = await uploadAs(viewerIn(association));
    const foreign = await uploadAs(viewerIn(randomUUID(), 'board'));
    for (const fileId of [used, neighbours, foreign, randomUUID()]) {
      expect(codeOf(await createDocument(board, { folderId: library, title: 'Andre', audience: { kind: 'ASSOCIATION' }, fileId }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'fileId',
      });
    }
    expect(await titlesIn(board, library)).not.toContain('Andre');
    // Nor can a version be attached to a post.
    const post = await bed.contextFor(board).posts.createPost(board, { title: 'Vedlegg', body: 'Se vedlegg' });
    const attach = await bed.execute(board, 'mutation ($i: SetPostAttachmentsInput!) { setPostAttachments(input: $i) { post { id } } }', {
      i: { postId: post.id, fileIds: [used] },
    });
    expect(codeOf(attach)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileIds.0' });
  });

  it('check their input', async () => {
    const base = { folderId: library, title: 'X', audience: { kind: 'ASSOCIATION' }, fileId: await uploadAs(board) };
    expect(codeOf(await createDocument(board, { ...base, title: '  ' }))).toMatchObject({ field: 'title' });
    expect(codeOf(await createDocument(board, { ...base, audience: { kind: 'BUILDING' } }))).toMatchObject({ field: 'audience.id' });
    expect(codeOf(await createDocument(board, { ...base, description: 'x'.repeat(2_001) }))).toMatchObject({ field: 'description' });
    expect(codeOf(await createDocument(board, { ...base, folderId: randomUUID() }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('page through a folder by title', async () => {
    const shelf = await folderId(board, 'Hylle');
    for (const title of ['Delta', 'Alfa', 'Echo', 'Charlie', 'Bravo']) {
      await documentId(board, { folderId: shelf, title, audience: { kind: 'ASSOCIATION' }, fileId: await uploadAs(board) });
    }
    const page = (after: string | null) =>
      bed.execute(
        board,
        'query ($f: ID!, $a: String) { documents(folderId: $f, first: 2, after: $a) { nodes { title } pageInfo { hasNextPage endCursor } } }',
        {
          f: shelf,
          a: after,
        },
      );
    const titles: string[] = [];
    let after: string | null = null;
    do {
      const result = await page(after);
      const connection = result.data!.documents as { nodes: { title: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      titles.push(...connection.nodes.map((n) => n.title));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(titles).toEqual(['Alfa', 'Bravo', 'Charlie', 'Delta', 'Echo']);
    expect(codeOf(await page('bm90IGEgY3Vyc29y'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('audiences', () => {
  const association = randomUUID();
  const buildingA = randomUUID();
  const committee = randomUUID();
  const board = viewerIn(association, 'board');
  const residentOfA = viewerIn(association, 'resident', { buildingIds: [buildingA] });
  const residentElsewhere = viewerIn(association);
  const committeeMember = viewerIn(association, 'resident', { committeeIds: [committee] });
  const external = viewerIn(association, 'external', { unitIds: [], buildingIds: [] });
  const outsider = viewerIn(randomUUID(), 'board');
  let shelf: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    shelf = await folderId(board, 'Alle slags');
    const audiences: [string, Input][] = [
      ['For alle', { kind: 'ASSOCIATION' }],
      ['For blokk A', { kind: 'BUILDING', id: buildingA }],
      ['For komiteen', { kind: 'COMMITTEE', id: committee }],
      ['For styret', { kind: 'BOARD' }],
    ];
    for (const [title, audience] of audiences) ids[title] = await documentId(board, { folderId: shelf, title, audience, fileId: await uploadAs(board) });
  });

  it.each([
    ['the board', () => board, ['For alle', 'For blokk A', 'For komiteen', 'For styret']],
    ['a resident of building A', () => residentOfA, ['For alle', 'For blokk A']],
    ['a resident of another building', () => residentElsewhere, ['For alle']],
    ['a committee member', () => committeeMember, ['For alle', 'For komiteen']],
    ['an external', () => external, ['For alle']],
  ])('%s sees exactly the documents meant for them, listed and by id', async (_who, viewer, expected) => {
    expect(await titlesIn(viewer(), shelf)).toEqual(expected);
    for (const [title, id] of Object.entries(ids)) {
      const read = await readDocument(viewer(), id);
      if (expected.includes(title)) expect(read.errors).toBeUndefined();
      else expect(codeOf(read)).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('another association sees neither the folder nor the documents', async () => {
    expect(codeOf(await bed.execute(outsider, 'query ($f: ID!) { documents(folderId: $f) { nodes { id } } }', { f: shelf }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(codeOf(await readDocument(outsider, ids['For alle']!))).toMatchObject({ code: 'NOT_FOUND' });
    expect(codeOf(await readDocument(null, ids['For alle']!))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('hands no link to a version’s file to a viewer outside the audience', async () => {
    const ctx = bed.contextFor(board);
    const [version] = await ctx.documentLoaders.versionsByDocument.load(ids['For styret']!);
    const file = (await ctx.fileLoaders.fileById.load(version!.fileId))!;
    const resident = bed.contextFor(residentOfA);
    await expect(resident.files.url(resident, file, 'original')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await ctx.files.url(ctx, file, 'original')).toMatch(/^https:\/\/tunet\.test\/files\//);
  });

  it('row-level security keeps the library from another tenant', async () => {
    for (const table of [documentFolders, documents, documentVersions]) {
      expect(await bed.db.tenant(outsider.associationId, (tx) => tx.select().from(table))).toEqual([]);
    }
  });
});

describe('editing', () => {
  const association = randomUUID();
  const committee = randomUUID();
  const board = viewerIn(association, 'board');
  const editor = viewerIn(association, 'resident', { committeeIds: [committee] });
  const resident = viewerIn(association);
  let shelf: string;

  beforeAll(async () => {
    shelf = await folderId(board, 'Dugnad');
  });

  const committeeDocument = async () =>
    documentId(board, {
      folderId: shelf,
      title: 'Dugnadsliste',
      audience: { kind: 'ASSOCIATION' },
      editorCommitteeId: committee,
      fileId: await uploadAs(board),
    });

  it('lets the editing committee change the document and add versions, but not hand it on', async () => {
    const id = await committeeDocument();
    expect((await readDocument(editor, id)).data!.document).toMatchObject({ viewerCanEdit: true, editorCommitteeId: committee });
    expect((await readDocument(resident, id)).data!.document).toMatchObject({ viewerCanEdit: false });

    const changed = await update(editor, { documentId: id, title: 'Dugnadsliste vår', description: 'Oppdatert' });
    expect(changed.data!.updateDocument).toMatchObject({ document: { title: 'Dugnadsliste vår', description: 'Oppdatert', editorCommitteeId: committee } });
    expect((await addVersion(editor, { documentId: id, fileId: await uploadAs(editor) })).errors).toBeUndefined();
    expect(codeOf(await update(editor, { documentId: id, editorCommitteeId: null }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses residents outside the committee and externals', async () => {
    const id = await committeeDocument();
    for (const viewer of [resident, viewerIn(association, 'external')]) {
      expect(codeOf(await update(viewer, { documentId: id, title: 'Mitt' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(codeOf(await addVersion(viewer, { documentId: id, fileId: await uploadAs(board) }))).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('lets the board take the editing back from the committee', async () => {
    const id = await committeeDocument();
    expect((await update(board, { documentId: id, editorCommitteeId: null })).data!.updateDocument).toMatchObject({
      document: { editorCommitteeId: null },
    });
    expect(codeOf(await update(editor, { documentId: id, title: 'Nå da?' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a committee create its own documents, for an audience it is in', async () => {
    const fileId = await uploadAs(editor);
    const base = { folderId: shelf, title: 'Komiteens plan', fileId, editorCommitteeId: committee };
    expect(codeOf(await createDocument(editor, { ...base, audience: { kind: 'BOARD' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'audience' });
    expect(codeOf(await createDocument(editor, { ...base, editorCommitteeId: null, audience: { kind: 'ASSOCIATION' } }))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await createDocument(editor, { ...base, audience: { kind: 'COMMITTEE', id: committee } })).errors).toBeUndefined();
  });

  it('moves a document and changes its audience, which takes it from those no longer in it', async () => {
    const id = await committeeDocument();
    const archive = await folderId(board, 'Arkiv');
    const moved = await update(board, { documentId: id, folderId: archive, audience: { kind: 'BOARD' } });
    expect(moved.data!.updateDocument).toMatchObject({ document: { folder: { id: archive }, audience: { kind: 'BOARD', id: null } } });
    expect(codeOf(await readDocument(resident, id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await titlesIn(board, archive)).toEqual(['Dugnadsliste']);
  });

  it('deletes softly: gone from every read, and a second delete is NOT_FOUND', async () => {
    const id = await committeeDocument();
    const remove = (viewer: Viewer) => bed.execute(viewer, 'mutation ($id: ID!) { deleteDocument(input: { documentId: $id }) { documentId } }', { id });
    expect(codeOf(await remove(resident))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await remove(editor)).data).toEqual({ deleteDocument: { documentId: id } });
    expect(codeOf(await readDocument(board, id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(codeOf(await remove(board))).toMatchObject({ code: 'NOT_FOUND' });
    const [row] = await bed.db.tenant(association, (tx) => tx.select().from(documents).where(eq(documents.id, id)));
    expect(row).toMatchObject({ deletedByMemberId: editor.memberId });
  });
});

describe('demo library', () => {
  it('gives Solbakken its house rules, statutes and annual meeting papers', async () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    await loadDemoDocuments(bed.subgraph, { association, boardMemberId: board.memberId });
    const resident = viewerIn(association);
    const folders = await bed.execute(resident, '{ documentFolders { id name } }');
    // Found by name: where Å sorts depends on the database's collation.
    const top = new Map((folders.data!.documentFolders as { id: string; name: string }[]).map((f) => [f.name, f.id]));
    expect([...top.keys()].sort()).toEqual(['Husorden og vedtekter', 'Årsmøter']);
    expect(await titlesIn(resident, top.get('Husorden og vedtekter')!)).toEqual(['Husordensregler', 'Vedtekter']);
    const years = await bed.execute(resident, 'query ($p: ID) { documentFolders(parentId: $p) { id } }', { p: top.get('Årsmøter') });
    const year = (years.data!.documentFolders as { id: string }[])[0]!.id;
    const papers = await bed.execute(
      resident,
      'query ($f: ID!) { documents(folderId: $f) { nodes { title currentVersion { file { fileName contentType } } } } }',
      { f: year },
    );
    expect(papers.data).toEqual({
      documents: {
        nodes: [{ title: 'Årsmøtepapirer 2026', currentVersion: { file: { fileName: 'årsmøtepapirer-2026.pdf', contentType: 'application/pdf' } } }],
      },
    });
  });
});
