"""Standard metrics on predictions vs references, run by Looplab's harness in the evaluation container.

    python3 metrics.py METRIC PREDICTIONS [REFERENCES] [COLUMN]

METRIC: accuracy | exact_match | f1_macro | rouge_l | perplexity. Files are CSV (a column named COLUMN,
else "label" / "prediction" / "text", else the last; rows matched by an "id" column when both have one,
else by order), JSONL (the same keys) or plain text (one value per line). Perplexity reads PREDICTIONS
only: JSONL rows {"nll": summed negative log-likelihood, "tokens": count}, or one per-token NLL per line.
Prints a line for the person and, last, one JSON line {"<metric>": value, "rows": n, "missing": m}.
Exits 2 with the reason on bad input.
"""

import csv
import json
import math
import sys

KEYS = ("label", "prediction", "text", "answer", "output")


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def rows_of(path):
    try:
        handle = open(path, newline="", encoding="utf-8")
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
    with handle:
        if path.endswith(".csv"):
            return [dict(row) for row in csv.DictReader(handle)]
        if path.endswith(".jsonl"):
            rows = []
            for number, line in enumerate(handle, 1):
                if line.strip():
                    try:
                        value = json.loads(line)
                    except ValueError:
                        fail(f"{path}:{number} is not JSON")
                    rows.append(value if isinstance(value, dict) else {"value": value})
            return rows
        return [{"value": line.rstrip("\n")} for line in handle if line.strip()]


def value_key(rows, column, path):
    if not rows:
        fail(f"{path} has no rows")
    keys = [key for key in rows[0] if key != "id"]
    if column and column in rows[0]:
        return column
    if column:
        fail(f"{path} has no column {column} (it has {', '.join(rows[0])})")
    for key in KEYS + ("value",):
        if key in rows[0]:
            return key
    return keys[-1]


def paired(predictions, references, column):
    pred_rows, ref_rows = rows_of(predictions), rows_of(references)
    pk, rk = value_key(pred_rows, column, predictions), value_key(ref_rows, column, references)
    if "id" in pred_rows[0] and "id" in ref_rows[0]:
        by_id = {str(row["id"]): str(row[pk]) for row in pred_rows}
        pairs = [(by_id.get(str(row["id"])), str(row[rk])) for row in ref_rows]
    else:
        pairs = [(str(pred_rows[i][pk]) if i < len(pred_rows) else None, str(row[rk])) for i, row in enumerate(ref_rows)]
    return pairs


def lcs(a, b):
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    metric, predictions = argv[0], argv[1]
    references = argv[2] if len(argv) > 2 and argv[2] else None
    column = argv[3] if len(argv) > 3 and argv[3] else None
    if metric == "perplexity":
        nll = tokens = 0.0
        for row in rows_of(predictions):
            if "nll" in row:
                nll += float(row["nll"])
                tokens += float(row.get("tokens", 1))
            else:
                nll += float(row["value"])
                tokens += 1
        if tokens == 0:
            fail("no tokens to compute perplexity over")
        value, count, missing = math.exp(nll / tokens), int(tokens), 0
    else:
        if references is None:
            fail(f"{metric} needs references")
        pairs = paired(predictions, references, column)
        count, missing = len(pairs), sum(p is None for p, _ in pairs)
        if count == 0:
            fail("no reference rows")
        if metric == "accuracy":
            value = sum(p == r for p, r in pairs) / count
        elif metric == "exact_match":
            value = sum(p is not None and p.strip().lower() == r.strip().lower() for p, r in pairs) / count
        elif metric == "f1_macro":
            scores = []
            for label in sorted({r for _, r in pairs}):
                tp = sum(p == label and r == label for p, r in pairs)
                fp = sum(p == label and r != label for p, r in pairs)
                fn = sum(p != label and r == label for p, r in pairs)
                scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
            value = sum(scores) / len(scores)
        elif metric == "rouge_l":
            total = 0.0
            for p, r in pairs:
                a, b = (p or "").split(), r.split()
                common = lcs(a, b)
                if common:
                    precision, recall = common / len(a), common / len(b)
                    total += 2 * precision * recall / (precision + recall)
            value = total / count
        else:
            fail(f"unknown metric {metric}: use accuracy, exact_match, f1_macro, rouge_l or perplexity")
    value = round(value, 6)
    print(f"{metric} = {value} over {count} {'tokens' if metric == 'perplexity' else 'rows'}; {missing} without a prediction")
    print(json.dumps({metric: value, "rows": count, "missing": missing}))


if __name__ == "__main__":
    main(sys.argv[1:])
