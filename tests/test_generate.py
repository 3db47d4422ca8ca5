"""`tvb generate`: valid, deterministic, realistic synthetic registers, in one file or split."""

from __future__ import annotations

import dataclasses
import statistics

from registry.generate import dump, generate, write
from registry.validate import load_registry, registry_from_text
from tests.conftest import TODAY


def _entities(reg) -> dict:
    """Every entity without its position (which differs between one file and a folder)."""
    out = {}
    for table in (reg.units, reg.people, reg.dossiers, reg.processes, reg.collaborations):
        for k, v in table.items():
            fields = {f.name: getattr(v, f.name) for f in dataclasses.fields(v) if f.name != "loc"}
            if "evaluations" in fields:
                fields["evaluations"] = [dataclasses.replace(e, loc=None)
                                         for e in fields["evaluations"]]
            out[k] = fields
    return out


def test_same_seed_same_register_other_seed_other_register():
    assert dump(generate(150, seed=7)) == dump(generate(150, seed=7))
    assert dump(generate(150, seed=7)) != dump(generate(150, seed=8))


def test_200_people_validate_without_errors():
    result = registry_from_text(dump(generate(200, seed=1)), today=TODAY)
    assert result.ok, "\n".join(map(str, result.errors[:5]))
    reg = result.registry
    assert len(reg.people) == 200 and len(reg.dossiers) == 200
    # Some entries are stale or never confirmed, some collaborations ended unevaluated.
    assert {"W101", "W102"} <= {d.code for d in result.warnings}
    assert any(c.evaluations for c in reg.collaborations.values())


def test_written_without_anchors():
    # Shared date objects must not come out as &id001/*id001 (a register is hand-written).
    assert "&id" not in dump(generate(300, seed=2))


def test_split_folder_validates_to_the_same_registry(tmp_path):
    data = generate(200, seed=4)
    one = tmp_path / "one.yaml"
    write(data, one)
    files = write(data, tmp_path / "split", split=True)
    assert len(files) == 1 + len(data["directorates"])  # a shared file plus one per directorate
    a = load_registry(one, today=TODAY)
    b = load_registry(tmp_path / "split", today=TODAY)
    assert a.ok and b.ok
    assert _entities(a.registry) == _entities(b.registry)
    assert sorted((d.code, d.message) for d in a.diagnostics) == \
        sorted((d.code, d.message) for d in b.diagnostics)


def test_shape_scales_with_size():
    small, large = generate(200, seed=0), generate(12_000, seed=0)
    # Nine DGB directorates; beyond about 9,000 people one more per 1,000.
    assert len(small["directorates"]) == 9 and len(large["directorates"]) == 12
    deps = sum(len(d["departments"]) for d in large["directorates"])
    assert deps == 12_000 // 25
    # Collaboration sizes are heavy-tailed: the largest far above the typical one.
    sizes = [len(c["members"]) for c in large["collaborations"]]
    assert max(sizes) >= 5 * statistics.median(sizes)
    # Keywords are shared across directorates (possible duplicates for the integrator).
    owners = {p["id"]: p["unit"].split("-afd-")[0] for p in large["people"]}
    by_word: dict[str, set] = {}
    for d in large["dossiers"]:
        for w in d["keywords"]:
            by_word.setdefault(w, set()).add(owners[d["owner"]])
    assert sum(len(s) > 1 for s in by_word.values()) >= 5
