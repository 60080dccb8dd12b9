"""Hash routing matches transformers' DeepseekV4HashRouter; the table, not the input, picks the experts."""

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.hash_routing import (  # noqa: E402
    HashMoE,
    HashRouter,
    HashRoutingConfig,
    balanced_hash_table,
    hash_route,
    random_hash_table,
)
from lineage.techniques.moe import swiglu  # noqa: E402

# Tolerances. Both sides compute router logits, sqrt(softplus) and the normalisation in float64 for a
# float64 module (transformers' hash router does not upcast to float32), so gates differ only by op
# order: a 32-term dot product and a 4-term sum, ~40 * 2^-53 ~ 4e-15 relative. FLOAT64_ONLY = 1e-12
# leaves ~250x headroom; a wrong expert or scoring function moves a gate by 1e-2 or more. Expert
# choices are integers and compared exactly.
FLOAT64_ONLY = dict(rtol=1e-12, atol=1e-12)
TINY = HashRoutingConfig(hidden_size=32, vocab_size=50, n_routed_experts=16, num_experts_per_tok=4, moe_intermediate_size=8)


def test_router_matches_transformers_deepseek_v4_hash_router():
    pytest.importorskip("transformers")
    from transformers import DeepseekV4Config
    from transformers.models.deepseek_v4.modeling_deepseek_v4 import DeepseekV4HashRouter

    hf = DeepseekV4Config(
        vocab_size=TINY.vocab_size, hidden_size=TINY.hidden_size, n_routed_experts=TINY.n_routed_experts,
        num_experts_per_tok=TINY.num_experts_per_tok, routed_scaling_factor=TINY.routed_scaling_factor,
        scoring_func=TINY.scoring_func, num_hidden_layers=1,
    )
    torch.manual_seed(0)
    ref = DeepseekV4HashRouter(hf).double()
    ours = HashRouter(TINY).double()  # its own random table and weights, copied to transformers' router
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(3, 7, TINY.hidden_size, dtype=torch.float64)
    ids = torch.randint(0, TINY.vocab_size, (3, 7))
    with torch.no_grad():
        _, weights_hf, indices_hf = ref(x, ids)
        gates, chosen = ours(x.reshape(-1, TINY.hidden_size), ids)
    assert torch.equal(chosen, indices_hf)
    torch.testing.assert_close(gates, weights_hf, **FLOAT64_ONLY)


def test_layer_follows_the_hash_layer_equation():
    """h_t = sum_{i in hash(x_t)} g_i FFN_i(u_t), one token at a time (Roller sec. 3, DeepSeek-V4 gates)."""
    torch.manual_seed(1)
    moe = HashMoE(TINY).double()
    x = torch.randn(2, 5, TINY.hidden_size, dtype=torch.float64)
    ids = torch.randint(0, TINY.vocab_size, (2, 5))
    with torch.no_grad():
        got = moe(x, ids)
        inter = TINY.moe_intermediate_size
        for u, token, h in zip(x.reshape(-1, TINY.hidden_size), ids.flatten().tolist(), got.reshape(-1, TINY.hidden_size)):
            experts = moe.gate.tid2eid[token].tolist()
            s = [torch.nn.functional.softplus(u @ moe.gate.weight[e]).sqrt() for e in experts]
            want = sum(
                TINY.routed_scaling_factor * s_e / sum(s)
                * swiglu(u, *moe.gate_up_proj[e].split(inter), moe.down_proj[e]) for e, s_e in zip(experts, s)
            )
            torch.testing.assert_close(h, want, **FLOAT64_ONLY)


def test_the_token_id_alone_picks_the_experts():
    torch.manual_seed(2)
    table = random_hash_table(TINY.vocab_size, TINY.n_routed_experts, TINY.num_experts_per_tok)
    w = torch.randn(TINY.n_routed_experts, TINY.hidden_size)
    ids = torch.tensor([7, 7, 7, 3])
    _, chosen = hash_route(ids, torch.randn(4, TINY.hidden_size), w, table, TINY)  # three different contexts for id 7
    assert torch.equal(chosen[0], chosen[1]) and torch.equal(chosen[0], chosen[2])
    assert torch.equal(chosen, table[ids])
    assert all(len(set(row)) == TINY.num_experts_per_tok for row in table.tolist())  # k distinct experts


def test_balanced_table_evens_a_zipf_token_distribution():
    """Roller's balanced assignment vs a random hash on Zipf-distributed tokens (natural text is ~Zipf)."""
    vocab, experts, k = 2000, 16, 2
    counts = (1e6 / torch.arange(1, vocab + 1, dtype=torch.float64)).round()  # frequency ~ 1 / rank

    def imbalance(table):
        load = torch.zeros(experts, dtype=torch.float64).index_add_(0, table.flatten(), counts.repeat_interleave(k))
        return (load.max() / load.mean()).item()

    balanced, random = imbalance(balanced_hash_table(counts, experts, k)), imbalance(random_hash_table(vocab, experts, k))
    # measured 1.0004 vs 2.2 (1.7 to 2.2 over table seeds 0-4); the most frequent token alone is 12% of the text
    assert balanced < 1.1 < random
