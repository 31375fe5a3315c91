"""LoRA supervised fine-tuning of a small causal language model on a JSONL file of chats
({"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}) or texts ({"text": ...}), with
Hugging Face's TRL (SFTTrainer), PEFT and datasets; then answers the prompts of --prompts
({"id", "prompt"} a line) into --predictions ({"id", "prediction"} a line).

Run as a Looplab job (on the GPU when there is one): a callback prints the Trainer's logs as JSON lines
({"step", "loss", "eval_loss", "perplexity", ...}) that the harness records as the run's metric series;
checkpoints go to --outputs/checkpoint-<step>, and --resume (or LOOPLAB_RESUME_FROM) goes on from the
newest. --base-only writes the base model's answers (the baseline) without training. --model swaps the
base. Needs transformers, peft, trl, datasets and torch, and the Hub unless the model is cached.
"""

import argparse
import glob
import json
import math
import os

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import SFTConfig, SFTTrainer


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="train.jsonl")
    parser.add_argument("--prompts", default="eval_prompts.jsonl")
    parser.add_argument("--predictions", default="predictions.jsonl")
    parser.add_argument("--model", default="HuggingFaceTB/SmolLM2-135M-Instruct")
    parser.add_argument("--outputs", default="outputs")
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-only", action="store_true", help="only answer the prompts with the base model")
    parser.add_argument("--resume", action="store_true", help="go on from the newest checkpoint in --outputs")
    return parser.parse_args()


def read_jsonl(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


class JsonLines(TrainerCallback):
    """Prints each log of the Trainer as one JSON line, numbers only, with its step (and perplexity)."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        values = {key: value for key, value in (logs or {}).items() if isinstance(value, (int, float))}
        if "eval_loss" in values and values["eval_loss"] < 50:
            values["perplexity"] = math.exp(values["eval_loss"])
        if values:
            print(json.dumps({"step": state.global_step, **values}), flush=True)


def answer(model, tokenizer, prompts, path, max_new_tokens):
    """Greedy answers to each prompt, in the chat form the model was tuned on."""
    model.eval()
    with open(path, "w") as out:
        for row in prompts:
            chat = [{"role": "user", "content": row["prompt"]}]
            inputs = tokenizer.apply_chat_template(chat, add_generation_prompt=True, return_tensors="pt").to(model.device)
            with torch.no_grad():
                generated = model.generate(inputs, max_new_tokens=max_new_tokens, do_sample=False)
            text = tokenizer.decode(generated[0, inputs.shape[1]:], skip_special_tokens=True).strip()
            out.write(json.dumps({"id": row["id"], "prediction": text}) + "\n")
    print(f"wrote {len(prompts)} answers to {path}", flush=True)


def newest_checkpoint(outputs):
    found = sorted(glob.glob(os.path.join(outputs, "checkpoint-*")), key=lambda path: int(path.rsplit("-", 1)[1]))
    return found[-1] if found else None


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
    model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=dtype)
    if torch.cuda.is_available():
        model = model.to("cuda")
    prompts = read_jsonl(args.prompts)
    if args.base_only:
        answer(model, tokenizer, prompts, "base_predictions.jsonl", args.max_new_tokens)
        return
    # The spec passes the chats' path as given; the run's copy is in the workspace under its own name.
    path = args.data if os.path.exists(args.data) else os.path.basename(args.data)
    rows = read_jsonl(path)
    field = "messages" if "messages" in rows[0] else "text"
    data = Dataset.from_dict({field: [row[field] for row in rows]}).train_test_split(test_size=0.1, seed=args.seed)
    print(f"LoRA r={args.rank} on {args.model}: {len(data['train'])} {field} rows, "
          f"device {'cuda' if torch.cuda.is_available() else 'cpu'}", flush=True)
    config = SFTConfig(
        output_dir=args.outputs,
        num_train_epochs=args.epochs,
        learning_rate=args.lr,
        per_device_train_batch_size=args.batch,
        per_device_eval_batch_size=args.batch,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=2,
        logging_steps=10,
        seed=args.seed,
        report_to=[],
        bf16=torch.cuda.is_available(),
    )
    lora = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.05, target_modules="all-linear",
                      task_type="CAUSAL_LM")
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=data["train"],
        eval_dataset=data["test"],
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[JsonLines()],
    )
    resume = os.environ.get("LOOPLAB_RESUME_FROM") or (newest_checkpoint(args.outputs) if args.resume else None)
    trainer.train(resume_from_checkpoint=resume)
    trainer.save_model(os.path.join(args.outputs, "adapter"))
    answer(trainer.model, tokenizer, prompts, args.predictions, args.max_new_tokens)
    print(f"the LoRA adapter is in {args.outputs}/adapter", flush=True)


if __name__ == "__main__":
    main()
