"""DSA's indexer and top-k attention equal a naive computation of DeepSeek-V3.2's equations 1-2."""

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.dsa import DSA, DSAConfig, indexer_scores, select_topk  # noqa: E402
from lineage.techniques.mla import MLA, LatentCache, MLAConfig  # noqa: E402

# Both sides run wholly in float64 (the rope table, RMSNorm and softmax are computed in the caller's
# dtype when it is wider than float32), so the naive per-query loop and the batched module differ
# only in summation order: ~n * 2^-53 * |x| ~ 1e-14 here. 1e-10 leaves 4 orders of headroom and is
# 3 orders below one float32 rounding (6e-8), which is what broke these tests on AMD (issue 21).
FLOAT64 = dict(rtol=1e-10, atol=1e-10)

M = MLAConfig(hidden_size=32, num_heads=4, q_lora_rank=16, kv_lora_rank=8, qk_nope_head_dim=8, qk_rope_head_dim=4,
              v_head_dim=8)


def make(topk, seed=0):
    torch.manual_seed(seed)
    dsa = DSA(DSAConfig(mla=M, index_n_heads=3, index_head_dim=8, index_topk=topk)).double()
    for p in dsa.parameters():
        torch.nn.init.normal_(p, std=0.4)
    return dsa


def test_indexer_scores_match_equation_1():
    torch.manual_seed(0)
    q, k, w = torch.randn(1, 5, 3, 4, dtype=torch.float64), torch.randn(1, 7, 4, dtype=torch.float64), torch.randn(1, 5, 3, dtype=torch.float64)
    got = indexer_scores(q, k, w, 0.5)
    for t in range(5):
        for s in range(7):
            want = sum(w[0, t, j] * max(0.0, float(q[0, t, j] @ k[0, s]) * 0.5) for j in range(3))
            assert float(got[0, t, s]) == pytest.approx(float(want), abs=1e-12)


def test_selection_keeps_top_k_past_tokens_only():
    scores = torch.tensor([[[5.0, 1, 3, 2, 9], [1, 5, 3, 2, 9], [0, 1, 3, 2, 9]]])  # 3 queries over 5 tokens
    blocked = select_topk(scores, 2)  # queries sit at positions 2, 3, 4
    allowed = [set(torch.nonzero(~row).flatten().tolist()) for row in blocked[0]]
    assert allowed == [{0, 2}, {1, 2}, {2, 4}]


def naive_dsa(dsa: DSA, x):
    """Per query: gather the selected latents and run MLA attention over just those (eq. 2)."""
    c, d = dsa.cfg, dsa.dsa
    t_len = x.shape[1]
    out = []
    for t in range(t_len):
        c_q = dsa.q_a_layernorm(dsa.q_a_proj(x[:, t]))
        qi = dsa.wq_b(c_q).view(d.index_n_heads, d.index_head_dim)
        w = dsa.weights_proj(x[0, t]) * d.index_n_heads**-0.5
        keys = dsa.k_norm(dsa.wk(x[0, : t + 1]))
        scores = torch.stack([sum(w[j] * torch.relu(qi[j] @ keys[s] * d.index_head_dim**-0.5)
                                  for j in range(d.index_n_heads)) for s in range(t + 1)])
        chosen = scores.sort(descending=True, stable=True).indices[: d.index_topk].sort().values  # ties: earlier token
        # full MLA (plain path) on a sequence reduced to the chosen tokens, querying position t
        mla = MLA(c).double()
        mla.load_state_dict(dsa.state_dict(), strict=False)
        cache = LatentCache()
        with torch.no_grad():
            full = LatentCache()
            mla(x[:, : t + 1], 0, full)
        cache.append(full.c_kv[:, chosen], full.k_rope[:, chosen])
        # query t's own projections, attending over the cached subset (plain path, no mask)
        q_out = _attend_subset(mla, x[:, t : t + 1], t, cache)
        out.append(q_out)
    return torch.cat(out, 1)


def _attend_subset(mla, x, pos, cache):
    """MLA for one query at position ``pos`` over whatever the cache holds (no new token appended)."""
    from lineage.techniques.mla import apply_rope, attend_plain, rms_norm, rope_angles, split_kv_up

    c = mla.cfg
    q = mla.q_b_proj(rms_norm(mla.q_a_proj(x), mla.q_a_layernorm.weight, c.rms_norm_eps))
    q = q.view(1, 1, c.num_heads, c.qk_head_dim).transpose(1, 2)
    q_nope, q_rope = q.split([c.qk_nope_head_dim, c.qk_rope_head_dim], -1)
    cos, sin = rope_angles(torch.tensor([pos]), c.qk_rope_head_dim, c.rope_theta, x.dtype)
    w_uk, w_uv = split_kv_up(mla.kv_b_proj.weight, c)
    o = attend_plain(q_nope, apply_rope(q_rope, cos, sin), cache.c_kv, cache.k_rope, w_uk, w_uv, c.scale)
    return mla.o_proj(o.reshape(1, 1, -1))


def test_sparse_attention_matches_naive_top_k_attention():
    dsa = make(topk=3)
    x = torch.randn(1, 8, M.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(dsa(x), naive_dsa(dsa, x), **FLOAT64)


def test_cached_decode_matches_prefill():
    dsa = make(topk=3, seed=1)
    x = torch.randn(1, 8, M.hidden_size, dtype=torch.float64)
    cache = LatentCache()
    with torch.no_grad():
        full = dsa(x)
        steps = [dsa(x[:, :4], 0, cache)] + [dsa(x[:, t : t + 1], t, cache) for t in range(4, 8)]
    torch.testing.assert_close(torch.cat(steps, 1), full, **FLOAT64)


def test_with_k_at_least_the_context_it_is_dense_mla():
    dsa = make(topk=64, seed=2)
    mla = MLA(M).double()
    mla.load_state_dict(dsa.state_dict(), strict=False)
    x = torch.randn(2, 6, M.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(dsa(x), mla(x), **FLOAT64)
