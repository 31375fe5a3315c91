"""LoRA fine-tune of a causal language model on a JSONL file of {"text": ...} rows.

Run as a Looplab job: it prints one JSON line of metrics per logging step ({"step", "loss",
"tokens_per_s", ...}), which the harness parses into the run's metric series, and writes the adapter
and a summary under --outputs. Uses the GPU when there is one; `--model tiny` builds a small randomly
initialised Llama-style model, so the loop can be tried with no download at all.
"""

import argparse
import json
import math
import os
import random
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import LlamaConfig, LlamaForCausalLM


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="JSONL file, one {\"text\": ...} object a line")
    parser.add_argument("--model", default="tiny", help="a local model folder or Hub id, or 'tiny'")
    parser.add_argument("--outputs", default="outputs")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def emit(**metrics):
    print(json.dumps(metrics), flush=True)


def load_texts(path):
    texts = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise SystemExit(f"{path}:{number}: expected an object with a string field 'text'")
            texts.append(row["text"])
    if not texts:
        raise SystemExit(f"{path}: no rows")
    return texts


def byte_tokens(texts, seq):
    """Bytes as tokens (vocabulary 256 + padding): no tokenizer download for the tiny model."""
    blocks = []
    stream = []
    for text in texts:
        stream.extend(text.encode("utf-8"))
        stream.append(10)
    for start in range(0, max(1, len(stream) - seq), seq):
        block = stream[start : start + seq]
        if len(block) == seq:
            blocks.append(block)
    if not blocks:
        raise SystemExit(f"not enough text for one block of {seq} tokens")
    return torch.tensor(blocks, dtype=torch.long)


def tiny_model():
    config = LlamaConfig(
        vocab_size=258,
        hidden_size=512,
        intermediate_size=1408,
        num_hidden_layers=8,
        num_attention_heads=8,
        num_key_value_heads=8,
        max_position_embeddings=2048,
    )
    return LlamaForCausalLM(config)


def main():
    args = parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    if args.model != "tiny":
        raise SystemExit("only --model tiny is wired in this starter; load a Hub model with AutoModelForCausalLM here")
    model = tiny_model().to(device=device, dtype=dtype)
    model = get_peft_model(model, LoraConfig(r=args.rank, lora_alpha=2 * args.rank, target_modules=["q_proj", "v_proj"]))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    emit(step=0, trainable_params=trainable, total_params=total, cuda=int(device == "cuda"))

    blocks = byte_tokens(load_texts(args.data), args.seq)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    model.train()
    started = time.time()
    seen = 0
    for step in range(1, args.steps + 1):
        batch = blocks[torch.randint(0, len(blocks), (args.batch,))].to(device)
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        seen += batch.numel()
        if step % args.log_every == 0 or step == args.steps:
            if device == "cuda":
                torch.cuda.synchronize()
            elapsed = time.time() - started
            memory = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else 0.0
            emit(step=step, loss=round(loss.item(), 4), perplexity=round(math.exp(min(20, loss.item())), 2),
                 tokens_per_s=round(seen / elapsed), gpu_memory_gib=round(memory, 2))

    os.makedirs(args.outputs, exist_ok=True)
    model.save_pretrained(os.path.join(args.outputs, "adapter"))
    with open(os.path.join(args.outputs, "summary.json"), "w", encoding="utf-8") as handle:
        json.dump({"steps": args.steps, "final_loss": loss.item(), "device": device}, handle)
    emit(step=args.steps, done=1)


if __name__ == "__main__":
    main()
