import type { TextRecord } from './records';

/** The answer formats of the LLM-Adapters commonsense suite, in the order they are tried. */
export const ANSWER_PATTERNS: readonly { name: string; whole: RegExp; find: string }[] = [
  { name: 'boolean', whole: /^(true|false)$/, find: 'true|false' },
  { name: 'solution', whole: /^solution[12]$/, find: 'solution[12]' },
  { name: 'answer', whole: /^answer[1-5]$/, find: 'answer[1-5]' },
  { name: 'ending', whole: /^ending[1-4]$/, find: 'ending[1-4]' },
  { name: 'option', whole: /^option[12]$/, find: 'option[12]' },
];

/** The pattern (regex source) that every non-empty answer follows, or undefined when none fits them all. */
export function defaultAnswerPattern(answers: readonly string[]): string | undefined {
  const given = answers.map((a) => a.trim()).filter((a) => a !== '');
  if (given.length === 0) return undefined;
  return ANSWER_PATTERNS.find((p) => given.every((a) => p.whole.test(a)))?.find;
}

/** The task's answer pattern: the configured one, else the one its answers follow, else the first word. */
export function answerPatternFor(configured: string | undefined, records: readonly Pick<TextRecord, 'answer'>[]): RegExp {
  if (configured) return new RegExp(configured);
  const found = defaultAnswerPattern(records.map((r) => r.answer ?? ''));
  return new RegExp(found ?? '\\S+');
}

/** The first match of the pattern in generated text (LLM-Adapters' evaluation), or undefined when nothing matches. */
export function extractAnswer(text: string, pattern: RegExp | string): string | undefined {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
  return new RegExp(source, flags).exec(text)?.[0];
}
