"""The index's posting format: Whoosh's W3 codec with each block's ids, weights and values stored as raw arrays.

Whoosh's W3 codec pickles a block's ids and weights as tuples of Python numbers (pickle protocol 2) and its values
as a tuple of byte strings, then zlib-compresses the pickle: reading a block builds one Python object per posting and
inflates it. A query that has not run before reads every posting of its words (docsets.py), and at 10,000 reports
that decoding was most of a first run (~0.35 ms per block of 128 postings, 20-45 lists per query; issue 15).

Here a block is a tuple of three byte strings — absolute ids as uint32, weights as float32 (or Whoosh's own None /
single float when they are all alike), values as uint32 lengths plus one joined string — pickled with protocol 5 (bytes
as they are), not compressed, in blocks of BLOCK_LIMIT postings. docsets.read_postings turns them into numpy arrays
without a copy per posting; Whoosh's own matchers (fallback ranking, `docs_for_query`) read them through `ArrayLeafMatcher`.
Native byte order, like fields.ArrayPositions: an index is built on the machine that serves it.
"""

from __future__ import annotations

import pickle
from array import array
from typing import Any

from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter

from .posting_pool import install as use_batched_posting_pool

# The index writer's worker processes unpickle this codec before they start their segment writers, and a worker
# spawned (not forked: the archive build runs the index in a spawned process, whose children are spawned too) imports
# Whoosh afresh: installing the batched posting pool on import puts it in every writer process (posting_pool.py).
use_batched_posting_pool()

# W3 pickles a block with protocol 2, which writes each byte string as latin-1 text (encoded to UTF-8 in the file,
# decoded and encoded again when read): a block of 100,000 positions took 9.5 ms to write and 1.4 ms to read, most of
# a common word's first query at 100,000 reports. Protocol 5 writes bytes as they are (9 µs, 31 µs); `loads` reads
# either, so indexes written before stay readable.
BLOCK_PICKLE_PROTOCOL = 5
BLOCK_LIMIT = 1024  # postings per block: ranking reads whole lists, so blocks are for Whoosh's skipping only
ID_TYPE, WEIGHT_TYPE, LENGTH_TYPE = "I", "f", "I"  # array typecodes: uint32 ids, float32 weights, uint32 value lengths


class ArrayPostingsWriter(W3PostingsWriter):
    """W3's block writer with raw-array block contents (term vectors, which use byte ids, keep W3's)."""

    _ids: Any  # array("I") of the block's document numbers (W3 sets it in _new_block)
    _weights: Any  # array("f")
    _values: list[bytes]
    _format: Any

    def _write_block(self, last: bool = False) -> None:
        """W3's block writer, its module's `dumps` pickling with BLOCK_PICKLE_PROTOCOL for the call (W3 passes 2)."""
        previous, whoosh3.dumps = whoosh3.dumps, _block_dumps
        try:
            super()._write_block(last)
        finally:
            whoosh3.dumps = previous

    def _mini_ids(self) -> Any:
        return super()._mini_ids() if self._byteids else self._ids.tobytes()

    def _mini_weights(self) -> Any:
        weights = self._weights
        if all(w == weights[0] for w in weights):
            return super()._mini_weights()  # None or one float, as W3 writes them
        return weights.tobytes()

    def _mini_values(self) -> Any:
        fixed = self._format.fixed_value_size()
        if fixed is not None and fixed >= 0:
            return super()._mini_values()
        return array(LENGTH_TYPE, map(len, self._values)).tobytes(), b"".join(self._values)


def _block_dumps(obj: Any, protocol: int | None = None, *, fix_imports: bool = True, buffer_callback: Any = None) -> bytes:
    return pickle.dumps(obj, BLOCK_PICKLE_PROTOCOL, fix_imports=fix_imports, buffer_callback=buffer_callback)


class ArrayLeafMatcher(W3LeafMatcher):
    """Reads the blocks ArrayPostingsWriter wrote, for Whoosh's own posting-at-a-time matching."""

    _data: Any  # the block's (ids, weights, values) once read
    _ids: Any
    _weights: Any
    _values: Any

    def copy(self) -> ArrayLeafMatcher:
        raise NotImplementedError("as in W3: a leaf matcher is not copied")

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        ids = array(ID_TYPE)
        ids.frombytes(self._data[0])
        self._ids = ids

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        raw = self._data[1]
        if isinstance(raw, bytes):
            weights = array(WEIGHT_TYPE)
            weights.frombytes(raw)
            self._weights = weights
        else:
            super()._read_weights()

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        fixed = self._fixedsize
        if fixed is not None and fixed >= 0:
            super()._read_values()
            return
        lengths_raw, joined = self._data[2]
        lengths = array(LENGTH_TYPE)
        lengths.frombytes(lengths_raw)
        values, start = [], 0
        for n in lengths:
            values.append(joined[start:start + n])
            start += n
        self._values = tuple(values)


class ArrayCodec(W3Codec):
    """W3 with raw-array posting blocks, uncompressed (stored fields and term index as in W3)."""

    def __init__(self, blocklimit: int = BLOCK_LIMIT, compression: int = 0, inlinelimit: int = 1) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False, compression=self._compression,
                                   inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
