# Run before a job that asked for the GPU: says in the job's first log lines whether torch sees a CUDA GPU,
# so a job that would train on the CPU without a word says so. Standard library only; never fails the job.
import sys

try:
    import torch
except Exception as error:  # torch missing or broken: nothing to check
    print(f"[looplab] this job asked for the GPU; torch cannot be imported here ({type(error).__name__}), so the GPU was not checked", flush=True)
    sys.exit(0)

version = getattr(torch, "__version__", "?")
built_for = getattr(getattr(torch, "version", None), "cuda", None)
try:
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
except Exception:
    count = 0
if count == 0:
    why = "it is a CPU-only build" if built_for is None else f"it is built for CUDA {built_for}, but no GPU is visible"
    print(f"[looplab] this job asked for the GPU, but torch {version} sees none ({why}): it will run on the CPU. The CUDA image is built with `looplab sandbox build --cuda`.", flush=True)
else:
    names = ", ".join(torch.cuda.get_device_name(index) for index in range(count))
    print(f"[looplab] torch {version} (CUDA {built_for}) sees {count} GPU{'s' if count > 1 else ''}: {names}", flush=True)
