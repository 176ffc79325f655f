import { DemoRandom } from './random';

/** One LLM-Adapters record. */
export interface TaskRecord {
  instruction: string;
  input: string;
  output: string;
  answer: string;
}

/**
 * A generated task. The four need different skills — positional copying, reversing (attention
 * patterns), arithmetic facts (MLP lookup) and retrieval by key — so their sensitivity profiles differ
 * and the vote has something to allocate.
 */
export interface DemoTaskSpec {
  name: string;
  /** Regex whose first match in the generated text is the prediction (written to the experiment file). */
  answerPattern: string;
  /** The fixed words of the instruction (they become whole-word tokens). */
  instructionWords: string;
  generate(random: DemoRandom): TaskRecord;
}

export const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

function letterList(random: DemoRandom, min: number, max: number): string[] {
  return Array.from({ length: random.int(min, max) }, () => random.pick(LETTERS));
}

function record(instruction: string, input: string, answer: string): TaskRecord {
  return { instruction, input, output: answer, answer };
}

const LETTER_RUN = '[a-z](?: [a-z])*';

export const DEMO_TASKS: readonly DemoTaskSpec[] = [
  {
    name: 'copy',
    answerPattern: LETTER_RUN,
    instructionWords: 'Copy the letters.',
    generate: (random) => {
      const letters = letterList(random, 2, 4).join(' ');
      return record('Copy the letters.', letters, letters);
    },
  },
  {
    name: 'reverse',
    answerPattern: LETTER_RUN,
    instructionWords: 'Reverse the letters.',
    generate: (random) => {
      const letters = letterList(random, 2, 4);
      return record('Reverse the letters.', letters.join(' '), [...letters].reverse().join(' '));
    },
  },
  {
    name: 'add',
    answerPattern: '\\d+',
    instructionWords: 'Add the two numbers.',
    generate: (random) => {
      const [a, b] = [random.int(0, 9), random.int(0, 9)];
      return record('Add the two numbers.', `${a}+${b}`, String(a + b));
    },
  },
  {
    name: 'lookup',
    answerPattern: '\\d',
    instructionWords: 'Give the value of',
    generate: (random) => {
      const keys = random.sample(LETTERS, random.int(3, 5));
      const pairs = keys.map((key) => `${key}=${random.int(0, 9)}`);
      const asked = random.int(0, keys.length - 1);
      return record(`Give the value of ${keys[asked]}.`, pairs.join(' '), pairs[asked].slice(2));
    },
  },
];

export interface TaskSplit {
  train: TaskRecord[];
  test: TaskRecord[];
}

/** The held-out key of an example: the same instruction and input never appear in both splits. */
function keyOf(example: TaskRecord): string {
  return `${example.instruction}\n${example.input}`;
}

/** Draws up to `count` examples accepted by `keep`; bounded tries so a small input space cannot loop. */
function draw(spec: DemoTaskSpec, random: DemoRandom, count: number, keep: (e: TaskRecord) => boolean): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const example = spec.generate(random);
    if (keep(example)) out.push(example);
  }
  return out;
}

/** Distinct test examples first, then training examples that never repeat a test example. */
export function generateSplit(spec: DemoTaskSpec, seed: number, trainSize: number, testSize: number): TaskSplit {
  const random = new DemoRandom(seed);
  const testKeys = new Set<string>();
  const test = draw(spec, random, testSize, (e) => !testKeys.has(keyOf(e)) && Boolean(testKeys.add(keyOf(e))));
  const train = draw(spec, random, trainSize, (e) => !testKeys.has(keyOf(e)));
  return { train, test };
}
