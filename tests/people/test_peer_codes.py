"""The peers' codes matching reads (people/codes.py) follow every write to a peer listing."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from community_hub.extensions import db
from community_hub.people.codes import rebuild
from community_hub.people.models import PeerCode, PeerSupporter


def stored() -> set[tuple]:
    rows = db.session.execute(
        select(PeerCode.peer_id, PeerCode.code, PeerCode.lat_band, PeerCode.latitude)
    )
    return {tuple(row) for row in rows}


def expected() -> set[tuple]:
    """What the rules say: each pathway ("p:") and language ("l:") a peer lists, once."""
    found = set()
    for peer in db.session.scalars(select(PeerSupporter)):
        codes = [f"p:{c}" for c in peer.pathways.split(",") if c]
        codes += [f"l:{c}" for c in peer.languages.split(",") if c]
        found |= {(peer.id, code, peer.lat_band, peer.latitude) for code in codes}
    return found


def test_codes_follow_each_peer_through_adds_changes_and_deletes(make_peer):
    jo = make_peer(pathways=",aa,alcohol,", languages=",en,cy,")
    sam = make_peer(pathways=",na,", languages=",en,pl,en,", town="Sheffield")
    db.session.commit()
    assert (jo.id, "l:cy", jo.lat_band, jo.latitude) in stored()
    assert {code for peer_id, code, *_ in stored() if peer_id == sam.id} == {"p:na", "l:en", "l:pl"}
    assert stored() == expected()

    jo.languages = ",en,"  # no longer lists Welsh
    sam.place_at(53.4, -1.5)  # moved
    db.session.commit()
    assert stored() == expected()
    assert not any(code == "l:cy" for _peer, code, *_ in stored())

    jo.display_name = "Jo B"  # neither a code nor the position: the rows stay as they are
    db.session.commit()
    assert stored() == expected()

    db.session.delete(jo)
    db.session.commit()
    assert {peer_id for peer_id, *_ in stored()} == {sam.id}
    assert stored() == expected()


def test_a_rolled_back_change_leaves_the_codes_as_they_were(make_peer):
    peer = make_peer(pathways=",ca,", languages=",en,")
    db.session.commit()
    before = stored()
    peer.pathways = ",ca,gamblers,"
    db.session.flush()
    db.session.rollback()
    assert stored() == before == expected()


def test_rebuild_after_writes_that_bypass_the_session(make_peer, runner):
    a = make_peer(pathways=",aa,", languages=",en,")
    make_peer(pathways=",smart,", languages=",en,ur,", town="Halifax")
    db.session.commit()
    db.session.execute(
        update(PeerSupporter).where(PeerSupporter.id == a.id).values(languages=",so,")
    )
    db.session.execute(delete(PeerCode))
    db.session.commit()
    assert rebuild(db.session()) == len(expected())
    db.session.commit()
    assert stored() == expected()
    db.session.execute(delete(PeerCode))
    db.session.commit()
    result = runner.invoke(args=["rebuild-peer-codes"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt" in result.output
    assert stored() == expected()
