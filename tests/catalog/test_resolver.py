"""The resolver maps real name variants to ids exactly, and refuses neighbours.

The names are spellings found in the corpus: config repo ids, report titles and abstracts,
card headings and article prose. Version numbers and sizes are identity; a family or lab name
alone never lands on one member.
"""

import pytest

from lineage.catalog.resolver import Resolver, name_key

SAME_MODEL = [
    # (name as written in a source, catalog id)
    ("DeepSeek-V3", "deepseek-v3"),
    ("DeepSeek V3", "deepseek-v3"),
    ("deepseek_v3", "deepseek-v3"),
    ("deepseek-ai/DeepSeek-V3", "deepseek-v3"),
    ("DeepSeek-V3-Base", "deepseek-v3"),
    ("DEEPSEEK-V3", "deepseek-v3"),
    ("DeepSeek-V2", "deepseek-v2"),
    ("DeepSeek V2 Lite", "deepseek-v2-lite"),
    ("deepseek-ai/DeepSeek-V2-Lite", "deepseek-v2-lite"),
    ("DeepSeek-R1", "deepseek-r1"),
    ("deepseek-ai/DeepSeek-R1", "deepseek-r1"),
    ("DeepSeek-V3.1", "deepseek-v3.1"),
    ("DeepSeek V3.1", "deepseek-v3.1"),
    ("DeepSeek-V3.2-Exp", "deepseek-v3.2-exp"),
    ("deepseek-ai/DeepSeek-V3.2-Exp", "deepseek-v3.2-exp"),
    ("DeepSeek-V3.2", "deepseek-v3.2"),
    ("DeepSeek-V4-Flash", "deepseek-v4-flash"),
    ("DeepSeek V4 Flash", "deepseek-v4-flash"),
    ("deepseek-ai/DeepSeek-V4-Pro", "deepseek-v4-pro"),
    ("Kimi K2", "kimi-k2"),
    ("Kimi-K2", "kimi-k2"),
    ("moonshotai/Kimi-K2-Instruct", "kimi-k2"),
    ("Kimi K2.5", "kimi-k2.5"),
    ("kimi-k2.5", "kimi-k2.5"),
    ("Kimi K2.6", "kimi-k2.6"),
    ("Kimi-K2.6", "kimi-k2.6"),
    ("moonshotai/Kimi-K3", "kimi-k3"),
    ("Kimi k1.5", "kimi-k1.5"),
    ("KIMI K1.5", "kimi-k1.5"),
    ("Moonlight-16B-A3B", "moonlight-16b-a3b"),
    ("GLM-4.5", "glm-4.5"),
    ("GLM 4.5", "glm-4.5"),
    ("zai-org/GLM-4.5-Air", "glm-4.5-air"),
    ("GLM-5", "glm-5"),
    ("Qwen3-235B-A22B", "qwen3-235b-a22b"),
    ("Qwen/Qwen3-30B-A3B", "qwen3-30b-a3b"),
    ("Qwen3-Next-80B-A3B", "qwen3-next-80b-a3b"),
    ("MiniMax-M2", "minimax-m2"),
    ("MiniMax M2.5", "minimax-m2.5"),
    ("MiniMax-Text-01", "minimax-text-01"),
    ("gpt-oss-120b", "gpt-oss-120b"),
    ("GPT-OSS-20B", "gpt-oss-20b"),
    ("MiMo-7B-Base", "mimo-7b-base"),
    ("Mixtral 8x7B", "mixtral-8x7b"),
    ("Llama-3.1-8B", "llama-3.1-8b"),
]

NOT_A_MODEL = [
    # (name, what it is instead: "family", "organization", "technique" or None for nothing)
    ("MiniMax-M1", None),  # M1 is not M2
    ("MiniMax-M3", None),
    ("Mistral Large 3", None),  # not Mistral 7B
    ("Qwen3.6 27B", None),  # not Qwen3.5-27B, not Qwen3.6-anything else
    ("Qwen3.5-27B", None),
    ("Qwen3-32B", None),
    ("Qwen/Qwen3-32B", None),
    ("GLM-4.6", None),
    ("GLM 5.1", None),
    ("DeepSeek-V3.3", None),
    ("DeepSeek-V5", None),
    ("Kimi K2.7", None),
    ("Kimi K4", None),
    ("DeepSeek-V3.2-Exp2", None),
    ("Gemma 4 31B", None),
    ("Qwen3", "family"),
    ("gpt-oss", "family"),
    ("Kimi", "organization"),
    ("DeepSeek", "organization"),
    ("Moonshot AI", "organization"),
    ("deepseek-ai", "organization"),
    ("Kimi Team", "organization"),
    ("MLA", "technique"),
    ("Multi-head Latent Attention", "technique"),
    ("Muon", "technique"),
    ("DSA", "technique"),
]


@pytest.fixture(scope="module")
def resolver(catalog):
    return Resolver(catalog)


@pytest.mark.parametrize("name,expected", SAME_MODEL, ids=[n for n, _ in SAME_MODEL])
def test_spellings_of_one_model_resolve_to_its_id(resolver, name, expected):
    assert resolver.model(name) == expected


@pytest.mark.parametrize("name,kind", NOT_A_MODEL, ids=[n for n, _ in NOT_A_MODEL])
def test_neighbours_families_labs_and_techniques_are_never_a_model(resolver, name, kind):
    assert resolver.model(name) is None
    found = resolver.resolve(name)
    assert (found.kind if found else None) == kind


def test_a_family_name_lists_its_members_and_lab_not_one_member(resolver):
    found = resolver.resolve("Qwen3")
    assert found.kind == "family" and found.organization == "alibaba-qwen"
    assert set(found.members) >= {"qwen3-235b-a22b", "qwen3-30b-a3b"}


def test_keys_keep_versions_and_sizes_apart():
    assert len({name_key(n) for n in ("Qwen3.6 27B", "Qwen3.5-27B", "Qwen3 6B", "Qwen3.6B", "Qwen36B")}) == 5
    assert name_key("DeepSeek V3") == name_key("DeepSeek-V3") == name_key("deepseek_v3") == name_key("DEEPSEEK V3")


def test_the_table_is_large_enough_to_mean_something():
    assert len(SAME_MODEL) + len(NOT_A_MODEL) >= 60
