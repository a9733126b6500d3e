import { randomUUID } from 'node:crypto';
import { DEMO } from '@tunet/members';
import {
  matrixCaller,
  matrixTests,
  matrixTokens,
  MATRIX_ACTORS,
  openE2E,
  setupStep,
  tag,
  type E2E,
  type MatrixActor,
  type MatrixCall,
  type Outcome,
} from './e2e.fixtures';

/**
 * Who may do what in the posts subgraph, through the gateway: every query and mutation × every kind of caller.
 * Each cell is the first error code, or OK. Solbakken is the target. The residents are Ola (Blokk A) and Per
 * (Blokk B); the caretaker is Jonas, an external; "other association" is Fjordly's board; the integrator is an
 * API key with MEMBERS_READ; the platform admin is a Fjordly member (an external) with the platform flag. An
 * operation without a target id acts in the caller's own association, so OK for another association's board means
 * it acted in its own, never in Solbakken. Rows named "(…)" repeat an operation on a target with a narrower
 * audience: Solbakken's Blokk A-only demo bulletin, a board-only post, a Blokk A-only document.
 * Ingrid (Blokk A, not an actor) writes the content others act on, so nobody acts on their own words by accident.
 */
const ACTORS = MATRIX_ACTORS;
type Actor = MatrixActor;

/** Demo posts (subgraphs/posts/src/posts.demo.ts): the board's welcome to everyone, and Ola's Blokk A-only bulletin. */
const WELCOME_POST = 'd0000000-0000-4000-8000-000000000001';
const BLOKK_A_POST = 'd0000000-0000-4000-8000-000000000005';
/** Demo groups and events (groups.demo.ts, events.demo.ts): Hagegruppa, Per's request to join Strikkeklubben, the dugnad. */
const HAGEGRUPPA = '9a000000-0000-4000-8000-000000000001';
const PER_JOIN_REQUEST = '9a000000-0000-4000-8000-000000000101';
const DUGNAD_EVENT = 'ee000000-0000-4000-8000-000000000001';

describe('posts access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> & { ingrid?: string } = {};
  const ids: Record<string, string> = {};
  let call: MatrixCall<Actor>;
  const must = <T = unknown>(token: string | undefined, query: string, variables: Record<string, unknown> = {}) => setupStep<T>(e2e, token, query, variables);
  const UPLOAD = 'mutation ($n: String!, $c: String!) { uploadFile(input: { fileName: $n, contentBase64: $c }) { file { id } } }';
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  /** A fresh upload of the actor's own, or (for those who may not upload) an id that names no file. */
  const uploadAs = async (actor: Actor): Promise<string> => {
    const result = await e2e.gql<{ uploadFile: { file: { id: string } } }>(UPLOAD, { n: `${tag(actor)}.txt`, c: base64(`Fra ${actor}`) }, tokens[actor]);
    return result.data?.uploadFile.file.id ?? randomUUID();
  };
  const createPost = async (token: string | undefined, input: Record<string, unknown>) =>
    (await must<{ createPost: { post: { id: string } } }>(token, 'mutation ($i: CreatePostInput!) { createPost(input: $i) { post { id } } }', { i: input }))
      .createPost.post.id;
  const addComment = async (token: string | undefined, postId: string, body: string) =>
    (
      await must<{ addComment: { comment: { id: string } } }>(
        token,
        'mutation ($p: ID!, $b: String!) { addComment(input: { postId: $p, body: $b }) { comment { id } } }',
        { p: postId, b: body },
      )
    ).addComment.comment.id;
  const createGroup = async (token: string | undefined, name: string) =>
    (
      await must<{ createGroup: { group: { id: string } } }>(
        token,
        'mutation ($n: String!) { createGroup(input: { kind: INTEREST, name: $n, open: true }) { group { id } } }',
        { n: name },
      )
    ).createGroup.group.id;
  const createDocument = async (folderId: string, title: string, audience: Record<string, unknown>) => {
    const file = (await must<{ uploadFile: { file: { id: string } } }>(tokens.board, UPLOAD, { n: `${title}.txt`, c: base64(title) })).uploadFile.file.id;
    const created = await must<{ createDocument: { document: { id: string } } }>(
      tokens.board,
      'mutation ($f: ID!, $t: String!, $a: AudienceInput!, $file: ID!) { createDocument(input: { folderId: $f, title: $t, audience: $a, fileId: $file }) { document { id } } }',
      { f: folderId, t: title, a: audience, file },
    );
    return created.createDocument.document.id;
  };

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    const { members } = e2e.stack;
    Object.assign(tokens, await matrixTokens(e2e, { ingrid: 'ingrid@solbakken.example' }));

    const [blokkA] = await members.repositories.housing.listBuildings(DEMO.solbakken);
    ids.blokkA = blokkA!.id;
    const { ingrid, board } = tokens;

    // Posts: the board's own audience; Ola's posts to edit, attach to and delete (one per actor, as deleting is final).
    ids.boardPost = await createPost(board, { title: 'Styremøte', body: 'Kun for styret.', audience: { kind: 'BOARD' } });
    ids.olaPost = await createPost(tokens['resident A'], { title: 'Ola skriver', body: 'Hei naboer.' });
    ids.olaAttachPost = await createPost(tokens['resident A'], { title: 'Med vedlegg', body: 'Se vedlegg.' });
    for (const actor of ACTORS) ids[`olaDeletable ${actor}`] = await createPost(tokens['resident A'], { title: `Slettes (${actor})`, body: 'Midlertidig.' });
    // Comments: Ingrid's on the welcome post and on the Blokk A bulletin; Ola's to edit and to delete (one per actor).
    ids.comment = await addComment(ingrid, WELCOME_POST, 'Takk for info!');
    ids.blokkAComment = await addComment(ingrid, BLOKK_A_POST, 'Min sykkel er merket.');
    ids.boardComment = await addComment(board, ids.boardPost, 'Saksliste kommer.');
    ids.olaComment = await addComment(tokens['resident A'], WELCOME_POST, 'Flott!');
    for (const actor of ACTORS) ids[`olaComment ${actor}`] = await addComment(tokens['resident A'], WELCOME_POST, `Slettes (${actor})`);
    // Events: one for the board to cancel.
    ids.cancellable = (
      await must<{ createEvent: { event: { id: string } } }>(
        board,
        'mutation { createEvent(input: { title: "Avlyses", startsAt: "2099-06-01T10:00:00Z", endsAt: "2099-06-01T12:00:00Z" }) { event { id } } }',
      )
    ).createEvent.event.id;
    // Groups, all Ingrid's (she is their admin): one to join and leave, one to manage (with Åse in it), one to archive.
    ids.joinGroup = await createGroup(ingrid, 'Matrise: bli med');
    ids.managedGroup = await createGroup(ingrid, 'Matrise: styres');
    await must(ingrid, 'mutation ($g: ID!, $m: ID!) { addGroupMember(input: { groupId: $g, memberId: $m }) { member { role } } }', {
      g: ids.managedGroup,
      m: DEMO.aase,
    });
    ids.archivedGroup = await createGroup(ingrid, 'Matrise: arkiveres');
    // Documents: the demo statutes' folder; a folder to rename; documents for everyone, for Blokk A, and to delete.
    const folders = await must<{ documentFolders: { id: string; name: string }[] }>(board, '{ documentFolders { id name } }');
    ids.rulesFolder = folders.documentFolders.find((folder) => folder.name === 'Husorden og vedtekter')!.id;
    const statutes = await must<{ documents: { nodes: { id: string; title: string }[] } }>(
      board,
      'query ($f: ID!) { documents(folderId: $f) { nodes { id title } } }',
      {
        f: ids.rulesFolder,
      },
    );
    ids.statutes = statutes.documents.nodes.find((document) => document.title === 'Vedtekter')!.id;
    ids.folder = (
      await must<{ createDocumentFolder: { folder: { id: string } } }>(board, 'mutation { createDocumentFolder(input: { name: "Matrise" }) { folder { id } } }')
    ).createDocumentFolder.folder.id;
    ids.document = await createDocument(ids.folder, 'For alle', { kind: 'ASSOCIATION' });
    ids.blokkADocument = await createDocument(ids.folder, 'For Blokk A', { kind: 'BUILDING', id: ids.blokkA });
    ids.deletableDocument = await createDocument(ids.folder, 'Slettes', { kind: 'ASSOCIATION' });
    // Moderation: Ingrid's posts to report, to hide, and one Per reported, whose case the board resolves.
    ids.reportable = await createPost(ingrid, { title: 'Meld meg', body: 'Noe som kan meldes.' });
    ids.hideable = await createPost(ingrid, { title: 'Skjul meg', body: 'Noe styret kan skjule.' });
    const reported = await createPost(ingrid, { title: 'Til vurdering', body: 'Noe som er meldt.' });
    await must(tokens['resident B'], 'mutation ($t: ID!) { reportContent(input: { targetType: POST, targetId: $t, reason: SPAM }) { report { id } } }', {
      t: reported,
    });
    const queue = await must<{ moderationQueue: { nodes: { id: string; targetId: string }[] } }>(board, '{ moderationQueue { nodes { id targetId } } }');
    ids.case = queue.moderationQueue.nodes.find((found) => found.targetId === reported)!.id;
  });
  afterAll(() => e2e.close());

  const post = (a: Actor, id: string) => call(a, 'query ($id: ID!) { post(id: $id) { title } }', { id });
  const markRead = (a: Actor, id: string) => call(a, 'mutation ($p: ID!) { markPostRead(input: { postId: $p }) { post { viewerHasRead } } }', { p: id });
  const comment = (a: Actor, id: string) => call(a, 'query ($id: ID!) { comment(id: $id) { body } }', { id });
  const commentOn = (a: Actor, postId: string) =>
    call(a, 'mutation ($p: ID!, $b: String!) { addComment(input: { postId: $p, body: $b }) { comment { id } } }', { p: postId, b: `Fra ${a}` });
  const reaction = (a: Actor, field: 'react' | 'unreact', id: string, type: 'POST' | 'COMMENT' = 'POST') =>
    call(a, `mutation ($ty: ContentTargetType!, $t: ID!) { ${field}(input: { targetType: $ty, targetId: $t, reaction: LIKE }) { viewerReactions } }`, {
      ty: type,
      t: id,
    });
  const report = (a: Actor, type: 'POST' | 'COMMENT', id: string) =>
    call(a, 'mutation ($ty: ContentTargetType!, $t: ID!) { reportContent(input: { targetType: $ty, targetId: $t, reason: OFFENSIVE }) { report { id } } }', {
      ty: type,
      t: id,
    });
  const document = (a: Actor, id: string) => call(a, 'query ($id: ID!) { document(id: $id) { title } }', { id });

  // Listed in the order the rows run: within a domain, what changes shared state comes after what reads it.
  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    // Posts
    posts: (a) => call(a, '{ posts { nodes { id } } }'),
    post: (a) => post(a, WELCOME_POST),
    'post (Blokk A bulletin)': (a) => post(a, BLOKK_A_POST),
    'post (board only)': (a) => post(a, ids.boardPost!),
    pinnedPosts: (a) => call(a, '{ pinnedPosts { id } }'),
    scheduledPosts: (a) => call(a, '{ scheduledPosts { nodes { id } } }'),
    unreadPostCount: (a) => call(a, '{ unreadPostCount }'),
    createPost: (a) => call(a, 'mutation ($t: String!) { createPost(input: { title: $t, body: "Hei." }) { post { id } } }', { t: `Oppslag ${tag(a)}` }),
    'createPost (to Blokk A)': (a) =>
      call(a, 'mutation ($b: ID!) { createPost(input: { title: "Til Blokk A", body: "Hei.", audience: { kind: BUILDING, id: $b } }) { post { id } } }', {
        b: ids.blokkA,
      }),
    'createPost (news)': (a) => call(a, 'mutation { createPost(input: { kind: NEWS, title: "Nyhet", body: "Hei." }) { post { id } } }'),
    updatePost: (a) =>
      call(a, 'mutation ($p: ID!, $t: String!) { updatePost(input: { postId: $p, title: $t }) { post { id } } }', { p: ids.olaPost, t: `Endret av ${tag(a)}` }),
    deletePost: (a) => call(a, 'mutation ($p: ID!) { deletePost(input: { postId: $p }) { post { id } } }', { p: ids[`olaDeletable ${a}`] }),
    pinPost: (a) => call(a, 'mutation ($p: ID!) { pinPost(input: { postId: $p }) { post { pinnedAt } } }', { p: WELCOME_POST }),
    unpinPost: (a) => call(a, 'mutation ($p: ID!) { unpinPost(input: { postId: $p }) { post { pinnedAt } } }', { p: WELCOME_POST }),
    markPostRead: (a) => markRead(a, WELCOME_POST),
    'markPostRead (Blokk A bulletin)': (a) => markRead(a, BLOKK_A_POST),
    // Comments and reactions
    comment: (a) => comment(a, ids.comment!),
    'comment (on Blokk A bulletin)': (a) => comment(a, ids.blokkAComment!),
    addComment: (a) => commentOn(a, WELCOME_POST),
    'addComment (on Blokk A bulletin)': (a) => commentOn(a, BLOKK_A_POST),
    editComment: (a) =>
      call(a, 'mutation ($c: ID!, $b: String!) { editComment(input: { commentId: $c, body: $b }) { comment { id } } }', {
        c: ids.olaComment,
        b: `Endret av ${tag(a)}`,
      }),
    deleteComment: (a) => call(a, 'mutation ($c: ID!) { deleteComment(input: { commentId: $c }) { comment { deleted } } }', { c: ids[`olaComment ${a}`] }),
    react: (a) => reaction(a, 'react', WELCOME_POST),
    'react (Blokk A bulletin)': (a) => reaction(a, 'react', BLOKK_A_POST),
    'react (comment on Blokk A bulletin)': (a) => reaction(a, 'react', ids.blokkAComment!, 'COMMENT'),
    'react (comment on board-only post)': (a) => reaction(a, 'react', ids.boardComment!, 'COMMENT'),
    unreact: (a) => reaction(a, 'unreact', WELCOME_POST),
    // Events and the calendar feed
    events: (a) => call(a, '{ events { nodes { id } } }'),
    event: (a) => call(a, 'query ($id: ID!) { event(id: $id) { title } }', { id: DUGNAD_EVENT }),
    createEvent: (a) =>
      call(a, 'mutation { createEvent(input: { title: "Møte", startsAt: "2099-01-01T10:00:00Z", endsAt: "2099-01-01T11:00:00Z" }) { event { id } } }'),
    cancelEvent: (a) => call(a, 'mutation ($e: ID!) { cancelEvent(input: { eventId: $e, reason: "Regn" }) { event { cancelled } } }', { e: ids.cancellable }),
    signUpForEvent: (a) => call(a, 'mutation ($e: ID!) { signUpForEvent(input: { eventId: $e }) { signup { status } } }', { e: DUGNAD_EVENT }),
    // Between signing up and cancelling, so those who signed up have a sign-up to change.
    changeSignup: (a) =>
      call(a, 'mutation ($e: ID!) { changeSignup(input: { eventId: $e, adults: 1, children: 0 }) { signup { status } } }', { e: DUGNAD_EVENT }),
    cancelSignup: (a) => call(a, 'mutation ($e: ID!) { cancelSignup(input: { eventId: $e }) { signup { status } } }', { e: DUGNAD_EVENT }),
    calendarFeed: (a) => call(a, '{ calendarFeed { url } }'),
    resetCalendarFeed: (a) => call(a, 'mutation { resetCalendarFeed { feed { url } } }'),
    // Groups
    groups: (a) => call(a, '{ groups { nodes { id } } }'),
    group: (a) => call(a, 'query ($id: ID!) { group(id: $id) { name } }', { id: HAGEGRUPPA }),
    createGroup: (a) => call(a, 'mutation ($n: String!) { createGroup(input: { kind: INTEREST, name: $n }) { group { id } } }', { n: `Gruppe ${tag(a)}` }),
    updateGroup: (a) =>
      call(a, 'mutation ($g: ID!, $d: String!) { updateGroup(input: { groupId: $g, description: $d }) { group { id } } }', {
        g: ids.managedGroup,
        d: `Endret av ${tag(a)}`,
      }),
    joinGroup: (a) => call(a, 'mutation ($g: ID!) { joinGroup(input: { groupId: $g }) { outcome } }', { g: ids.joinGroup }),
    leaveGroup: (a) => call(a, 'mutation ($g: ID!) { leaveGroup(input: { groupId: $g }) { group { id } } }', { g: ids.joinGroup }),
    decideGroupJoinRequest: (a) =>
      call(a, 'mutation ($r: ID!) { decideGroupJoinRequest(input: { requestId: $r, decision: APPROVE }) { request { id } } }', { r: PER_JOIN_REQUEST }),
    addGroupMember: (a) =>
      call(a, 'mutation ($g: ID!, $m: ID!) { addGroupMember(input: { groupId: $g, memberId: $m }) { member { role } } }', {
        g: ids.managedGroup,
        m: DEMO.jonas,
      }),
    setGroupMemberRole: (a) =>
      call(a, 'mutation ($g: ID!, $m: ID!) { setGroupMemberRole(input: { groupId: $g, memberId: $m, role: ADMIN }) { member { role } } }', {
        g: ids.managedGroup,
        m: DEMO.aase,
      }),
    removeGroupMember: (a) =>
      call(a, 'mutation ($g: ID!, $m: ID!) { removeGroupMember(input: { groupId: $g, memberId: $m }) { group { id } } }', {
        g: ids.managedGroup,
        m: DEMO.aase,
      }),
    archiveGroup: (a) => call(a, 'mutation ($g: ID!) { archiveGroup(input: { groupId: $g }) { group { archived } } }', { g: ids.archivedGroup }),
    // Files and attachments
    fileSettings: (a) => call(a, '{ fileSettings { maxFileBytes } }'),
    uploadFile: (a) => call(a, UPLOAD, { n: 'notat.txt', c: base64('Notat') }),
    setPostAttachments: (a) =>
      call(a, 'mutation ($p: ID!) { setPostAttachments(input: { postId: $p, fileIds: [] }) { post { id } } }', { p: ids.olaAttachPost }),
    updateFileSettings: (a) => call(a, 'mutation { updateFileSettings(input: { maxFileBytes: 10485760 }) { settings { maxFileBytes } } }'),
    // Documents
    documentFolders: (a) => call(a, '{ documentFolders { id } }'),
    documents: (a) => call(a, 'query ($f: ID!) { documents(folderId: $f) { nodes { id } } }', { f: ids.rulesFolder }),
    document: (a) => document(a, ids.statutes!),
    'document (Blokk A only)': (a) => document(a, ids.blokkADocument!),
    createDocumentFolder: (a) => call(a, 'mutation ($n: String!) { createDocumentFolder(input: { name: $n }) { folder { id } } }', { n: `Mappe ${tag(a)}` }),
    renameDocumentFolder: (a) =>
      call(a, 'mutation ($f: ID!, $n: String!) { renameDocumentFolder(input: { folderId: $f, name: $n }) { folder { id } } }', {
        f: ids.folder,
        n: `Matrise ${tag(a)}`,
      }),
    createDocument: async (a) =>
      call(
        a,
        'mutation ($f: ID!, $t: String!, $file: ID!) { createDocument(input: { folderId: $f, title: $t, audience: { kind: ASSOCIATION }, fileId: $file }) { document { id } } }',
        {
          f: ids.folder,
          t: `Dokument ${tag(a)}`,
          file: await uploadAs(a),
        },
      ),
    addDocumentVersion: async (a) =>
      call(a, 'mutation ($d: ID!, $file: ID!) { addDocumentVersion(input: { documentId: $d, fileId: $file }) { document { id } } }', {
        d: ids.document,
        file: await uploadAs(a),
      }),
    updateDocument: (a) =>
      call(a, 'mutation ($d: ID!, $t: String!) { updateDocument(input: { documentId: $d, description: $t }) { document { id } } }', {
        d: ids.document,
        t: `Endret av ${tag(a)}`,
      }),
    deleteDocument: (a) => call(a, 'mutation ($d: ID!) { deleteDocument(input: { documentId: $d }) { documentId } }', { d: ids.deletableDocument }),
    // Moderation
    reportContent: (a) => report(a, 'POST', ids.reportable!),
    'reportContent (comment on Blokk A bulletin)': (a) => report(a, 'COMMENT', ids.blokkAComment!),
    moderationQueue: (a) => call(a, '{ moderationQueue { nodes { id } } }'),
    moderationCase: (a) => call(a, 'query ($id: ID!) { moderationCase(id: $id) { status } }', { id: ids.case }),
    moderationLog: (a) => call(a, '{ moderationLog { nodes { id } } }'),
    moderationSettings: (a) => call(a, '{ moderationSettings { reportThreshold } }'),
    updateModerationSettings: (a) => call(a, 'mutation { updateModerationSettings(input: { reportThreshold: 3 }) { settings { reportThreshold } } }'),
    resolveModerationCase: (a) =>
      call(a, 'mutation ($c: ID!) { resolveModerationCase(input: { caseId: $c, decision: RESTORE, reason: "Ikke brudd." }) { moderationCase { status } } }', {
        c: ids.case,
      }),
    moderateContent: (a) =>
      call(a, 'mutation ($t: ID!) { moderateContent(input: { targetType: POST, targetId: $t, action: HIDE, reason: "Til vurdering." }) { state } }', {
        t: ids.hideable,
      }),
    // The code of conduct: publishing a new version comes last, as everyone must accept it before taking part again.
    codeOfConduct: (a) => call(a, '{ codeOfConduct { version } }'),
    acceptCodeOfConduct: (a) => call(a, 'mutation { acceptCodeOfConduct(input: { version: 1 }) { codeOfConduct { version } } }'),
    publishCodeOfConduct: (a) => call(a, 'mutation { publishCodeOfConduct(input: { body: "# God skikk\\n\\nVær grei." }) { codeOfConduct { version } } }'),
  };

  const U = 'UNAUTHENTICATED';
  const F = 'FORBIDDEN';
  const N = 'NOT_FOUND';
  const B = 'BAD_USER_INPUT';
  // prettier-ignore
  const expected: Record<string, Outcome[]> = {
    //                                            anonymous resident A resident B caretaker board other  integrator platform admin
    posts:                                         [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    post:                                          [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    'post (Blokk A bulletin)':                     [U,       'OK',      N,         N,        'OK', N,     N,         N],
    'post (board only)':                           [U,       N,         N,         N,        'OK', N,     N,         N],
    pinnedPosts:                                   [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    scheduledPosts:                                [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    unreadPostCount:                               [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    createPost:                                    [U,       'OK',      'OK',      F,        'OK', 'OK',  F,         F],
    // Another association's board is in every audience of its own, but Blokk A is not its building.
    'createPost (to Blokk A)':                     [U,       'OK',      F,         F,        'OK', B,     F,         F],
    'createPost (news)':                           [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    updatePost:                                    [U,       'OK',      F,         F,        F,    N,     F,         N],
    deletePost:                                    [U,       'OK',      F,         F,        F,    N,     F,         N],
    pinPost:                                       [U,       F,         F,         F,        'OK', N,     F,         F],
    unpinPost:                                     [U,       F,         F,         F,        'OK', N,     F,         F],
    markPostRead:                                  [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    'markPostRead (Blokk A bulletin)':             [U,       'OK',      N,         N,        'OK', N,     F,         N],
    comment:                                       [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    'comment (on Blokk A bulletin)':               [U,       'OK',      N,         N,        'OK', N,     N,         N],
    addComment:                                    [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    'addComment (on Blokk A bulletin)':            [U,       'OK',      N,         F,        'OK', N,     F,         F],
    editComment:                                   [U,       'OK',      F,         F,        F,    N,     F,         N],
    deleteComment:                                 [U,       'OK',      F,         F,        F,    N,     F,         N],
    react:                                         [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    'react (Blokk A bulletin)':                    [U,       'OK',      N,         F,        'OK', N,     F,         F],
    'react (comment on Blokk A bulletin)':         [U,       'OK',      N,         F,        'OK', N,     F,         F],
    'react (comment on board-only post)':          [U,       N,         N,         F,        'OK', N,     F,         F],
    unreact:                                       [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    events:                                        [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    event:                                         [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    createEvent:                                   [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    cancelEvent:                                   [U,       F,         F,         F,        'OK', N,     F,         F],
    signUpForEvent:                                [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    changeSignup:                                  [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    cancelSignup:                                  [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    calendarFeed:                                  [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    resetCalendarFeed:                             [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    groups:                                        [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    group:                                         [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    createGroup:                                   [U,       'OK',      'OK',      F,        'OK', 'OK',  F,         F],
    updateGroup:                                   [U,       F,         F,         F,        'OK', N,     F,         N],
    joinGroup:                                     [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    leaveGroup:                                    [U,       'OK',      'OK',      N,        'OK', N,     F,         N],
    decideGroupJoinRequest:                        [U,       F,         F,         F,        'OK', N,     F,         N],
    addGroupMember:                                [U,       F,         F,         F,        'OK', N,     F,         N],
    setGroupMemberRole:                            [U,       F,         F,         F,        'OK', N,     F,         N],
    removeGroupMember:                             [U,       F,         F,         F,        'OK', N,     F,         N],
    archiveGroup:                                  [U,       F,         F,         F,        'OK', N,     F,         N],
    fileSettings:                                  [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    uploadFile:                                    [U,       'OK',      'OK',      F,        'OK', 'OK',  F,         F],
    setPostAttachments:                            [U,       'OK',      F,         F,        F,    N,     F,         F],
    updateFileSettings:                            [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    documentFolders:                               [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    documents:                                     [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    document:                                      [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    'document (Blokk A only)':                     [U,       'OK',      N,         N,        'OK', N,     N,         N],
    createDocumentFolder:                          [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    renameDocumentFolder:                          [U,       F,         F,         F,        'OK', N,     F,         F],
    createDocument:                                [U,       F,         F,         F,        'OK', N,     F,         F],
    addDocumentVersion:                            [U,       F,         F,         F,        'OK', N,     F,         N],
    updateDocument:                                [U,       F,         F,         F,        'OK', N,     F,         N],
    deleteDocument:                                [U,       F,         F,         F,        'OK', N,     F,         N],
    reportContent:                                 [U,       'OK',      'OK',      F,        'OK', N,     F,         F],
    'reportContent (comment on Blokk A bulletin)': [U,       'OK',      N,         F,        'OK', N,     F,         F],
    moderationQueue:                               [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    moderationCase:                                [U,       F,         F,         F,        'OK', N,     F,         F],
    moderationLog:                                 [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    moderationSettings:                            [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    updateModerationSettings:                      [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    resolveModerationCase:                         [U,       F,         F,         F,        'OK', N,     F,         F],
    moderateContent:                               [U,       F,         F,         F,        'OK', N,     F,         F],
    codeOfConduct:                                 [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    acceptCodeOfConduct:                           [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    publishCodeOfConduct:                          [U,       F,         F,         F,        'OK', 'OK',  F,         F],
  };

  matrixTests(ACTORS, operations, expected);
});
