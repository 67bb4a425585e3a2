/** Reads a bootloader's build configuration from either form, told apart by content: JSON or Zephyr's `.config`. */
import { readFileSync } from 'node:fs';
import { type BuildConfig, BuildConfigError, parseBuildConfigJson } from './build-config.ts';
import { parseZephyrConfig } from './zephyr-config.ts';

export function loadBuildConfig(file: string): BuildConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BuildConfigError(file, `cannot be read: ${(error as Error).message}`);
  }
  return text.trimStart().startsWith('{') ? parseBuildConfigJson(text, file) : parseZephyrConfig(text, file);
}
