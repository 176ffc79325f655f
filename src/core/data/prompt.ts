import type { TextRecord } from './records';

const PREAMBLE_WITH_INPUT =
  'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.';
const PREAMBLE = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.';

/** The Alpaca prompt of LLM-Adapters (DESIGN.md §3.4), up to and including `### Response:\n`; the response follows it. */
export function alpacaPrompt(record: Pick<TextRecord, 'instruction' | 'input'>): string {
  if (record.input) {
    return `${PREAMBLE_WITH_INPUT}\n\n### Instruction:\n${record.instruction}\n\n### Input:\n${record.input}\n\n### Response:\n`;
  }
  return `${PREAMBLE}\n\n### Instruction:\n${record.instruction}\n\n### Response:\n`;
}
