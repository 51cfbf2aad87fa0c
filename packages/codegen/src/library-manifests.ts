/**
 * The package manifests of a generated library: Arduino's `library.properties` (library specification 1.5,
 * rev. 2.2) and PlatformIO's `library.json`.
 */
import type { LibraryFile, LibrarySpec } from './build-files';
import type { ProjectLinks } from './project-links';

/** The licence of the generated libraries (SPDX identifier); LICENSE holds its text. */
export const LIBRARY_LICENSE = 'Apache-2.0';
const AUTHOR = 'Murmur';

/** One line of text for a manifest field. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** A PlatformIO keyword: lower case, only [a-z0-9+_-. ]. */
const keyword = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9+_. -]+/g, '-')
    .slice(0, 50);

/**
 * library.properties. The Arduino `name` is the C library name (letters, digits and underscores, no spaces),
 * so the primary header `src/<lib>.h` is named after the library. `url` is required by the specification and
 * comes from the project's package.json; without one it is left out (and Library Manager would refuse it).
 */
export function arduinoProperties(spec: LibrarySpec, version: string, links: ProjectLinks): LibraryFile {
  const text = [
    `name=${spec.lib}`,
    `version=${version}`,
    `author=${AUTHOR}`,
    `maintainer=${AUTHOR}`,
    `sentence=${oneLine(spec.sentence)}`,
    `paragraph=${oneLine(spec.paragraph)}`,
    'category=Data Processing',
    ...(links.url ? [`url=${links.url}`] : []),
    'architectures=*',
    `includes=${spec.lib}.h`,
    '',
  ].join('\n');
  return { path: 'library.properties', text };
}

/** PlatformIO's name for the library: its C name in slug style (`murmur-wearable-activity`). */
export function platformioName(lib: string): string {
  return lib.replace(/_/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
}

/**
 * library.json. The C is portable C99, so every framework and platform; PlatformIO builds `src/` with
 * `-ffp-contract=off`, as the Makefile and CMakeLists.txt do.
 */
export function platformioManifest(spec: LibrarySpec, version: string, links: ProjectLinks): LibraryFile {
  const sentence = oneLine(spec.sentence);
  const long = `${sentence} ${oneLine(spec.paragraph)}`;
  const manifest = {
    name: platformioName(spec.lib),
    version,
    description: long.length <= 255 ? long : sentence.slice(0, 255),
    keywords: [...new Set(spec.keywords.map(keyword).filter((k) => k.length > 0))],
    authors: [{ name: AUTHOR, maintainer: true }],
    license: LIBRARY_LICENSE,
    ...(links.url ? { homepage: links.url } : {}),
    ...(links.repository ? { repository: links.repository } : {}),
    frameworks: '*',
    platforms: '*',
    headers: `${spec.lib}.h`,
    examples: [
      {
        name: spec.example.name,
        base: `examples/${spec.example.name}`,
        files: [`${spec.example.name}.ino`],
      },
    ],
    build: {
      srcDir: 'src',
      includeDir: 'src',
      flags: ['-ffp-contract=off'],
    },
  };
  return { path: 'library.json', text: `${JSON.stringify(manifest, null, 2)}\n` };
}
