"""Detect: cue phrases found by lemma, and the codebook's priority rules for sub-types."""

from __future__ import annotations

import pytest

from reportedly import detect
from reportedly.detect import Mention


def _typing(nlp, text, actor1_inter=None):
    doc = nlp(text)
    hits = detect.matcher()(doc)
    sents = sorted({h.sent for h in hits})
    mention = Mention("main", sents or [0], sents[0] if sents else 0, hits)
    return detect.classify(mention, doc, actor1_inter=actor1_inter)


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Hundreds of nurses marched through the capital on Monday demanding unpaid wages.",
            "Peaceful protest",
        ),
        (
            "Police fired tear gas to disperse students protesting fee increases outside campus.",
            "Protest with intervention",
        ),
        (
            "Security forces opened fire on demonstrators protesting the vote, killing four.",
            "Excessive force against protesters",
        ),
        (
            "Protesters threw stones at police and burned tyres after their leader was held.",
            "Violent demonstration",
        ),
        ("An angry mob beat a suspected thief to death in the market on Sunday.", "Mob violence"),
        (
            "Two warplanes carried out airstrikes on rebel positions outside the town.",
            "Air/drone strike",
        ),
        (
            "Artillery shells hit a residential district of the city overnight.",
            "Shelling/artillery/missile attack",
        ),
        (
            "A roadside bomb exploded under a passing army truck near the village.",
            "Remote explosive/landmine/IED",
        ),
        ("A suicide bomber blew himself up at a checkpoint outside the city.", "Suicide bomb"),
        ("Unidentified men threw a hand grenade into the courtyard of a bar.", "Grenade"),
        ("Gunmen shot dead a farmer and his son in their field on Tuesday.", "Attack"),
        (
            "Armed men abducted twelve passengers from a bus on the highway.",
            "Abduction/forced disappearance",
        ),
        ("Militiamen raped three women who were collecting firewood.", "Sexual violence"),
        (
            "Government troops clashed with rebel fighters for several hours near the bridge.",
            "Armed clash",
        ),
        ("Air defence units shot down two drones over the port city.", "Disrupted weapons use"),
        ("Police arrested an opposition leader at his home in the capital.", "Arrests"),
        (
            "The two armed groups signed a ceasefire agreement in the presence of elders.",
            "Agreement",
        ),
        (
            "Soldiers looted shops and torched houses in the village after residents fled.",
            "Looting/property destruction",
        ),
    ],
)
def test_detect_classify_gives_the_codebook_subtype(nlp, text, sub):
    """Each example sentence is typed as an ACLED coder would type it."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub, typing


def test_detect_airstrike_during_ground_battle_is_one_battle(nlp):
    """Codebook: an airstrike during a ground battle is coded as the battle (Armed clash)."""
    typing = _typing(
        nlp, "Troops clashed with insurgents for hours, backed by airstrikes on their positions."
    )
    assert typing.event_type == "Battles"


def test_detect_shelling_with_airstrike_is_air_strike(nlp):
    """Codebook: shelling together with an airstrike is coded Air/drone strike."""
    typing = _typing(nlp, "Warplanes and artillery pounded the town on Friday.")
    assert typing.sub_event_type == "Air/drone strike"


def test_detect_intercepted_missiles_are_disrupted_weapons_use(nlp):
    """Codebook: missiles intercepted are Disrupted weapons use, not a missile attack."""
    typing = _typing(nlp, "Air defences intercepted three missiles fired at the capital overnight.")
    assert typing.sub_event_type == "Disrupted weapons use"
    assert typing.event_type == "Strategic developments"


@pytest.mark.parametrize(
    ("inter", "sub"),
    [(1, "Government regains territory"), (2, "Non-state actor overtakes territory")],
)
def test_detect_territory_subtype_follows_the_actor(nlp, inter, sub):
    """Who took a town decides between the two territory sub-types."""
    typing = _typing(
        nlp,
        "After heavy fighting, the forces captured the town of Kilo on Sunday.",
        actor1_inter=inter,
    )
    assert typing.sub_event_type == sub


def test_detect_plover_mode_drone(nlp):
    """A drone in the mention makes the PLOVER mode 'drone'."""
    typing = _typing(nlp, "A drone strike hit a car on the coastal road.")
    assert (typing.plover_event, typing.plover_mode) == ("ASSAULT", "drone")


def test_detect_labour_strike_is_a_protest_not_an_airstrike(nlp):
    """A bare 'strike' by workers is a demonstration."""
    typing = _typing(nlp, "Dock workers went on strike over unpaid wages at the port.")
    assert typing.event_type == "Protests"


def test_detect_generic_statement_is_generic(nlp):
    """Habitual statements with a generic cue are not events."""
    doc = nlp("The air force has carried out hundreds of airstrikes since the war began.")
    hits = detect.matcher()(doc)
    assert detect.is_generic(next(doc.sents), hits)


def test_detect_specific_statement_is_not_generic(nlp):
    """A dated, single event is not generic."""
    doc = nlp("A warplane struck a fuel depot outside the city on Monday.")
    assert not detect.is_generic(next(doc.sents), detect.matcher()(doc))


def test_detect_non_conflict_sentence_gives_nothing(nlp):
    """Interest rates are not an event."""
    assert (
        _typing(nlp, "The central bank kept its benchmark interest rate unchanged on Thursday.")
        is None
    )


def test_detect_every_subtype_is_mapped():
    """All 25 ACLED sub-types have an event type, a disorder type and a PLOVER event."""
    subs = detect.lexicon()["subtypes"]
    assert len(subs) == 25
    for sub in subs:
        t = detect.typing_for(sub, "test")
        assert t.event_type and t.disorder_type and t.plover_event


def _sent_hits(nlp, text):
    doc = nlp(text)
    return next(doc.sents), detect.matcher()(doc)


@pytest.mark.parametrize(
    ("text", "tally"),
    [
        ("Vigilante killings have claimed at least nine lives in the district this year.", True),
        ("Bandit raids have displaced thousands in recent months, officials said.", True),
        ("A mob killed a suspected thief in the district on Monday.", False),
        ("Last year the militia claimed several lives in the district.", False),
    ],
)
def test_detect_tally_over_a_period_is_no_event(nlp, text, tally):
    """A count over a period in the present perfect is a running total, not an event."""
    sent, hits = _sent_hits(nlp, text)
    assert detect.is_tally(sent, hits) is tally


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        ("Three men were arrested on Monday in connection with the attack.", True),
        ("Police detained two suspects over the killing, a spokesman said.", True),
        ("Police arrested twenty opposition supporters at a rally on Monday.", False),
    ],
)
def test_detect_arrests_for_an_event_told_are_a_follow_up(nlp, text, follow_up):
    """Arrests of suspects for an event already named ('in connection with the attack')."""
    sent, hits = _sent_hits(nlp, text)
    assert detect.is_follow_up(sent, hits) is follow_up


def test_detect_banned_protests_are_irrealis(nlp):
    """A ban on demonstrations tells of no demonstration."""
    sent, hits = _sent_hits(nlp, "The governor banned all marches in the city centre last month.")
    assert detect.is_irrealis(sent, hits)


def test_detect_past_perfect_in_reported_speech_is_not_generic(nlp):
    """'confirmed that troops had clashed ... and hundreds of families had fled' is one event."""
    sent, hits = _sent_hits(
        nlp,
        "An official confirmed that soldiers and rebels had clashed near "
        "the bridge on Sunday and said hundreds of families had fled.",
    )
    assert not detect.is_generic(sent, hits, has_day=True)


def test_detect_plover_mode_burning_beats_looting(nlp):
    """Homes burned and goods looted: the PLOVER mode is destroy (the graver act)."""
    typing = _typing(nlp, "Soldiers burned dozens of homes and looted grain stores in the village.")
    assert typing.sub_event_type == "Looting/property destruction"
    assert typing.plover_mode == "destroy"


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Traders marched to the town hall on Monday. Police intervened and detained two of "
            "the marchers.",
            "Protest with intervention",
        ),
        (
            "Nurses protested outside the ministry over the arrest of a union leader last year.",
            "Peaceful protest",
        ),
        (
            "Residents held a vigil on the anniversary of the riot that shook the town.",
            "Peaceful protest",
        ),
        (
            "Farmers demonstrated in the square on Friday. Some of them threw bottles at police.",
            "Violent demonstration",
        ),
        (
            "Youths hurled stones at soldiers at the entrance of the village on Sunday.",
            "Mob violence",
        ),
        (
            "A group of people beat a suspected thief in the market on Sunday.",
            "Mob violence",
        ),
        ("Rebels clashed with militiamen near the river crossing on Tuesday.", "Armed clash"),
        (
            "Gunmen attacked a military convoy near the village on Tuesday, killing two soldiers.",
            "Armed clash",
        ),
        (
            "Gunmen attacked worshippers at a church in the village on Sunday.",
            "Attack",
        ),
        (
            "Dozens of protesters held a rally in the capital on Saturday.",
            "Peaceful protest",
        ),
        (
            "Members of a civic group held a press conference with banners outside city hall.",
            "Peaceful protest",
        ),
    ],
)
def test_detect_crowd_and_target_rules(nlp, text, sub):
    """Crowd events are typed by what was done at them (anywhere in the mention, not their
    topic); attacks by the armed or unarmed nouns they act on; riots with no demonstration
    are mob violence."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Police did not intervene.", False),
        ("They demanded the arrest of the mayor.", False),
        ("Police dispersed the crowd.", True),
        ("Police fired tear gas.", True),
    ],
)
def test_detect_told_as_act(nlp, text, act):
    """Negated, demanded or topical cue words are not acts of the day; plain reports are."""
    doc = nlp(text)
    hits = [h for h in detect.matcher()(doc) if h.group == "intervention"]
    assert hits, text
    assert any(detect.told_as_act(doc[h.start]) for h in hits) is act


def test_detect_demand_by_protesters_is_not_irrealis(nlp):
    """'Protesters demanded jobs': the protesters are the subject, the protest took place."""
    doc = nlp("Protesters demanded jobs in front of the oilfield.")
    hits = detect.matcher()(doc)
    assert not detect.is_irrealis(doc[:], hits)


def test_detect_counted_protesters_are_not_generic(nlp):
    """'dozens of protesters' is the size of a crowd, not a count of events."""
    doc = nlp("On 14 February, dozens of protesters held a protest in the city.")
    hits = detect.matcher()(doc)
    assert not detect.is_generic(doc[:], hits, has_day=True)


@pytest.mark.parametrize(
    ("text", "word", "told"),
    [
        ("Gunmen killed three farmers near the village.", "killed", True),
        ("A bomb exploded outside the market.", "bomb", True),
        ("Car bombs", "bombs", False),
        ("Three soldiers were wounded in the incident.", "wounded", False),
        ("Militants tried to plant mines to target security forces.", "target", False),
    ],
)
def test_detect_tells_act_only_for_the_act_itself(nlp, text, word, told):
    """A cue tells the event as an act, unlike a weapon only named, the wounded, or a purpose."""
    doc = nlp(text)
    hits = [h for h in detect.matcher()(doc) if h.span(doc).root.text == word]
    assert hits
    assert detect.tells_act(hits[0], doc) is told


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Rebels fired mortar rounds at an army base on Monday. Soldiers responded with "
            "mortars of their own.",
            "Armed clash",
        ),
        (
            "Gunmen attacked a police post near the river. Both sides then exchanged fire for "
            "an hour.",
            "Armed clash",
        ),
        (
            "Shells landed on a market on Tuesday, killing three civilians. Both sides have "
            "been accused of shelling homes since the war began.",
            "Shelling/artillery/missile attack",
        ),
        ("The head of the village council was shot dead on Friday.", "Attack"),
        (
            "Drivers blocked the highway with burning tires on Monday to protest fuel prices.",
            "Violent demonstration",
        ),
        (
            "Hundreds of members of the Workers Fight Movement held a march on Monday.",
            "Peaceful protest",
        ),
        (
            "Residents protested outside the town hall on Monday. It came days after a clash "
            "between residents and squatters occurred.",
            "Peaceful protest",
        ),
    ],
)
def test_detect_exchange_killing_and_crowd_rules(nlp, text, sub):
    """Heavy weapons fire answered by the other side is a battle; a killing with no armed
    target is an Attack; burning tires are violence, names and earlier clashes are not."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub


@pytest.mark.parametrize(
    ("sub", "kind", "expected"),
    [
        ("Arrests", "rebel", "Abduction/forced disappearance"),
        ("Arrests", "unidentified", "Abduction/forced disappearance"),
        ("Arrests", "state", "Arrests"),
        ("Arrests", None, "Arrests"),
        ("Mob violence", "rebel", "Armed clash"),
        ("Mob violence", "state", "Mob violence"),
    ],
)
def test_detect_actor_kind_retypes_detentions_and_mobs(sub, kind, expected):
    """Detention by a non-state armed group is an abduction; a rebel group is not a mob."""
    typing = detect.typing_for(sub, "test")
    typing = detect.mob_of_organised_actor(detect.detention_by_armed_group(typing, kind), kind)
    assert typing.sub_event_type == expected


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Militiamen attacked a village on Monday. They raped a woman before taking cattle.",
            "Sexual violence",
        ),
        (
            "A mob beat up a man suspected of rape in the market on Monday.",
            "Mob violence",
        ),
    ],
)
def test_detect_sexual_violence_told_as_act_types_the_event(nlp, text, sub):
    """Sexual violence done in the event types it anywhere in the mention; as a motive, not."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub


@pytest.mark.parametrize(
    ("sub", "kind", "victim", "bare_country", "expected"),
    [
        ("Attack", "rebel", "Gunmen shot dead two rebel fighters.", False, "Armed clash"),
        ("Attack", "state", "Gunmen shot dead a soldier at a checkpoint.", False, "Armed clash"),
        ("Attack", "militia", "Gunmen killed a gang member.", False, "Armed clash"),
        ("Attack", "civilians", "Gunmen shot dead a farmer.", False, "Attack"),
        ("Attack", "identity", "Gunmen attacked the Bari community.", False, "Attack"),
        ("Attack", "state", "Gunmen shot an off-duty police officer.", False, "Attack"),
        ("Attack", "state", "Gunmen killed a former soldier at home.", False, "Attack"),
        ("Attack", "state", "Fighters attacked a village in Chad.", True, "Attack"),
        ("Abduction/forced disappearance", "state", "Gunmen seized a soldier.", False,
         "Abduction/forced disappearance"),
    ],
)
def test_detect_attack_on_an_armed_actor_is_a_battle(sub, kind, victim, bare_country, expected):
    """An Attack whose victim is an armed, organised actor in service is an Armed clash."""
    typing = detect.typing_for(sub, "test")
    typing = detect.attack_on_armed_actor(
        typing, kind, victim=victim, bare_country=bare_country
    )
    assert typing.sub_event_type == expected
    if expected != sub:
        assert typing.event_type == "Battles" and "codebook" in typing.rule


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Clashes erupted between two families in the town on Sunday over a land dispute, "
            "leaving one resident dead.",
            "Mob violence",
        ),
        (
            "At least 30 people, including policemen, were injured in a clash between two "
            "groups of villagers on Tuesday.",
            "Mob violence",
        ),
        (
            "Members of a rival party attacked and injured a council candidate on Friday.",
            "Mob violence",
        ),
        (
            "Four people were wounded in a dispute between two unknown armed groups on Monday.",
            "Attack",
        ),
        (
            "A shoot-out between members of rival drug trafficking groups took place on Friday.",
            "Armed clash",
        ),
        (
            "The People's Defense Force carried out an attack against a police station on "
            "Monday.",
            "Armed clash",
        ),
    ],
)
def test_detect_fights_between_unorganised_groups_are_mob_violence(nlp, text, sub):
    """Families, groups of villagers and rival party members who fight are a mob; armed
    groups, gangs and a crowd word inside a group's name are not."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub


def test_detect_mob_between_two_crowds_has_rioters_on_both_sides(nlp):
    """A clash between two unorganised groups says both sides are crowds (actor2 too)."""
    typing = _typing(nlp, "Supporters of two candidates clashed with each other on Sunday.")
    assert typing is not None and typing.sub_event_type == "Mob violence"
    assert typing.crowds_on_both_sides


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "Hundreds of flood victims staged a demonstration by blocking the road and burning "
            "tires on Monday.",
            "Violent demonstration",
        ),
        (
            "Students demonstrated against poor food on Sunday, burning down a hut belonging "
            "to a teacher.",
            "Violent demonstration",
        ),
        (
            "Activists of the youth movement held their weekly climate strike in the square on "
            "Friday.",
            "Peaceful protest",
        ),
    ],
)
def test_detect_crowd_burning_and_climate_strikes(nlp, text, sub):
    """Burning tires or a hut at a demonstration is violence (also as the second of a list
    of means); a climate strike is a demonstration, not an airstrike."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("A mob burnt a motorcycle near the market on Thursday.", "Mob violence"),
        ("Residents set fire to the local police office on Thursday.", "Mob violence"),
        ("Soldiers burned down several houses in the village on Thursday.",
         "Looting/property destruction"),
    ],
)
def test_detect_property_destroyed_by_a_crowd_is_a_riot(nlp, text, sub):
    """Destruction by a mob or by residents is mob violence; by an organised actor it is a
    strategic development (Looting/property destruction)."""
    typing = _typing(nlp, text)
    assert typing is not None and typing.sub_event_type == sub


def _main_event(pipeline, text):
    from reportedly.records import Document

    document = Document.from_text(text, id="t", published="2023-06-20")
    events = pipeline.extract_doc(document, pipeline.nlp(text)).events
    return next((e for e in events if e.role == "main"), None)


@pytest.mark.parametrize(("text", "sub"), [
    ("On 12 June 2023, a new armed group calling itself the Northern Shield announced its "
     "formation in Faryab province.", "Change to group/activity"),
    ("On 9 June 2023, Ukrainian forces retook the town of Novoselivka from the rebels.",
     "Government regains territory"),
    ("On 2 June 2023, monitors recorded 14 shots involving small arms near Avdiivka.",
     "Armed clash"),
    ("On 4 June 2023, soldiers sealed off and seized the house of a local opposition "
     "organiser in Mawlamyine.", "Looting/property destruction"),
    ("On 6 June 2023, settlers established a new outpost on a hill north of Nablus.",
     "Headquarters or base established"),
    ("On 8 June 2023, the junta revoked the citizenship of three exiled journalists.",
     "Other"),
])
def test_detect_strategic_and_territory_phrasings_start_an_event(pipeline, text, sub):
    """Codebook sub-types told in phrasings event notes use: a formation announced, a
    town retaken ("retook" is not lemmatised to "retake"), shots recorded by monitors, a
    house seized, an outpost set up, a citizenship revoked."""
    event = _main_event(pipeline, text)
    assert event is not None and event.sub_event_type == sub


def test_detect_grievance_since_in_past_perfect_keeps_the_event(pipeline):
    """'... a demand they had been making since the beginning of the year': an older
    grievance in the past perfect beside the act does not make the act a running tally;
    the same clause in the present perfect does."""
    act = ("On 14 June 2023, in Chitre, Herrera, parents and teachers blocked traffic to "
           "demand more classrooms, a demand that they {} making since the beginning of "
           "the year.")
    event = _main_event(pipeline, act.format("had been"))
    assert event is not None and event.sub_event_type == "Peaceful protest"
    assert _main_event(pipeline, "Parents have blocked roads in Chitre since the beginning "
                                 "of the year.") is None
