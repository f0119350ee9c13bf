"""Speakers on unseen news, third round of issue 14: descriptions that stand for a person just
named ("the Dane", "the judge"), cues that belong to the sentence before, owners before a
description, passive cues inside reported speech, speakers named after a quote paragraph and
the answers of a question-and-answer interview."""

from __future__ import annotations

from quote_helpers import Extract, one_quote


def test_quotes_round3_nationality_noun_is_the_person_just_named(quotes: Extract) -> None:
    text = (
        "Freja Holm won the downhill in Kitzbühel by half a second.\n\n"
        "“The snow was perfect this morning,” the Dane said.\n"
    )
    assert one_quote(quotes(text), "snow was perfect").speaker == "Freja Holm"


def test_quotes_round3_nationality_man_noun_is_the_person_just_named(quotes: Extract) -> None:
    text = (
        "Liam Doherty scored twice as Hartford beat Newtown 3-1.\n\n"
        "“I have waited a long time for a night like this,” the Ulsterman said.\n"
    )
    assert one_quote(quotes(text), "waited a long time").speaker == "Liam Doherty"


def test_quotes_round3_role_noun_borrows_the_titled_subject_before_it(quotes: Extract) -> None:
    text = (
        "Mr Justice Owen Price said the delay had been inexcusable.\n\n"
        "“Nobody should wait four years for a hearing,” the judge said.\n"
    )
    assert one_quote(quotes(text), "four years").speaker == "Owen Price"


def test_quotes_round3_cue_of_the_sentence_before_is_not_this_quotes(quotes: Extract) -> None:
    text = (
        "“We defended well,” said home coach Abel Mensah. Visiting coach Rui Falcão "
        "complained about the pitch: “Nobody could pass the ball on it.”\n"
    )
    found = quotes(text)
    assert one_quote(found, "defended well").speaker == "Abel Mensah"
    assert one_quote(found, "Nobody could pass").speaker == "Rui Falcão"


def test_quotes_round3_participle_describing_a_noun_is_no_cue(quotes: Extract) -> None:
    text = (
        "The pilot’s widow, Moira Grant, said in a letter read to the inquest: “He loved "
        "flying more than anything.”\n"
    )
    q = one_quote(quotes(text), "loved flying")
    assert q.speaker == "Moira Grant"


def test_quotes_round3_owner_before_a_description_is_not_the_speaker(quotes: Extract) -> None:
    text = (
        "“The talks will resume on Monday,” said Norway’s special envoy, Ingrid Sætre, after "
        "the session.\n"
    )
    q = one_quote(quotes(text), "talks will resume")
    assert q.speaker == "Ingrid Sætre"
    assert q.speaker_span is not None and "Norway" not in (q.speaker or "")


def test_quotes_round3_passive_cue_in_reported_speech_takes_the_reporter(
    quotes: Extract,
) -> None:
    text = (
        "Professor Omar Haddad led the trial. He added, though, that the results needed to be "
        "confirmed in more patients: “We must not get ahead of ourselves.”\n"
    )
    q = one_quote(quotes(text), "ahead of ourselves")
    assert q.speaker == "Omar Haddad"


def test_quotes_round3_description_before_a_colon_takes_its_name(quotes: Extract) -> None:
    text = (
        "Landlord Peter Voss said he would appeal. His tenant Ruth Amadi was less calm: "
        "“I have nowhere else to go.”\n"
    )
    q = one_quote(quotes(text), "nowhere else")
    assert q.speaker == "Ruth Amadi"


def test_quotes_round3_pronoun_after_a_named_description_takes_the_name(
    quotes: Extract,
) -> None:
    text = (
        "The Green candidate, Oscar Lund, came third. Asked about the result, he said: "
        "“We tripled our vote.”\n"
    )
    assert one_quote(quotes(text), "tripled").speaker == "Oscar Lund"


def test_quotes_round3_speaker_named_in_the_sentence_after_the_quote(quotes: Extract) -> None:
    text = (
        "“The water came through the floor faster than we could bail it out.”\n\n"
        "That was how café owner Dimitri Kostas recalled the night the river burst its banks.\n"
    )
    q = one_quote(quotes(text), "water came through")
    assert q.speaker == "Dimitri Kostas"
    assert q.method == "quotes.next-sentence"


def test_quotes_round3_next_sentence_with_its_own_report_names_nobody(quotes: Extract) -> None:
    text = (
        "“The water came through the floor faster than we could bail it out.”\n\n"
        "Café owner Dimitri Kostas said the council had ignored warnings for years.\n"
    )
    assert one_quote(quotes(text), "water came through").speaker is None


def test_quotes_round3_interview_answers_are_the_interviewees(quotes: Extract) -> None:
    text = (
        "The architect Sunniva Berg has designed the new harbour library. We spoke to her.\n\n"
        "Q: Why glass?\n\n"
        "A: “Because the sea is the best thing in this town, and everyone should see it.”\n"
    )
    assert one_quote(quotes(text), "best thing").speaker == "Sunniva Berg"


def test_quotes_round3_age_set_off_by_commas_makes_a_person(quotes: Extract) -> None:
    text = (
        "“People think fishing is peaceful,” says Eoghann MacIver, 77, who worked the boats at "
        "Tarbert Bàn. He still mends nets.\n\n"
        "“It never was,” he said.\n"
    )
    assert one_quote(quotes(text), "never was").speaker == "Eoghann MacIver"


def test_quotes_round3_speaker_phrase_keeps_the_whole_name(quotes: Extract) -> None:
    text = "The Ministry of Defence said the base would stay open “for the foreseeable future”.\n"
    q = one_quote(quotes(text), "foreseeable future")
    assert q.speaker_span is not None and q.speaker_span.text == "The Ministry of Defence"


def test_quotes_round3_name_set_off_after_a_subject_is_the_topic(quotes: Extract) -> None:
    text = (
        "“The water was at the top of the stairs.”\n\n"
        "That is how pensioner Nora Blyth remembers the moment the River Esk reached her "
        "cottage in Ruswarp.\n\n"
        "Her neighbour, Alec Storr, 80, has lived on the lane all his life. “I have never seen "
        "the river like that,” he said.\n"
    )
    assert one_quote(quotes(text), "never seen the river").speaker == "Alec Storr"


def test_quotes_round3_headline_title_takes_the_body_speakers_name(quotes: Extract) -> None:
    text = (
        "Minister: ‘Every school will have a nurse by 2030’\n\n"
        "“Every school will have a nurse by 2030,” Priya Chandran told the conference.\n"
    )
    found = [q for q in quotes(text) if "nurse" in q.text]
    assert [q.speaker for q in found] == ["Priya Chandran", "Priya Chandran"]
    assert found[0].speaker_span is not None and found[0].speaker_span.text == "Minister"
