import { ImageOptionError } from './errors.ts';

/** `image_version` of the header and of DEPENDENCY TLVs (FORMATS.md §1.3). */
export interface ImageVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

const VERSION_PATTERN = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*)(?:\+(0|[1-9]\d*))?)?)?$/;

/** Parses imgtool's `maj[.min[.rev[+build]]]` syntax: decimal, no leading zeros, missing parts are 0. */
export function parseVersion(text: string): ImageVersion {
  const match = VERSION_PATTERN.exec(text.trim());
  if (match === null) {
    throw new ImageOptionError(`version "${text}": expected maj[.min[.rev[+build]]] in decimal, like 1.2.3+4`);
  }
  const version = {
    major: Number(match[1]),
    minor: Number(match[2] ?? 0),
    revision: Number(match[3] ?? 0),
    build: Number(match[4] ?? 0),
  };
  if (version.major > 0xff || version.minor > 0xff || version.revision > 0xffff || version.build > 0xffffffff) {
    throw new ImageOptionError(`version "${text}": parts must fit 255.255.65535+4294967295`);
  }
  return version;
}

export function formatVersion(version: ImageVersion): string {
  return `${version.major}.${version.minor}.${version.revision}+${version.build}`;
}

/**
 * MCUboot's `boot_compare_version`: major, then minor, then revision; the build number only counts when the
 * bootloader is built with MCUBOOT_VERSION_CMP_USE_BUILD_NUMBER. Returns -1, 0 or 1.
 */
export function compareVersions(a: ImageVersion, b: ImageVersion, options?: { useBuildNumber?: boolean }): -1 | 0 | 1 {
  const keys: (keyof ImageVersion)[] = ['major', 'minor', 'revision'];
  if (options?.useBuildNumber === true) keys.push('build');
  for (const key of keys) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

/** imgtool's `-s auto`: the security counter derived from the version. */
export function securityCounterFromVersion(version: ImageVersion): number {
  return ((version.major << 24) | (version.minor << 16) | version.revision) >>> 0;
}
