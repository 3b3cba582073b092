"""The spaCy stage: the model's attribute ruler and lemmatizer read faster, to the same effect."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

STAND_INS = ("fast_attribute_ruler", "fast_lemmatizer")
WORDS = ["gon", "na", "got", "ta", "let", "'s", "ai", "n't", "nothin'", "y'", "all", "c'm",
         "on", "There", "is", "are", "it", "you", "I", "me", "did", "have", "had", "do",
         "that", "which", "not", "be", "am", "'re", "'ve", "gets", "got", "police", "said",
         "Rebels", "attacked", "the", "village", "on", "Monday", ",", ".", "\n", "  ", "-"]


def _signature(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


def _stock(nlp, text):
    """The text read with the model's own attribute ruler and lemmatizer."""
    swaps = (("attribute_ruler", "fast_attribute_ruler"), ("lemmatizer", "fast_lemmatizer"))
    for original, fast in swaps:
        nlp.enable_pipe(original)
        nlp.disable_pipe(fast)
    try:
        return nlp(text)
    finally:  # the session's pipeline as it was
        for original, fast in swaps:
            nlp.disable_pipe(original)
            nlp.enable_pipe(fast)


def test_nlp_stand_ins_take_the_place_of_the_model_components(nlp):
    """The stand-ins run; the model's ruler and lemmatizer stay in the pipeline, disabled."""
    assert set(STAND_INS) <= set(nlp.pipe_names)
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.disabled)


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen attacked a police post near the border on Tuesday, killing two officers.",
        "We're gon na go, y' all, and it ai n't nothin' they gave to you and me.",
        "Let's see: there is a crowd, there are two. Did it? I did have it. Do that.",
        "  \n\nPolice said   the road was   closed.\n- Rebels shelled it\n",
        "He gets what he got; which was not what she'd had.",
        "",
    ],
)
def test_nlp_stand_ins_set_what_the_model_components_set(nlp, text):
    """Tag, part of speech, morphology, lemma and parse match the model's own components."""
    assert _signature(nlp(text)) == _signature(_stock(nlp, text))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join))
def test_nlp_stand_ins_agree_on_any_word_sequence(nlp, text):
    """On any mix of the words the rules name, the stand-ins agree with the originals."""
    assert _signature(nlp(text)) == _signature(_stock(nlp, text))


def test_nlp_tokenizer_for_the_model_vocab_is_the_model_tokenizer(nlp):
    """Phrase patterns over the model's vocabulary are split by the model's own tokenizer;
    another vocabulary gets a blank English one."""
    import spacy

    from reportedly.nlp import tokenizer_for

    assert tokenizer_for(nlp.vocab) is nlp.tokenizer
    other = spacy.blank("en").vocab
    assert tokenizer_for(other).vocab is other


def test_nlp_actor_names_split_alike_by_the_model_and_a_blank_tokenizer(nlp):
    """The actor lexicon's names split the same way by the model's tokenizer and a blank
    English one (the matchers were built with the blank one before)."""
    import spacy

    from reportedly.actors import ActorResolver

    k = ActorResolver().k
    names = [*k.exact, *sorted(k.heads), *sorted(k.protest_nouns)]
    blank = spacy.blank("en", vocab=nlp.vocab).tokenizer
    assert [[t.text for t in d] for d in nlp.tokenizer.pipe(names)] == [
        [t.text for t in d] for d in blank.pipe(names)]


@pytest.mark.parametrize("word", ["attack", "village", "Attack", "", "zzzz", 3, None])
def test_nlp_lemma_index_answers_in_as_its_list(word):
    """The lemmatizer's index of known lemmas, looked up in a set, answers ``in`` as the
    plain list does, and still is that list."""
    from reportedly.nlp import _Members

    words = ["attack", "village", "3"]
    index = _Members(words)
    assert (word in index) == (word in words) and index == words


def test_nlp_lemmatizer_index_is_looked_up_in_sets(nlp):
    """The model's lemma index lists are replaced by set-backed lists of the same words."""
    from reportedly.nlp import _Members

    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert index and all(isinstance(words, _Members) for words in index.values())
