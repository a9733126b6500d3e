import type { PostsSubgraph } from '../subgraph';

const DAY = 24 * 3600 * 1000;

const SOLBAKKEN_CODE_OF_CONDUCT = `# God skikk i Solbakken borettslag

Tunet er oppslagstavla vår. For at alle skal trives her:

- **Vær vennlig og saklig.** Skriv til naboene slik du ville snakket til dem i trappeoppgangen.
- **Ingen personangrep.** Kritiser saken, ikke personen.
- **Respekter personvernet.** Ikke del bilder eller opplysninger om andre uten samtykke.
- **Ikke reklame.** Salg og markedsføring hører ikke hjemme her; bruk heller oppslagstavla i kjelleren.

Innlegg og kommentarer som bryter reglene kan skjules eller fjernes av styret.`;

/** Solbakken's code of conduct, published by the board a month ago and accepted by `acceptedBy`. */
export async function loadDemoConduct(
  subgraph: PostsSubgraph,
  demo: { association: string; publishedBy: string; acceptedBy: readonly string[] },
): Promise<void> {
  await subgraph.conductRepository.insertVersion(
    demo.association,
    { version: 1, body: SOLBAKKEN_CODE_OF_CONDUCT, publishedByMemberId: demo.publishedBy, publishedAt: new Date(Date.now() - 30 * DAY) },
    [...new Set([demo.publishedBy, ...demo.acceptedBy])],
  );
}
