"""The report's story list: shown for more than one story, each card linking to its sections."""

from __future__ import annotations

import json
import re
from pathlib import Path

from storyline.output.report import render_report
from storyline.pipeline import build


def test_stories_report_lists_each_story_with_links_that_land(
    tmp_path: Path, fixtures: Path
) -> None:
    build([fixtures / "articles"], tmp_path / "out")
    dossier = json.loads((tmp_path / "out" / "dossier.json").read_text("utf-8"))
    assert len(dossier["stories"]) > 1
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    section = html[html.index('<section id="stories"') : html.index("</section>")]
    assert section.count('class="story-card"') == len(dossier["stories"])
    assert section.count('<svg class="spark"') == sum(
        1 for s in dossier["stories"] if s["first_date"]
    )
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for href in re.findall(r'href="#([^"]+)"', section):
        assert href in ids, href
    fuel = next(s for s in dossier["stories"] if "planet_budget" in s["article_ids"])
    assert f"{len(fuel['article_ids'])} articles" in section
    # Its top people link to their cards.
    person = dossier["entities"][0]
    person["type"] = "PERSON"
    fuel["entity_ids"] = [person["id"]]
    html = render_report(dossier)
    section = html[html.index('<section id="stories"') : html.index("</section>")]
    link = re.search(r'<p class="story-people"><a href="#([^"]+)">([^<]+)</a>', section)
    assert link is not None and link.group(2) == person["name"]
    assert f'id="{link.group(1)}"' in html


def test_stories_report_single_story_has_no_list(tmp_path: Path, fixtures: Path) -> None:
    build([fixtures / "articles"], tmp_path / "out")
    dossier = json.loads((tmp_path / "out" / "dossier.json").read_text("utf-8"))
    story = dossier["stories"][0]
    dossier["stories"] = [story]
    with_one = render_report(dossier)
    dossier.pop("stories")
    assert 'id="stories"' not in with_one
    assert with_one == render_report(dossier)
