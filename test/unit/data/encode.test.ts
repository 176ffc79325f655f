import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alpacaPrompt, encodePrompt, encodeRecord, IGNORE_INDEX, padBatch, picksScoredRows, PICK_SCORED_UP_TO, scoredTokens, chunk, type Tokenizer } from '../../../src/core/data';
import { charTokenizer } from './helpers';

const NO_INPUT = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nSay hi\n\n### Response:\n';
const WITH_INPUT =
  'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nSay hi\n\n### Input:\nto Bob\n\n### Response:\n';

describe('alpacaPrompt', () => {
  it('matches DESIGN.md §3.4 with and without input', () => {
    assert.equal(alpacaPrompt({ instruction: 'Say hi', input: '' }), NO_INPUT);
    assert.equal(alpacaPrompt({ instruction: 'Say hi', input: 'to Bob' }), WITH_INPUT);
  });
});

describe('encodeRecord', () => {
  const record = { instruction: 'Say hi', input: '', output: 'hi' };

  it('BOS + prompt unscored, response + EOS scored', () => {
    const { inputIds, labels } = encodeRecord(record, charTokenizer, { maxLength: 1000 });
    const promptLength = 1 + NO_INPUT.length;
    assert.equal(inputIds.length, promptLength + 3);
    assert.equal(inputIds[0], 1);
    assert.equal(inputIds.at(-1), 2);
    assert.deepEqual(labels.slice(0, promptLength), new Array(promptLength).fill(IGNORE_INDEX));
    assert.deepEqual(labels.slice(promptLength), inputIds.slice(promptLength));
    assert.equal(scoredTokens({ inputIds, labels }), 3);
  });

  it('scores everything with trainOnInputs', () => {
    const { inputIds, labels } = encodeRecord(record, charTokenizer, { maxLength: 1000, trainOnInputs: true });
    assert.deepEqual(labels, inputIds);
  });

  it('truncates to maxLength (dropping the EOS) and can leave nothing scored', () => {
    const cut = encodeRecord(record, charTokenizer, { maxLength: NO_INPUT.length + 2 });
    assert.equal(cut.inputIds.length, NO_INPUT.length + 2);
    assert.equal(cut.inputIds.at(-1), 'h'.codePointAt(0)! + 10);
    assert.equal(scoredTokens(cut), 1);
    assert.equal(scoredTokens(encodeRecord(record, charTokenizer, { maxLength: 10 })), 0);
  });

  it('uses the joint tokenization of prompt + response, the prompt alone fixing the unscored length', () => {
    const merging: Tokenizer = { ...charTokenizer, encode: (text) => charTokenizer.encode(text.replace('\nhi', '\u0001')) };
    const { inputIds, labels } = encodeRecord(record, merging, { maxLength: 1000 });
    assert.equal(inputIds.length, NO_INPUT.length + 1 + 1);
    assert.equal(labels.filter((l) => l !== IGNORE_INDEX).length, 1, 'only the EOS lies past the prompt length');
  });

  it('omits BOS when the tokenizer has none', () => {
    const { inputIds } = encodeRecord(record, { ...charTokenizer, bosId: -1 }, { maxLength: 1000 });
    assert.equal(inputIds[0], 'B'.codePointAt(0)! + 10);
  });

  it('truncates pre-tokenized records without touching labels', () => {
    assert.deepEqual(encodeRecord({ inputIds: [1, 5, 6, 7], labels: [-100, 5, 6, 7] }, charTokenizer, { maxLength: 3 }), { inputIds: [1, 5, 6], labels: [-100, 5, 6] });
  });

  it('encodePrompt is BOS + prompt', () => {
    assert.deepEqual(encodePrompt(record, charTokenizer, 1000), charTokenizer.encode(NO_INPUT, { bos: true }));
  });
});

describe('padBatch', () => {
  it('right-pads ids with padId, labels with -100, mask with 0', () => {
    const batch = padBatch([{ inputIds: [1, 2, 3], labels: [-100, 2, 3] }, { inputIds: [1], labels: [-100] }], 0, 3);
    assert.deepEqual(batch, {
      inputIds: [[1, 2, 3], [1, 0, 0]],
      labels: [[-100, 2, 3], [-100, -100, -100]],
      attentionMask: [[1, 1, 1], [1, 0, 0]],
      length: 3,
    });
    assert.equal(padBatch([{ inputIds: [1], labels: [1] }], 9, 4).inputIds[0].join(), '1,9,9,9');
    assert.equal(padBatch([{ inputIds: [1], labels: [1] }], 9).length, 16, 'by default a multiple of PAD_MULTIPLE');
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  });
});

describe('picksScoredRows', () => {
  const example = (length: number, scored: number) => ({
    inputIds: Array.from({ length }, (_, i) => i + 3),
    labels: Array.from({ length }, (_, i) => (i >= length - scored ? i + 3 : IGNORE_INDEX)),
  });

  it('picks when at most PICK_SCORED_UP_TO of the shifted positions are scored (answer-only fine-tuning)', () => {
    assert.equal(PICK_SCORED_UP_TO, 0.75);
    assert.equal(picksScoredRows([example(101, 5), example(41, 2)]), true);
    assert.equal(picksScoredRows([example(129, 64)]), true, 'the bench tasks: half scored');
    assert.equal(picksScoredRows([example(101, 75)]), true, 'exactly 3/4 of 100 positions');
    assert.equal(picksScoredRows([example(101, 76)]), false);
  });

  it('keeps every row when nearly all are scored (train on inputs) or nothing is there', () => {
    assert.equal(picksScoredRows([example(50, 49), example(20, 19)]), false);
    assert.equal(picksScoredRows([]), false);
    assert.equal(picksScoredRows([example(1, 1)]), false, 'a 1-token example has no shifted position');
  });
});
