/**
 * `bootproof boards` and `bootproof board show <name|file>`: what the built-in boards are, and one board's
 * partition map drawn as text.
 */
import type { Command } from 'commander';
import {
  address,
  type Board,
  type FlashRegion,
  hex,
  humanSize,
  listBoards,
  loadBoard,
  slotSectors,
} from '../../boards/index.ts';

const BAR_WIDTH = 64;

export function registerBoardsCommand(program: Command): void {
  program
    .command('boards')
    .description('List the built-in boards: flash size, sector sizes, write unit, slot sizes and update strategy.')
    .option('--json', 'print the list as JSON')
    .action((options: { json?: boolean }) => {
      const boards = listBoards();
      write(options.json === true ? `${JSON.stringify(boards.map(boardSummary), null, 2)}\n` : boardTable(boards));
    });
}

export function registerBoardCommand(program: Command): void {
  const board = program.command('board').description('Inspect one board.');
  board
    .command('show')
    .description('Draw the partition map of a built-in board or of a board file (offsets, sizes, sectors).')
    .argument('<board>', 'a built-in board name (see `bootproof boards`) or the path to a board file')
    .option('--json', 'print the board and its regions as JSON')
    .action((nameOrPath: string, options: { json?: boolean }) => {
      const loaded = loadBoard(nameOrPath);
      write(
        options.json === true
          ? `${JSON.stringify({ board: loaded, regions: regions(loaded) }, null, 2)}\n`
          : partitionMap(loaded),
      );
    });
}

function write(text: string): void {
  process.stdout.write(text);
}

interface BoardSummary {
  readonly name: string;
  readonly title: string;
  readonly cpu: string;
  readonly flashSize: number;
  readonly sectorCount: number;
  readonly sectorSizes: readonly number[];
  readonly writeUnit: number;
  readonly programRule: string;
  readonly slotSizes: readonly number[];
  readonly strategy: string;
}

function boardSummary(board: Board): BoardSummary {
  return {
    name: board.name,
    title: board.title,
    cpu: board.cpu,
    flashSize: board.memory.flash.size,
    sectorCount: board.flash.sectors.length,
    sectorSizes: [...new Set(board.flash.sectors)],
    writeUnit: board.flash.writeUnit,
    programRule: board.flash.programRule,
    slotSizes: board.partitions.images.map((image) => image.primary.size),
    strategy: board.bootloader.strategy,
  };
}

function boardTable(boards: readonly Board[]): string {
  const rows = boards.map((board) => {
    const summary = boardSummary(board);
    const sectors =
      summary.sectorSizes.length === 1
        ? `${summary.sectorCount} x ${humanSize(summary.sectorSizes[0])}`
        : summary.sectorSizes.map(humanSize).join(' / ');
    return [
      summary.name,
      summary.cpu,
      humanSize(summary.flashSize),
      sectors,
      `${summary.writeUnit} B`,
      summary.programRule,
      summary.slotSizes.map(humanSize).join(' + '),
      summary.strategy,
    ];
  });
  const header = ['BOARD', 'CPU', 'FLASH', 'SECTORS', 'WRITE', 'RULE', 'SLOT', 'STRATEGY'];
  return `${table([header, ...rows])}\n${boards.length} boards. Details: bootproof board show <board>\n`;
}

interface RegionRow {
  readonly name: string;
  /** One letter for the bar; '.' marks flash no partition uses. */
  readonly mark: string;
  readonly offset: number;
  readonly size: number;
  readonly sectors: number;
}

/** Every partition and every gap between them, in address order. */
function regions(board: Board): RegionRow[] {
  const { partitions } = board;
  const named: { name: string; mark: string; region: FlashRegion }[] = [
    { name: 'bootloader', mark: 'B', region: partitions.bootloader },
  ];
  partitions.images.forEach((image, i) => {
    const tag = partitions.images.length === 1 ? '' : ` ${i}`;
    named.push({ name: `image${tag} primary`, mark: i === 0 ? 'P' : 'p', region: image.primary });
    named.push({ name: `image${tag} secondary`, mark: i === 0 ? 'S' : 's', region: image.secondary });
  });
  if (partitions.scratch !== undefined) named.push({ name: 'scratch', mark: 'X', region: partitions.scratch });
  if (partitions.storage !== undefined) named.push({ name: 'storage', mark: 'D', region: partitions.storage });
  named.sort((a, b) => a.region.offset - b.region.offset);

  const rows: RegionRow[] = [];
  const row = (name: string, mark: string, region: FlashRegion) =>
    rows.push({ name, mark, ...region, sectors: slotSectors(board, region).length });
  let cursor = 0;
  for (const { name, mark, region } of named) {
    if (region.offset > cursor) row('(unused)', '.', { offset: cursor, size: region.offset - cursor });
    row(name, mark, region);
    cursor = region.offset + region.size;
  }
  const end = board.memory.flash.size;
  if (cursor < end) row('(unused)', '.', { offset: cursor, size: end - cursor });
  return rows;
}

function partitionMap(board: Board): string {
  const { flash, memory, bootloader } = board;
  const sizes = [...new Set(flash.sectors)].map(humanSize).join(' / ');
  const budget =
    flash.writeBudget === undefined
      ? ''
      : `, at most ${flash.writeBudget.count} programs per ${flash.writeBudget.wordSize}-byte word`;
  const rows = regions(board);
  const lines = [
    `${board.name}: ${board.title}`,
    `  file         ${board.file}`,
    `  cpu          ${board.cpu}`,
    `  flash        ${humanSize(memory.flash.size)} at ${address(memory.flash.base)}, ${flash.sectors.length} sectors of ${sizes}, controller ${board.flashController}`,
    `  programming  write unit ${flash.writeUnit} B, rule ${flash.programRule}${budget}, erased ${hex(flash.erasedValue)}, endurance ${flash.endurance} cycles`,
    `  ram          ${humanSize(memory.ram.size)} at ${address(memory.ram.base)}`,
    `  bootloader   ${bootloader.strategy}, header ${hex(bootloader.headerSize)}, max align ${bootloader.maxAlign}, max image sectors ${bootloader.maxImageSectors}`,
    '',
    table([
      ['', 'REGION', 'OFFSET', 'END', 'SIZE', 'SECTORS'],
      ...rows.map((r) => [r.mark, r.name, hex(r.offset), hex(r.offset + r.size), humanSize(r.size), String(r.sectors)]),
    ]),
    '',
    `  |${bar(rows, memory.flash.size)}|`,
    `  ${hex(0).padEnd(BAR_WIDTH / 2 + 1)}${hex(memory.flash.size).padStart(BAR_WIDTH / 2 + 1)}`,
    '',
    'Sources:',
    ...board.sources.map((source) => `  - ${source}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * One character per 1/BAR_WIDTH of the flash, taken from the region under the cell's midpoint; a region too small
 * to hold any midpoint still gets the cell it starts in, so nothing disappears from the picture.
 */
function bar(rows: readonly RegionRow[], flashSize: number): string {
  const cellBytes = flashSize / BAR_WIDTH;
  const cells = Array.from({ length: BAR_WIDTH }, (_, i) => {
    const middle = (i + 0.5) * cellBytes;
    return rows.find((row) => middle >= row.offset && middle < row.offset + row.size)?.mark ?? '.';
  });
  for (const row of rows) {
    if (row.mark !== '.' && !cells.includes(row.mark)) cells[Math.floor(row.offset / cellBytes)] = row.mark;
  }
  return cells.join('');
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd()).join('\n');
}
