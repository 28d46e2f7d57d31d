/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * The 1-based line of any offset in `text`, by binary search over the offsets of its line breaks: for many lookups
 * in one text, where positionOf scans from the start each time.
 */
export function lineFinder(text: string): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks.push(i);
  return (offset) => {
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (breaks[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}

/** 1-based line of the first whole-word occurrence of `word` in `text`; undefined when it does not occur. */
export function lineOfWord(text: string, word: string): number | undefined {
  const index = text.search(new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
  return index === -1 ? undefined : positionOf(text, index).line;
}

/** The text of a 1-based line, without its newline. */
export function lineAt(text: string, line: number): string | undefined {
  let start = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? undefined : end).replace(/\r$/, '');
}

export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${groupThousands(count)} ${count === 1 ? word : pluralWord}`;
}

/** 12345 -> "12,345", as toLocaleString('en-US') writes it, without loading locale data on a CLI's short path. */
export function groupThousands(count: number): string {
  if (!Number.isInteger(count)) return count.toLocaleString('en-US');
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function toPosix(path: string): string {
  return path.includes('\\') ? path.split('\\').join('/') : path;
}
