import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import type { PostsSubgraph } from '../subgraph';

/** Who keeps Solbakken's demo library: its board member. */
export interface DemoLibrary {
  association: string;
  boardMemberId: string;
}

const HUSORDENSREGLER = `Husordensregler for Solbakken borettslag

1. Det skal være ro i leilighetene mellom kl. 23 og 07, og hele søndagen før kl. 12.
2. Sykler og barnevogner settes i sykkelboden, ikke i trappeoppgangen.
3. Søppel sorteres og kastes i containerne ved porten.
4. Grilling med kull er ikke tillatt på balkongene.
5. Husdyr skal holdes i bånd på fellesarealene.
`;

const VEDTEKTER = [
  'Vedtekter for Solbakken borettslag',
  '',
  '§ 1 Formål: Borettslaget har til formål å gi andelseierne bruksrett til egen bolig.',
  '§ 2 Andeler: Borettslaget har 48 andeler.',
  '§ 3 Styret: Styret har fra tre til fem medlemmer og velges av generalforsamlingen.',
  '§ 4 Generalforsamling: Ordinær generalforsamling holdes hvert år innen utgangen av juni.',
];

const ÅRSMØTEPAPIRER = [
  'Årsmøte 2026 - Solbakken borettslag',
  '',
  'Innkalling til ordinær generalforsamling tirsdag 12. mai 2026 kl. 18.00 i fellesrommet.',
  'Saker: 1. Årsberetning 2025. 2. Regnskap 2025. 3. Valg av styre. 4. Forslag om ny lekeplass.',
];

/**
 * Loads Solbakken's demo library through the services, as the board would build it: two folders, the house rules
 * (plain text) and statutes (PDF) for everyone, and the annual meeting papers.
 */
export async function loadDemoDocuments(subgraph: PostsSubgraph, library: DemoLibrary): Promise<void> {
  const board: MemberViewer = {
    accountId: randomUUID(),
    associationId: library.association,
    memberId: library.boardMemberId,
    role: 'board',
    platformAdmin: false,
    sessionId: null,
    scope: { unitIds: [], buildingIds: [], committeeIds: [] },
  };
  const ctx = subgraph.definition.createContext({ viewer: board, requestId: 'demo-data', clientIp: '', publicOrigin: null });
  const everyone = { kind: 'ASSOCIATION' as const };
  const publish = async (folderId: string, title: string, fileName: string, bytes: Buffer, description: string) => {
    const file = await ctx.files.upload(ctx, { fileName, contentBase64: bytes.toString('base64') });
    await ctx.documents.createDocument(ctx, { folderId, title, description, audience: everyone, fileId: file.id, note: 'Første versjon' });
  };
  const rules = await ctx.documents.createFolder(ctx, { name: 'Husorden og vedtekter' });
  await publish(rules.id, 'Husordensregler', 'husordensregler.txt', Buffer.from(HUSORDENSREGLER), 'Vedtatt av styret 2025.');
  await publish(rules.id, 'Vedtekter', 'vedtekter.pdf', pdfOf(VEDTEKTER), 'Gjeldende vedtekter.');
  const meetings = await ctx.documents.createFolder(ctx, { name: 'Årsmøter' });
  const meeting2026 = await ctx.documents.createFolder(ctx, { name: 'Årsmøte 2026', parentId: meetings.id });
  await publish(meeting2026.id, 'Årsmøtepapirer 2026', 'årsmøtepapirer-2026.pdf', pdfOf(ÅRSMØTEPAPIRER), 'Innkalling og saksliste.');
}

/**
 * A one-page PDF of plain lines in Helvetica. WinAnsiEncoding covers Norwegian letters, written as Latin-1 bytes;
 * the cross-reference table holds each object's byte offset, as readers require.
 */
export function pdfOf(lines: string[]): Buffer {
  const escape = (line: string) => line.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((line, i) => `BT /F1 11 Tf 56 ${780 - i * 16} Td (${escape(line)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
