/** `bootproof image corrupt`: apply one named, seeded mutation to an image. */
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import { corruptImage, isMutationName, MUTATIONS } from '../../images/corrupt.ts';
import { CorruptionError, loadPrivateKey } from '../../images/index.ts';
import { parseNumber, print, printJson, readBytes, readPassword, readText, writeFile } from './image-io.ts';

interface CorruptCliOptions {
  mutation?: string;
  seed: string;
  other?: string;
  slotSize?: number;
  offset?: number;
  key?: string;
  passwordFile?: string;
  list?: boolean;
  json?: boolean;
}

export function registerCorruptCommand(image: Command): void {
  image
    .command('corrupt')
    .description('Write a corrupted copy of an image: one named mutation, reproducible from its seed.')
    .argument('[image]', 'a well-formed signed image')
    .argument('[outfile]', 'where to write the corrupted image')
    .option('-m, --mutation <name>', `one of: ${MUTATIONS.map((m) => m.name).join(', ')}`)
    .option('--seed <seed>', 'seed of the random choices (number or word)', '1')
    .option('--other <file>', 'a second signed image, for swap-hash and swap-signature')
    .option('-S, --slot-size <size>', 'slot size, for grow-past-slot (default: the file size)', parseNumber('--slot-size'))
    .option('--offset <n>', 'cut offset, for truncate', parseNumber('--offset'))
    .option('-k, --key <file>', 'the untrusted key for wrong-key-resign (default: derived from the seed)')
    .option('--password-file <file>', 'password of an encrypted key (first line of the file)')
    .option('--list', 'list the mutations and exit')
    .option('--json', 'print what was done as JSON')
    .action((path: string | undefined, outfile: string | undefined, options: CorruptCliOptions) => {
      if (options.list === true) {
        if (options.json === true) printJson(MUTATIONS);
        else print(MUTATIONS.map((m) => `${m.name.padEnd(24)} ${m.summary}`).join('\n'));
        return;
      }
      if (path === undefined || outfile === undefined) throw new UsageError('corrupt needs <image> and <outfile>');
      if (options.mutation === undefined || !isMutationName(options.mutation)) {
        throw new UsageError(`--mutation ${options.mutation ?? '(missing)'}: expected one of ${MUTATIONS.map((m) => m.name).join(', ')}`);
      }
      const seed = /^\d+$/.test(options.seed) ? Number(options.seed) : options.seed;
      const input = readBytes(path);
      const other = options.other === undefined ? undefined : readBytes(options.other);
      const key =
        options.key === undefined
          ? undefined
          : loadPrivateKey(readText(options.key), { source: options.key, password: readPassword(options.passwordFile) });
      let corruption: ReturnType<typeof corruptImage>;
      try {
        corruption = corruptImage(input, options.mutation, { seed, other, slotSize: options.slotSize, offset: options.offset, key });
      } catch (error) {
        if (error instanceof CorruptionError) throw new CorruptionError(`${path}: ${error.message}`, { cause: error });
        throw error;
      }
      writeFile(outfile, corruption.bytes);
      const summary = { mutation: corruption.mutation, seed, offset: corruption.offset, description: corruption.description, output: outfile };
      if (options.json === true) printJson(summary);
      else print(`${corruption.mutation} (seed ${seed}): ${corruption.description} → ${outfile}`);
    });
}
