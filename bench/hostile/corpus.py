"""The good articles every hostile case puts beside its odd input, written once.

Each carries a marker word that appears nowhere else (``MARKERS``), so that a case can tell
whether the article reached the dossier without relying on how the build names its ids.
"""

from __future__ import annotations

__all__ = ["GOOD_A", "GOOD_B", "GOOD_C", "GOOD_D", "MARKERS", "PAYLOAD", "kill_corpus"]

GOOD_A = """\
 date 2024-03-14 Harbour plan approved after months of delay

MARROWFIELD, March 14 (Reuters) - The Marrowfield city council approved a £40 million plan on \
Thursday to rebuild the old harbour wall, ending a dispute that had stalled the project since \
last September.

Council leader Janet Okafor said the vote was "a turning point for the whole coast" and \
promised that work would begin in May.

"We have waited far too long, and the sea has not waited for us," Okafor told reporters \
outside the town hall.

Opposition councillor Peter Lindqvist, who voted against the plan, said the costs had been \
underestimated. "The figures we were shown in January do not add up," he said.

The Environment Agency warned in 2022 that the wall could fail within a decade. Engineers \
expect the rebuild to take two years.
"""

GOOD_B = """\
 date 2024-03-16 Unions threaten strike over rail timetable

LONDON, March 16 - Rail unions on Saturday threatened a week-long strike over a new timetable \
that they say will cut hundreds of Quillbrook depot jobs by the end of the year.

Mick Halloran, general secretary of the transport union, said members had "run out of \
patience" with the operator.

"Nobody asked the drivers, and nobody asked the passengers," Halloran said at a rally in \
Manchester. The operator's chief executive, Sarah Whitcombe, said on Friday that the changes \
would make services more reliable.

Talks are due to resume on Tuesday. The last national rail strike, in June 2023, cost the \
economy an estimated £100 million a day, according to the Centre for Economics and Business \
Research.
"""

GOOD_C = """\
Scientists at the Tarnhelm Institute said on Monday that a new battery chemistry could halve \
the cost of storing wind power. "This is the result we had hoped for since 2019," said lead \
researcher Amira Castellanos. The team expects a pilot plant to open in the spring of 2026, \
and the energy minister, Tom Ashdown, called the work "genuinely exciting" in a statement on \
Tuesday."""

GOOD_D = """\
The mayor of Velloran, Luca Bertolini, resigned on Wednesday after a report found that city \
contracts worth €12 million had been awarded without a tender. "I take full responsibility," \
Bertolini said in a short video. Prosecutors opened an inquiry in February 2024, and the \
council will elect an interim mayor next Monday, a spokeswoman said."""

MARKERS = {
    "A": "Marrowfield",
    "B": "Quillbrook",
    "C": "Tarnhelm",
    "D": "Velloran",
}

PAYLOAD = (
    '<script>window.__pwned=1;alert("pwn-script")</script>'
    '<img src=x onerror="window.__pwned=2;alert(2)">'
    '</script><svg onload="window.__pwned=3"></svg>'
    '<a href="javascript:window.__pwned=4">click</a>'
    '<iframe srcdoc="<script>parent.__pwned=5</script>"></iframe><x-pwn></x-pwn>'
    "\"'><body onload=window.__pwned=6>"
)
"""Markup a hostile page would plant in a field. Every piece sets ``window.__pwned`` or calls
``alert`` if it ever runs, and each leaves a trace the HTML check can see (a tag, an ``on*``
attribute or a ``javascript:`` URL) if it ever becomes markup."""

_TOWNS = ["Ashby", "Brenmoor", "Caldwick", "Dunmere", "Elstow", "Farrowdale", "Glenhaven"]
_PEOPLE = [
    ("Helen Marsh", "mayor"),
    ("Omar Siddiqui", "police chief"),
    ("Grace Mbeki", "council leader"),
    ("Daniel Reyes", "school governor"),
    ("Ingrid Solberg", "hospital director"),
    ("Tomasz Nowak", "union official"),
]
_TOPICS = [
    ("a new bypass", "traffic"),
    ("the flood defences", "flooding"),
    ("a library closure", "budget cuts"),
    ("the bus depot", "pollution"),
    ("a housing estate", "rents"),
]


def kill_corpus(n: int) -> list[tuple[str, str]]:
    """``n`` distinct, deterministic articles (file name, text) big enough in number to spread
    the analysis over worker processes, for the kill-and-resume cases."""
    out = []
    for i in range(n):
        town = _TOWNS[i % len(_TOWNS)]
        person, role = _PEOPLE[i % len(_PEOPLE)]
        other, other_role = _PEOPLE[(i * 5 + 1) % len(_PEOPLE)]
        topic, issue = _TOPICS[i % len(_TOPICS)]
        day = 1 + (i % 27)
        month = 1 + (i % 12)
        text = (
            f" date 2023-{month:02d}-{day:02d} {town} row over {topic} deepens ({i})\n\n"
            f"{town.upper()}, {day} {_month(month)} - Residents of {town} packed a public meeting "
            f"on Tuesday to protest against {topic}, the {i + 3}th such meeting since "
            f"{2010 + i % 12}.\n\n"
            f'"People here are worried about {issue}, and they are right to be," {person}, '
            f"the {role}, said after the meeting.\n\n"
            f'{other}, the {other_role}, disagreed. "We have listened for {i + 2} months and '
            f'the plan is better for it," {other.split()[0]} told the local paper on '
            f"Wednesday.\n\n"
            f"A decision is expected on {_month(1 + (month % 12))} {day}, {2024 + i % 3}. "
            f"Campaigners said they would take the case to court if the plan went ahead, and "
            f"case number {1000 + 37 * i} was lodged with the county court last week.\n"
        )
        out.append((f"kill-{i:03d}.txt", text))
    return out


def _month(m: int) -> str:
    return [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][m - 1]
