"""The index's posting format (search_index/codec.py) and the phrase check over it, on the seed reports' text.

What a reader would notice if these broke: a phrase or a word finding other documents than before, or a score moving.
Each test builds the same documents twice — Whoosh's own W3 codec and ours — and compares what comes out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.query import Phrase

from search_index import codec
from search_index.codec import ArrayCodec
from search_index.docsets import DocSets, read_postings, to_ids
from search_index.index import make_schema

from .conftest import SEEDS


def _paragraphs() -> list[str]:
    """Short documents cut from the seeds: many terms in several documents, some in one."""
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    chunks = [chunk for text in texts for chunk in text.split("\n\n") if len(chunk.split()) > 8]
    return chunks[:300]


def _build(target: Path, codec: object, docs: list[str]) -> object:
    ix = whoosh_index.create_in(str(target), make_schema())
    with ix.writer(codec=codec) as writer:
        for n, text in enumerate(docs):
            writer.add_document(id=str(n), title=text[:40], title_f=text[:40], body=text, body_f=text)
    return ix


@pytest.fixture(scope="module")
def twin_indexes(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    docs = _paragraphs()
    ours = _build(tmp_path_factory.mktemp("ours"), ArrayCodec(blocklimit=16), docs)  # small blocks: many per list
    theirs = _build(tmp_path_factory.mktemp("w3"), W3Codec(), docs)
    return ours, theirs


def test_every_posting_reads_back_as_whoosh_wrote_it(twin_indexes: tuple[object, object]) -> None:
    """Every term of every field: the same documents, weights and positions through Whoosh's matchers and through
    the array reader, in our format as in W3."""
    ours, theirs = twin_indexes
    with ours.searcher() as mine, theirs.searcher() as other:  # type: ignore[attr-defined]
        compared = 0
        for field in ("body", "body_f", "title_f"):
            positional = field.endswith("_f")
            for term in list(other.reader().lexicon(field)):
                want = list(other.reader().postings(field, term).all_items())  # (document, stored value)
                assert list(mine.reader().postings(field, term).all_items()) == want, (field, term)
                if positional:
                    assert (list(mine.reader().postings(field, term).items_as("positions"))
                            == list(other.reader().postings(field, term).items_as("positions"))), (field, term)
                postings, lengths, joined = read_postings(mine.reader(), field, term.decode("utf-8"), values=positional)
                assert postings.ids.tolist() == [d for d, _ in want]
                weights = [w for _, w in other.reader().postings(field, term).items_as("weight")]
                assert np.allclose(postings.weights, weights), (field, term)
                if positional:
                    assert joined == b"".join(v for _, v in want) and lengths.tolist() == [len(v) for _, v in want]
                compared += 1
        assert compared > 1000


@pytest.mark.parametrize("words", [["nong", "thon"], ["nong", "thon", "moi"], ["ngan", "sach", "nha", "nuoc"],
                                   ["thon", "nong"], ["dang", "uy", "xa"]])
def test_phrases_over_array_blocks_find_what_whoosh_finds(twin_indexes: tuple[object, object], words: list[str]) -> None:
    """A phrase checked over our blocks (the candidates' positions gathered from whole posting arrays) finds exactly
    the documents where Whoosh's positional matcher finds the words standing together in its own format."""
    ours, theirs = twin_indexes
    with ours.searcher() as mine, theirs.searcher() as other:  # type: ignore[attr-defined]
        phrase = Phrase("body_f", words)
        expected = sorted(other.docs_for_query(phrase))
        assert sorted(to_ids(DocSets(mine).phrase(phrase)).tolist()) == expected
        assert expected or words == ["thon", "nong"]  # the examples do occur (but for the reversed pair)


def test_segments_are_plain_files_so_opening_the_index_reads_little(tmp_path: Path) -> None:
    """Whoosh reads a compound segment by copying every file in it into memory: at 100,000 documents the service took
    13 s and 5 GB to open the index. Both the full and the incremental build write plain files (bench/RESULTS.md has
    the opening time and memory), and a search finds what the update wrote."""
    from core.record import DocumentRecord, write_record
    from search_index.index import build
    from search_index.query import SearchRequest, get_searcher, search

    records = tmp_path / "records"
    for n, text in enumerate(_paragraphs()[:250]):  # 200 or more: the two-process full build
        write_record(records, DocumentRecord.from_front_matter(f"van-ban/d{n}", {"title": text[:40]}, text, ()))
    index = tmp_path / "index"
    build(records, index)
    write_record(records, DocumentRecord.from_front_matter("van-ban/d0", {"title": "Báo cáo sửa"}, "Nội dung đã sửa.", ()))
    assert build(records, index)["updated"] == 1
    assert not list(index.glob("*.seg")), sorted(p.name for p in index.iterdir())
    get_searcher(index)
    assert search(index, SearchRequest(q='"nội dung đã sửa"'))["total"] == 1


def test_an_index_that_cannot_be_written_whole_is_refused_and_the_last_one_kept(tmp_path: Path) -> None:
    """A writer process that fails (here: files capped at 20 KB, as a full disk would) ends without Whoosh saying so;
    the build must not swap in an index missing documents."""
    import subprocess
    import sys

    from core.record import DocumentRecord, write_record
    from search_index.index import build

    from .conftest import ROOT

    records = tmp_path / "records"
    for n, text in enumerate(_paragraphs()[:250]):
        write_record(records, DocumentRecord.from_front_matter(f"van-ban/d{n}", {"title": text[:40]}, text, ()))
    index = tmp_path / "index"
    build(records, index)
    before = sorted(p.name for p in index.iterdir())
    script = ("import resource, signal, sys\nfrom pathlib import Path\nfrom search_index.index import build\n"
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\nresource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))\n"
              "try:\n    build(Path(sys.argv[1]), Path(sys.argv[2]), full=True)\nexcept Exception as exc:\n"
              "    print('refused:', type(exc).__name__, exc)\n")
    run = subprocess.run([sys.executable, "-c", script, str(records), str(index)], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert "refused:" in run.stdout, run.stdout + run.stderr[-2000:]
    assert sorted(p.name for p in index.iterdir()) == before  # the last index, untouched
    assert not index.with_name("index.tmp").exists()


def test_blocks_hold_their_bytes_as_written_and_older_blocks_still_read(tmp_path: Path) -> None:
    """Posting blocks are pickled with protocol 5 (bytes as they are: a block of positions read in microseconds, not
    decoded from latin-1 text); an index written with W3's protocol 2 reads back the same postings."""
    docs = _paragraphs()[:80]
    (tmp_path / "new").mkdir()
    (tmp_path / "old").mkdir()
    new = _build(tmp_path / "new", ArrayCodec(blocklimit=16), docs)
    with new.searcher() as s:  # type: ignore[attr-defined]
        common = max(s.reader().lexicon("body_f"), key=lambda t: s.reader().doc_frequency("body_f", t))
        assert s.reader().doc_frequency("body_f", common) > 16  # more than one block, none inlined
        matcher = s.reader().postings("body_f", common)
        raw = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        assert raw[:2] == b"\x80\x05", raw[:2]
    old_protocol = codec.BLOCK_PICKLE_PROTOCOL
    codec.BLOCK_PICKLE_PROTOCOL = 2
    try:
        old = _build(tmp_path / "old", ArrayCodec(blocklimit=16), docs)
    finally:
        codec.BLOCK_PICKLE_PROTOCOL = old_protocol
    with new.searcher() as a, old.searcher() as b:  # type: ignore[attr-defined]
        for term in list(b.reader().lexicon("body_f"))[:400]:
            assert list(a.reader().postings("body_f", term).all_items()) == list(b.reader().postings("body_f", term).all_items())
            text = term.decode("utf-8")
            assert read_postings(a.reader(), "body_f", text, values=True)[2] == read_postings(b.reader(), "body_f", text, values=True)[2]


def test_postings_spilled_in_batches_come_back_as_whoosh_spills_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The posting pool pickles its sorted runs a thousand postings at a time (posting_pool.py): with a pool small
    enough to spill many runs, every term of every field holds the same postings as with Whoosh's own pool, and a
    run written the old way (one posting per pickle) still reads."""
    import whoosh.writing
    from whoosh.filedb.filestore import FileStorage

    from search_index import posting_pool

    docs = _paragraphs()

    def build_with(pool: type, target: Path) -> dict[tuple[str, bytes], list[tuple[int, bytes]]]:
        monkeypatch.setattr(whoosh.writing, "PostingPool", pool)
        monkeypatch.setattr(posting_pool, "RUN_BATCH", 7)  # batches cut mid-term, many per run
        target.mkdir()
        ix = whoosh_index.create_in(str(target), make_schema())
        spilled: list[int] = []
        with ix.writer(codec=ArrayCodec(), limitmb=1) as writer:  # 1 MB: the pool spills run after run
            assert type(writer.pool) is pool  # type: ignore[attr-defined]  # a SegmentWriter's pool
            for n, text in enumerate(docs):
                writer.add_document(id=str(n), title=text[:40], title_f=text[:40], body=text, body_f=text)
            spilled.append(len(writer.pool.runs))  # type: ignore[attr-defined]
        assert spilled[0] > 3, spilled
        with ix.searcher() as s:
            return {(field, term): list(s.reader().postings(field, term).all_items())
                    for field in ("body", "body_f", "title_f") for term in s.reader().lexicon(field)}

    theirs = build_with(posting_pool.WHOOSH_POSTING_POOL, tmp_path / "whoosh")  # not whoosh.writing's: install() ran
    ours = build_with(posting_pool.BatchedPostingPool, tmp_path / "batched")
    assert len(ours) > 2000 and ours == theirs

    pool = posting_pool.BatchedPostingPool(FileStorage(str(tmp_path)), None)
    items = [("body_f", b"nong", 1, 1.0, b"x"), ("body_f", b"thon", 2, 1.0, b"y")]
    path, f = pool._new_run()
    whoosh.writing.SortingPool._write_run(pool, f, items)  # Whoosh's own layout
    assert list(pool._read_run(path)) == items


def test_a_spawned_index_worker_gets_the_batched_pool_from_the_codec_it_unpickles() -> None:
    """The archive build runs the index in a spawned process, and Whoosh's writer then spawns its workers too: they
    import Whoosh afresh, and what they unpickle first is the writer's arguments, the codec among them. Unpickling the
    codec in a fresh interpreter installs the batched pool (a worker left with Whoosh's pool was twice as slow)."""
    import pickle
    import subprocess
    import sys

    from .conftest import ROOT

    script = ("import pickle, sys, whoosh.writing\nbefore = whoosh.writing.PostingPool.__name__\n"
              "pickle.loads(bytes.fromhex(sys.argv[1]))\nprint(before, whoosh.writing.PostingPool.__name__)\n")
    run = subprocess.run([sys.executable, "-c", script, pickle.dumps(ArrayCodec()).hex()], cwd=ROOT, capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert run.stdout.split() == ["PostingPool", "BatchedPostingPool"], run.stdout + run.stderr
