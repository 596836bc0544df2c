// Vietnamese search folding, the same rules as fold() in backend/features/catalogue/search.py:
// lower case, marks stripped (NFD), đ -> d, punctuation to spaces. Both sides are held to
// tests/fixtures/fold-cases.json, so offline search finds what the server finds.

const MARKS = /[\u0300-\u036f]/g;
const NOT_WORD = /[^a-z0-9.]+/g;
const LONE_DOT = /(?<!\d)\.|\.(?!\d)/g; // dots survive only inside codes like 1.001193

/** The search key of `text`: lower case ASCII words separated by single spaces. */
export function fold(text: string): string {
  const decomposed = text.toLowerCase().replaceAll('đ', 'd').normalize('NFD');
  const words = decomposed.replace(MARKS, '').replace(NOT_WORD, ' ').replace(LONE_DOT, ' ');
  return words.split(' ').filter(Boolean).join(' ');
}

/** The distinct folded words of a query, in order. */
export function terms(query: string): string[] {
  return [...new Set(fold(query).split(' ').filter(Boolean))];
}
