"""Which BLAS the PyTorch peers really run on: the library mapped into this process.

Debian's python3-torch links libblas.so.3, which the alternatives system (or LD_LIBRARY_PATH, as
bench/run.py sets it) resolves to OpenBLAS or to the much slower reference BLAS; torch's own
build information cannot tell which, so the peers report this instead.

Importing this module also puts OpenBLAS on one thread, so every peer imports it before numpy and
torch: OpenBLAS has its own thread pool besides torch's, sized when the library loads (one thread
per core unless told before), and two pools of two threads each on two cores spin against each
other (the GAN: 53 iterations/s on one thread, 23 on two). OpenBLAS on one thread with torch's
pool at --threads is the fastest way to run on two.
"""
import ctypes
import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"


def loaded_blas():
    names = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if "blas" in base:
                names.add(os.path.realpath(path))
    openblas = sorted(n for n in names if "openblas" in n)
    if openblas:
        return "openblas " + core_name(openblas[0]) + " (" + ", ".join(openblas) + ")"
    return ", ".join(sorted(names)) or "none loaded"


def core_name(library):
    """The kernels OpenBLAS chose for this CPU (or was told to use by OPENBLAS_CORETYPE)."""
    try:
        lib = ctypes.CDLL(library)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "(kernels unknown)"
