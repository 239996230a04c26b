"""Which BLAS the PyTorch peers really run on: the library mapped into this process.

Debian's python3-torch links libblas.so.3, which the alternatives system (or LD_LIBRARY_PATH, as
bench/run.py sets it) resolves to OpenBLAS or to the much slower reference BLAS; torch's own
build information cannot tell which, so the peers report this instead.
"""
import os


def loaded_blas():
    names = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if "blas" in base:
                names.add(os.path.realpath(path))
    if any("openblas" in n for n in names):
        return "openblas (" + ", ".join(sorted(n for n in names if "openblas" in n)) + ")"
    return ", ".join(sorted(names)) or "none loaded"
