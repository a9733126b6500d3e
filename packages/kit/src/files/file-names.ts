import { EXTENSIONS } from './sniff';

/**
 * File names come from uploaders and are shown to everyone else: in the app, in a download's Content-Disposition,
 * on a neighbour's disk. Pure functions.
 */

export const MAX_FILE_NAME_LENGTH = 200;

// Control characters would break headers and logs; bidirectional overrides and isolates make "gpj.exe" read as
// "exe.jpg"; zero-width characters hide differences between two names.
const INVISIBLE = /[\p{Cc}\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;
// Path separators, and what HTML or a Windows file system would read as markup or a reserved character.
const UNSAFE = /[/\\<>:"|?*`]/g;

/**
 * A name safe to store, show and hand to a file system: no path, no hidden or invisible characters, no markup,
 * at most 200 characters, and ending in an extension of the type the bytes really are (a text file named
 * `notes.html` becomes `notes.html.txt`, so no one's browser opens it as a page).
 */
export function sanitiseFileName(raw: string, contentType: string): string {
  const cleaned = raw
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(UNSAFE, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    // Leading dots hide a file; trailing dots and spaces are dropped by Windows, which changes the extension.
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const extensions = EXTENSIONS[contentType] ?? [];
  const extension = /\.([^.]+)$/.exec(cleaned)?.[1]?.toLowerCase();
  const stem = cleaned || 'file';
  const suffix = extension && extensions.includes(extension) ? '' : `.${extensions[0] ?? 'bin'}`;
  return truncateStem(stem, suffix);
}

/** Shortens the part before the extension, never splitting a surrogate pair. */
function truncateStem(name: string, suffix: string): string {
  // Without a suffix the name already ends in a fitting extension, after its last dot.
  const dot = suffix ? -1 : name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : suffix;
  const room = MAX_FILE_NAME_LENGTH - Array.from(extension).length;
  const characters = Array.from(stem);
  return (characters.length > room ? characters.slice(0, room).join('').trimEnd() : stem) + extension;
}

/**
 * `Content-Disposition` for a download: `inline` for images, which the app shows in an <img>, `attachment` for
 * everything else so a browser saves it rather than opening it. The plain `filename` is an ASCII stand-in for old
 * clients; `filename*` (RFC 5987) carries the real name, ø and all.
 */
export function contentDisposition(fileName: string, inline: boolean): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${rfc5987(fileName)}`;
}

function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
