"""Scores a predictions file of the workspace ({"id", "prediction"} a line) against the held-out answers:
exact match and ROUGE-L (the F-measure of the longest common subsequence of words, lower-cased,
punctuation aside), averaged over the held-out prompts; prints one JSON line. A prompt without a
prediction scores 0.

Run by the harness, never by the agent: this file and the answers are mounted read-only at /heldout for
the evaluation only. The file to score is the first argument (predictions.jsonl by default; the baseline
scores the base model's, base_predictions.jsonl).
"""

import json
import re
import sys

PATH = f"/workspace/{sys.argv[1] if len(sys.argv) > 1 else 'predictions.jsonl'}"


def lcs(a, b):
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for index, y in enumerate(b, 1):
            current = row[index]
            row[index] = previous + 1 if x == y else max(row[index], row[index - 1])
            previous = current
    return row[-1]


def words(text):
    return re.findall(r"\w+", text.lower())


def rouge_l(prediction, answer):
    a, b = words(prediction), words(answer)
    common = lcs(a, b)
    if common == 0:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


with open("/heldout/eval_answers.jsonl") as handle:
    answers = {row["id"]: row["answer"] for row in map(json.loads, handle) if row}
try:
    with open(PATH) as handle:
        predicted = {}
        for number, line in enumerate(handle, 1):
            if line.strip() == "":
                continue
            try:
                row = json.loads(line)
                predicted[row["id"]] = str(row["prediction"]).strip()
            except (ValueError, KeyError, TypeError):
                sys.exit(f"{PATH} line {number} is not a JSON object with id and prediction.")
except FileNotFoundError:
    sys.exit(f"No {PATH}: write one line per prompt of eval_prompts.jsonl, {{\"id\": …, \"prediction\": …}}.")

exact = sum(predicted.get(key) == answer for key, answer in answers.items()) / len(answers)
rouge = sum(rouge_l(predicted.get(key, ""), answer) for key, answer in answers.items()) / len(answers)
print(f"scored {len(answers)} held-out prompts; {sum(key not in predicted for key in answers)} without a prediction")
print(json.dumps({"rouge_l": round(rouge, 4), "exact_match": round(exact, 4)}))
