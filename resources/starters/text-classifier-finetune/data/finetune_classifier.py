"""Fine-tunes a small pretrained encoder to classify the rows of a CSV (text,label), then labels a test
CSV (id,text) into predictions.csv (id,label).

Run as a Looplab job (on the GPU when there is one): Hugging Face's Trainer logs each step, and a
callback prints the same figures as JSON lines ({"step", "loss", "eval_macro_f1", ...}) that the
harness records as the run's metric series. Checkpoints go to --outputs/checkpoint-<step>; with
--resume (or LOOPLAB_RESUME_FROM set) training goes on from the newest one. --model swaps the encoder.
Needs transformers, datasets and torch (the sandbox image `looplab sandbox build` makes has them) and
the Hub, unless the model is already in the Hugging Face cache.
"""

import argparse
import csv
import glob
import json
import os
import random

import numpy as np
import torch
from datasets import Dataset
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    Trainer,
    TrainerCallback,
    TrainingArguments,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", default="train.csv")
    parser.add_argument("--test", default="test.csv")
    parser.add_argument("--model", default="distilbert/distilbert-base-uncased")
    parser.add_argument("--outputs", default="outputs")
    parser.add_argument("--epochs", type=float, default=4)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--validation", type=float, default=0.15, help="share of train.csv held back to validate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="go on from the newest checkpoint in --outputs")
    return parser.parse_args()


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


class JsonLines(TrainerCallback):
    """Prints each log of the Trainer as one JSON line, numbers only, with its step."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        values = {key: value for key, value in (logs or {}).items() if isinstance(value, (int, float))}
        if values:
            print(json.dumps({"step": state.global_step, **values}), flush=True)


def macro_f1(predictions, labels, classes):
    scores = []
    for label in range(classes):
        tp = int(((predictions == label) & (labels == label)).sum())
        fp = int(((predictions == label) & (labels != label)).sum())
        fn = int(((predictions != label) & (labels == label)).sum())
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def newest_checkpoint(outputs):
    found = sorted(glob.glob(os.path.join(outputs, "checkpoint-*")), key=lambda path: int(path.rsplit("-", 1)[1]))
    return found[-1] if found else None


def main():
    args = parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rows = read_csv(args.train)
    classes = sorted({row["label"] for row in rows})
    index = {label: number for number, label in enumerate(classes)}
    random.shuffle(rows)
    held = max(1, int(len(rows) * args.validation))
    tokenizer = AutoTokenizer.from_pretrained(args.model)

    def encode(batch):
        return tokenizer(batch["text"], truncation=True, max_length=args.max_length)

    def dataset(part):
        return Dataset.from_dict(
            {"text": [row["text"] for row in part], "label": [index[row["label"]] for row in part]}
        ).map(encode, batched=True)

    train, validation = dataset(rows[held:]), dataset(rows[:held])
    model = AutoModelForSequenceClassification.from_pretrained(
        args.model,
        num_labels=len(classes),
        id2label=dict(enumerate(classes)),
        label2id=index,
    )
    print(f"fine-tuning {args.model} on {len(train)} rows ({len(validation)} to validate), "
          f"{len(classes)} labels, device {'cuda' if torch.cuda.is_available() else 'cpu'}", flush=True)
    training = TrainingArguments(
        output_dir=args.outputs,
        num_train_epochs=args.epochs,
        learning_rate=args.lr,
        per_device_train_batch_size=args.batch,
        per_device_eval_batch_size=args.batch * 2,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=2,
        logging_steps=10,
        seed=args.seed,
        report_to=[],
        fp16=torch.cuda.is_available(),
    )
    trainer = Trainer(
        model=model,
        args=training,
        train_dataset=train,
        eval_dataset=validation,
        processing_class=tokenizer,
        compute_metrics=lambda result: {
            "macro_f1": macro_f1(np.argmax(result.predictions, axis=-1), result.label_ids, len(classes))
        },
        callbacks=[JsonLines()],
    )
    resume = os.environ.get("LOOPLAB_RESUME_FROM") or (newest_checkpoint(args.outputs) if args.resume else None)
    trainer.train(resume_from_checkpoint=resume)
    test = read_csv(args.test)
    logits = trainer.predict(dataset([{"text": row["text"], "label": classes[0]} for row in test])).predictions
    with open("predictions.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label"])
        for row, label in zip(test, np.argmax(logits, axis=-1)):
            writer.writerow([row["id"], classes[int(label)]])
    trainer.save_model(os.path.join(args.outputs, "model"))
    print(f"wrote predictions.csv for {len(test)} rows; the model is in {args.outputs}/model", flush=True)


if __name__ == "__main__":
    main()
