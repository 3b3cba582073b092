"""Pipeline: properties that hold for every event of every bundled sample report."""

from __future__ import annotations

from reportedly.cli import sample_documents


def test_pipeline_states_each_claim_once(pipeline):
    """No event carries the same claim twice (same field, value, source and sentence), even
    where two rules read the same words."""
    for extraction in pipeline.pipe(sample_documents()):
        for event in extraction.events:
            keys = [(c.field, c.value, c.source.name, c.source.via, c.stance, c.evidence.start)
                    for c in event.claims]
            assert len(keys) == len(set(keys)), extraction.id


def test_pipeline_evidence_lies_in_the_document(pipeline):
    """Every claim's evidence offsets point at its sentence in the document text."""
    for document, extraction in zip(sample_documents(), pipeline.pipe(sample_documents()),
                                    strict=True):
        for event in extraction.events:
            for c in event.claims:
                ev = c.evidence
                assert ev.doc_id == document.id
                assert 0 <= ev.start < ev.end <= len(document.text)
                assert " ".join(document.text[ev.start : ev.end].split()) == ev.sentence
