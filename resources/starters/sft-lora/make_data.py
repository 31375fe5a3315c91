"""Writes the sft-lora starter's data, the same every time (seeded): requests to extract a meeting's
city and day from a sentence, answered in one exact JSON form. A base model answers in prose or another
form; a LoRA fine-tune on data/train.jsonl learns the form. The held-out answers go to heldout/.

    python3 make_data.py
"""

import json
import random
from pathlib import Path

CITIES = ["Lyon", "Porto", "Graz", "Utrecht", "Bergen", "Tartu", "Aarhus", "Ghent", "Turin", "Krakow",
          "Seville", "Bilbao", "Leipzig", "Basel", "Split", "Riga", "Cork", "Malmo", "Nantes", "Brno"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NAMES = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea"]
FORMS = [
    "Let's meet in {city} on {day} {month}.",
    "{name} will be in {city} on {day} {month}; can we meet there?",
    "Booked: the workshop is in {city}, {day} {month}.",
    "See you on {day} {month} in {city}!",
    "Our review moves to {city} ({day} {month}).",
    "{name} suggests {city} for the offsite on {day} {month}.",
]
INSTRUCTION = "Extract the meeting's city and date as JSON with the keys city and date."


def example(rng):
    city, month, name = rng.choice(CITIES), rng.choice(MONTHS), rng.choice(NAMES)
    day = rng.randint(1, 28)
    sentence = rng.choice(FORMS).format(city=city, day=day, month=month, name=name)
    answer = json.dumps({"city": city, "date": f"{day} {month}"})
    return f"{INSTRUCTION}\n{sentence}", answer


def main():
    rng = random.Random(7)
    here = Path(__file__).parent
    with open(here / "data" / "train.jsonl", "w") as train:
        for _ in range(400):
            prompt, answer = example(rng)
            turns = [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]
            train.write(json.dumps({"messages": turns}) + "\n")
    with open(here / "data" / "eval_prompts.jsonl", "w") as prompts, open(
        here / "heldout" / "eval_answers.jsonl", "w"
    ) as answers:
        for number in range(60):
            prompt, answer = example(rng)
            prompts.write(json.dumps({"id": number, "prompt": prompt}) + "\n")
            answers.write(json.dumps({"id": number, "answer": answer}) + "\n")


if __name__ == "__main__":
    main()
