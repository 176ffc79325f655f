"""Training data as smoe encodes it: pre-tokenized JSONL (what export-job writes) or LLM-Adapters records
(tokenized with transformers' tokenizer when installed), truncation, right-padded batches."""

import json

import torch

IGNORE_INDEX = -100
PROMPT_WITH_INPUT = ("Below is an instruction that describes a task, paired with an input that provides further context. "
                     "Write a response that appropriately completes the request.\n\n"
                     "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n")
PROMPT_NO_INPUT = ("Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
                   "### Instruction:\n{instruction}\n\n### Response:\n")


def read_records(path):
    """A JSON array or JSONL file of records."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def encode_text_record(record, tokenizer, train_on_inputs):
    """BOS + Alpaca prompt + response + EOS; the prompt alone fixes how many leading tokens are unscored."""
    template = PROMPT_WITH_INPUT if record.get("input") else PROMPT_NO_INPUT
    prompt = template.format(instruction=record["instruction"], input=record.get("input", ""))
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    prompt_length = len(bos) + len(tokenizer.encode(prompt, add_special_tokens=False))
    ids = bos + tokenizer.encode(prompt + record["output"], add_special_tokens=False) + [tokenizer.eos_token_id]
    labels = [i if train_on_inputs or t >= prompt_length else IGNORE_INDEX for t, i in enumerate(ids)]
    return {"input_ids": ids, "labels": labels}


def load_examples(path, max_length, train_on_inputs=False, tokenizer=None):
    """Every record of a task file, encoded and cut to max_length."""
    out = []
    for record in read_records(path):
        if "input_ids" not in record:
            if tokenizer is None:
                raise ValueError(f"{path} holds text records; install transformers (for the tokenizer) or export the job again, which pre-tokenizes")
            record = encode_text_record(record, tokenizer, train_on_inputs)
        ids = record["input_ids"]
        labels = record.get("labels", ids)
        out.append((ids[:max_length], labels[:max_length]))
    return out


def scored_tokens(labels):
    return sum(1 for label in labels[1:] if label != IGNORE_INDEX)


def collate(examples, pad_id, device):
    """Right-padded input ids, labels (-100 at pads) and the real-token mask, at least 2 positions long."""
    width = max([2] + [len(ids) for ids, _ in examples])
    ids = [list(i) + [pad_id] * (width - len(i)) for i, _ in examples]
    labels = [list(l) + [IGNORE_INDEX] * (width - len(l)) for _, l in examples]
    mask = [[1.0] * len(i) + [0.0] * (width - len(i)) for i, _ in examples]
    as_tensor = lambda rows, dtype: torch.tensor(rows, dtype=dtype, device=device)
    return as_tensor(ids, torch.long), as_tensor(labels, torch.long), as_tensor(mask, torch.float32)


def token_losses(logits, labels):
    """Per-token cross-entropy with the Hugging Face shift, 0 where not scored: [batch, T-1], and the weights."""
    scored_logits = logits[:, :-1, :].float()
    targets = labels[:, 1:]
    weight = (targets != IGNORE_INDEX).to(scored_logits.dtype)
    safe = torch.where(targets != IGNORE_INDEX, targets, torch.zeros_like(targets))
    lse = torch.logsumexp(scored_logits, dim=-1)
    picked = scored_logits.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return (lse - picked) * weight, weight
