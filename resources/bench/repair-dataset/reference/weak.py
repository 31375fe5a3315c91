"""The trivial answer: the broken export copied unchanged as clean.csv."""

import shutil

shutil.copyfile("readings.csv", "clean.csv")
