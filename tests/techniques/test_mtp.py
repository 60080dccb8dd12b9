"""The MTP loss equals DeepSeek-V3's equations 21-25 computed naively, position by position."""

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.mtp import MTP, MTPConfig  # noqa: E402


def naive_mtp_loss(mtp: MTP, h_main, tokens):
    """Eq. 21-25 with explicit loops over depths and positions (TRM_k used as a black box)."""
    cfg, (b, t) = mtp.cfg, tokens.shape
    per_depth, h_prev = [], h_main
    for k, m in enumerate(mtp.modules_, start=1):
        rows = []
        for i in range(t - k):  # eq. 21, one position at a time
            hn = h_prev[:, i] / torch.sqrt(h_prev[:, i].pow(2).mean(-1, keepdim=True) + cfg.rms_norm_eps) * m.hnorm.weight
            e = mtp.embed.weight[tokens[:, i + k]]
            en = e / torch.sqrt(e.pow(2).mean(-1, keepdim=True) + cfg.rms_norm_eps) * m.enorm.weight
            rows.append(torch.cat([hn, en], -1) @ m.proj.weight.T)
        h_k = m.block(torch.stack(rows, 1))  # eq. 22
        nll = []
        for i in range(t - k - 1):  # eq. 23-24: position i predicts token i + k + 1
            logp = torch.log_softmax(mtp.head(h_k[:, i]), -1)
            nll.append(-logp[torch.arange(b), tokens[:, i + k + 1]])
        per_depth.append(torch.stack(nll).mean())
        h_prev = h_k
    return cfg.loss_weight / len(per_depth) * sum(per_depth)  # eq. 25


@pytest.mark.parametrize("depth", [1, 2])
def test_loss_matches_naive_equations(depth):
    torch.manual_seed(depth)
    cfg = MTPConfig(hidden_size=16, num_heads=2, depth=depth, loss_weight=0.3)
    embed, head = torch.nn.Embedding(50, 16), torch.nn.Linear(16, 50, bias=False)
    mtp = MTP(cfg, embed, head).double()
    tokens = torch.randint(0, 50, (3, 12))
    h = torch.randn(3, 12, 16, dtype=torch.float64)
    # float64 on both sides (module and naive loops); they differ only in summation order, ~1e-15
    # relative on a loss of ~4, so 1e-10 holds on any CPU and still fails on any float32 step (6e-8)
    torch.testing.assert_close(mtp(h, tokens), naive_mtp_loss(mtp, h, tokens), rtol=1e-10, atol=1e-10)


def test_embedding_and_head_are_shared_with_the_main_model():
    embed, head = torch.nn.Embedding(10, 8), torch.nn.Linear(8, 10, bias=False)
    mtp = MTP(MTPConfig(hidden_size=8, num_heads=2), embed, head)
    assert mtp.embed is embed and mtp.head is head
    loss = mtp(torch.randn(2, 6, 8), torch.randint(0, 10, (2, 6)))
    loss.backward()
    assert embed.weight.grad is not None and head.weight.grad is not None
