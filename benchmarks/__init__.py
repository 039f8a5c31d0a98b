"""`make bench`: Flowcast against a minimal reference bridge, same box, same load (DESIGN §11).

Run `python -m benchmarks --help`. Not part of `make test`: a full run takes minutes.
"""
