"""Derivatives in the corpus: every quantized copy is a model derived from its base, and no copy makes
its publisher a lab that reuses the base's techniques.

The store holds, through the release pipeline (:func:`lineage.release.assemble.ingest_all`), every
corpus config and Hub card whose repo name carries a number-format suffix (NVIDIA's NVFP4 copies of
DeepSeek, GLM, Kimi, Qwen and MiniMax models, RedHat's and SGLang's conversions, the labs' own FP8
releases, the GGUF cards of two quantizers) and DeepSeek's own configs of the models NVIDIA copied.
"""

from __future__ import annotations

import re

import pytest

from lineage.ingest.config.derivative import base_name
from lineage.vocab import Predicate
from tests.fixtures.once import run_folder, store_once

DEEPSEEK_BASES = ("configs/deepseek-ai__DeepSeek-V3.1.json", "configs/deepseek-ai__DeepSeek-V3.2.json")


def _copies(sources):
    """The corpus sources of quantized copies: a format suffix on the repo's name (a file whose bytes are
    the lab's own config, bundled with lineage, is that config: NVIDIA's GLM-5-NVFP4 file is Z.ai's GLM-5 one)."""
    from lineage.catalog.config_sources import bundled_configs

    bundled = {c.sha256 for c in bundled_configs()}
    return [s for s in sources if s.sha256 not in bundled
            and base_name(s.path.rsplit("/", 1)[-1].removesuffix(".json").split("__")[-1])]


@pytest.fixture(scope="module")
def corpus_sources(corpus):
    from lineage.release.sources import from_corpus

    return from_corpus(corpus)


@pytest.fixture(scope="module")
def copies_store(tmp_path_factory, corpus, corpus_sources):
    from lineage.release.assemble import ingest_all
    from lineage.store import Store

    chosen = _copies(corpus_sources) + [s for s in corpus_sources if s.path in DEEPSEEK_BASES]
    assert len(chosen) >= 30 and {s.kind for s in chosen} == {"config", "card"}

    def build(path):
        with Store(path) as st:
            skipped, _ = ingest_all(st, corpus, chosen)
            assert not skipped, skipped

    path = store_once(run_folder(tmp_path_factory, "stores"), "derivatives", build,
                      tmp_path_factory.mktemp("derivatives") / "store")
    with Store(path) as st:
        yield st


@pytest.fixture(scope="module")
def overlay(copies_store):
    from lineage.catalog import Catalog

    return Catalog.load().with_discovered(copies_store.discovered_entities())


@pytest.fixture(scope="module")
def graphs(copies_store, overlay):
    from lineage.questions.projection import project

    return project(copies_store, overlay), project(copies_store, overlay, derivatives=True)


def test_every_quantized_copy_in_the_corpus_is_a_derivative_of_its_base(copies_store, overlay, corpus_sources):
    from lineage.domain import slug

    derived = {c.subject: c for c in copies_store.claims(predicate=Predicate.DERIVED_FROM)
               if c.qualifiers.get("relation") == "quantized"}
    uses = {c.subject for c in copies_store.claims(predicate=Predicate.USES)}
    copies = _copies(corpus_sources)
    for s in copies:
        repo = s.hub_repo if s.kind == "card" else s.path.rsplit("/", 1)[-1].removesuffix(".json").replace("__", "/", 1)
        copy = overlay.model_by_repo(repo)
        ident = copy.id if copy is not None else slug(repo.replace("/", "-"))
        assert ident in derived, f"{s.path}: no quantized derivedFrom for {ident}"
        base = overlay.get(derived[ident].object)
        # the base is named by the copy's name without its format suffix, never the copy itself
        assert base_name(base.name) is None and base.id != ident, (s.path, base.id)
        if s.kind == "config":  # a copy's config speaks about its base: no technique is the copy's
            assert ident not in uses, s.path
    assert len(derived) >= len(copies) - 1  # two files of one repo would share a model


def test_a_copy_of_another_labs_model_makes_its_publisher_no_adopter(graphs):
    from lineage.questions.adoption import adopters

    bases, with_copies = graphs
    assert "nvidia" not in {o.organization for o in adopters(bases, "mla").by_organization}
    assert {"deepseek-v3.1", "deepseek-v3.2"} <= {u.model for u in adopters(bases, "mla").rows}
    # copies whose own card states a technique are listed only on request, marked as copies
    marked = [u for u in adopters(with_copies, "mla").rows if u.derivation]
    assert all(u.derivation.startswith("quantized of ") for u in marked)
    assert not [u for u in adopters(bases, "mla").rows if u.derivation]


def test_flow_credits_nvidia_with_no_deepseek_technique_through_a_copy(graphs, copies_store, overlay):
    from lineage.questions.flow import idea_flow, symbiosis

    bases, _ = graphs
    pair = idea_flow(bases, "deepseek", "nvidia")
    copied = {c.subject for c in copies_store.claims(predicate=Predicate.DERIVED_FROM)}
    assert not {i.model for i in pair.items} & copied
    # MLA, DSA and decoupled RoPE reach NVIDIA only through its NVFP4 copies of DeepSeek-V3.1 and V3.2
    assert not {"mla", "dsa", "decoupled-rope"} & set(pair.techniques)
    assert all(overlay.get(i.model).organization == "nvidia" for i in pair.items)
    # what is left is NVIDIA's own Nemotron configs (aux-loss-free balancing, shared experts); DeepSeek's own
    # V4 configs store FP4 experts (credited to NVIDIA): a mutual pair of two labs' own models, none of it copied
    mutual = [p for p in symbiosis(bases).pairs if (p.a, p.b) == ("deepseek", "nvidia")]
    assert all(not {"mla", "dsa", "decoupled-rope"} & set(p.a_to_b) for p in mutual)
    assert all(i.model.startswith("nvidia-nemotron") for i in pair.items)


def test_who_uses_counts_base_models_and_brings_copies_back_on_request(copies_store, overlay):
    from lineage.questions.who_uses import who_uses

    plain = who_uses(copies_store, overlay, "mla")
    assert {"deepseek-v3.1", "deepseek-v3.2"} <= {r.model for r in plain.rows}
    assert not [r for r in plain.rows if r.derivation or r.model.startswith("nvidia-")]
    asked = who_uses(copies_store, overlay, "mla", derivatives=True)
    extra = {r.model for r in asked.rows} - {r.model for r in plain.rows}
    assert all(r.derivation for r in asked.rows if r.model in extra)


def test_show_lists_a_models_derivatives_by_relation(copies_store, overlay):
    from lineage.questions.listing import show

    found = show(copies_store, overlay, "deepseek-v3.1").derivatives
    assert list(found) == ["quantized"]
    (copy,) = found["quantized"]
    assert (copy.model, copy.organization, copy.relation) == ("nvidia-deepseek-v3.1-nvfp4", "nvidia", "quantized")
    assert copy.evidence[0].locator == "repo name"  # NVIDIA's config has no quantization key
    assert show(copies_store, overlay, "nvidia-deepseek-v3.1-nvfp4").derivatives == {}


def test_the_commands_show_derivatives_by_relation_and_count_them_only_on_request(copies_store):
    from typer.testing import CliRunner

    from lineage.cli import app

    path = str(copies_store.path)
    runner = CliRunner()
    shown = runner.invoke(app, ["show", "deepseek-v3.1", "--store", path])
    assert shown.exit_code == 0, shown.output
    derivatives = shown.output.split("Derivatives:")[1].split("\n\n")[0]
    assert re.search(r"quantized\s+nvidia-deepseek-v3\.1-nvfp4\s+nvidia\s+reported", derivatives)
    plain = runner.invoke(app, ["adopters", "mla", "--store", path])
    asked = runner.invoke(app, ["adopters", "mla", "--derivatives", "--store", path])
    assert plain.exit_code == asked.exit_code == 0
    assert "quantized of" not in plain.output and not re.search(r"^nvidia\s", plain.output, re.M)

    def model_rows(out):  # the last table: one adopting model per line
        return {ln.split()[0]: ln for ln in out.strip().split("\n\n")[-1].splitlines()[1:]}

    plain_rows, asked_rows = model_rows(plain.output), model_rows(asked.output)
    assert set(plain_rows) <= set(asked_rows)
    assert all("quantized of" in asked_rows[m] for m in set(asked_rows) - set(plain_rows))
